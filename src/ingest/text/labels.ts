import type { Unit } from "../../domain/reference.js";

/**
 * The label spellings of DATA.md "Invoices" (and a few common neighbours of them). Matching is
 * case-insensitive and ignores trailing colons, `#`, `No.`-style dots, `(£)` and the like.
 */

/** Fields found in the header (and totals) blocks of an invoice, outside the line table. */
export type HeaderField =
  | "invoiceNumber"
  | "invoiceDate"
  | "period"
  | "periodFrom"
  | "periodTo"
  | "creditsInvoice"
  | "vatNumber"
  | "subtotal"
  | "vat"
  | "total";

/** Columns of the line table. */
export type ColumnField =
  | "child"
  | "placement"
  | "description"
  | "from"
  | "to"
  | "period"
  | "date"
  | "quantity"
  | "unit"
  | "rate"
  | "amount";

export const HEADER_LABELS: Readonly<Record<HeaderField, readonly string[]>> = {
  invoiceNumber: [
    "Invoice No", "Invoice Number", "Invoice #", "Inv No", "Invoice Ref", "Credit Note No",
    "Invoice Reference", "Inv Number", "Inv #", "Invoice Num", "Credit Note Number", "Credit Note #", "Credit Note Ref",
    "Credit No", "Document No",
  ],
  invoiceDate: ["Invoice Date", "Date", "Tax Point", "Date of Issue", "Tax Point Date", "Issue Date", "Date Issued", "Credit Note Date", "Date of Invoice"],
  period: ["Period", "Billing Period", "Period Covered", "Invoice Period", "Service Period", "Billing Month", "Period of Care"],
  periodFrom: ["Period From", "Period Start", "Billing Period From", "Period Start Date"],
  periodTo: ["Period To", "Period End", "Billing Period To", "Period End Date"],
  creditsInvoice: [
    "Credit for Invoice", "Original Invoice", "Against Invoice", "Re Invoice", "Invoice Credited",
    "Credited Invoice", "Relating to Invoice", "Original Invoice No", "Original Invoice Number", "Credit Against Invoice",
    "Re: Invoice",
  ],
  vatNumber: ["VAT Reg No", "VAT Registration Number", "VAT No", "VAT Number", "VAT Reg", "VAT Registration No", "VAT Reg Number", "VAT Registration"],
  subtotal: ["Subtotal", "Sub-total", "Sub total", "Net Total", "Total Net", "Total (Net)", "Total excl VAT", "Total excluding VAT", "Total before VAT", "Net Amount"],
  vat: ["VAT", "VAT @ 20%", "Tax", "VAT Amount", "Total VAT", "VAT Total"],
  total: [
    "Total", "Total Due", "Amount Due", "Balance Due", "Invoice Total", "Total Payable", "Amount Payable", "Grand Total",
    "Total Amount", "Total Amount Due", "Total incl VAT", "Total including VAT", "Credit Total", "Total Credit", "Credit Note Total",
    "Total to Pay", "Total (GBP)",
  ],
};

