import ExcelJS from "exceljs";
import { dayFromIso, formatDate, isoFromDay, type IsoDate } from "../domain/dates.js";
import { formatMoney, moneyString, ZERO, type DecimalString } from "../domain/money.js";
import { safeCellText } from "../domain/text-hygiene.js";
import { printSetup, TableWriter } from "./xlsx-table.js";

/**
 * A provider query pack: the provider's confirmed findings (raised with them, money not yet
 * back), laid out to send as a formal query: invoice, child reference, nights, what was
 * charged, what was agreed, the difference and why.
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
  /** Empty for a whole-invoice finding. */
  childRef: string;
  rule: string;
  /** The rule in plain words. */
  issue: string;
  /** Nights from the finding's evidence ranges; null when the finding has none (VAT, totals). */
  nights: number | null;
  nightRanges: NightRangeText[];
  charged: DecimalString;
  expected: DecimalString;
  amount: DecimalString;
  explanation: string;
}

export interface QueryPack {
  provider: { providerId: string; name: string };
  generatedOn: IsoDate;
  lines: QueryPackLine[];
  invoiceCount: number;
  /** Sum of the differences. */
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

export function sumDifferences(lines: readonly { amount: DecimalString }[]): DecimalString {
  return moneyString(lines.reduce((sum, l) => sum.plus(l.amount), ZERO));
}

export const QUERY_PACK_HEADINGS = [
  "Invoice number", "Invoice date", "Child ref", "Issue", "Nights", "Night dates", "Charged", "Agreed", "Difference", "Explanation",
] as const;

/** The first rows of the Query sheet: title, provider, how to read it; the table starts below. */
export const QUERY_PACK_HEADER_ROW = 5;

export function queryPackWorkbook(pack: QueryPack): ExcelJS.Workbook {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = "placement-audit";
  workbook.title = `Query to ${pack.provider.name}`;
  const sheet = workbook.addWorksheet("Query");
  sheet.getCell("A1").value = safeCellText(`Query to ${pack.provider.name} (${pack.provider.providerId})`);
  sheet.getCell("A1").font = { bold: true, size: 16 };
  sheet.getCell("A2").value = safeCellText(
    `${pack.lines.length} item${pack.lines.length === 1 ? "" : "s"} on ${pack.invoiceCount} invoice${pack.invoiceCount === 1 ? "" : "s"}, ` +
      `${formatMoney(pack.total)} in total. Produced ${formatDate(pack.generatedOn)}.`,
  );
  sheet.getCell("A3").value =
    "Each row is an amount charged above what was agreed. Please credit the difference or explain it. Agreed is what the placement's agreed fees, discounts and absence terms give for the same nights.";
  const table = new TableWriter(sheet, [
    { header: "Invoice number", kind: "text" },
    { header: "Invoice date", kind: "date" },
    { header: "Child ref", kind: "text" },
    { header: "Issue", kind: "text", maxWidth: 40 },
    { header: "Nights", kind: "integer" },
    { header: "Night dates", kind: "text", maxWidth: 40 },
    { header: "Charged", kind: "money" },
    { header: "Agreed", kind: "money" },
    { header: "Difference", kind: "money" },
    { header: "Explanation", kind: "text", maxWidth: 80 },
  ]);
  table.header(QUERY_PACK_HEADER_ROW);
  let row = QUERY_PACK_HEADER_ROW + 1;
  for (const line of pack.lines) {
    table.row(row++, [
      line.invoiceNumber, line.invoiceDate, line.childRef, line.issue, line.nights, nightRangesText(line.nightRanges),
      line.charged, line.expected, line.amount, line.explanation,
    ]);
  }
  const last = row - 1;
  table.row(row + 1, ["Total", null, null, null, null, null, null, null, pack.total, null], { bold: true });
  table.finish(QUERY_PACK_HEADER_ROW, last);
  printSetup(sheet, QUERY_PACK_HEADER_ROW);
  return workbook;
}

/** What query-pack.njk shows: every value already formatted (the template needs no filters). */
export interface QueryPackView {
  title: string;
  providerName: string;
  providerId: string;
  generatedOn: string;
  itemCount: number;
  invoiceCount: number;
  total: string;
  lines: {
    invoiceNumber: string;
    invoiceDate: string;
    childRef: string;
    issue: string;
    nights: string;
    nightDates: string;
    charged: string;
    expected: string;
    amount: string;
    explanation: string;
  }[];
}

export function queryPackView(pack: QueryPack): QueryPackView {
  return {
    title: `Query to ${pack.provider.name}`,
    providerName: pack.provider.name,
    providerId: pack.provider.providerId,
    generatedOn: formatDate(pack.generatedOn),
    itemCount: pack.lines.length,
    invoiceCount: pack.invoiceCount,
    total: formatMoney(pack.total),
    lines: pack.lines.map((l) => ({
      invoiceNumber: l.invoiceNumber,
      invoiceDate: formatDate(l.invoiceDate),
      childRef: l.childRef,
      issue: l.issue,
      nights: l.nights === null ? "" : String(l.nights),
      nightDates: nightRangesText(l.nightRanges),
      charged: formatMoney(l.charged),
      expected: formatMoney(l.expected),
      amount: formatMoney(l.amount),
      explanation: l.explanation,
    })),
  };
}
