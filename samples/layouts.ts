/**
 * The eight providers' invoice layouts. Each uses DATA.md label spellings, but a different
 * selection of them, and its own date and money spellings:
 *
 * | layout      | file | producer | invoice no     | date label    | child / placement   | quantity      | money           |
 * |-------------|------|----------|----------------|---------------|---------------------|---------------|-----------------|
 * | brightfield | PDF  | pdfkit   | Invoice No     | Invoice Date  | Child Ref           | Qty + Unit    | £1,234.56       |
 * | hillcrest   | PDF  | pdfkit   | Inv No         | Tax Point     | PO Number           | Qty + Unit    | 1234.56, (10.00)|
 * | harbour     | PDF  | pdfkit   | Invoice Ref    | Date          | Client Ref          | Nights        | 1,234.56        |
 * | cedar       | PDF  | pdf-lib  | Invoice Number | Date of Issue | Young Person        | Quantity + Per| 1,234.56 GBP    |
 * | nestwood    | PDF  | pdf-lib  | Invoice #      | Invoice Date  | Placement Ref       | No. of nights | £1,234.56       |
 * | riverside   | XLSX | exceljs  | Invoice Number | Tax Point     | YP Ref + Placement Ref | Quantity + UoM | number cells |
 * | oakleaf     | CSV ;| –        | Invoice No     | Invoice Date  | Child Ref + PO Number | Nights      | 1234.56         |
 * | stepping    | CSV  | –        | Invoice Number | Date of Issue | Client Ref + Purchase Order | Quantity + Unit | "£1,234.56" |
 */
import ExcelJS from "exceljs";
import { Dec } from "../src/domain/money.js";
import type { InvoiceSpec, LayoutId, LineSpec } from "./invoices.data.js";
import { openCanvas, PAGE_WIDTH, type Canvas } from "./pdf-canvas.js";
import * as f from "./format.js";

export const LAYOUT_EXTENSION: Readonly<Record<LayoutId, "pdf" | "xlsx" | "csv">> = {
  brightfield: "pdf", hillcrest: "pdf", harbour: "pdf", cedar: "pdf", nestwood: "pdf", riverside: "xlsx", oakleaf: "csv", stepping: "csv",
};

/** Layouts that print no subtotal row (and then no VAT row either when the invoice has none). */
const NO_SUBTOTAL: ReadonlySet<LayoutId> = new Set(["oakleaf"]);

export interface Totals {
  subtotal: Dec | null;
  vat: Dec | null;
  total: Dec;
}

/** What the invoice prints at the foot: the sum of its printed lines, its VAT, its total due. */
export function invoiceTotals(spec: InvoiceSpec): Totals {
  const sum = spec.lines.reduce((acc, l) => acc.plus(l.amount), new Dec(0));
  const vat = spec.vat === null ? null : new Dec(spec.vat);
  const total = spec.totalOverride !== undefined ? new Dec(spec.totalOverride) : sum.plus(vat ?? 0);
  return { subtotal: NO_SUBTOTAL.has(spec.layout) ? null : sum, vat, total };
}

interface ProviderLetterhead {
  name: string;
  address: string;
  contact: string;
}

const LETTERHEAD: Readonly<Record<string, ProviderLetterhead>> = {
  // Brightfield prints its trading name, one of the aliases in providers.csv.
  BRF: { name: "Brightfield Foster Care", address: "Unit 4, Marlow Court, Kestrel Vale KV3 8PQ", contact: "Tel 01632 960418  accounts@brightfield.example" },
  HIL: { name: "Hillcrest Children's Homes Ltd", address: "12 Hillcrest Road, Kestrel Vale KV5 2HD", contact: "finance@hillcrest-homes.example" },
  HAR: { name: "Harbour Short Breaks CIC", address: "The Old Boathouse, Quay Street, Kestrel Vale KV9 4QS", contact: "Tel 01632 960771" },
  CED: { name: "Cedar House Care Ltd", address: "Cedar House, 3 Orchard Lane, Kestrel Vale KV2 6CH", contact: "invoices@cedarhouse.example" },
  NES: { name: "Nestwood Parent and Child Centre Ltd", address: "Nestwood Hall, Fenby Lane, Kestrel Vale KV7 3NW", contact: "Tel 01632 960235" },
  RIV: { name: "Riverside Supported Living Ltd", address: "7 Mill Wharf, Kestrel Vale KV4 9RS", contact: "accounts@riverside-living.example" },
  OAK: { name: "Oakleaf Family Placements CIC", address: "", contact: "" },
  STP: { name: "Stepping Stones Futures Ltd", address: "", contact: "" },
};

