import { parseCommandArgs, requireFormat, requireMonth } from "../args.js";
import { EXIT_OK, type Command } from "../command.js";
import { toCsv, toTable } from "../output.js";
import { FINDING_COLUMNS, listFindings } from "../../services/review/list-findings.js";
import { formatMoney } from "../../domain/money.js";

/** A terminal's table: the identifying columns first, the long explanation last. */
const TABLE_COLUMNS = [
  "id", "provider_id", "invoice_number", "invoice_date", "line", "child_ref", "rule", "category", "amount", "recovered_amount", "outstanding", "status", "explanation",
] as const satisfies readonly (typeof FINDING_COLUMNS)[number][];

export const findingsCommand: Command = {
  name: "findings",
  help: [
    "Prints the audit's findings: provider_id, invoice_number, child_ref, rule, category, amount, status, explanation,",
    "then id, invoice_date, line (0 for the whole invoice), recovered_amount (recovered so far) and",
    "outstanding (still owed by the provider: confirmed and recovered findings only).",
    "",
    "  --month YYYY-MM   only invoices dated in that month",
    "  --provider ID     only that provider's findings",
    "  --status S        open, confirmed, recovered, dismissed or superseded (default: all but superseded)",
    "  --format F        json, csv or table (default table)",
  ].join("\n"),
  async run(args, context) {
    const { values } = parseCommandArgs(args, { month: { type: "string" }, status: { type: "string" }, provider: { type: "string" }, format: { type: "string" } });
    const format = requireFormat(values.format);
    const month = requireMonth(values.month);
    const db = await context.database();
    const findings = await listFindings(db, {
      authorityId: await context.authorityId(),
      ...(month ? { month } : {}),
      ...(values.status ? { status: values.status } : {}),
      ...(values.provider ? { providerId: values.provider } : {}),
    });
    if (format === "json") context.stdout.write(`${JSON.stringify(findings, null, 2)}\n`);
    else if (format === "csv") context.stdout.write(toCsv(FINDING_COLUMNS, findings));
    else {
      const rows = findings.map((f) => ({ ...f, amount: formatMoney(f.amount), recovered_amount: formatMoney(f.recovered_amount), outstanding: formatMoney(f.outstanding) }));
      context.stdout.write(toTable(TABLE_COLUMNS, rows, ["id", "line", "amount", "recovered_amount", "outstanding"]));
      context.stdout.write(`${findings.length} finding(s)\n`);
    }
    return EXIT_OK;
  },
};
