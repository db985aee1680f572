import { ParseError } from "./errors.js";

/** A calendar date as an ISO string, `YYYY-MM-DD` (no time, no zone). */
export type IsoDate = string;

/**
 * A calendar date as an integer: days since 1970-01-01. Nights are counted
 * with these rather than Date objects: fast, and free of time-zone traps
 * (a night is a calendar date in Europe/London, never an instant).
 */
export type DayNumber = number;

const MS_PER_DAY = 86_400_000;

/** "Jan" … "Dec", as dates and months are shown. */
export const MONTH_ABBREVIATIONS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"] as const;

const MONTHS: Readonly<Record<string, number>> = {
  jan: 1, january: 1, feb: 2, february: 2, mar: 3, march: 3, apr: 4, april: 4,
  may: 5, jun: 6, june: 6, jul: 7, july: 7, aug: 8, august: 8, sep: 9, sept: 9,
  september: 9, oct: 10, october: 10, nov: 11, november: 11, dec: 12, december: 12,
};

export function monthNumber(name: string): number | undefined {
  return MONTHS[name.toLowerCase().replace(/\.$/, "")];
}

/** Days in a month of the Gregorian calendar (month 1–12). */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * The day number of a calendar date, or null when there is no such date (or the year is outside 1900–2200).
 * Checked by arithmetic, without building a Date: imports call this millions of times.
 */
export function validDay(year: number, month: number, day: number): DayNumber | null {
  if (!Number.isInteger(year) || year < 1900 || year > 2200) return null;
  if (!Number.isInteger(month) || !Number.isInteger(day) || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return Date.UTC(year, month - 1, day) / MS_PER_DAY;
}

export function dayFromParts(year: number, month: number, day: number): DayNumber {
  const result = validDay(year, month, day);
  if (result === null) {
    throw new ParseError("date.invalid", `${year}-${month}-${day} is not a date`, { year, month, day });
  }
  return result;
}

export function dayFromIso(iso: IsoDate): DayNumber {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  const day = match ? validDay(Number(match[1]), Number(match[2]), Number(match[3])) : null;
  if (day === null) throw new ParseError("date.invalid", `"${iso}" is not a date`, { value: iso });
  return day;
}

export function isoFromDay(day: DayNumber): IsoDate {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

export function addDays(iso: IsoDate, days: number): IsoDate {
  return isoFromDay(dayFromIso(iso) + days);
}

const DATE_PATTERNS: ReadonlyArray<(text: string) => DayNumber | null | undefined> = [
  // 2026-10-01
  (t) => {
    const m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(t);
    return m ? validDay(Number(m[1]), Number(m[2]), Number(m[3])) : undefined;
  },
  // 01/10/2026, 01-10-2026, 01.10.2026 (UK day-month order only)
  (t) => {
    const m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(t);
    return m ? validDay(Number(m[3]), Number(m[2]), Number(m[1])) : undefined;
  },
  // 1 Oct 2026, 1 October 2026, 1st October 2026, 01-Oct-2026
  (t) => {
    const m = /^(\d{1,2})(?:st|nd|rd|th)?[\s-]+([A-Za-z]+\.?),?[\s-]+(\d{4})$/.exec(t);
    if (!m) return undefined;
    const month = monthNumber(m[2] ?? "");
    return month === undefined ? null : validDay(Number(m[3]), month, Number(m[1]));
  },
  // Oct 1, 2026 / October 1st 2026
  (t) => {
    const m = /^([A-Za-z]+\.?)\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$/.exec(t);
    if (!m) return undefined;
    const month = monthNumber(m[1] ?? "");
    return month === undefined ? null : validDay(Number(m[3]), month, Number(m[2]));
  },
];

/** Parse every DATA.md date spelling; null when the text is not one of them. */
export function tryParseDay(input: string): DayNumber | null {
  const text = input.replace(/\s+/g, " ").trim();
  for (const pattern of DATE_PATTERNS) {
    const result = pattern(text);
    if (result !== undefined) return result;
  }
  return null;
}

export function parseDate(input: string): IsoDate {
  const day = tryParseDay(input);
  if (day === null) throw new ParseError("date.invalid", `"${input}" is not a date`, { value: input });
  return isoFromDay(day);
}

/** "1 Oct 2026", as the UI and explanations show dates. */
export function formatDate(iso: IsoDate): string {
  const [year, month, day] = iso.split("-").map(Number);
  return `${day} ${MONTH_ABBREVIATIONS[(month ?? 1) - 1]} ${year}`;
}