const VAT_NUMBERS: Readonly<Record<string, string>> = {
  BRF: "GB284619307", HIL: "GB301558842", HAR: "GB845120663", CED: "GB417702936", NES: "GB738264190", RIV: "GB552018374", STP: "GB609437251",
};

const CUSTOMER = ["Kestrel Vale Council", "Children's Services – Placements Finance", "Civic Centre, Kestrel Vale KV1 1AA"];

function letterhead(spec: InvoiceSpec): ProviderLetterhead {
  const head = LETTERHEAD[spec.providerId];
  if (!head) throw new Error(`no letterhead for ${spec.providerId}`);
  return head;
}

function vatNumber(spec: InvoiceSpec): string {
  const vat = VAT_NUMBERS[spec.providerId];
  if (!vat) throw new Error(`no VAT number for ${spec.providerId}`);
  return vat;
}

/** A credit note prints its amounts negative; the data gives them positive. */
function printedAmount(spec: InvoiceSpec, amount: string | Dec): string {
  const value = new Dec(amount);
  return (spec.kind === "credit_note" ? value.negated() : value).toFixed(2);
}

// ---------------------------------------------------------------------------------------------
// PDF tables

interface Column {
  header: string;
  left: number;
  right: number;
  align?: "left" | "right";
  cell: (line: LineSpec) => string;
}

/** Draws one row of cells, refusing any cell that would spill into the next column. */
function drawRow(canvas: Canvas, columns: readonly Column[], cells: readonly string[], y: number, size: number, bold = false): void {
  columns.forEach((column, i) => {
    const value = cells[i] ?? "";
    if (value === "") return;
    const width = canvas.measure(value, size, bold);
    if (width > column.right - column.left + 0.01) throw new Error(`"${value}" is ${width.toFixed(1)}pt, wider than column ${column.header}`);
    canvas.text(value, column.align === "right" ? column.right : column.left, y, { size, bold, align: column.align ?? "left" });
  });
}

function drawHeaderRow(canvas: Canvas, columns: readonly Column[], y: number, size: number): void {
  drawRow(canvas, columns, columns.map((c) => c.header), y, size, true);
}

/** A label/value pair block: labels left at `x`, values at `x + labelWidth`. */
function fields(canvas: Canvas, pairs: readonly (readonly [string, string])[], x: number, y: number, labelWidth: number, size = 9, step = 13): void {
  pairs.forEach(([label, value], i) => {
    canvas.text(label, x, y + i * step, { size, bold: true });
    canvas.text(value, x + labelWidth, y + i * step, { size });
  });
}

function pdfMeta(spec: InvoiceSpec): { title: string; author: string; date: Date } {
  return { title: `${spec.kind === "credit_note" ? "Credit note" : "Invoice"} ${spec.number}`, author: letterhead(spec).name, date: f.utcDate(spec.date, 9) };
}

// Brightfield: letterhead left, invoice fields right, a table that runs over pages with a repeated
// header, "Carried forward" / "Brought forward" rows and "Page n of m".
const BRIGHTFIELD_ROWS_PER_PAGE = 8;