export const COLUMN_LABELS: Readonly<Record<ColumnField, readonly string[]>> = {
  child: ["Child Ref", "Child ID", "Child", "Young Person", "YP Ref", "Client Ref", "LA Ref", "Child Reference", "YP", "YP ID", "Young Person Ref", "Client ID", "Child No", "LA Reference"],
  placement: ["Placement Ref", "Placement ID", "PO", "PO Number", "Purchase Order", "PO No", "PO Ref", "Placement Reference", "Purchase Order No", "Purchase Order Number", "Placement No"],
  description: ["Description", "Service", "Details", "Item", "Service Description", "Particulars", "Narrative", "Item Description"],
  from: ["From", "Start", "Period From", "Date From", "Start Date", "From Date"],
  to: ["To", "End", "Period To", "Date To", "End Date", "To Date"],
  period: ["Period", "Billing Period", "Period Covered", "Dates", "Service Period", "Period of Care"],
  date: ["Date", "Service Date"],
  quantity: [
    "Qty", "Quantity", "Nights", "Days", "Weeks", "Hours", "Units", "No. of nights", "No of weeks", "No of days", "No of hours",
    "Miles", "Sessions", "Number of nights", "Number of weeks", "Number of days", "Number of hours",
  ],
  unit: ["Unit", "UoM", "Per", "Unit of Measure", "Units of Measure"],
  rate: [
    "Rate", "Unit Price", "Unit Rate", "Weekly Rate", "Nightly Rate", "Price", "Fee", "Daily Rate", "Hourly Rate", "Weekly Fee",
    "Nightly Fee", "Unit Cost", "Rate per week", "Rate per night", "Rate per hour", "Rate per mile", "Mileage Rate",
  ],
  amount: ["Amount", "Line Total", "Total", "Net", "Value", "Cost", "Net Amount", "Line Amount", "Total Cost", "Amount (Net)"],
};

/**
 * When several headings of one table name the same field, the first in this order is the line's
 * value (a table with "Net", "VAT" and "Total" columns bills the net amount).
 */
export const AMOUNT_PREFERENCE = ["amount", "net amount", "amount net", "net", "line total", "line amount", "value", "cost", "total cost", "total"];

