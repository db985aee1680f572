import { Dec, parseMoney } from "../domain/money.js";
import { daysInMonth, isoFromDay, tryParseDay } from "../domain/dates.js";
import { UNITS, type Unit } from "../domain/reference.js";
import { compact, type ColumnSpec, type FieldValue } from "./tables.js";
import { quote } from "./issues.js";
import {
  dateFromSerial,
  DECIMAL_COMMA_REASON,
  hasDecimalComma,
  isDayMonthAmbiguous,
  isUsOrderOnly,
  serialFromText,
  SERIAL_DATE_FIRST,
  SERIAL_DATE_LAST,
  US_ORDER_REASON,
} from "../tabular/other-tools.js";

/** A cell as the importer sees it from XLSX: what a person sees and the typed value. */
export interface RawCell {
  /** What a person sees. */
  text: string;
  /** The typed value (number, boolean, Date for date cells), or the text. */
  value: string | number | boolean | Date | null;
}

/** CSV cells are plain strings (no object per cell: 50,000-row files make millions of them). */
export type TableCell = RawCell | string;

export function cellText(cell: TableCell | undefined): string {
  return cell === undefined ? "" : typeof cell === "string" ? cell : cell.text;
}

/** Why a cell could not be read; the detail completes "file row N, column: …". */
export class FieldError {
  constructor(
    readonly code: string,
    readonly detail: string,
  ) {}
}

const fail = (code: string, detail: string): FieldError => new FieldError(code, detail);

export function isBlank(cell: TableCell | undefined): boolean {
  if (cell === undefined) return true;
  if (typeof cell === "string") return cell.trim() === "";
  return cell.text.trim() === "" && (cell.value === null || typeof cell.value === "string");
}

/** What the rest of the file says about how a column's values are written. */
export interface FieldContext {
  /** The workbook counts dates in the 1904 system. */
  date1904?: boolean;
  /**
   * The first value of this date column that is a date only in US (month-first) order: the
   * column's other day/month values are then in doubt (`03/04/2026` may mean 4 March).
   */
  usOrder?: { row: number; text: string } | null;
}

/**
 * Reads one cell for a column: the stored value, or a FieldError. Blank cells give the column's
 * default, '' or null (whether a value is required is checked by the caller).
 */
export function parseField(column: ColumnSpec, cell: TableCell | undefined, context: FieldContext = {}): FieldValue | FieldError {
  if (cell === undefined || isBlank(cell)) {
    if (column.defaultValue !== undefined) return column.defaultValue;
    return column.blankAsEmptyString ? "" : null;
  }
  const text = cellText(cell).trim();
  const value = typeof cell === "string" ? cell : cell.value;
  switch (column.kind) {
    case "id":
    case "text":
      return text;
    case "code":
      return text.toLowerCase().replace(/\s+/g, "_");
    case "enum":
      return parseEnum(text, column.values ?? []);
    case "unit":
      return parseUnit(text);
    case "date":
      return parseDateCell(text, value, context);
    case "money":
      return parseMoneyCell(text, value, column.scale ?? 2);
    case "decimal":
      return parseDecimalCell(text, value, column.scale ?? 6);
    case "percent":
      return parsePercentCell(text, value, column.scale ?? 4);
    case "integer":
      return parseIntegerCell(text, value);
    case "boolean":
      return parseBooleanCell(text, value);
    case "aliases":
      return text
        .split("|")
        .map((alias) => alias.trim())
        .filter((alias) => alias !== "");
  }
}

/** A few spellings people use besides the DATA.md codes (compact forms). */
const ENUM_SYNONYMS: Readonly<Record<string, string>> = {
  independentfosteringagency: "ifa",
  fostering: "ifa",
  supported16: "supported_16plus",
  supportedaccommodation: "supported_16plus",
  parentandchild: "parent_child",
  percent: "percentage",
  pct: "percentage",
  los: "length_of_stay",
};

function parseEnum(text: string, values: readonly string[]): string | FieldError {
  if (values.includes(text)) return text;
  const key = compact(text);
  const match = values.find((value) => compact(value) === key) ?? values.find((value) => value === ENUM_SYNONYMS[key]);
  return match ?? fail("field.enum", `${quote(text)} is not one of ${values.join(", ")}`);
}

