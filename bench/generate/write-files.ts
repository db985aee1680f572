/**
 * Writes a generated authority as files a council would hold: the DATA.md reference tables as
 * CSV, and each invoice as a provider would send it, as CSV, XLSX or PDF. The layouts use
 * DATA.md's label spellings (Invoice No, Invoice Date, Period, Child Ref, PO Number, …), UK
 * dates and £ amounts, so the importer and the ingestion read them back as generated.
 */
import fs from "node:fs";
import path from "node:path";
import type { ReferenceData } from "../../src/domain/reference.js";
import { pdfkitLayout, tableOps, type TableColumn, type TextOp } from "../../tests/fixtures/invoices/pdf-builders.js";
import { csvText, xlsxWorkbook, type CellValue } from "../../tests/fixtures/invoices/spreadsheet-builders.js";
import type { GeneratedInvoice } from "./invoices.js";

export type InvoiceFormat = "csv" | "xlsx" | "pdf";

function csvFile(columns: readonly string[], rows: readonly (readonly (string | number | boolean | null)[])[]): string {
  return csvText([columns, ...rows.map((row) => row.map((v) => (v === null ? "" : String(v))))], ",");
}

/** The eight DATA.md tables as `<table>.csv` in `dir`. */
export function writeReferenceFiles(dir: string, ref: ReferenceData): string[] {
  fs.mkdirSync(dir, { recursive: true });
  const tables: [string, string][] = [
    ["providers", csvFile(["provider_id", "name", "kind", "vat_number", "aliases"], ref.providers.map((p) => [p.providerId, p.name, p.kind, p.vatNumber, p.aliases.join("|")]))],
    [
      "contracts",
      csvFile(
        ["contract_id", "provider_id", "title", "start_date", "end_date", "pay_departure_day", "absence_retainer_pct", "absence_retainer_max_nights", "vat_exempt"],
        ref.contracts.map((c) => [c.contractId, c.providerId, c.title, c.startDate, c.endDate, c.payDepartureDay, c.absenceRetainerPct, c.absenceRetainerMaxNights, c.vatExempt]),
      ),
    ],
    ["rates", csvFile(["contract_id", "item", "service_level", "unit", "rate", "effective_from", "effective_to"], ref.rates.map((r) => [r.contractId, r.item, r.serviceLevel, r.unit, r.rate, r.effectiveFrom, r.effectiveTo]))],
    [
      "placements",
      csvFile(
        ["placement_id", "child_ref", "provider_id", "contract_id", "service_level", "start_date", "end_date", "weekly_fee", "sibling_group", "po_number"],
        ref.placements.map((p) => [p.placementId, p.childRef, p.providerId, p.contractId, p.serviceLevel, p.startDate, p.endDate, p.weeklyFee, p.siblingGroup, p.poNumber]),
      ),
    ],
    ["placement_fees", csvFile(["placement_id", "effective_from", "weekly_fee"], ref.placementFees.map((f) => [f.placementId, f.effectiveFrom, f.weeklyFee]))],
    ["packages", csvFile(["placement_id", "item", "unit", "rate", "max_per_week", "effective_from", "effective_to"], ref.packages.map((p) => [p.placementId, p.item, p.unit, p.rate, p.maxPerWeek, p.effectiveFrom, p.effectiveTo]))],
    [
      "discounts",
      csvFile(
        ["discount_id", "provider_id", "contract_id", "kind", "percent", "threshold", "effective_from", "effective_to", "description"],
        ref.discounts.map((d) => [d.discountId, d.providerId, d.contractId, d.kind, d.percent, d.threshold, d.effectiveFrom, d.effectiveTo, d.description]),
      ),
    ],
    ["absences", csvFile(["placement_id", "from_date", "to_date", "reason"], ref.absences.map((a) => [a.placementId, a.fromDate, a.toDate, a.reason]))],
  ];
  return tables.map(([name, text]) => {
    const file = path.join(dir, `${name}.csv`);
    fs.writeFileSync(file, text);
    return file;
  });
}

const ukDate = (iso: string | null): string => (iso === null ? "" : `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`);
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const monthText = (iso: string): string => `${MONTHS[Number(iso.slice(5, 7)) - 1] ?? ""} ${iso.slice(0, 4)}`;

/** "£1,234.56", "-£10.00". */
function pounds(amount: string): string {
  const negative = amount.startsWith("-");
  const [whole = "0", pence = "00"] = (negative ? amount.slice(1) : amount).split(".");
  return `${negative ? "-" : ""}£${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",")}.${pence.padEnd(2, "0")}`;
}

const unitText = (unit: string | null, quantity: string | null): string => (unit === null ? "" : quantity === "1" ? unit : `${unit}s`);

interface Header {
  providerName: string;
  vatNumber: string | null;
}

const LINE_HEADINGS = ["Child Ref", "PO Number", "Description", "From", "To", "Qty", "Unit", "Rate", "Amount"];

function lineCells(invoice: GeneratedInvoice): string[][] {
  return invoice.lines.map((l) => [
    l.childRef ?? "", l.placementRef ?? "", l.description, ukDate(l.from), ukDate(l.to), l.quantity ?? "", unitText(l.unit, l.quantity), l.unitRate === null ? "" : pounds(l.unitRate), pounds(l.amount),
  ]);
}

function totalsRows(invoice: GeneratedInvoice): [string, string][] {
  return [["Subtotal", pounds(invoice.subtotal ?? "0.00")], ["VAT", pounds(invoice.vat ?? "0.00")], ["Total Due", pounds(invoice.total)]];
}