async function renderBrightfield(spec: InvoiceSpec): Promise<Buffer> {
  const canvas = await openCanvas("pdfkit", pdfMeta(spec));
  const head = letterhead(spec);
  const size = 8;
  const columns: Column[] = [
    { header: "Child Ref", left: 40, right: 86, cell: (l) => l.child ?? "" },
    { header: "Description", left: 90, right: 262, cell: (l) => l.description },
    { header: "From", left: 268, right: 312, cell: (l) => (l.from ? f.dateSlashes(l.from) : "") },
    { header: "To", left: 318, right: 362, cell: (l) => (l.to ? f.dateSlashes(l.to) : "") },
    { header: "Qty", left: 368, right: 392, align: "right", cell: (l) => l.quantity ?? "" },
    { header: "Unit", left: 398, right: 430, cell: (l) => (l.unit ? f.unitPlural(l.unit) : "") },
    { header: "Rate", left: 436, right: 482, align: "right", cell: (l) => (l.rate ? f.moneyPound(l.rate) : "") },
    { header: "Amount", left: 490, right: 555, align: "right", cell: (l) => f.moneyPound(l.amount) },
  ];
  const pages: LineSpec[][] = [];
  for (let i = 0; i < spec.lines.length; i += BRIGHTFIELD_ROWS_PER_PAGE) pages.push(spec.lines.slice(i, i + BRIGHTFIELD_ROWS_PER_PAGE));
  let running = new Dec(0);
  const rowStep = 18;
  pages.forEach((pageLines, pageIndex) => {
    let y: number;
    if (pageIndex === 0) {
      canvas.text(head.name, 40, 40, { size: 18, bold: true });
      canvas.text(head.address, 40, 64);
      canvas.text(head.contact, 40, 76);
      canvas.text(`VAT Reg No: ${vatNumber(spec)}`, 40, 88);
      canvas.text("INVOICE", 555, 40, { size: 20, bold: true, align: "right" });
      fields(canvas, [["Invoice No:", spec.number], ["Invoice Date:", f.dateShort(spec.date)], ["Period:", f.monthYear(spec.periodFrom)]], 390, 72, 75);
      canvas.text("Invoice to:", 40, 118, { bold: true });
      CUSTOMER.forEach((text, i) => canvas.text(text, 40, 131 + i * 12));
      y = 190;
    } else {
      canvas.newPage();
      canvas.text(head.name, 40, 40, { size: 12, bold: true });
      canvas.text(`Invoice No: ${spec.number} (continued)`, 40, 58);
      y = 90;
    }
    drawHeaderRow(canvas, columns, y, size);
    canvas.line(40, y + 12, 555, y + 12);
    y += rowStep;
    if (pageIndex > 0) {
      drawRow(canvas, columns, ["", "Brought forward", "", "", "", "", "", f.moneyPound(running.toFixed(2))], y, size, true);
      y += rowStep;
    }
    for (const l of pageLines) {
      drawRow(canvas, columns, columns.map((c) => c.cell(l)), y, size);
      running = running.plus(l.amount);
      y += rowStep;
    }
    canvas.line(40, y - 4, 555, y - 4);
    if (pageIndex < pages.length - 1) {
      drawRow(canvas, columns, ["", "Carried forward", "", "", "", "", "", f.moneyPound(running.toFixed(2))], y, size, true);
    } else {
      const totals = invoiceTotals(spec);
      const rows: [string, string][] = [
        ["Subtotal", f.moneyPound((totals.subtotal ?? new Dec(0)).toFixed(2))],
        ["VAT", f.moneyPound((totals.vat ?? new Dec(0)).toFixed(2))],
        ["Total Due", f.moneyPound(totals.total.toFixed(2))],
      ];
      rows.forEach(([label, value], i) => {
        canvas.text(label, 436, y + 4 + i * 15, { size: 9, bold: i === 2 });
        canvas.text(value, 555, y + 4 + i * 15, { size: 9, bold: i === 2, align: "right" });
      });
      canvas.text("Fostering services are exempt from VAT. Please pay by BACS, quoting the invoice number.", 40, y + 60, { size: 8, grey: true });
    }
    canvas.text(`Page ${pageIndex + 1} of ${pages.length}`, PAGE_WIDTH / 2, 800, { size: 8, align: "center", grey: true });
  });
  return canvas.finish();
}

