import ExcelJS from "exceljs";
import { dayFromIso, formatDate, isoFromDay, type IsoDate } from "../domain/dates.js";
import { formatMoney, moneyString, ZERO, type DecimalString } from "../domain/money.js";
import { safeCellText } from "../domain/text-hygiene.js";
import { providerWording } from "./query-pack-wording.js";
import { applyWidths, printSetup, TableWriter, type TableColumn } from "./xlsx-table.js";

/**
 * A provider query pack: what a finance officer sends a provider as it is. It says who is
 * asking (the council's name, address and contact), the query's reference and the date to
 * reply by; then, for each kind of issue, one explanation in the provider's terms and the
 * lines it concerns in a table (invoice, line, the child's reference, the service as the
 * invoice names it, the nights, what was charged and agreed, what is queried, what has
 * already been credited and what is still owed). No rule code and no identifier of our
 * reference data (contract, placement or discount ids) appears: the provider knows neither.
 */
export interface NightRangeText {
  from: IsoDate;
  to: IsoDate;
  nights: number;
}

export interface QueryPackLine {
  findingId: string;
  invoiceNumber: string;
  invoiceDate: IsoDate;
  /** The invoice's line number; null for a whole-invoice finding (VAT, totals, a copy). */
  lineNo: number | null;
  /** The child's reference as the invoice gives it; empty for a whole-invoice finding. */
  childRef: string;
  /** The service as the provider's invoice line describes it ("Whole invoice" for VAT, totals). */
  service: string;
  rule: string;
  /** Nights from the finding's evidence ranges; null when the finding has none (VAT, totals). */
  nights: number | null;
  nightRanges: NightRangeText[];
  charged: DecimalString;
  expected: DecimalString;
  /** The difference found (the finding's amount). */
  queried: DecimalString;
  /** Already credited (a credit note or a recorded recovery). */
  recovered: DecimalString;
  /** What is still owed and asked for. */
  outstanding: DecimalString;
}

/** One kind of issue: said once, with its lines. */
export interface QueryPackSection {
  rule: string;
  title: string;
  explanation: string;
  lines: QueryPackLine[];
  outstanding: DecimalString;
}

export interface CouncilDetails {
  name: string;
  addressLines: string[];
  contactName: string | null;
  contactEmail: string | null;
  contactPhone: string | null;
}

export interface QueryPack {
  council: CouncilDetails;
  provider: { providerId: string; name: string };
  /** Quoted back by the provider: "Q-20261115-3F9A2C". */
  reference: string;
  generatedOn: IsoDate;
  replyBy: IsoDate;
  sections: QueryPackSection[];
  /** Every line, in invoice date, invoice number and line order. */
  lines: QueryPackLine[];
  invoiceCount: number;
  queried: DecimalString;
  recovered: DecimalString;
  /** Sum still owed: what the pack asks for. */
  total: DecimalString;
}

