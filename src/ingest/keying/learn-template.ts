import type { Invoice, InvoiceLine } from "../../domain/invoice.js";
import { Dec } from "../../domain/money.js";
import { columnFieldOf, matchHeaderLabel, type ColumnField, type HeaderField } from "../text/labels.js";
import { cleanText, parseDateText, parseMoneyText, parseQuantity } from "../text/values.js";
import type { LayoutCell, LayoutDocument, LayoutRow } from "../types.js";

/**
 * "Read this provider's invoices like this from now on" (issue 18): from a file the reader could
 * not read and the invoice a person keyed in from it, works out which printed labels held the
 * header fields and which column headings held the line values, and writes them as a provider
 * template (the JSON of src/ingest/templates/README.md). Only what the file shows is learnt: a
 * value found in no cell, or a label the reader already knows, adds nothing.
 */
export interface LearntTemplate {
  /** The template JSON (no keywords: it applies once the provider is recognised). */
  template: Record<string, unknown>;
  /** What was learnt, one sentence each, for the person and the audit log. */
  learnt: string[];
}

const TEMPLATE_HEADER_KEYS: Partial<Record<HeaderField, string>> = {
  invoiceNumber: "invoice_number",
  invoiceDate: "invoice_date",
  creditsInvoice: "credits_invoice",
  subtotal: "subtotal",
  vat: "vat",
  total: "total",
};

type Matcher = (text: string) => boolean;

function sameText(value: string): Matcher {
  const key = value.replace(/\s+/g, "").toUpperCase();
  return (text) => text.replace(/\s+/g, "").toUpperCase() === key;
}

function sameDate(iso: string): Matcher {
  return (text) => parseDateText(text) === iso;
}

function sameMoney(value: string): Matcher {
  const amount = new Dec(value);
  return (text) => {
    const parsed = parseMoneyText(text);
    return parsed !== null && parsed.abs().eq(amount.abs());
  };
}

function sameQuantity(value: string): Matcher {
  const quantity = new Dec(value);
  return (text) => {
    const parsed = parseQuantity(text);
    return parsed !== null && parsed.value.abs().eq(quantity.abs());
  };
}

/** A label as a template names it: the printed words without trailing colons or dashes. */
function labelText(text: string): string | null {
  const label = cleanText(text).replace(/[\s:#\-–—.]+$/, "").trim();
  return /[A-Za-z]{2}/.test(label) && label.length <= 60 ? label : null;
}

function overlap(a: LayoutCell, b: LayoutCell): number {
  return Math.min(a.right, b.right) - Math.max(a.left, b.left);
}

function centreDistance(a: LayoutCell, b: LayoutCell): number {
  return Math.abs((a.left + a.right) / 2 - (b.left + b.right) / 2);
}

/** The label of a value cell: the text before it in the cell, the cell before it, or the cell above it. */
function labelOf(rows: readonly LayoutRow[], rowIndex: number, cellIndex: number, matches: Matcher): string | null {
  const row = rows[rowIndex] as LayoutRow;
  const cell = row.cells[cellIndex] as LayoutCell;
  if (!matches(cell.text)) {
    // "Document code: OAK-7001" in one cell: the label is what comes before the value.
    const words = cell.text.split(/\s+/);
    for (let cut = words.length - 1; cut > 0; cut--) {
      if (matches(words.slice(cut).join(" "))) return labelText(words.slice(0, cut).join(" "));
    }
    return null;
  }
  const before = row.cells[cellIndex - 1];
  if (before) return labelText(before.text);
  const above = rows[rowIndex - 1];
  if (above && above.page === row.page) {
    const best = [...above.cells].sort((a, b) => overlap(b, cell) - overlap(a, cell))[0];
    if (best && overlap(best, cell) > 0) return labelText(best.text);
  }
  return null;
}

function containsValue(cell: LayoutCell, matches: Matcher): boolean {
  if (matches(cell.text)) return true;
  const words = cell.text.split(/\s+/);
  return words.some((_, cut) => cut > 0 && matches(words.slice(cut).join(" ")));
}

function learnHeader(rows: readonly LayoutRow[], field: HeaderField, matches: Matcher): string | null {
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r] as LayoutRow;
    for (let c = 0; c < row.cells.length; c++) {
      if (!containsValue(row.cells[c] as LayoutCell, matches)) continue;
      const label = labelOf(rows, r, c, matches);
      if (!label) continue;
      // A label the reader already reads as this field teaches nothing.
      if (matchHeaderLabel(label)?.field === field) return null;
      return label;
    }
  }
  return null;
}

interface ColumnValue {
  field: ColumnField;
  matches: Matcher;
}

function lineValues(line: InvoiceLine): ColumnValue[] {
  const values: ColumnValue[] = [{ field: "amount", matches: sameMoney(line.amount) }];
  if (line.childRef) values.push({ field: "child", matches: sameText(line.childRef) });
  if (line.placementRef) values.push({ field: "placement", matches: sameText(line.placementRef) });
  if (line.description) values.push({ field: "description", matches: sameText(line.description) });
  if (line.from) values.push({ field: "from", matches: sameDate(line.from) });
  if (line.to) values.push({ field: "to", matches: sameDate(line.to) });
  if (line.quantity) values.push({ field: "quantity", matches: sameQuantity(line.quantity) });
  if (line.unitRate) values.push({ field: "rate", matches: sameMoney(line.unitRate) });
  return values;
}