// Hillcrest: centred letterhead, a fields grid, a fully ruled table of PO numbers.
async function renderHillcrest(spec: InvoiceSpec): Promise<Buffer> {
  const canvas = await openCanvas("pdfkit", pdfMeta(spec));
  const head = letterhead(spec);
  const mid = PAGE_WIDTH / 2;
  canvas.text(head.name, mid, 36, { size: 16, bold: true, align: "center" });
  canvas.text(head.address, mid, 58, { align: "center" });
  canvas.text(`VAT Registration Number: ${vatNumber(spec)}`, mid, 70, { align: "center" });
  canvas.text("INVOICE", 40, 100, { size: 14, bold: true });
  fields(canvas, [["Inv No:", spec.number], ["Tax Point:", f.dateOrdinal(spec.date)], ["Billing Period:", `${f.dateSlashes(spec.periodFrom)} to ${f.dateSlashes(spec.periodTo)}`]], 40, 124, 80);
  fields(canvas, [["Customer:", CUSTOMER[0] ?? ""], ["Department:", "Children's Services"]], 340, 124, 70);
  const size = 8;
  const columns: Column[] = [
    { header: "PO Number", left: 42, right: 90, cell: (l) => l.po ?? "" },
    { header: "Service", left: 96, right: 262, cell: (l) => l.description },
    { header: "Period From", left: 268, right: 316, cell: (l) => (l.from ? f.dateDots(l.from) : "") },
    { header: "Period To", left: 322, right: 366, cell: (l) => (l.to ? f.dateDots(l.to) : "") },
    { header: "Qty", left: 372, right: 390, align: "right", cell: (l) => l.quantity ?? "" },
    { header: "Unit", left: 396, right: 430, cell: (l) => (l.unit ? f.unitPlural(l.unit) : "") },
    { header: "Unit Price", left: 436, right: 482, align: "right", cell: (l) => (l.rate ? f.moneyPlainBrackets(l.rate) : "") },
    { header: "Line Total", left: 488, right: 553, align: "right", cell: (l) => f.moneyPlainBrackets(l.amount) },
  ];
  let y = 180;
  const rowStep = 17;
  const top = y - 5;
  canvas.fillRect(40, top, 515, rowStep, 0.88);
  drawHeaderRow(canvas, columns, y, size);
  y += rowStep;
  for (const l of spec.lines) {
    canvas.line(40, y - 5, 555, y - 5);
    drawRow(canvas, columns, columns.map((c) => c.cell(l)), y, size);
    y += rowStep;
  }
  const bottom = y - 5;
  canvas.line(40, top, 555, top);
  canvas.line(40, bottom, 555, bottom);
  for (const x of [40, 93, 265, 319, 369, 393, 433, 485, 555]) canvas.line(x, top, x, bottom);
  const totals = invoiceTotals(spec);
  const rows: [string, string][] = [
    ["Net Total", f.moneyPlainBrackets((totals.subtotal ?? new Dec(0)).toFixed(2))],
    ["VAT", f.moneyPlainBrackets((totals.vat ?? new Dec(0)).toFixed(2))],
    ["Invoice Total", f.moneyPlainBrackets(totals.total.toFixed(2))],
  ];
  rows.forEach(([label, value], i) => {
    canvas.text(label, 442, y + 6 + i * 15, { size: 9, bold: true });
    canvas.text(value, 553, y + 6 + i * 15, { size: 9, bold: i === 2, align: "right" });
  });
  canvas.text("Residential care for looked-after children is exempt from VAT.", 40, y + 70, { size: 8, grey: true });
  return canvas.finish();
}

// Harbour: compact, a "Nights" column and no unit column.
async function renderHarbour(spec: InvoiceSpec): Promise<Buffer> {
  const canvas = await openCanvas("pdfkit", pdfMeta(spec));
  const head = letterhead(spec);
  canvas.text(head.name, 40, 40, { size: 14, bold: true });
  canvas.text(head.address, 40, 58, { size: 8 });
  canvas.text(`${head.contact}   VAT No: ${vatNumber(spec)}`, 40, 69, { size: 8 });
  canvas.text("INVOICE", 555, 40, { size: 14, bold: true, align: "right" });
  fields(canvas, [["Invoice Ref:", spec.number], ["Date:", spec.date], ["Period Covered:", `${f.dateLong(spec.periodFrom)} until ${f.dateLong(spec.periodTo)}`]], 300, 96, 78);
  canvas.text(`For: ${CUSTOMER[0] ?? ""}, Children's Services`, 40, 96);
  const size = 8.5;
  const columns: Column[] = [
    { header: "Client Ref", left: 40, right: 90, cell: (l) => l.child ?? "" },
    { header: "Description", left: 96, right: 260, cell: (l) => l.description },
    { header: "From", left: 266, right: 318, cell: (l) => (l.from ? f.dateDashes(l.from) : "") },
    { header: "To", left: 324, right: 376, cell: (l) => (l.to ? f.dateDashes(l.to) : "") },
    { header: "Nights", left: 382, right: 416, align: "right", cell: (l) => l.quantity ?? "" },
    { header: "Nightly Rate", left: 424, right: 482, align: "right", cell: (l) => (l.rate ? f.moneyGrouped(l.rate) : "") },
    { header: "Value", left: 490, right: 555, align: "right", cell: (l) => f.moneyGrouped(l.amount) },
  ];
  let y = 150;
  drawHeaderRow(canvas, columns, y, size);
  canvas.line(40, y + 12, 555, y + 12, 1);
  y += 18;
  for (const l of spec.lines) {
    drawRow(canvas, columns, columns.map((c) => c.cell(l)), y, size);
    y += 16;
  }
  canvas.line(40, y, 555, y, 1);
  const totals = invoiceTotals(spec);
  const rows: [string, string][] = [
    ["Total Net", f.moneyGrouped((totals.subtotal ?? new Dec(0)).toFixed(2))],
    ["VAT", f.moneyGrouped((totals.vat ?? new Dec(0)).toFixed(2))],
    ["Amount Due", f.moneyGrouped(totals.total.toFixed(2))],
  ];
  rows.forEach(([label, value], i) => {
    canvas.text(label, 424, y + 8 + i * 14, { size: 9, bold: i === 2 });
    canvas.text(value, 555, y + 8 + i * 14, { size: 9, bold: i === 2, align: "right" });
  });
  canvas.text("Harbour Short Breaks CIC is a community interest company. Short breaks are exempt from VAT.", 40, y + 64, { size: 7.5, grey: true });
  return canvas.finish();
}

