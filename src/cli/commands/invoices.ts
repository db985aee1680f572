import { formatMoney } from "../../domain/money.js";
import { listExtractedInvoices, listNeedsAttentionFiles, type InvoiceJson, type NeedsAttentionJson } from "../../services/ingest/ingest-list.js";
import { listInvoicesToVerify, type ToVerifyJson } from "../../services/keying/to-verify-list.js";
import { parseCommandArgs, requireFormat, requireMonth } from "../args.js";
import { EXIT_OK, type Command } from "../command.js";
import { toCsv, toTable } from "../output.js";

/** CSV: one row per line, the invoice's header fields repeated (an invoice with no lines: one row). */
export const INVOICE_CSV_COLUMNS = [
  "provider_id", "invoice_number", "invoice_date", "kind", "credits_invoice", "period_from", "period_to", "subtotal", "vat", "total",
  "source_file", "line_no", "child_ref", "placement_ref", "description", "item", "from", "to", "quantity", "unit", "unit_rate", "amount",
] as const;

const NEEDS_ATTENTION_COLUMNS = ["file_id", "source_file", "received_at", "reason_code", "provider_id", "invoice_number", "reason", "evidence"] as const;

/** CSV and table: one row per file; its other problems follow the first, one per line of the cell. */
function needsAttentionRows(files: readonly NeedsAttentionJson[]): Record<string, unknown>[] {
  return files.map((f) => ({
    ...f,
    reason: f.problems.length > 1 ? f.problems.map((p) => `[${p.code}] ${p.message}`).join("\n") : f.reason,
    evidence: f.problems.length > 1 ? f.problems.map((p) => p.evidence ?? "").join("\n") : f.evidence,
  }));
}

const TO_VERIFY_COLUMNS = ["invoice_id", "provider_id", "invoice_number", "invoice_date", "total", "source_file", "received_at", "uncertain"] as const;

function toVerifyRows(invoices: readonly ToVerifyJson[]): Record<string, unknown>[] {
  return invoices.map((i) => ({ ...i, uncertain: i.uncertain.map((u) => `${u.field}: ${u.reason}`).join("\n") }));
}

/** A list as JSON (the items), CSV (the rows) or a table (the rows, then a count). */
function writeList(out: NodeJS.WritableStream, format: string, items: unknown, columns: readonly string[], rows: Record<string, unknown>[], count: string): void {
  if (format === "json") out.write(`${JSON.stringify(items, null, 2)}\n`);
  else if (format === "csv") out.write(toCsv(columns, rows));
  else out.write(`${toTable(columns, rows)}${count}\n`);
}

function csvRows(invoices: readonly InvoiceJson[]): Record<string, unknown>[] {
  return invoices.flatMap((invoice) => {
    const { lines, ...header } = invoice;
    if (lines.length === 0) return [{ ...header }];
    return lines.map((line, index) => ({ ...header, line_no: index + 1, ...line }));
  });
}

function table(invoices: readonly InvoiceJson[]): string {
  const rows = invoices.map((invoice) => ({
    provider: invoice.provider_id,
    number: invoice.invoice_number,
    date: invoice.invoice_date,
    kind: invoice.kind === "credit_note" ? `credit note${invoice.credits_invoice ? ` for ${invoice.credits_invoice}` : ""}` : "invoice",
    period: invoice.period_from && invoice.period_to ? `${invoice.period_from} to ${invoice.period_to}` : "",
    lines: invoice.lines.length,
    total: formatMoney(invoice.total),
    file: invoice.source_file,
  }));
  return toTable(["provider", "number", "date", "kind", "period", "lines", "total", "file"], rows, ["lines", "total"]);
}

export const invoicesCommand: Command = {
  name: "invoices",
  help: [
    "Prints the invoices and credit notes as read from the providers' files, with their lines.",
    "json: an array of invoices (provider_id, invoice_number, invoice_date, kind, credits_invoice, period_from,",
    "period_to, subtotal, vat, total, source_file, lines[] with child_ref, placement_ref, description, item, from,",
    "to, quantity, unit, unit_rate, amount). csv: one row per line. table: one row per invoice.",
    "",
    "  --month YYYY-MM     only invoices dated in that month",
    "  --provider ID       only that provider's invoices",
    "  --needs-attention   instead, the files that could not be read and why (--month does not apply):",
    "                      json gives file_id, source_file, sha256, received_at, reason_code (stable), reason,",
    "                      evidence (the text it stopped at, quoted), provider_id and invoice_number when read,",
    "                      and problems[] (every problem of the file: code, message, evidence)",
    "  --to-verify         instead, the invoices read with values that are not certain, waiting for a person",
    "                      (not audited until verified on the keying screen): invoice_id, provider_id,",
    "                      invoice_number, invoice_date, total, source_file, received_at and uncertain[]",
    "                      (field, reason, candidates)",
    "  --format F          json, csv or table (default table)",
  ].join("\n"),
  async run(args, context) {
    const { values } = parseCommandArgs(args, { month: { type: "string" }, provider: { type: "string" }, "needs-attention": { type: "boolean" }, "to-verify": { type: "boolean" }, format: { type: "string" } });
    const format = requireFormat(values.format);
    const month = requireMonth(values.month);
    const db = await context.database();
    if (values["to-verify"]) {
      const invoices = await listInvoicesToVerify(db, { authorityId: await context.authorityId() });
      writeList(context.stdout, format, invoices, TO_VERIFY_COLUMNS, toVerifyRows(invoices), `${invoices.length} invoice(s) to verify`);
      return EXIT_OK;
    }
    if (values["needs-attention"]) {
      const files = await listNeedsAttentionFiles(db, { authorityId: await context.authorityId() });
      writeList(context.stdout, format, files, NEEDS_ATTENTION_COLUMNS, needsAttentionRows(files), `${files.length} file(s) need attention`);
      return EXIT_OK;
    }
    const invoices = await listExtractedInvoices(db, {
      authorityId: await context.authorityId(),
      ...(month ? { month } : {}),
      ...(values.provider ? { providerId: values.provider } : {}),
    });
    if (format === "json") context.stdout.write(`${JSON.stringify(invoices, null, 2)}\n`);
    else if (format === "csv") context.stdout.write(toCsv(INVOICE_CSV_COLUMNS, csvRows(invoices)));
    else {
      context.stdout.write(table(invoices));
      context.stdout.write(`${invoices.length} invoice(s)\n`);
    }
    return EXIT_OK;
  },
};