/** The row that prints the line: its amount and most of its other values, each in its own cell. */
function findLineRow(rows: readonly LayoutRow[], line: InvoiceLine): { index: number; cells: Map<ColumnField, LayoutCell> } | null {
  let best: { index: number; cells: Map<ColumnField, LayoutCell> } | null = null;
  rows.forEach((row, index) => {
    const cells = new Map<ColumnField, LayoutCell>();
    const used = new Set<LayoutCell>();
    for (const value of lineValues(line)) {
      // From the right for money (the amount is the last money on the row), from the left otherwise.
      const order = value.field === "amount" ? [...row.cells].reverse() : row.cells;
      const cell = order.find((c) => !used.has(c) && value.matches(c.text));
      if (cell) {
        cells.set(value.field, cell);
        used.add(cell);
      }
    }
    if (!cells.has("amount")) return;
    if (!best || cells.size > best.cells.size) best = { index, cells };
  });
  return best;
}

/** The nearest row above the line, on its page, with a cell over most of the line's value cells. */
function findHeadingRow(rows: readonly LayoutRow[], lineIndex: number, cells: ReadonlyMap<ColumnField, LayoutCell>): LayoutRow | null {
  const line = rows[lineIndex] as LayoutRow;
  for (let r = lineIndex - 1; r >= 0; r--) {
    const row = rows[r] as LayoutRow;
    if (row.page !== line.page) return null;
    const textual = row.cells.filter((c) => parseMoneyText(c.text) === null && /[A-Za-z]/.test(c.text));
    if (textual.length < 2) continue;
    const over = [...cells.values()].filter((value) => textual.some((h) => overlap(h, value) > 0 || centreDistance(h, value) < 20)).length;
    if (over >= Math.min(2, cells.size) && over >= cells.size / 2) return row;
  }
  return null;
}

function headingFor(heading: LayoutRow, value: LayoutCell): string | null {
  const ranked = [...heading.cells].sort((a, b) => overlap(b, value) - overlap(a, value) || centreDistance(a, value) - centreDistance(b, value));
  const best = ranked[0];
  if (!best || (overlap(best, value) <= 0 && centreDistance(best, value) > 40)) return null;
  return labelText(best.text);
}

const COLUMN_WORDS: Readonly<Record<ColumnField, string>> = {
  child: "child reference", placement: "placement reference", description: "description", from: "first night", to: "last night",
  period: "period", date: "date", quantity: "quantity", unit: "unit", rate: "unit rate", amount: "amount",
};

function commonUnit(lines: readonly InvoiceLine[]): string | null {
  const units = new Set(lines.map((l) => l.unit));
  const [only] = [...units];
  return units.size === 1 && only ? only : null;
}

export function learnTemplate(providerId: string, layout: LayoutDocument, invoice: Invoice): LearntTemplate {
  const rows = layout.rows;
  const learnt: string[] = [];
  const labels: Record<string, string[]> = {};
  const header: Array<[HeaderField, string | null, (v: string) => Matcher]> = [
    ["invoiceNumber", invoice.invoiceNumber, sameText],
    ["invoiceDate", invoice.invoiceDate, sameDate],
    ["creditsInvoice", invoice.creditsInvoice, sameText],
    ["subtotal", invoice.subtotal, sameMoney],
    ["vat", invoice.vat, sameMoney],
    ["total", invoice.total, sameMoney],
  ];
  for (const [field, value, matcher] of header) {
    const key = TEMPLATE_HEADER_KEYS[field];
    if (!value || !key) continue;
    const label = learnHeader(rows, field, matcher(value));
    if (label) {
      labels[key] = [label];
      learnt.push(`"${label}" holds the ${key.replace(/_/g, " ")}.`);
    }
  }

  const columns: Record<string, string[]> = {};
  const first = invoice.lines[0];
  const found = first ? findLineRow(rows, first) : null;
  const heading = found ? findHeadingRow(rows, found.index, found.cells) : null;
  if (found && heading) {
    for (const [field, cell] of found.cells) {
      const text = headingFor(heading, cell);
      if (!text || columnFieldOf(text) === field) continue;
      columns[field] = [text];
      learnt.push(`The column "${text}" holds the ${COLUMN_WORDS[field]}.`);
    }
  }
  const template: Record<string, unknown> = { provider_id: providerId };
  if (Object.keys(labels).length > 0) template.labels = labels;
  if (Object.keys(columns).length > 0) template.columns = columns;
  const unit = commonUnit(invoice.lines);
  if (unit) {
    template.default_unit = unit;
    learnt.push(`Lines that print no unit are in ${unit}s.`);
  }
  return { template, learnt };
}