// Cedar House: a shaded band, "Invoice Number"/"Credit Note No", GBP-suffixed money.
async function renderCedar(spec: InvoiceSpec): Promise<Buffer> {
  const canvas = await openCanvas("pdf-lib", pdfMeta(spec));
  const head = letterhead(spec);
  const credit = spec.kind === "credit_note";
  canvas.fillRect(0, 0, PAGE_WIDTH, 80, 0.9);
  canvas.text(head.name, 40, 26, { size: 17, bold: true });
  canvas.text(`${head.address}   ${head.contact}`, 40, 50, { size: 8 });
  canvas.text(`VAT No. ${vatNumber(spec)}`, 40, 62, { size: 8 });
  canvas.text(credit ? "CREDIT NOTE" : "INVOICE", 555, 30, { size: 16, bold: true, align: "right" });
  const pairs: [string, string][] = [
    [credit ? "Credit Note No:" : "Invoice Number:", spec.number],
    ["Date of Issue:", f.dateSlashes(spec.date)],
    ["Period:", `${f.dateShort(spec.periodFrom)} - ${f.dateShort(spec.periodTo)}`],
  ];
  if (credit && spec.creditsInvoice) pairs.push(["Original Invoice:", spec.creditsInvoice]);
  fields(canvas, pairs, 330, 100, 85);
  canvas.text("Bill to:", 40, 100, { bold: true });
  CUSTOMER.forEach((text, i) => canvas.text(text, 40, 113 + i * 12));
  let y = 100 + pairs.length * 13 + 24;
  for (const remark of spec.remarks ?? []) {
    canvas.text(remark, 40, y, { size: 9 });
    y += 14;
  }
  y += 6;
  const size = 8;
  const columns: Column[] = [
    { header: "Young Person", left: 40, right: 96, cell: (l) => l.child ?? "" },
    { header: "Details", left: 100, right: 236, cell: (l) => l.description },
    { header: "Start", left: 240, right: 286, cell: (l) => (l.from ? f.dateShort(l.from) : "") },
    { header: "End", left: 290, right: 336, cell: (l) => (l.to ? f.dateShort(l.to) : "") },
    { header: "Quantity", left: 340, right: 376, align: "right", cell: (l) => l.quantity ?? "" },
    { header: "Per", left: 382, right: 406, cell: (l) => l.unit ?? "" },
    { header: "Unit Price", left: 410, right: 456, align: "right", cell: (l) => (l.rate ? f.moneyGrouped(l.rate) : "") },
    { header: "Net", left: 462, right: 555, align: "right", cell: (l) => f.moneyGbp(printedAmount(spec, l.amount)) },
  ];
  canvas.line(40, y - 4, 555, y - 4, 0.8);
  drawHeaderRow(canvas, columns, y, size);
  canvas.line(40, y + 12, 555, y + 12, 0.8);
  y += 18;
  for (const l of spec.lines) {
    drawRow(canvas, columns, columns.map((c) => c.cell(l)), y, size);
    y += 16;
  }
  canvas.line(40, y, 555, y, 0.8);
  const totals = invoiceTotals(spec);
  const rows: [string, string][] = [
    ["Sub-total", f.moneyGbp(printedAmount(spec, totals.subtotal ?? new Dec(0)))],
    ["VAT", f.moneyGbp(printedAmount(spec, totals.vat ?? new Dec(0)))],
    ["Total", f.moneyGbp(printedAmount(spec, totals.total))],
  ];
  rows.forEach(([label, value], i) => {
    canvas.text(label, 400, y + 8 + i * 14, { size: 9, bold: i === 2 });
    canvas.text(value, 555, y + 8 + i * 14, { size: 9, bold: i === 2, align: "right" });
  });
  canvas.text("Cedar House Care Ltd. Registered in England. Children's residential care is exempt from VAT.", 40, 790, { size: 7.5, grey: true });
  return canvas.finish();
}

