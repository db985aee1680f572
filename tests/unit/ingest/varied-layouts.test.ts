import { beforeAll, describe, expect, it } from "vitest";
import type { InvoiceLine } from "../../../src/domain/invoice.js";
import { readInvoiceFile } from "../../../src/ingest/read-invoice-file.js";
import { warmUpPdfReader } from "../../../src/ingest/readers/pdf.reader.js";
import { pdfkitLayout, pdfLibLayout, type PdfLayout, type TextOp } from "../../fixtures/invoices/pdf-builders.js";
import { FIXTURE_PROVIDERS } from "../../fixtures/invoices/providers.js";
import { csvText } from "../../fixtures/invoices/spreadsheet-builders.js";
import { LINE_KEYWORDS } from "../../support/line-keywords.js";

/**
 * Layouts the extractor was not written against: every variant draws the same invoice (values
 * fixed below, by hand) with a random column order, random DATA.md label, date, period and money
 * spellings, labels with or without colons, in capitals or not. A seeded generator keeps every
 * run the same; the seed is in each test's name.
 */

// The invoice every variant prints. Oakfield Fostering Ltd, by its VAT number GB123456789.
const NUMBER = "OFP-7781";
const DATE = { y: 2026, m: 11, d: 4 };
const LINES = [
  { child: "C1001", description: "Foster placement", from: { y: 2026, m: 10, d: 1 }, to: { y: 2026, m: 10, d: 31 }, qty: "31", unit: "nights", rate: 131, amount: 4061 },
  { child: "C1002", description: "Mileage to contact", from: { y: 2026, m: 10, d: 5 }, to: { y: 2026, m: 10, d: 5 }, qty: "42", unit: "miles", rate: 0.45, amount: 18.9 },
  { child: "C1002", description: "Sibling discount", from: null, to: null, qty: "", unit: "", rate: null, amount: -203.05 },
] as const;
const SUBTOTAL = 3876.85;
const EXPECTED_LINES: InvoiceLine[] = [
  { lineNo: 1, childRef: "C1001", placementRef: null, description: "Foster placement", item: "placement", from: "2026-10-01", to: "2026-10-31", quantity: "31", unit: "night", unitRate: "131", amount: "4061.00" },
  { lineNo: 2, childRef: "C1002", placementRef: null, description: "Mileage to contact", item: "transport_mile", from: "2026-10-05", to: "2026-10-05", quantity: "42", unit: "mile", unitRate: "0.45", amount: "18.90" },
  { lineNo: 3, childRef: "C1002", placementRef: null, description: "Sibling discount", item: "discount", from: null, to: null, quantity: null, unit: null, unitRate: null, amount: "-203.05" },
];

/** mulberry32: small, seedable, good enough to pick spellings. */
function generator(seed: number): { pick: <T>(list: readonly T[]) => T; chance: (p: number) => boolean; shuffle: <T>(list: readonly T[]) => T[] } {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T,>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  const shuffle = <T,>(list: readonly T[]): T[] => {
    const out = [...list];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [out[i], out[j]] = [out[j] as T, out[i] as T];
    }
    return out;
  };
  return { pick, chance: (p) => next() < p, shuffle };
}

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
type Day = { y: number; m: number; d: number };
const two = (n: number): string => String(n).padStart(2, "0");
const ordinal = (n: number): string => `${n}${n % 10 === 1 && n !== 11 ? "st" : n % 10 === 2 && n !== 12 ? "nd" : n % 10 === 3 && n !== 13 ? "rd" : "th"}`;
const DATE_SPELLINGS: ReadonlyArray<(d: Day) => string> = [
  (d) => `${d.y}-${two(d.m)}-${two(d.d)}`,
  (d) => `${two(d.d)}/${two(d.m)}/${d.y}`,
  (d) => `${two(d.d)}-${two(d.m)}-${d.y}`,
  (d) => `${two(d.d)}.${two(d.m)}.${d.y}`,
  (d) => `${d.d} ${MONTHS[d.m - 1]!.slice(0, 3)} ${d.y}`,
  (d) => `${d.d} ${MONTHS[d.m - 1]} ${d.y}`,
  (d) => `${ordinal(d.d)} ${MONTHS[d.m - 1]} ${d.y}`,
  (d) => `${MONTHS[d.m - 1]!.slice(0, 3)} ${d.d}, ${d.y}`,
];
const PERIOD_SPELLINGS = ["01/10/2026 to 31/10/2026", "1 Oct 2026 - 31 Oct 2026", "1 Oct 2026 – 31 Oct 2026", "01/10/2026 until 31/10/2026", "1–31 October 2026", "October 2026"];

