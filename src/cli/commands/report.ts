import fs from "node:fs";
import path from "node:path";
import { AppError, isAppError } from "../../domain/errors.js";
import { isQuarter } from "../../domain/quarters.js";
import { buildConsortiumWorkbook } from "../../reports/consortium.workbook.js";
import { consortiumBenchmarkByCode } from "../../services/consortium/consortium-benchmark.js";
import { formatMoney } from "../../domain/money.js";
import { periodLabel, resolvePeriod } from "../../domain/months.js";
import { missingCouncilDetails, providersToQuery, queryPackData } from "../../services/reports/query-pack.js";
import { queryPackWorkbook } from "../../reports/query-pack.js";
import { renderQueryPackPage } from "../../reports/render.js";
import { formatDate } from "../../domain/dates.js";
import { listProviders } from "../../db/queries/providers.query.js";
import { buildSavingsWorkbook, savingsFigures, writeWorkbookFile } from "../../services/reports/savings-report.js";
import { parseCommandArgs } from "../args.js";
import { EXIT_OK, EXIT_REJECTED, type Command, type CommandContext } from "../command.js";

/** `--out` must name a file we may create: its folder exists and it has the right extension. */
function outputFile(value: string | undefined, extensions: readonly string[]): string {
  if (!value) throw new AppError("usage", `--out FILE is required (${extensions.join(" or ")})`);
  const file = path.resolve(value);
  if (!extensions.includes(path.extname(file).toLowerCase())) throw new AppError("usage", `--out must end in ${extensions.join(" or ")}, not "${value}"`);
  if (!fs.existsSync(path.dirname(file))) throw new AppError("usage", `the folder of --out does not exist: ${path.dirname(file)}`);
  return file;
}

async function consortium(args: string[], context: CommandContext): Promise<number> {
  const { values } = parseCommandArgs(args, { consortium: { type: "string" }, quarter: { type: "string" }, out: { type: "string" } });
  const file = outputFile(values.out, [".xlsx"]);
  if (values.quarter !== undefined && !isQuarter(values.quarter)) throw new AppError("usage", `--quarter is written like 2026-Q3, not "${values.quarter}"`);
  let benchmark;
  try {
    benchmark = await consortiumBenchmarkByCode(await context.database(), values.consortium, { quarter: values.quarter });
  } catch (error) {
    if (isAppError(error) && error.code === "validation") throw new AppError("usage", error.message);
    throw error;
  }
  await buildConsortiumWorkbook(benchmark).xlsx.writeFile(file);
  context.stdout.write(`Wrote ${file}: ${benchmark.consortium.name}, ${benchmark.quarterLabel}, ${benchmark.services.length} services.\n`);
  return EXIT_OK;
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
  const db = await context.database();
  const options = { authorityId: await context.authorityId() };
  const missing = await missingCouncilDetails(db, options.authorityId);
  if (missing.length > 0) {
    context.stderr.write(`Note: the council's ${missing.join(" and ")} ${missing.length === 1 ? "is" : "are"} not set, so the pack does not give ${missing.length === 1 ? "it" : "them"}: see \`placement-audit authority set --help\`.\n`);
  }
  if (!values.provider) {
    // Every provider with something to query: one page and one workbook each, in the folder --out.
    if (!values.out || !fs.existsSync(values.out) || !fs.statSync(values.out).isDirectory()) {
      throw new AppError("usage", "give --provider ID --out FILE.xlsx|FILE.html, or --out FOLDER (an existing folder) for every provider with something to query");
    }
    const providers = await providersToQuery(db, options.authorityId);
    for (const provider of providers) {
      const pack = await queryPackData(db, provider.providerId, options);
      const base = path.join(path.resolve(values.out), `query-${provider.providerId.replace(/[^A-Za-z0-9_-]/g, "_")}`);
      fs.writeFileSync(`${base}.html`, renderQueryPackPage(pack), "utf8");
      await writeWorkbookFile(queryPackWorkbook(pack), `${base}.xlsx`);
      context.stdout.write(`${provider.name}: ${pack.lines.length} item(s), ${formatMoney(pack.total)} still owed, reference ${pack.reference} → ${base}.html and .xlsx\n`);
    }
    if (providers.length === 0) context.stdout.write("No provider has anything to query: no confirmed finding is still owed.\n");
    return EXIT_OK;
  }
  const file = outputFile(values.out, [".xlsx", ".html"]);
  let pack;
  try {
    pack = await queryPackData(db, values.provider, options);
  } catch (error) {
    if (error instanceof AppError && error.code === "not_found") throw new AppError("usage", `there is no provider "${values.provider}"`);
    throw error;
  }
  if (pack.lines.length === 0) {
    context.stderr.write(`placement-audit report: nothing to query with ${pack.provider.name}: no confirmed finding is still owed. No file written.\n`);
    return EXIT_REJECTED;
  }
  if (path.extname(file).toLowerCase() === ".html") fs.writeFileSync(file, renderQueryPackPage(pack), "utf8");
  else await writeWorkbookFile(queryPackWorkbook(pack), file);
  context.stdout.write(`Wrote the query pack for ${pack.provider.name} to ${file}: ${pack.lines.length} item(s), ${formatMoney(pack.total)} still owed, reference ${pack.reference}, reply by ${formatDate(pack.replyBy)}.\n`);
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
    "report query-pack --out FOLDER",
    "report consortium [--consortium CODE] [--quarter 2026-Q3] --out FILE.xlsx",
    "  The consortium's prices paid and charged per provider and service, each member against the",
    "  median, the framework rate and the drift per quarter: aggregated in the database, groups of",
    "  fewer than 5 placements suppressed (README \"Consortium benchmarking\").",
    "  A provider's findings still owed (confirmed, or recovered in part), to send as a formal query:",
    "  a printable page (A4) or a workbook, with the council's details (`authority set`), a reference and",
    "  a reply-by date. With a folder, one page and one workbook for every provider with something to",
    "  query. A provider with nothing to query gets no pack (exit status 1).",
    "",
    "Identified = confirmed + recovered findings (full amount); realised = money recovered (recorded",
    "recovered amounts, credit notes included); at risk = open findings; dismissed apart; superseded never.",
  ].join("\n"),
  async run(args, context) {
    const [subcommand, ...rest] = args;
    if (subcommand === "savings") return savings(rest, context);
    if (subcommand === "query-pack") return queryPack(rest, context);
    if (subcommand === "consortium") return consortium(rest, context);
    throw new AppError("usage", subcommand ? `unknown report "${subcommand}": use "savings", "query-pack" or "consortium"` : `name a report: "savings", "query-pack" or "consortium"`);
  },
};