// Nestwood: placement ids, no period on the lines (the billing period covers them).
async function renderNestwood(spec: InvoiceSpec): Promise<Buffer> {
  const canvas = await openCanvas("pdf-lib", pdfMeta(spec));
  const head = letterhead(spec);
  canvas.text(head.name, 40, 40, { size: 15, bold: true });
  canvas.text(head.address, 40, 60, { size: 8.5 });
  canvas.text(head.contact, 40, 71, { size: 8.5 });
  canvas.text(`VAT Reg No ${vatNumber(spec)}`, 40, 82, { size: 8.5 });
  fields(canvas, [["Invoice #:", spec.number], ["Invoice Date:", f.dateUs(spec.date)], ["Billing Period:", f.dayRangeMonth(spec.periodFrom, spec.periodTo)]], 360, 40, 75);
  canvas.text("Invoice to: Kestrel Vale Council, Children's Services", 40, 110);
  let y = 130;
  for (const remark of spec.remarks ?? []) {
    canvas.text(remark, 40, y, { size: 11, bold: true });
    y += 18;
  }
  y += 8;
  const size = 9;
  const columns: Column[] = [
    { header: "Placement Ref", left: 40, right: 110, cell: (l) => l.po ?? "" },
    { header: "Item", left: 116, right: 320, cell: (l) => l.description },
    { header: "No. of nights", left: 326, right: 392, align: "right", cell: (l) => l.quantity ?? "" },
    { header: "Price", left: 400, right: 466, align: "right", cell: (l) => (l.rate ? f.moneyPound(l.rate) : "") },
    { header: "Cost", left: 474, right: 555, align: "right", cell: (l) => f.moneyPound(l.amount) },
  ];
  canvas.fillRect(38, y - 5, 519, 18, 0.93);
  drawHeaderRow(canvas, columns, y, size);
  y += 20;
  for (const l of spec.lines) {
    drawRow(canvas, columns, columns.map((c) => c.cell(l)), y, size);
    y += 17;
  }
  canvas.line(40, y, 555, y);
  const totals = invoiceTotals(spec);
  const rows: [string, string][] = [
    ["Subtotal", f.moneyPound((totals.subtotal ?? new Dec(0)).toFixed(2))],
    ["VAT", f.moneyPound((totals.vat ?? new Dec(0)).toFixed(2))],
    ["Balance Due", f.moneyPound(totals.total.toFixed(2))],
  ];
  rows.forEach(([label, value], i) => {
    canvas.text(label, 400, y + 8 + i * 15, { size: 9.5, bold: i === 2 });
    canvas.text(value, 555, y + 8 + i * 15, { size: 9.5, bold: i === 2, align: "right" });
  });
  canvas.text("Nights are charged from arrival; the night of departure is not charged.", 40, y + 70, { size: 8, grey: true });
  return canvas.finish();
}

// ---------------------------------------------------------------------------------------------
// Riverside: XLSX with title and address rows above the table, real date and number cells.

