/**
 * Spellings that other tools write into spreadsheets and CSV files and that DATA.md does not
 * accept as they stand: US (month-first) dates, Excel serial day numbers, decimal commas.
 * Each is recognised here so that a reader can refuse it with the reason a person needs (or,
 * for serial numbers in a column known to hold dates, read it), never misread it.
 * Pure functions over text and numbers; shared by the reference import and the invoice reader.
 */
import { validDay } from "../domain/dates.js";

/** `11/23/2026`, `11-23-26`: a day/month/year shape (slash, dash or dot; four- or two-digit year). */
const SLASH_DATE = /^(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})$/;

export interface SlashDate {
  /** The first and second numbers as written. */
  first: number;
  second: number;
  year: number;
}

/** The parts of a `NN/NN/YYYY` (or `NN/NN/YY`) text, or null when it has another shape. */
export function slashDateParts(text: string): SlashDate | null {
  const match = SLASH_DATE.exec(text.trim());
  if (!match) return null;
  const yearText = match[4] ?? "";
  return { first: Number(match[1]), second: Number(match[3]), year: yearText.length === 2 ? 2000 + Number(yearText) : Number(yearText) };
}

/**
 * True when the text is a date only in US (month-first) order: `11/23/2026` has no 23rd month,
 * but is 23 November read month first. Such a value must never be read as a UK date (there is
 * none) nor silently swapped.
 */
export function isUsOrderOnly(text: string): boolean {
  const parts = slashDateParts(text);
  if (!parts) return false;
  const { first: month, second: day, year } = parts;
  return month >= 1 && month <= 12 && day > 12 && validDay(year, month, day) !== null;
}

/**
 * True when both orders give a real date and they differ (`03/04/2026`: 3 April or 4 March).
 * Read as day/month everywhere (DATA.md), unless the same column shows month-first values.
 */
export function isDayMonthAmbiguous(text: string): boolean {
  const parts = slashDateParts(text);
  if (!parts) return false;
  return parts.first >= 1 && parts.first <= 12 && parts.second >= 1 && parts.second <= 12 && parts.first !== parts.second;
}

/** Why a US-order date is refused, completing a sentence that quotes the value. */
export const US_ORDER_REASON = "looks like a US (month-first) date: dates must be day/month/year (UK order) or YYYY-MM-DD";

// ------------------------------------------------------------------ Excel serial dates

/**
 * Serial day numbers taken as dates: 1 January 2000 to 31 December 2099 in the 1900 system.
 * Outside that a number in a date column is more likely an amount or an id than a date.
 */
export const SERIAL_DATE_FIRST = "2000-01-01";
export const SERIAL_DATE_LAST = "2099-12-31";

const MS_PER_DAY = 86_400_000;
/** Day 0 of the 1900 system is 1899-12-30 once Lotus's 29 February 1900 (serial 60) is allowed for. */
const EPOCH_1900 = Date.UTC(1899, 11, 30);
/** Day 0 of the 1904 system (Mac Excel, and workbooks saved with "Use 1904 date system"). */
const EPOCH_1904 = Date.UTC(1904, 0, 1);

/**
 * The calendar date of an Excel serial day number, in the workbook's date system, or null when
 * it is not a whole number or not a plausible date (SERIAL_DATE_FIRST to SERIAL_DATE_LAST).
 * The 1900 system counts a 29 February 1900 that never was (serial 60), so serials from 61 on
 * are one day ahead of a plain count from 1899-12-31; counting from 1899-12-30 is exact there.
 */
export function dateFromSerial(serial: number, date1904 = false): string | null {
  if (!Number.isInteger(serial) || serial < 1) return null;
  if (!date1904 && serial <= 60) return null; // before 1 March 1900 (and the day that never was)
  const iso = new Date((date1904 ? EPOCH_1904 : EPOCH_1900) + serial * MS_PER_DAY).toISOString().slice(0, 10);
  return iso >= SERIAL_DATE_FIRST && iso <= SERIAL_DATE_LAST ? iso : null;
}

/** A cell's text that is a bare serial number: digits only (Excel shows a General serial so). */
export function serialFromText(text: string): number | null {
  const trimmed = text.trim();
  return /^\d{5}$/.test(trimmed) ? Number(trimmed) : null;
}

// ------------------------------------------------------------------ decimal commas

/**
 * True when the commas of a number cannot be thousands separators, so the value was most likely
 * written with a decimal comma (`12,5`, `1.234,56`, `1 234,56`, `3.720,00`): a comma not followed
 * by exactly three digits and then a comma, a point or the end, or a point before a comma.
 * Currency signs, spaces and codes around the number are ignored.
 */
export function hasDecimalComma(text: string): boolean {
  const number = text
    .replace(/[\u00a0\u2009\u202f]/g, " ")
    .replace(/£|€|\b(?:GBP|EUR|CR|DR)\b\.?/gi, "")
    .replace(/^[\s(+\-\u2212]+|[\s)]+$/g, "");
  if (!number.includes(",") || !/^[\d.,\s]+$/.test(number)) return false;
  if (/\.\d*,/.test(number)) return true; // a point before a comma: 1.234,56
  const compact = number.replace(/(\d) (?=\d{3}\b)/g, "$1"); // 1 234,56: spaces as thousands separators
  if (/\s/.test(compact)) return false;
  return !/^\d{1,3}(?:,\d{3})+(?:\.\d+)?$/.test(compact);
}

/** Why a decimal-comma number is refused, completing a sentence that quotes the value. */
export const DECIMAL_COMMA_REASON = "looks like a number written with a decimal comma: write it with a decimal point (e.g. 1234.56); commas may only separate thousands";

/** Why a cell from another tool could not be read, when it is one of the spellings above; else null. */
export function otherToolReason(text: string): string | null {
  if (isUsOrderOnly(text)) return US_ORDER_REASON;
  if (hasDecimalComma(text)) return DECIMAL_COMMA_REASON;
  return null;
}
