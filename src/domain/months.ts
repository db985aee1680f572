import { dayFromParts, isoFromDay, MONTH_ABBREVIATIONS, validDay, type IsoDate } from "./dates.js";
import { AppError, ParseError } from "./errors.js";

/**
 * Calendar months, spelt `YYYY-MM`: their bounds, arithmetic, labels, the financial year and the
 * month in Europe/London (the council's calendar).
 *
 * Report periods are whole months of invoice date, spelt `YYYY-MM`. A period is inclusive:
 * `{ from: "2026-08", to: "2026-10" }` covers invoices dated 1 Aug 2026 to 31 Oct 2026.
 */
export type Month = string;

export interface MonthPeriod {
  from: Month;
  to: Month;
}

const MONTH_PATTERN = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function isMonth(value: string): boolean {
  const match = MONTH_PATTERN.exec(value);
  return match !== null && Number(match[1]) >= 1900 && Number(match[1]) <= 2200;
}

/** Validates a month given by a person (a CLI flag or a query parameter): a usage error otherwise. */
export function requireReportMonth(value: string, name = "month"): Month {
  if (!isMonth(value)) throw new AppError("usage", `${name} must be a month as YYYY-MM, not "${value}"`, { field: name });
  return value;
}

function parts(month: Month): [number, number] {
  const match = MONTH_PATTERN.exec(month);
  if (!match) throw new AppError("usage", `"${month}" is not a month (YYYY-MM)`, { value: month });
  return [Number(match[1]), Number(match[2])];
}

function fromIndex(index: number): Month {
  const year = Math.floor(index / 12);
  const month = index - year * 12 + 1;
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}`;
}

function monthIndex(month: Month): number {
  const [year, m] = parts(month);
  return year * 12 + (m - 1);
}

export function addMonths(month: Month, count: number): Month {
  return fromIndex(monthIndex(month) + count);
}

/** Months from `from` to `to`, both included; empty when `from` is after `to`. */
export function monthsInPeriod(period: MonthPeriod): Month[] {
  const months: Month[] = [];
  for (let i = monthIndex(period.from); i <= monthIndex(period.to); i++) months.push(fromIndex(i));
  return months;
}

export function monthCount(period: MonthPeriod): number {
  return Math.max(0, monthIndex(period.to) - monthIndex(period.from) + 1);
}

/** The council's financial year starts in April: the April on or before `month`. */
export function financialYearStart(month: Month): Month {
  const [year, m] = parts(month);
  return `${m >= 4 ? year : year - 1}-04`;
}

/** "Oct 2026". */
export function monthLabel(month: Month): string {
  const [year, m] = parts(month);
  return `${MONTH_ABBREVIATIONS[m - 1] ?? ""} ${year}`;
}

/** "Aug 2026 to Oct 2026", or "Oct 2026" for a single month. */
export function periodLabel(period: MonthPeriod): string {
  return period.from === period.to ? monthLabel(period.from) : `${monthLabel(period.from)} to ${monthLabel(period.to)}`;
}

/** First and last day of a month given as `YYYY-MM`. */
export function monthBounds(month: string): { from: IsoDate; to: IsoDate } {
  const match = /^(\d{4})-(\d{2})$/.exec(month);
  if (!match) throw new ParseError("month.invalid", `"${month}" is not a month (YYYY-MM)`, { value: month });
  const year = Number(match[1]);
  const monthIndex = Number(match[2]);
  const first = validDay(year, monthIndex, 1);
  if (first === null) throw new ParseError("month.invalid", `"${month}" is not a month (YYYY-MM)`, { value: month });
  const last = dayFromParts(monthIndex === 12 ? year + 1 : year, monthIndex === 12 ? 1 : monthIndex + 1, 1) - 1;
  return { from: isoFromDay(first), to: isoFromDay(last) };
}

/** First and last invoice dates of the period. */
export function periodDates(period: MonthPeriod): { from: IsoDate; to: IsoDate } {
  return { from: monthBounds(period.from).from, to: monthBounds(period.to).to };
}

export function monthOfDate(iso: IsoDate): Month {
  return iso.slice(0, 7);
}

/** The month `now` falls in, in Europe/London (the council's calendar). */
export function londonMonth(now: Date): Month {
  const text = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/London", year: "numeric", month: "2-digit" }).format(now);
  return text.slice(0, 7);
}

/** Today's date in Europe/London. */
export function londonDate(now: Date): IsoDate {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/London", year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
}

/**
 * The report period when some or all of it is not given (INTERFACES.md `report savings`):
 * `to` defaults to last month (Europe/London), and `from` to the April that starts the
 * financial year containing `to` — so with no options the report is the financial year to date.
 * (On 15 Apr 2027 that is Apr 2026 to Mar 2027: the year just ended, not an empty April.)
 * `from` after `to` is a usage error.
 */
export function resolvePeriod(options: { from?: string | undefined; to?: string | undefined; now?: Date }): MonthPeriod {
  const to = options.to !== undefined ? requireReportMonth(options.to, "--to") : addMonths(londonMonth(options.now ?? new Date()), -1);
  const from = options.from !== undefined ? requireReportMonth(options.from, "--from") : financialYearStart(to);
  if (from > to) throw new AppError("usage", `--from (${from}) must not be after --to (${to})`, { from, to });
  return { from, to };
}