async function renderRiverside(spec: InvoiceSpec): Promise<Buffer> {
  const head = letterhead(spec);
  const workbook = new ExcelJS.Workbook();
  const fixed = f.utcDate(spec.date, 9);
  workbook.creator = head.name;
  workbook.lastModifiedBy = head.name;
  workbook.created = fixed;
  workbook.modified = fixed;
  const sheet = workbook.addWorksheet("Invoice");
  sheet.columns = [{ width: 10 }, { width: 14 }, { width: 40 }, { width: 12 }, { width: 12 }, { width: 10 }, { width: 8 }, { width: 14 }, { width: 14 }];
  const dateFormat = "dd/mm/yyyy";
  const moneyFormat = "£#,##0.00;-£#,##0.00";
  sheet.addRow([head.name]).font = { bold: true, size: 14 };
  sheet.addRow([head.address]);
  sheet.addRow(["VAT Registration Number", vatNumber(spec)]);
  sheet.addRow([]);
  sheet.addRow(["INVOICE"]).font = { bold: true, size: 12 };
  sheet.addRow(["Invoice Number", spec.number]);
  const dateRow = sheet.addRow(["Tax Point", f.utcDate(spec.date)]);
  dateRow.getCell(2).numFmt = dateFormat;
  sheet.addRow(["Billing Period", `${f.dateSlashes(spec.periodFrom)} \u2013 ${f.dateSlashes(spec.periodTo)}`]);
  sheet.addRow(["Customer", `${CUSTOMER[0] ?? ""} – Children's Services`]);
  sheet.addRow([]);
  const header = sheet.addRow(["YP Ref", "Placement Ref", "Description", "Date From", "Date To", "Quantity", "UoM", "Unit Rate", "Amount"]);
  header.font = { bold: true };
  for (const l of spec.lines) {
    const row = sheet.addRow([
      l.child ?? null,
      l.po ?? null,
      l.description,
      l.from ? f.utcDate(l.from) : null,
      l.to ? f.utcDate(l.to) : null,
      l.quantity === null ? null : Number(l.quantity),
      l.unit ? f.unitPlural(l.unit) : null,
      l.rate === null ? null : Number(l.rate),
      Number(l.amount),
    ]);
    row.getCell(4).numFmt = dateFormat;
    row.getCell(5).numFmt = dateFormat;
    row.getCell(8).numFmt = moneyFormat;
    row.getCell(9).numFmt = moneyFormat;
  }
  sheet.addRow([]);
  const totals = invoiceTotals(spec);
  const footer: [string, Dec][] = [["Sub-total", totals.subtotal ?? new Dec(0)], ["VAT @ 20%", totals.vat ?? new Dec(0)], ["Invoice Total", totals.total]];
  for (const [label, value] of footer) {
    const row = sheet.addRow([null, null, null, null, null, null, null, label, Number(value.toFixed(2))]);
    row.getCell(8).font = { bold: true };
    row.getCell(9).numFmt = moneyFormat;
  }
  const buffer = Buffer.from(await workbook.xlsx.writeBuffer());
  return fixZipTimes(buffer, fixed);
}

/**
 * exceljs (through JSZip) stamps every zip entry with the time of writing. Rewrite the DOS
 * date and time of each entry, in the central directory and the local headers, so that the
 * same data always gives the same bytes.
 */
