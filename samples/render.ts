/**
 * Renders the Kestrel Vale samples from their data description:
 *   samples/reference/*.csv (+ rates.xlsx)    from reference.data.ts
 *   samples/invoices/<file>.<pdf|xlsx|csv>    from invoices.data.ts, in each provider's layout
 *   samples/invoices/<file>.<ext>.expected.json  what `placement-audit invoices --format json`
 *                                                should print for that file (INTERFACES.md)
 * Run: npx tsx samples/render.ts   (output is deterministic: fixed dates in file metadata)
 */
import { mkdir, readdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Dec } from "../src/domain/money.js";
import { invoices, type InvoiceSpec } from "./invoices.data.js";
import { invoiceTotals, LAYOUT_EXTENSION, referenceXlsx, renderInvoice } from "./layouts.js";
import { referenceTables, XLSX_TABLES, type Table } from "./reference.data.js";
import { utcDate } from "./format.js";

const SAMPLES = path.dirname(fileURLToPath(import.meta.url));
const REFERENCE_DIR = path.join(SAMPLES, "reference");
const INVOICE_DIR = path.join(SAMPLES, "invoices");
const REFERENCE_DATE = utcDate("2026-11-02", 8);

export function invoiceFileName(spec: InvoiceSpec): string {
  return `${spec.file}.${LAYOUT_EXTENSION[spec.layout]}`;
}

const two = (value: string | null): string | null => (value === null ? null : new Dec(value).toFixed(2));

/** The invoice as INTERFACES.md's `invoices --format json` prints it (one array element). */
export function expectedInvoiceJson(spec: InvoiceSpec): Record<string, unknown> {
  const totals = invoiceTotals(spec);
  return {
    provider_id: spec.providerId,
    invoice_number: spec.number,
    invoice_date: spec.date,
    kind: spec.kind,
    credits_invoice: spec.creditsInvoice,
    period_from: spec.periodFrom,
    period_to: spec.periodTo,
    subtotal: totals.subtotal === null ? null : totals.subtotal.toFixed(2),
    vat: totals.vat === null ? null : totals.vat.toFixed(2),
    total: totals.total.toFixed(2),
    source_file: invoiceFileName(spec),
    lines: spec.lines.map((l) => ({
      child_ref: l.child,
      placement_ref: l.po,
      description: l.description,
      item: l.item,
      from: l.from ?? spec.periodFrom,
      to: l.to ?? spec.periodTo,
      quantity: two(l.quantity),
      unit: l.unit,
      unit_rate: two(l.rate),
      amount: two(l.amount),
    })),
  };
}

function csvCell(value: string): string {
  return /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function tableCsv(table: Table): string {
  const lines = [table.columns.join(","), ...table.rows.map((row) => table.columns.map((c) => csvCell(row[c] ?? "")).join(","))];
  return lines.join("\n") + "\n";
}

async function emptyDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const name of await readdir(dir)) await rm(path.join(dir, name));
}

async function main(): Promise<void> {
  await emptyDir(REFERENCE_DIR);
  for (const table of referenceTables) {
    if (XLSX_TABLES.has(table.name)) {
      await writeFile(path.join(REFERENCE_DIR, `${table.name}.xlsx`), await referenceXlsx(table.columns, table.rows, REFERENCE_DATE));
    } else {
      await writeFile(path.join(REFERENCE_DIR, `${table.name}.csv`), tableCsv(table), "utf8");
    }
  }
  await emptyDir(INVOICE_DIR);
  for (const spec of invoices) {
    const name = invoiceFileName(spec);
    await writeFile(path.join(INVOICE_DIR, name), await renderInvoice(spec));
    await writeFile(path.join(INVOICE_DIR, `${name}.expected.json`), JSON.stringify(expectedInvoiceJson(spec), null, 2) + "\n", "utf8");
  }
  process.stdout.write(`wrote ${referenceTables.length} reference tables and ${invoices.length} invoices\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  });
}