/** Lower case, no currency marks or trailing punctuation, single spaces: the key labels are compared by. */
export function normaliseLabel(text: string): string {
  return text
    .toLowerCase()
    .replace(/\(\s*(?:£|gbp|gbp £|£ gbp)\s*\)/g, " ")
    .replace(/£|\bgbp\b/g, " ")
    .replace(/\bno\./g, "no")
    .replace(/\b([a-z])\.([a-z])\b\.?/g, "$1$2")
    .replace(/[\u00a0\s]+/g, " ")
    .replace(/[.:#*]+/g, " ")
    .replace(/[-_/]+/g, " ")
    .replace(/\(\s*\)/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

const percentPart = /\s*(?:@|at)?\s*\(?\s*\d+(?:\.\d+)?\s*%\s*\)?/g;

/** A totals label with its rate stripped: "VAT @ 20%" → "vat", "Total (GBP):" → "total". */
export function normaliseTotalsLabel(text: string): string {
  return normaliseLabel(text.replace(percentPart, " ").replace(/\(\s*(?:gbp|£)\s*\)/gi, " "));
}

function keyMap<F extends string>(labels: Readonly<Record<F, readonly string[]>>, normalise: (t: string) => string): Map<string, F> {
  const map = new Map<string, F>();
  for (const [field, list] of Object.entries(labels) as [F, readonly string[]][]) {
    for (const label of list) if (!map.has(normalise(label))) map.set(normalise(label), field);
  }
  return map;
}

const COLUMN_KEYS = keyMap(COLUMN_LABELS, normaliseLabel);
const TOTALS_KEYS = keyMap(
  { subtotal: HEADER_LABELS.subtotal, vat: HEADER_LABELS.vat, total: HEADER_LABELS.total },
  normaliseTotalsLabel,
);

/** The column a table heading names, if any (extra synonyms from a template come first). */
export function columnFieldOf(heading: string, extra?: ReadonlyMap<string, ColumnField>): ColumnField | null {
  const key = stripHeadingUnits(normaliseLabel(heading));
  return extra?.get(key) ?? COLUMN_KEYS.get(key) ?? null;
}

/** "rate per wk (£)" style headings keep their field when the unit part is removed. */
function stripHeadingUnits(key: string): string {
  if (COLUMN_KEYS.has(key)) return key;
  const stripped = key.replace(/\s*\((?:per )?[a-z ]+\)$/, "").replace(/\s+(?:per|p) (?:week|wk|night|day|hour|hr|mile)$/, "").trim();
  return stripped === "" ? key : stripped;
}

/** The totals field a row label names (subtotal, VAT or total), if it is exactly one. */
export function totalsFieldOf(label: string): "subtotal" | "vat" | "total" | null {
  return TOTALS_KEYS.get(normaliseTotalsLabel(label)) ?? null;
}

/** The unit a quantity or rate heading implies: `Nights` → night, `Weekly Rate` → week. */
export function unitFromHeading(heading: string): Unit | null {
  const key = normaliseLabel(heading);
  const rules: ReadonlyArray<readonly [RegExp, Unit]> = [
    [/\bnights?\b|\bnightly\b|\bper night\b/, "night"],
    [/\bweeks?\b|\bweekly\b|\bwks?\b|\bper week\b/, "week"],
    [/\bdays?\b|\bdaily\b/, "day"],
    [/\bhours?\b|\bhourly\b|\bhrs?\b/, "hour"],
    [/\bmiles?\b|\bmileage\b/, "mile"],
    [/\bsessions?\b/, "session"],
  ];
  for (const [pattern, unit] of rules) if (pattern.test(key)) return unit;
  return null;
}

/** A header label at the start of a text, with the value text after it. */
export interface LabelMatch {
  field: HeaderField;
  label: string;
  rest: string;
}

function labelPattern(label: string): RegExp {
  const words = label
    .split(/\s+/)
    .map((w) => w.replace(/\.$/, "").replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/-/g, "[-\\s]?"));
  // "No" may be written "No." and "#" may stand alone; the label must end at a word edge.
  const body = words.join("[\\s.]*");
  return new RegExp(`^\\s*${body}\\.?(?=$|[\\s:#.\\-–(])[\\s:#.\\-–]*`, "i");
}

const HEADER_PATTERNS: ReadonlyArray<{ field: HeaderField; label: string; pattern: RegExp }> = (
  Object.entries(HEADER_LABELS) as [HeaderField, readonly string[]][]
)
  .flatMap(([field, labels]) => labels.map((label) => ({ field, label, pattern: labelPattern(label) })))
  // Longest first: "Invoice Date" before "Date", "VAT No" before "VAT", "Total Net" before "Total".
  .sort((a, b) => b.label.length - a.label.length);

/** The header label a text starts with (longest label wins), and what follows it. */
export function matchHeaderLabel(text: string, extra: ReadonlyArray<{ field: HeaderField; label: string }> = []): LabelMatch | null {
  const candidates = extra.length
    ? [...extra.map((e) => ({ ...e, pattern: labelPattern(e.label) })), ...HEADER_PATTERNS]
    : HEADER_PATTERNS;
  for (const { field, label, pattern } of candidates) {
    const m = pattern.exec(text);
    if (m) return { field, label, rest: text.slice(m[0].length).trim() };
  }
  return null;
}

/** How strongly a label names its field: "Invoice Date" beats a bare "Date". Lower is better. */
export function labelRank(field: HeaderField, label: string): number {
  const list = HEADER_LABELS[field];
  const index = list.findIndex((l) => l.toLowerCase() === label.toLowerCase());
  if (field === "invoiceDate" && label.toLowerCase() === "date") return 10;
  return index < 0 ? 5 : 0;
}

/** Rows that carry a running total between pages are never lines. */
export function isCarryRow(text: string): boolean {
  const t = text.toLowerCase();
  return (
    /\b(?:carried|brought)\s+(?:forward|fwd|fw)\b/.test(t) ||
    /(?:^|\s|\()[cb]\s*\/\s*[fd](?:wd)?\b/.test(t) ||
    /^\s*\(?\s*(?:table\s+)?continued(?:\s+(?:overleaf|on|from|to|the|next|previous|page|below|over|\d+))*\s*\)?\s*[.…:]*$/.test(t) ||
    /\(continued\)\s*$/.test(t) ||
    /^\s*balance\s+(?:b\/f|brought|c\/f|carried)/.test(t)
  );
}