export function fixZipTimes(zip: Buffer, when: Date): Buffer {
  const out = Buffer.from(zip);
  const dosTime = (when.getUTCHours() << 11) | (when.getUTCMinutes() << 5) | Math.floor(when.getUTCSeconds() / 2);
  const dosDate = ((when.getUTCFullYear() - 1980) << 9) | ((when.getUTCMonth() + 1) << 5) | when.getUTCDate();
  let eocd = -1;
  for (let i = out.length - 22; i >= 0; i--) {
    if (out.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error("not a zip file");
  const entries = out.readUInt16LE(eocd + 10);
  let at = out.readUInt32LE(eocd + 16);
  for (let n = 0; n < entries; n++) {
    if (out.readUInt32LE(at) !== 0x02014b50) throw new Error("bad central directory");
    out.writeUInt16LE(dosTime, at + 12);
    out.writeUInt16LE(dosDate, at + 14);
    const local = out.readUInt32LE(at + 42);
    if (out.readUInt32LE(local) !== 0x04034b50) throw new Error("bad local header");
    out.writeUInt16LE(dosTime, local + 10);
    out.writeUInt16LE(dosDate, local + 12);
    at += 46 + out.readUInt16LE(at + 28) + out.readUInt16LE(at + 30) + out.readUInt16LE(at + 32);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// CSV exports from providers' finance systems.

function csvCell(value: string, separator: string): string {
  return value.includes(separator) || value.includes('"') || value.includes("\n") ? `"${value.replace(/"/g, '""')}"` : value;
}

function csvText(rows: readonly (readonly string[])[], separator: string): string {
  return rows.map((row) => row.map((cell) => csvCell(cell, separator)).join(separator)).join("\r\n") + "\r\n";
}

// Oakleaf: semicolon separated, invoice fields repeated on every row, no unit column (the
// "Nights" heading gives it), no subtotal or VAT row (not VAT registered), a "Total Due" row.
function renderOakleaf(spec: InvoiceSpec): Buffer {
  const head = letterhead(spec);
  const header = ["Provider", "Invoice No", "Invoice Date", "Period", "Child Ref", "PO Number", "Description", "From", "To", "Nights", "Rate", "Amount"];
  const period = `${f.dateSlashes(spec.periodFrom)} - ${f.dateSlashes(spec.periodTo)}`;
  const rows = spec.lines.map((l) => [
    head.name, spec.number, f.dateSlashes(spec.date), period, l.child ?? "", l.po ?? "", l.description,
    l.from ? f.dateSlashes(l.from) : "", l.to ? f.dateSlashes(l.to) : "", l.quantity ?? "", l.rate ? f.moneyPlain(l.rate) : "", f.moneyPlain(l.amount),
  ]);
  const totals = invoiceTotals(spec);
  const blank = (label: string, value: string): string[] => ["", "", "", "", "", "", label, "", "", "", "", value];
  return Buffer.from(csvText([header, ...rows, blank("Total Due", f.moneyPlain(totals.total.toFixed(2)))], ";"), "utf8");
}

// Stepping Stones: comma separated with a UTF-8 byte order mark, weeks with fractional
// quantities, quoted "£1,234.56" amounts, subtotal/VAT/total rows.
function renderStepping(spec: InvoiceSpec): Buffer {
  const head = letterhead(spec);
  const header = ["Supplier", "VAT No", "Invoice Number", "Date of Issue", "Billing Period", "Client Ref", "Purchase Order", "Service", "Period From", "Period To", "Quantity", "Unit", "Unit Rate", "Value"];
  const rows = spec.lines.map((l) => [
    head.name, vatNumber(spec), spec.number, f.dateLong(spec.date), f.monthYear(spec.periodFrom), l.child ?? "", l.po ?? "", l.description,
    l.from ?? "", l.to ?? "", l.quantity ?? "", l.unit ? f.unitPlural(l.unit) : "", l.rate ? f.moneyPound(l.rate) : "", f.moneyPound(l.amount),
  ]);
  const totals = invoiceTotals(spec);
  const blank = (label: string, value: Dec): string[] => ["", "", "", "", "", "", "", label, "", "", "", "", "", f.moneyPound(value.toFixed(2))];
  const text = csvText([header, ...rows, blank("Subtotal", totals.subtotal ?? new Dec(0)), blank("VAT", totals.vat ?? new Dec(0)), blank("Total", totals.total)], ",");
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, "utf8")]);
}

export async function renderInvoice(spec: InvoiceSpec): Promise<Buffer> {
  switch (spec.layout) {
    case "brightfield": return renderBrightfield(spec);
    case "hillcrest": return renderHillcrest(spec);
    case "harbour": return renderHarbour(spec);
    case "cedar": return renderCedar(spec);
    case "nestwood": return renderNestwood(spec);
    case "riverside": return renderRiverside(spec);
    case "oakleaf": return renderOakleaf(spec);
    case "stepping": return renderStepping(spec);
  }
}

/** Reference tables as XLSX: real date cells for *_date / effective_* columns, numbers for money. */
export async function referenceXlsx(columns: readonly string[], rows: readonly Readonly<Record<string, string>>[], when: Date): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = "Kestrel Vale Council";
  workbook.lastModifiedBy = "Kestrel Vale Council";
  workbook.created = when;
  workbook.modified = when;
  const sheet = workbook.addWorksheet("rates");
  sheet.addRow([...columns]).font = { bold: true };
  const isDate = (column: string): boolean => column.endsWith("_date") || column.startsWith("effective_");
  const isNumber = (column: string): boolean => ["rate", "weekly_fee", "percent", "threshold", "max_per_week"].includes(column);
  for (const row of rows) {
    const added = sheet.addRow(columns.map((column) => {
      const value = row[column] ?? "";
      if (value === "") return null;
      if (isDate(column)) return f.utcDate(value);
      if (isNumber(column)) return Number(value);
      return value;
    }));
    columns.forEach((column, i) => {
      if (isDate(column)) added.getCell(i + 1).numFmt = "yyyy-mm-dd";
      if (isNumber(column)) added.getCell(i + 1).numFmt = "0.00";
    });
  }
  sheet.columns.forEach((column) => { column.width = 16; });
  return fixZipTimes(Buffer.from(await workbook.xlsx.writeBuffer()), when);
}