function isIso(value: unknown): value is IsoDate {
  if (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  try {
    return isoFromDay(dayFromIso(value)) === value;
  } catch {
    return false;
  }
}

/**
 * The night ranges of a finding's evidence (`{ ranges: [{ from, to, nights }] }`, AUDIT.md
 * findings' evidence). Stored JSON is read defensively: malformed entries are skipped, and a
 * missing `nights` is counted from the dates (both included).
 */
export function evidenceNightRanges(evidence: unknown): NightRangeText[] {
  if (typeof evidence === "string") {
    try {
      return evidenceNightRanges(JSON.parse(evidence) as unknown);
    } catch {
      return [];
    }
  }
  if (typeof evidence !== "object" || evidence === null) return [];
  const ranges = (evidence as { ranges?: unknown }).ranges;
  if (!Array.isArray(ranges)) return [];
  const result: NightRangeText[] = [];
  for (const range of ranges as unknown[]) {
    if (typeof range !== "object" || range === null) continue;
    const { from, to, nights } = range as { from?: unknown; to?: unknown; nights?: unknown };
    if (!isIso(from) || !isIso(to) || to < from) continue;
    const counted = dayFromIso(to) - dayFromIso(from) + 1;
    result.push({ from, to, nights: typeof nights === "number" && Number.isInteger(nights) && nights >= 0 ? nights : counted });
  }
  return result;
}

export function totalNights(ranges: readonly NightRangeText[]): number | null {
  return ranges.length === 0 ? null : ranges.reduce((sum, r) => sum + r.nights, 0);
}

/** "1 Oct 2026 to 31 Oct 2026; 5 Nov 2026" */
export function nightRangesText(ranges: readonly NightRangeText[]): string {
  return ranges.map((r) => (r.from === r.to ? formatDate(r.from) : `${formatDate(r.from)} to ${formatDate(r.to)}`)).join("; ");
}

export function sumMoney<T>(items: readonly T[], pick: (item: T) => DecimalString): DecimalString {
  return moneyString(items.reduce((sum, item) => sum.plus(pick(item)), ZERO));
}

/** Groups the lines by kind of issue, in the order given (the rule catalogue's), each said once. */
export function querySections(lines: readonly QueryPackLine[], ruleOrder: readonly string[]): QueryPackSection[] {
  const rules = [...new Set(lines.map((l) => l.rule))].sort((a, b) => rank(ruleOrder, a) - rank(ruleOrder, b));
  return rules.map((rule) => {
    const mine = lines.filter((l) => l.rule === rule);
    const { title, explanation } = providerWording(rule);
    return { rule, title, explanation, lines: mine, outstanding: sumMoney(mine, (l) => l.outstanding) };
  });
}

function rank(order: readonly string[], rule: string): number {
  const index = order.indexOf(rule);
  return index === -1 ? order.length : index;
}

export const QUERY_PACK_HEADINGS = [
  "Invoice", "Invoice date", "Line", "Child ref", "Service", "Nights", "Night dates", "Charged", "Agreed", "Queried", "Already credited", "Still owed",
] as const;

const LINE_COLUMNS: readonly TableColumn[] = [
  { header: "Invoice", kind: "text" },
  { header: "Invoice date", kind: "date" },
  { header: "Line", kind: "integer" },
  { header: "Child ref", kind: "text" },
  { header: "Service", kind: "text", maxWidth: 36 },
  { header: "Nights", kind: "integer" },
  { header: "Night dates", kind: "text", maxWidth: 36 },
  { header: "Charged", kind: "money" },
  { header: "Agreed", kind: "money" },
  { header: "Queried", kind: "money" },
  { header: "Already credited", kind: "money" },
  { header: "Still owed", kind: "money" },
];

function lineCells(l: QueryPackLine): (string | number | null)[] {
  return [
    l.invoiceNumber, l.invoiceDate, l.lineNo, l.childRef, l.service, l.nights, nightRangesText(l.nightRanges),
    l.charged, l.expected, l.queried, l.recovered, l.outstanding,
  ];
}

/** The letter's opening lines, shared by the workbook and the page. */
export function packHeading(pack: QueryPack): { title: string; details: [string, string][]; summary: string; request: string } {
  const contact = [pack.council.contactName, pack.council.contactEmail, pack.council.contactPhone].filter((v): v is string => v !== null && v !== "");
  const items = pack.lines.length;
  return {
    title: `Invoice query from ${pack.council.name} to ${pack.provider.name}`,
    details: [
      ["From", [pack.council.name, ...pack.council.addressLines].join("\n")],
      ["To", pack.provider.name],
      ["Our reference", pack.reference],
      ["Date", formatDate(pack.generatedOn)],
      ["Please reply by", formatDate(pack.replyBy)],
      ...(contact.length > 0 ? [["Contact", contact.join("\n")] as [string, string]] : []),
    ],
    summary:
      `${items} item${items === 1 ? "" : "s"} on ${pack.invoiceCount} invoice${pack.invoiceCount === 1 ? "" : "s"}: ` +
      `${formatMoney(pack.queried)} queried, ${formatMoney(pack.recovered)} already credited, ${formatMoney(pack.total)} still owed.`,
    request:
      `Please issue a credit note for the amounts still owed, or tell us why they are due, by ${formatDate(pack.replyBy)}, ` +
      `quoting our reference ${pack.reference}. Children are named by reference only.`,
  };
}

/** Sheet "Query": the letter, then one block per kind of issue; sheet "Lines": every line in one filterable table. */
export function queryPackWorkbook(pack: QueryPack): ExcelJS.Workbook {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = "placement-audit";
  const heading = packHeading(pack);
  workbook.title = heading.title;
  const sheet = workbook.addWorksheet("Query");
  const width = LINE_COLUMNS.length;
  const merged = (row: number, text: string, options: { bold?: boolean; size?: number } = {}): void => {
    sheet.mergeCells(row, 1, row, width);
    const cell = sheet.getCell(row, 1);
    cell.value = safeCellText(text);
    cell.alignment = { wrapText: true, vertical: "top" };
    if (options.bold || options.size) cell.font = { bold: options.bold ?? false, ...(options.size ? { size: options.size } : {}) };
    sheet.getRow(row).height = 15 * Math.max(1, text.split("\n").length, Math.ceil(text.length / 140));
  };
  let row = 1;
  merged(row++, heading.title, { bold: true, size: 16 });
  row++;
  for (const [label, value] of heading.details) {
    sheet.getCell(row, 1).value = label;
    sheet.getCell(row, 1).font = { bold: true };
    sheet.getCell(row, 1).alignment = { vertical: "top" };
    sheet.mergeCells(row, 2, row, width);
    const cell = sheet.getCell(row, 2);
    cell.value = safeCellText(value);
    cell.alignment = { wrapText: true, vertical: "top" };
    sheet.getRow(row).height = 15 * Math.max(1, value.split("\n").length);
    row++;
  }
  row++;
  merged(row++, heading.summary, { bold: true });
  merged(row++, heading.request);
  const tables: TableWriter[] = [];
  for (const section of pack.sections) {
    row++;
    merged(row++, section.title, { bold: true, size: 13 });
    merged(row++, section.explanation);
    const table = new TableWriter(sheet, LINE_COLUMNS);
    tables.push(table);
    table.header(row++);
    for (const line of section.lines) table.row(row++, lineCells(line));
    table.row(row++, [`Still owed: ${section.title}`, null, null, null, null, null, null, null, null, null, null, section.outstanding], { bold: true, labelFirst: true });
  }
  row++;
  const totals = new TableWriter(sheet, LINE_COLUMNS);
  tables.push(totals);
  totals.row(row, ["Total", null, null, null, null, null, null, null, null, pack.queried, pack.recovered, pack.total], { bold: true, labelFirst: true });
  applyWidths(sheet, tables, [16]);
  sheet.getColumn(1).width = Math.max(sheet.getColumn(1).width ?? 0, 18);
  printSetup(sheet, 1);
  sheet.pageSetup.orientation = "landscape";
  sheet.pageSetup.printTitlesRow = undefined;

  const lines = workbook.addWorksheet("Lines");
  const flat = new TableWriter(lines, [{ header: "Issue", kind: "text", maxWidth: 40 }, ...LINE_COLUMNS]);
  flat.header(1);
  let r = 2;
  for (const section of pack.sections) for (const line of section.lines) flat.row(r++, [section.title, ...lineCells(line)]);
  const last = r - 1;
  flat.row(r + 1, ["Total", null, null, null, null, null, null, null, null, null, pack.queried, pack.recovered, pack.total], { bold: true });
  flat.finish(1, last);
  printSetup(lines, 1);
  return workbook;
}

/** What query-pack.njk shows: every value already formatted (the template needs no filters). */
export interface QueryPackView {
  title: string;
  council: { name: string; addressLines: string[] };
  providerName: string;
  details: { label: string; lines: string[] }[];
  summary: string;
  request: string;
  sections: {
    title: string;
    explanation: string;
    outstanding: string;
    lines: {
      invoiceNumber: string;
      invoiceDate: string;
      lineNo: string;
      childRef: string;
      service: string;
      nights: string;
      nightDates: string;
      charged: string;
      expected: string;
      queried: string;
      recovered: string;
      outstanding: string;
    }[];
  }[];
  queried: string;
  recovered: string;
  total: string;
}

export function queryPackView(pack: QueryPack): QueryPackView {
  const heading = packHeading(pack);
  return {
    title: heading.title,
    council: { name: pack.council.name, addressLines: pack.council.addressLines },
    providerName: pack.provider.name,
    details: heading.details.filter(([label]) => label !== "From").map(([label, value]) => ({ label, lines: value.split("\n") })),
    summary: heading.summary,
    request: heading.request,
    sections: pack.sections.map((s) => ({
      title: s.title,
      explanation: s.explanation,
      outstanding: formatMoney(s.outstanding),
      lines: s.lines.map((l) => ({
        invoiceNumber: l.invoiceNumber,
        invoiceDate: formatDate(l.invoiceDate),
        lineNo: l.lineNo === null ? "" : String(l.lineNo),
        childRef: l.childRef,
        service: l.service,
        nights: l.nights === null ? "" : String(l.nights),
        nightDates: nightRangesText(l.nightRanges),
        charged: formatMoney(l.charged),
        expected: formatMoney(l.expected),
        queried: formatMoney(l.queried),
        recovered: formatMoney(l.recovered),
        outstanding: formatMoney(l.outstanding),
      })),
    })),
    queried: formatMoney(pack.queried),
    recovered: formatMoney(pack.recovered),
    total: formatMoney(pack.total),
  };
}