function money(value: number, style: number): string {
  const abs = Math.abs(value);
  const grouped = abs.toLocaleString("en-GB", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const plain = abs.toFixed(2);
  if (value < 0) return [`-£${grouped}`, `(${grouped})`, `£${grouped} CR`][style % 3] as string;
  return [`£${grouped}`, plain, `${grouped} GBP`][style % 3] as string;
}

const HEADINGS = {
  child: ["Child Ref", "Child ID", "Child", "Young Person", "YP Ref", "Client Ref", "LA Ref"],
  description: ["Description", "Service", "Details", "Item"],
  from: ["From", "Start", "Period From", "Date From"],
  to: ["To", "End", "Period To", "Date To"],
  quantity: ["Qty", "Quantity", "Units"],
  unit: ["Unit", "UoM", "Per"],
  rate: ["Rate", "Unit Price", "Unit Rate", "Price", "Fee"],
  amount: ["Amount", "Line Total", "Total", "Net", "Value", "Cost"],
} as const;
type Column = keyof typeof HEADINGS;
const LABELS = {
  number: ["Invoice No", "Invoice Number", "Invoice #", "Inv No", "Invoice Ref"],
  date: ["Invoice Date", "Date", "Tax Point", "Date of Issue"],
  period: ["Period", "Billing Period", "Period Covered"],
  vatNumber: ["VAT Reg No", "VAT Registration Number", "VAT No"],
  subtotal: ["Subtotal", "Sub-total", "Net Total", "Total Net"],
  vat: ["VAT", "VAT @ 20%", "Tax"],
  total: ["Total", "Total Due", "Amount Due", "Balance Due", "Invoice Total"],
};

interface Variant {
  header: Array<[string, string]>;
  columns: Column[];
  headings: string[];
  rows: string[][];
  totals: Array<[string, string]>;
}

function variant(seed: number): Variant {
  const g = generator(seed);
  const style = (label: string): string => {
    const cased = g.chance(0.3) ? label.toUpperCase() : label;
    return g.chance(0.6) ? `${cased}:` : cased;
  };
  const date = g.pick(DATE_SPELLINGS);
  const moneyStyle = Math.floor(g.chance(0.5) ? 0 : g.chance(0.5) ? 1 : 2);
  const header = g.shuffle<[string, string]>([
    [style(g.pick(LABELS.number)), NUMBER],
    [style(g.pick(LABELS.date)), date(DATE)],
    [style(g.pick(LABELS.period)), g.pick(PERIOD_SPELLINGS)],
  ]);
  header.push([style(g.pick(LABELS.vatNumber)), g.pick(["GB123456789", "GB 123 4567 89", "123 4567 89"])]);
  const columns = g.shuffle<Column>(["child", "description", "from", "to", "quantity", "unit", "rate", "amount"]);
  const headings = columns.map((c) => g.pick(HEADINGS[c]));
  const lineDate = g.pick(DATE_SPELLINGS);
  const rows = LINES.map((line) =>
    columns.map((c) => {
      switch (c) {
        case "child": return line.child;
        case "description": return line.description;
        case "from": return line.from ? lineDate(line.from) : "";
        case "to": return line.to ? lineDate(line.to) : "";
        case "quantity": return line.qty;
        case "unit": return line.unit;
        case "rate": return line.rate === null ? "" : money(line.rate, moneyStyle);
        case "amount": return money(line.amount, moneyStyle);
      }
    }),
  );
  const totals: Array<[string, string]> = [
    [g.pick(LABELS.subtotal), money(SUBTOTAL, moneyStyle)],
    [g.pick(LABELS.vat), money(0, moneyStyle)],
    [g.pick(LABELS.total), money(SUBTOTAL, moneyStyle)],
  ];
  return { header, columns, headings, rows, totals };
}

const WIDTH: Record<Column, number> = { child: 50, description: 95, from: 80, to: 80, quantity: 32, unit: 35, rate: 52, amount: 62 };
const RIGHT: ReadonlySet<Column> = new Set(["quantity", "rate", "amount"]);

function pdfOf(v: Variant, seed: number): PdfLayout {
  const g = generator(seed * 7 + 1);
  const ops: TextOp[] = [{ x: 30, y: 40, text: "Oakfield Fostering Ltd", size: 13, bold: true }, { x: 30, y: 54, text: "12 High Street, Exeter" }];
  // Header fields on the right, label and value as one text or as two, at a random spacing.
  const spacing = g.pick([11, 12, 13]);
  v.header.forEach(([label, value], i) => {
    const y = 40 + i * spacing;
    if (g.chance(0.5)) ops.push({ x: 330, y, text: `${label} ${value}` });
    else ops.push({ x: 330, y, text: label }, { x: 450, y, text: value });
  });
  let x = 30;
  const edges = v.columns.map((c) => {
    const edge = { x, width: WIDTH[c], align: RIGHT.has(c) ? ("right" as const) : ("left" as const) };
    x += WIDTH[c] + 6;
    return edge;
  });
  const top = 130;
  v.headings.forEach((text, i) => ops.push({ x: edges[i]!.x, y: top, text, bold: true, width: edges[i]!.width, align: edges[i]!.align }));
  v.rows.forEach((cells, r) =>
    cells.forEach((text, i) => {
      if (text !== "") ops.push({ x: edges[i]!.x, y: top + 16 + r * 14, text, width: edges[i]!.width, align: edges[i]!.align });
    }),
  );
  const amountEdge = edges[v.columns.indexOf("amount")]!;
  const labelX = amountEdge.x > 200 ? amountEdge.x - 110 : 420;
  const valueEdge = amountEdge.x > 200 ? amountEdge : { x: 500, width: 62 };
  v.totals.forEach(([label, value], i) => {
    const y = top + 16 + LINES.length * 14 + 14 + i * 14;
    ops.push({ x: labelX, y, text: label }, { x: valueEdge.x, y, text: value, width: valueEdge.width, align: "right" });
  });
  return { pages: 1, ops };
}

function csvOf(v: Variant): string {
  const amountIndex = v.columns.indexOf("amount");
  const labelIndex = amountIndex > 0 ? amountIndex - 1 : 1;
  const totals = v.totals.map(([label, value]) => v.columns.map((_, i) => (i === amountIndex ? value : i === labelIndex ? label : "")));
  return csvText([["Oakfield Fostering Ltd"], ...v.header.map(([label, value]) => [label.replace(/:$/, ""), value]), [], v.headings, ...v.rows, ...totals], ",");
}

const SEEDS = Array.from({ length: 12 }, (_, i) => 1000 + i * 37);

beforeAll(async () => {
  await warmUpPdfReader();
});

describe("layouts the extractor was not written against", () => {
  it.each(SEEDS)("PDF variant, seed %i", async (seed) => {
    const v = variant(seed);
    const produce = seed % 2 === 0 ? pdfLibLayout : pdfkitLayout;
    const outcome = await readInvoiceFile(`v${seed}.pdf`, await produce(pdfOf(v, seed)), { providers: FIXTURE_PROVIDERS, templates: [], lineKeywords: LINE_KEYWORDS });
    if (outcome.status !== "ok") throw new Error(`${outcome.reason}: ${outcome.message}\n${JSON.stringify(v)}`);
    expect(outcome.providerVia).toBe("vat_number");
    expect(outcome.invoice).toEqual({
      providerId: "OAK", invoiceNumber: NUMBER, invoiceDate: "2026-11-04", kind: "invoice", creditsInvoice: null,
      periodFrom: "2026-10-01", periodTo: "2026-10-31", subtotal: "3876.85", vat: "0.00", total: "3876.85", lines: EXPECTED_LINES,
    });
  });

  it.each(SEEDS)("CSV variant, seed %i", async (seed) => {
    const v = variant(seed);
    const outcome = await readInvoiceFile(`v${seed}.csv`, Buffer.from(csvOf(v), "utf8"), { providers: FIXTURE_PROVIDERS, templates: [], lineKeywords: LINE_KEYWORDS });
    if (outcome.status !== "ok") throw new Error(`${outcome.reason}: ${outcome.message}\n${JSON.stringify(v)}`);
    expect(outcome.invoice).toEqual({
      providerId: "OAK", invoiceNumber: NUMBER, invoiceDate: "2026-11-04", kind: "invoice", creditsInvoice: null,
      periodFrom: "2026-10-01", periodTo: "2026-10-31", subtotal: "3876.85", vat: "0.00", total: "3876.85", lines: EXPECTED_LINES,
    });
  });
});
