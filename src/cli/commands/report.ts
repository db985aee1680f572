import fs from "node:fs";
import path from "node:path";
import { AppError } from "../../domain/errors.js";
import { formatMoney } from "../../domain/money.js";
import { periodLabel, resolvePeriod } from "../../domain/months.js";
import { buildQueryPackWorkbook, queryPackHtml } from "../../services/reports/query-pack.js";
import { listProviders } from "../../db/queries/providers.query.js";
import { buildSavingsWorkbook, savingsFigures, writeWorkbookFile } from "../../services/reports/savings-report.js";
import { parseCommandArgs } from "../args.js";
import { EXIT_OK, type Command, type CommandContext } from "../command.js";

/** `--out` must name a file we may create: its folder exists and it has the right extension. */
function outputFile(value: string | undefined, extensions: readonly string[]): string {
  if (!value) throw new AppError("usage", `--out FILE is required (${extensions.join(" or ")})`);
  const file = path.resolve(value);
  if (!extensions.includes(path.extname(file).toLowerCase())) throw new AppError("usage", `--out must end in ${extensions.join(" or ")}, not "${value}"`);
  if (!fs.existsSync(path.dirname(file))) throw new AppError("usage", `the folder of --out does not exist: ${path.dirname(file)}`);
  return file;
}

async function savings(args: string[], context: CommandContext): Promise<number> {
  const { values } = parseCommandArgs(args, { from: { type: "string" }, to: { type: "string" }, out: { type: "string" }, provider: { type: "string" } });
  const period = resolvePeriod({ from: values.from, to: values.to });
  const file = outputFile(values.out, [".xlsx"]);
  const db = await context.database();
  const authorityId = await context.authorityId();
  const query = { ...period, authorityId, ...(values.provider ? { providerId: values.provider } : {}) };
  if (values.provider) {
    const known = (await listProviders(db, { authorityId })).some((p) => p.providerId === values.provider);
    if (!known) throw new AppError("usage", `there is no provider "${values.provider}"`);
  }
  const workbook = await buildSavingsWorkbook(db, query);
  await writeWorkbookFile(workbook, file);
  const { totals } = await savingsFigures(db, query);
  context.logger.info("savings report written", { from: period.from, to: period.to, findings: totals.findings });
  context.stdout.write(
    `Wrote the savings report for ${periodLabel(period)} to ${file}: identified ${formatMoney(totals.identified)}, ` +
      `realised ${formatMoney(totals.realised)}, at risk ${formatMoney(totals.atRisk)}, dismissed ${formatMoney(totals.dismissed)} ` +
      `(${totals.findings} finding(s)).\n`,
  );
  return EXIT_OK;
}

async function queryPack(args: string[], context: CommandContext): Promise<number> {
  const { values } = parseCommandArgs(args, { provider: { type: "string" }, out: { type: "string" } });
  if (!values.provider) throw new AppError("usage", "--provider ID is required");
  const file = outputFile(values.out, [".xlsx", ".html"]);
  const db = await context.database();
  const options = { authorityId: await context.authorityId() };
  try {
    if (path.extname(file).toLowerCase() === ".html") {
      const html = await queryPackHtml(db, values.provider, options);
      fs.writeFileSync(file, html, "utf8");
    } else {
      await writeWorkbookFile(await buildQueryPackWorkbook(db, values.provider, options), file);
    }
  } catch (error) {
    if (error instanceof AppError && error.code === "not_found") throw new AppError("usage", `there is no provider "${values.provider}"`);
    throw error;
  }
  context.stdout.write(`Wrote the query pack for ${values.provider} to ${file}.\n`);
  return EXIT_OK;
}

export const reportCommand: Command = {
  name: "report",
  help: [
    "report savings [--from YYYY-MM] [--to YYYY-MM] [--provider ID] --out FILE.xlsx",
    "  The commissioners' savings workbook (sheets Summary, By month, By provider, By rule, Findings) for",
    "  invoices dated in the months --from to --to, both included.",
    "  --to defaults to last month (Europe/London); --from to April, the start of the financial year",
    "  containing --to. So with neither, the report is the financial year to date.",
    "  --provider limits the report to one provider.",
    "",
    "report query-pack --provider ID --out FILE.xlsx|FILE.html",
    "  One provider's confirmed findings, to send as a formal query: a workbook, or a printable page.",
    "",
    "Identified = confirmed + recovered findings (full amount); realised = money recovered (recorded",
    "recovered amounts, credit notes included); at risk = open findings; dismissed apart; superseded never.",
  ].join("\n"),
  async run(args, context) {
    const [subcommand, ...rest] = args;
    if (subcommand === "savings") return savings(rest, context);
    if (subcommand === "query-pack") return queryPack(rest, context);
    throw new AppError("usage", subcommand ? `unknown report "${subcommand}": use "savings" or "query-pack"` : `name a report: "savings" or "query-pack"`);
  },
};