function renderCsv(invoice: GeneratedInvoice, header: Header): Buffer {
  // One row per line with the invoice fields repeated, as finance systems export them.
  const columns = ["Supplier", "VAT No", "Invoice No", "Invoice Date", "Period", ...LINE_HEADINGS];
  const fields = [header.providerName, header.vatNumber ?? "", invoice.invoiceNumber, ukDate(invoice.invoiceDate), `${ukDate(invoice.periodFrom)} - ${ukDate(invoice.periodTo)}`];
  const rows = lineCells(invoice).map((cells) => [...fields, ...cells]);
  const blank = new Array<string>(columns.length - 2).fill("");
  for (const [label, value] of totalsRows(invoice)) rows.push([...blank, label, value]);
  return Buffer.from(csvText([columns, ...rows], ","), "utf8");
}

async function renderXlsx(invoice: GeneratedInvoice, header: Header): Promise<Buffer> {
  const utc = (iso: string | null): Date | null => (iso === null ? null : new Date(`${iso}T00:00:00Z`));
  const rows: CellValue[][] = [
    [header.providerName],
    [header.vatNumber === null ? null : "VAT Reg No", header.vatNumber],
    ["Invoice No", invoice.invoiceNumber],
    ["Invoice Date", utc(invoice.invoiceDate)],
    ["Period", monthText(invoice.periodFrom ?? invoice.invoiceDate)],
    [],
    LINE_HEADINGS,
    ...invoice.lines.map((l): CellValue[] => [
      l.childRef, l.placementRef, l.description, utc(l.from), utc(l.to), l.quantity === null ? null : Number(l.quantity), unitText(l.unit, l.quantity),
      l.unitRate === null ? null : Number(l.unitRate), Number(l.amount),
    ]),
    [],
    ...totalsRows(invoice).map(([label], i): CellValue[] => [null, null, null, null, null, null, null, label, Number([invoice.subtotal ?? "0", invoice.vat ?? "0", invoice.total][i])]),
  ];
  return xlsxWorkbook([{ name: "Invoice", rows }]);
}

const PDF_COLUMNS: readonly TableColumn[] = [
  { x: 30 }, { x: 78 }, { x: 136 }, { x: 236 }, { x: 290 }, { x: 340, width: 24, align: "right" }, { x: 372 }, { x: 410, width: 56, align: "right" }, { x: 476, width: 90, align: "right" },
];
const PDF_ROWS_PER_PAGE = 40;

async function renderPdf(invoice: GeneratedInvoice, header: Header): Promise<Buffer> {
  const rows = lineCells(invoice);
  const pages = Math.max(1, Math.ceil(rows.length / PDF_ROWS_PER_PAGE));
  const ops: TextOp[] = [
    { x: 30, y: 50, text: header.providerName, size: 14, bold: true },
    ...(header.vatNumber === null ? [] : [{ x: 30, y: 66, text: `VAT Reg No: ${header.vatNumber}` }]),
    { x: 360, y: 50, text: "INVOICE", size: 14, bold: true },
    { x: 360, y: 66, text: `Invoice No: ${invoice.invoiceNumber}` },
    { x: 360, y: 78, text: `Invoice Date: ${ukDate(invoice.invoiceDate)}` },
    { x: 360, y: 90, text: `Period: ${monthText(invoice.periodFrom ?? invoice.invoiceDate)}` },
  ];
  let running = 0;
  for (let page = 1; page <= pages; page++) {
    const pageRows = rows.slice((page - 1) * PDF_ROWS_PER_PAGE, page * PDF_ROWS_PER_PAGE);
    const top = page === 1 ? 120 : 70;
    const carried: string[][] = page > 1 ? [["", "", "Brought forward", "", "", "", "", "", pounds((running / 100).toFixed(2))]] : [];
    const body = [...carried, ...pageRows];
    for (const row of pageRows) running += Math.round(Number((row[8] ?? "0").replace(/[£,]/g, "")) * 100);
    if (page > 1) ops.push({ page, x: 30, y: 50, text: `${header.providerName} - Invoice No: ${invoice.invoiceNumber} (continued)` });
    ops.push(...tableOps(PDF_COLUMNS, [LINE_HEADINGS, ...body].map((r) => r.map((c) => c)), top, 13, page).map((op) => ({ ...op, size: 7.5 })));
    const after = top + (body.length + 1) * 13 + 6;
    if (page < pages) {
      ops.push({ page, x: 136, y: after, text: "Carried forward", size: 7.5 }, { page, x: 476, y: after, width: 90, align: "right", text: pounds((running / 100).toFixed(2)), size: 7.5 });
    } else {
      totalsRows(invoice).forEach(([label, value], i) => {
        ops.push({ page, x: 400, y: after + i * 13, text: label, bold: i === 2 }, { page, x: 476, y: after + i * 13, width: 90, align: "right", text: value, bold: i === 2 });
      });
    }
  }
  return pdfkitLayout({ pages, ops });
}

/** Writes one invoice in `format` into `dir`; returns the file's path. */
export async function writeInvoiceFile(dir: string, invoice: GeneratedInvoice, format: InvoiceFormat, ref: ReferenceData): Promise<string> {
  const provider = ref.providers.find((p) => p.providerId === invoice.providerId);
  const header: Header = { providerName: provider?.name ?? invoice.providerId, vatNumber: provider?.vatNumber ?? null };
  const bytes = format === "csv" ? renderCsv(invoice, header) : format === "xlsx" ? await renderXlsx(invoice, header) : await renderPdf(invoice, header);
  const file = path.join(dir, `${invoice.fileName}.${format}`);
  fs.writeFileSync(file, bytes);
  return file;
}