const UNIT_SPELLINGS: Readonly<Record<string, Unit>> = {
  night: "night", nights: "night", nightly: "night", pernight: "night",
  day: "day", days: "day", daily: "day", perday: "day",
  week: "week", weeks: "week", wk: "week", wks: "week", weekly: "week", perweek: "week",
  hour: "hour", hours: "hour", hr: "hour", hrs: "hour", hourly: "hour", perhour: "hour",
  mile: "mile", miles: "mile", permile: "mile",
  session: "session", sessions: "session", persession: "session",
  item: "item", items: "item", each: "item", peritem: "item",
};

export function parseUnit(text: string): Unit | FieldError {
  const unit = UNIT_SPELLINGS[compact(text)];
  return unit ?? fail("field.unit", `${quote(text)} is not a unit (${UNITS.join(", ")})`);
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const UK_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;

/** The two DATA.md spellings without building a Date (the common case, millions of times in a big import). */
function fastDate(text: string): string | null | undefined {
  let year: number;
  let month: number;
  let day: number;
  let match = ISO_DATE.exec(text);
  if (match) {
    [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
    const valid = year >= 1900 && year <= 2200 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
    return valid ? text : null;
  } else {
    match = UK_DATE.exec(text);
    if (!match) return undefined;
    [day, month, year] = [Number(match[1]), Number(match[2]), Number(match[3])];
  }
  if (year < 1900 || year > 2200 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/**
 * A number in a date column (an XLSX number cell in a General column, or digits in a CSV) is an
 * Excel serial day number: a date column pasted as values, or exported by a tool that writes
 * dates so. It is read in the workbook's date system when it falls within the plausible years;
 * any other number is refused. The importer says which columns held serials (parse-table.ts).
 */
export function serialDateOf(cell: TableCell | undefined): number | null {
  if (cell === undefined) return null;
  if (typeof cell !== "string" && typeof cell.value === "number") return cell.value;
  return serialFromText(cellText(cell));
}

function parseDateCell(text: string, value: unknown, context: FieldContext): string | FieldError {
  if (value instanceof Date) {
    if (value.getUTCHours() !== 0 || value.getUTCMinutes() !== 0 || value.getUTCSeconds() !== 0) {
      return fail("field.date", `${quote(text)} is a date and time, not a date`);
    }
    return isoFromDay(Math.floor(value.getTime() / 86_400_000));
  }
  const serial = typeof value === "number" ? value : serialFromText(text);
  if (serial !== null) {
    return (
      dateFromSerial(serial, context.date1904 === true) ??
      fail("field.date", `${quote(text)} is a number, not a date (as an Excel serial day number it is no date from ${SERIAL_DATE_FIRST} to ${SERIAL_DATE_LAST}): format the cell as a date, or write YYYY-MM-DD`)
    );
  }
  if (isUsOrderOnly(text)) return fail("field.date_us_order", `${quote(text)} ${US_ORDER_REASON}`);
  const usOrder = context.usOrder;
  if (usOrder && isDayMonthAmbiguous(text)) {
    return fail(
      "field.date_order_doubtful",
      `${quote(text)} could be read day first or month first, and this column also holds ${quote(usOrder.text)} (row ${usOrder.row}), a US (month-first) date: its order is in doubt, so it is not read (write it YYYY-MM-DD)`,
    );
  }
  const fast = fastDate(text);
  if (fast !== undefined) return fast ?? fail("field.date", `${quote(text)} is not a date`);
  // Exports from other systems sometimes append a midnight time; any other time is not a date.
  const day = tryParseDay(text.replace(/(?:T|\s+)00:00(?::00(?:\.0+)?)?Z?$/i, ""));
  return day === null ? fail("field.date", `${quote(text)} is not a date`) : isoFromDay(day);
}

const PLAIN_DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/**
 * The stored form of a decimal: rounded half up to the column's scale, printed as decimal.js
 * prints it ("912.5", "7"). Plain text such as "912.50" takes a shortcut with the same result.
 */
function canonical(value: Dec | string, scale: number): string {
  if (typeof value === "string") {
    const match = PLAIN_DECIMAL.exec(value);
    if (match && (match[2] ?? "").length <= scale) {
      const whole = (match[1] ?? "0").replace(/^0+(?=\d)/, "");
      const fraction = (match[2] ?? "").replace(/0+$/, "");
      return fraction === "" ? whole : `${whole}.${fraction}`;
    }
    return canonical(new Dec(value), scale);
  }
  return value.toDecimalPlaces(scale, Dec.ROUND_HALF_UP).toFixed();
}

/** Exact decimal from an XLSX number: the shortest decimal that reads back as the double, as Excel shows it. */
function decimalFromNumber(value: number): Dec {
  return new Dec(String(value));
}

function parseMoneyCell(text: string, value: unknown, scale: number): string | FieldError {
  if (typeof value === "number") {
    if (value < 0) return fail("field.negative", `${quote(text)} is negative`);
    return canonical(decimalFromNumber(value), scale);
  }
  if (PLAIN_DECIMAL.test(text)) return canonical(text, scale);
  if (hasDecimalComma(text)) return decimalCommaError(text);
  let amount: Dec;
  try {
    amount = parseMoney(text);
  } catch {
    return fail("field.money", `${quote(text)} is not an amount of money`);
  }
  if (amount.isNegative() && !amount.isZero()) return fail("field.negative", `${quote(text)} is negative`);
  return canonical(amount, scale);
}

const PLAIN_NUMBER = /^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$|^\.\d+$/;

function plainNumber(text: string): Dec | null {
  if (/^-/.test(text) && PLAIN_NUMBER.test(text.slice(1).trim())) return new Dec(text.replace(/[,\s]/g, ""));
  return PLAIN_NUMBER.test(text) ? new Dec(text.replace(/,/g, "")) : null;
}

function parseDecimalCell(text: string, value: unknown, scale: number): string | FieldError {
  if (typeof value !== "number" && PLAIN_DECIMAL.test(text)) return canonical(text, scale);
  const number = typeof value === "number" ? decimalFromNumber(value) : plainNumber(text);
  if (number === null) return hasDecimalComma(text) ? decimalCommaError(text) : fail("field.number", `${quote(text)} is not a number`);
  if (number.isNegative() && !number.isZero()) return fail("field.negative", `${quote(text)} is negative`);
  return canonical(number, scale);
}

function parsePercentCell(text: string, value: unknown, scale: number): string | FieldError {
  let number: Dec | null;
  if (typeof value === "number") {
    // A cell formatted as a percentage holds 0.05 and shows 5%; a plain number 5 means 5%.
    number = text.endsWith("%") ? decimalFromNumber(value).times(100) : decimalFromNumber(value);
  } else {
    number = plainNumber(text.replace(/\s*%$/, ""));
  }
  if (number === null) return hasDecimalComma(text.replace(/\s*%$/, "")) ? decimalCommaError(text) : fail("field.percent", `${quote(text)} is not a percentage`);
  if (number.lessThan(0) || number.greaterThan(100)) return fail("field.percent", `${quote(text)} is not a percentage between 0 and 100`);
  return canonical(number, scale);
}

/** `12,5` is never 125 and `1.234,56` is never read at all: a decimal comma is refused, and said so. */
function decimalCommaError(text: string): FieldError {
  return fail("field.decimal_comma", `${quote(text)} ${DECIMAL_COMMA_REASON}`);
}

function parseIntegerCell(text: string, value: unknown): number | FieldError {
  const number = typeof value === "number" ? value : /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(number) || number < 0 || number > 2_147_483_647) return fail("field.integer", `${quote(text)} is not a whole number of 0 or more`);
  return number;
}

const TRUE_WORDS = new Set(["true", "yes", "y", "1"]);
const FALSE_WORDS = new Set(["false", "no", "n", "0"]);

function parseBooleanCell(text: string, value: unknown): boolean | FieldError {
  if (typeof value === "boolean") return value;
  if (value === 1 || value === 0) return value === 1;
  const word = text.toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  return fail("field.boolean", `${quote(text)} is not true or false (true/false, yes/no, y/n, 1/0)`);
}
