import { cleanText, findDates, parsePeriodText, periodOfOneDate, type DateFormat, type Period } from "../../text/values.js";
import type { DraftLine, LayoutRow, UncertainField } from "../../types.js";

/**
 * Periods that the reading itself makes doubtful (DESIGN.md "Reading pipeline", step 5). Nights
 * billed outside the invoice's period may be the provider's overcharge, which the audit must find
 * (AUDIT.md), so a printed period is never doubted for where it lies; only these are marked:
 * - a line read with no period of its own whose row prints a date: the dates were printed and
 *   lost (a cell wrapped, "02/11/2026 –" over "27/11/2026"), and the line would silently take the
 *   invoice's period;
 * - a week worked out from one printed date (a "Week commencing" or "Week ending" cell, seven
 *   nights) that lies wholly outside the invoice's period: the date was read from the wrong place
 *   or in the wrong order, or the heading was taken for another;
 * - an invoice period that no line's own period touches, when lines print theirs: the period was
 *   taken from somewhere else on the page (a credited invoice's, a payment's).
 */

/** A day and month printed without a year ("1–31 October", "Oct 5"): a date cut from its year. */
const DAY_AND_MONTH = /\b\d{1,2}(?:st|nd|rd|th)?(?:\s*[-–—]\s*\d{1,2}(?:st|nd|rd|th)?)?\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\b|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?\b/i;

function printsDate(text: string, formats: readonly DateFormat[]): boolean {
  return findDates(text, formats).length > 0 || parsePeriodText(text, formats) !== null || DAY_AND_MONTH.test(text);
}

/** The row a line was read from, by its `source` ("row 14", "page 2 row 14"). */
export function rowOfLine(rows: readonly LayoutRow[], line: DraftLine): LayoutRow | null {
  const where = /^(?:page (\d+) )?row (\d+)$/.exec(line.source);
  if (!where) return null;
  const page = Number(where[1] ?? "1");
  const number = Number(where[2]);
  return rows.find((row) => row.page === page && row.rowNumber === number) ?? null;
}

/**
 * The invoice's own values printed on a line's row: an export repeats the header's date or period
 * on every row ("OFP-0815;31/08/2026;01/08/2026 - 31/08/2026;C2001;…"), and a text printed on
 * every line's row is the document's, not one line's.
 */
function invoiceValueOnRow(text: string, header: HeaderDates, formats: readonly DateFormat[]): boolean {
  const period = parsePeriodText(text, formats);
  if (period && header.period && period.from === header.period.from && period.to === header.period.to) return true;
  // The invoice date alone in its cell (one date that is the whole text, bar a stop).
  const dates = findDates(text, formats);
  const only = dates.length === 1 ? dates[0] : undefined;
  return only !== undefined && only.iso === header.invoiceDate && only.end - only.start >= cleanText(text).length - 1;
}

export interface HeaderDates {
  invoiceDate: string | null;
  period: Period | null;
}

export function periodsLostOnTheirRow(lines: readonly DraftLine[], rows: readonly LayoutRow[], header: HeaderDates, formats: readonly DateFormat[]): UncertainField[] {
  const doubts: UncertainField[] = [];
  const invoicePeriod = header.period;
  const rowTexts = lines.map((line) => new Set(rowOfLine(rows, line)?.cells.map((cell) => cleanText(cell.text)) ?? []));
  const onEveryRow = (text: string): boolean => lines.length > 1 && rowTexts.every((texts) => texts.has(text));
  for (const line of lines) {
    if (line.from !== null && line.to !== null) continue;
    const row = rowOfLine(rows, line);
    const description = cleanText(line.description).toLowerCase();
    // Dates inside the description's own words ("(left 21/12/2026)") are its words, not a period cell.
    const dated = row?.cells.find((cell) => {
      const text = cleanText(cell.text);
      if (text === "" || description.includes(text.toLowerCase()) || !printsDate(text, formats)) return false;
      return !onEveryRow(text) && !invoiceValueOnRow(text, header, formats);
    });
    if (!dated) continue;
    const takes = invoicePeriod ? `, so it would take the invoice's period (${invoicePeriod.from} to ${invoicePeriod.to}) as its own` : "";
    doubts.push({
      code: "uncertain_value",
      field: `line ${line.lineNo} period`,
      reason: `(${line.source}, "${line.description.slice(0, 60)}") prints "${cleanText(dated.text).slice(0, 40)}" on its row, yet no period of its own was read from it${takes}`,
      candidates: [cleanText(dated.text).slice(0, 40)],
    });
  }
  return doubts;
}

/** The line's period is a week worked out from one date under its heading ("Week commencing"), not printed. */
function weekFromOneDate(line: DraftLine): boolean {
  const heading = line.evidence.period?.label;
  if (!heading || line.from === null || line.to === null || line.from === line.to) return false;
  const fromStart = periodOfOneDate(heading, line.from);
  const fromEnd = periodOfOneDate(heading, line.to);
  return (fromStart.from === line.from && fromStart.to === line.to) || (fromEnd.from === line.from && fromEnd.to === line.to);
}

const apart = (a: Period, b: Period): boolean => a.to < b.from || b.to < a.from;

export function periodsApart(lines: readonly DraftLine[], invoicePeriod: Period | null): UncertainField[] {
  if (invoicePeriod === null) return [];
  const dated = lines.filter((line): line is DraftLine & Period => line.from !== null && line.to !== null);
  if (dated.length === 0) return [];
  const outside = dated.filter((line) => apart(line, invoicePeriod));
  if (outside.length === dated.length) {
    return [
      {
        code: "uncertain_value",
        field: "period",
        reason: `(${invoicePeriod.from} to ${invoicePeriod.to}) shares no night with any line's own period (${dated[0]?.from} to ${dated[0]?.to}${dated.length > 1 ? " and others" : ""}): it may have been read from somewhere else on the page`,
        candidates: [`${invoicePeriod.from} to ${invoicePeriod.to}`],
      },
    ];
  }
  return outside.filter(weekFromOneDate).map((line) => ({
    code: "uncertain_value" as const,
    field: `line ${line.lineNo} period`,
    reason: `(${line.source}, "${line.description.slice(0, 60)}") is the week ${line.from} to ${line.to}, worked out from one date under "${line.evidence.period?.label ?? ""}", and lies wholly outside the invoice's period (${invoicePeriod.from} to ${invoicePeriod.to}), where the other lines lie`,
    candidates: [`${line.from} to ${line.to}`],
  }));
}
