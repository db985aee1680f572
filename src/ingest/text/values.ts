import { dayFromParts, isoFromDay, monthNumber, tryParseDay, type IsoDate } from "../../domain/dates.js";
import { monthBounds } from "../../domain/months.js";
import { Dec, tryParseMoney } from "../../domain/money.js";
import type { Unit } from "../../domain/reference.js";
import { hasDecimalComma } from "../../tabular/other-tools.js";

/**
 * Value spellings of DATA.md "Invoices": dates, periods, money, quantities, units, identifiers.
 * Pure functions over cell text; every one returns null when the text is not such a value,
 * so the extractor can try them in turn without exceptions.
 */

/** Normalise odd spaces and dashes that PDF producers and spreadsheets emit. */
export function cleanText(text: string): string {
  return text
    .replace(/[\u00a0\u2007\u2009\u202f]/g, " ")
    .replace(/[\u2010\u2011\u2012\u2212]/g, "-")
    .replace(/\s+/g, " ")
    .trim();
}

// ---------------------------------------------------------------- dates

/**
 * Extra date layouts a provider template may declare, e.g. `DD/MM/YY`, `YYYYMMDD`, `D MMM YY`,
 * or (only when a template says so, never guessed) `MM/DD/YYYY`.
 */
export type DateFormat = string;

const FORMAT_TOKENS = /YYYY|YY|MMMM|MMM|MM|M|DD|D|./g;

interface CompiledFormat {
  regex: RegExp;
  fields: string[];
}

const compiledFormats = new Map<string, CompiledFormat>();

function compileFormat(format: DateFormat): CompiledFormat {
  const cached = compiledFormats.get(format);
  if (cached) return cached;
  const fields: string[] = [];
  let pattern = "";
  for (const token of format.match(FORMAT_TOKENS) ?? []) {
    switch (token) {
      case "YYYY": pattern += "(\\d{4})"; fields.push(token); break;
      case "YY": pattern += "(\\d{2})"; fields.push(token); break;
      case "MMMM":
      case "MMM": pattern += "([A-Za-z]{3,9})\\.?"; fields.push("MMM"); break;
      case "MM": pattern += "(\\d{2})"; fields.push("M"); break;
      case "M": pattern += "(\\d{1,2})"; fields.push("M"); break;
      case "DD": pattern += "(\\d{2})"; fields.push("D"); break;
      case "D": pattern += "(\\d{1,2})(?:st|nd|rd|th)?"; fields.push("D"); break;
      default: pattern += token === " " ? "\\s+" : token.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
    }
  }
  const compiled = { regex: new RegExp(`^${pattern}$`, "i"), fields };
  compiledFormats.set(format, compiled);
  return compiled;
}

function parseWithFormat(text: string, format: DateFormat): IsoDate | null {
  const { regex, fields } = compileFormat(format);
  const match = regex.exec(text);
  if (!match) return null;
  let year: number | undefined;
  let month: number | undefined;
  let day: number | undefined;
  fields.forEach((field, index) => {
    const value = match[index + 1] ?? "";
    if (field === "YYYY") year = Number(value);
    else if (field === "YY") year = 2000 + Number(value);
    else if (field === "MMM") month = monthNumber(value);
    else if (field === "M") month = Number(value);
    else if (field === "D") day = Number(value);
  });
  if (year === undefined || month === undefined || day === undefined) return null;
  try {
    return isoFromDay(dayFromParts(year, month, day));
  } catch {
    return null;
  }
}

/** Every DATA.md date spelling, then the template's extra formats; null when not a date. */
export function parseDateText(input: string, formats: readonly DateFormat[] = []): IsoDate | null {
  const text = cleanText(input).replace(/^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+/i, "");
  if (text === "") return null;
  const day = tryParseDay(text);
  if (day !== null) return isoFromDay(day);
  const short = twoDigitYearDate(text);
  if (short) return short;
  for (const format of formats) {
    const iso = parseWithFormat(text, format);
    if (iso) return iso;
  }
  return null;
}

/**
 * `01/10/26`, `1.10.26`, `1-Oct-26`, `1 Oct 26`: DATA.md reads two-digit years as 20YY, day
 * before month as everywhere else.
 */
function twoDigitYearDate(text: string): IsoDate | null {
  let m = /^(\d{1,2})([/.-])(\d{1,2})\2(\d{2})$/.exec(text);
  if (m) return safeDate(2000 + Number(m[4]), Number(m[3]), Number(m[1]));
  m = /^(\d{1,2})(?:st|nd|rd|th)?([\s-])([A-Za-z]{3,9})\.?\2(\d{2})$/.exec(text);
  if (m) {
    const month = monthNumber(m[3] ?? "");
    return month === undefined ? null : safeDate(2000 + Number(m[4]), month, Number(m[1]));
  }
  return null;
}

function safeDate(year: number, month: number, day: number): IsoDate | null {
  try {
    return isoFromDay(dayFromParts(year, month, day));
  } catch {
    return null;
  }
}

/** A JS Date from a spreadsheet date cell: its calendar date as written (exceljs uses UTC). */
export function isoFromCellDate(value: Date): IsoDate | null {
  if (Number.isNaN(value.getTime())) return null;
  return value.toISOString().slice(0, 10);
}

// A date anywhere inside a longer text, in any DATA.md spelling (validated by parseDateText).
const MONTH_WORD = "(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\\.?";
const DATE_IN_TEXT = new RegExp(
  [
    "\\b\\d{4}-\\d{1,2}-\\d{1,2}\\b",
    "\\b\\d{1,2}[/.-]\\d{1,2}[/.-]\\d{4}\\b",
    `\\b\\d{1,2}(?:st|nd|rd|th)?[\\s-]+${MONTH_WORD},?[\\s-]+\\d{4}\\b`,
    `\\b${MONTH_WORD}\\s+\\d{1,2}(?:st|nd|rd|th)?,?\\s+\\d{4}\\b`,
    // two-digit years: 01/10/26, 1-Oct-26 (not "1 Oct 26 nights": spaces need a four-digit year).
    // A date may be followed by a range's hyphen with no space ("01/11/26-30/11/26"), never by
    // its own separator and more digits (that is a longer number).
    "\\b\\d{1,2}/\\d{1,2}/\\d{2}\\b(?![/.]\\d)",
    "\\b\\d{1,2}([.-])\\d{1,2}\\1\\d{2}\\b(?!\\1\\d)(?!\\.\\d)",
    `\\b\\d{1,2}-${MONTH_WORD}-\\d{2}\\b`,
  ].join("|"),
  "gi",
);

export interface DateHit {
  iso: IsoDate;
  start: number;
  end: number;
}

export function findDates(text: string, formats: readonly DateFormat[] = []): DateHit[] {
  const hits: DateHit[] = [];
  for (const match of text.matchAll(DATE_IN_TEXT)) {
    const iso = parseDateText(match[0]);
    if (iso) hits.push({ iso, start: match.index, end: match.index + match[0].length });
  }
  if (hits.length === 0 && formats.length > 0) {
    // Template formats: try each whitespace-delimited token (and pairs, for `D MMM YY`).
    const tokens = [...text.matchAll(/\S+/g)];
    for (let i = 0; i < tokens.length; i++) {
      for (const width of [3, 2, 1]) {
        const slice = tokens.slice(i, i + width);
        if (slice.length < width) continue;
        const first = slice[0];
        const last = slice[slice.length - 1];
        if (!first || !last) continue;
        const candidate = text.slice(first.index, last.index + last[0].length).replace(/[,;]$/, "");
        const iso = formats.map((format) => parseWithFormat(candidate, format)).find((value) => value !== null) ?? null;
        if (iso) {
          hits.push({ iso, start: first.index, end: last.index + last[0].length });
          i += width - 1;
          break;
        }
      }
    }
  }
  return hits;
}

// ---------------------------------------------------------------- periods

export interface Period {
  from: IsoDate;
  to: IsoDate;
}

const RANGE_JOINER = /^\s*(?:-|–|—|to|until|till|through|thru)\s*$/i;

/**
 * Every DATA.md period form: two dates joined by `to`, `-`, `–` or `until`; `1–31 October 2026`;
 * `1 Oct - 31 Oct 2026`; a whole month (`October 2026`). Null when the text is not a period.
 */
export function parsePeriodText(input: string, formats: readonly DateFormat[] = []): Period | null {
  const text = cleanText(input).replace(/^(?:from|period|for)\s*:?\s+/i, "");
  if (text === "") return null;
  const week = WEEK_COMMENCING.exec(text);
  if (week && week.index === 0) {
    const start = parseDateText(text.slice(week[0].length), formats);
    return start ? weekFrom(start) : null;
  }
  const dates = findDates(text, formats);
  if (dates.length === 2) {
    const [a, b] = dates as [DateHit, DateHit];
    const between = text.slice(a.end, b.start);
    const outside = (text.slice(0, a.start) + text.slice(b.end)).trim();
    if (RANGE_JOINER.test(between) && outside === "" && a.iso <= b.iso) return { from: a.iso, to: b.iso };
    return null;
  }
  // 1–31 October 2026, 1st - 31st Oct 2026
  let m = /^(\d{1,2})(?:st|nd|rd|th)?\s*(?:-|–|—|to|until)\s*(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]+\.?),?\s+(\d{4})$/i.exec(text);
  if (m) {
    const month = monthNumber(m[3] ?? "");
    if (month !== undefined) return safeRange(Number(m[4]), month, Number(m[1]), Number(m[4]), month, Number(m[2]));
  }
  // 1 Oct - 31 Oct 2026, 28 Sep – 4 Oct 2026
  m = /^(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]+\.?)\s*(?:-|–|—|to|until)\s*(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]+\.?),?\s+(\d{4})$/i.exec(text);
  if (m) {
    const m1 = monthNumber(m[2] ?? "");
    const m2 = monthNumber(m[4] ?? "");
    const year = Number(m[5]);
    if (m1 !== undefined && m2 !== undefined) return safeRange(m1 > m2 ? year - 1 : year, m1, Number(m[1]), year, m2, Number(m[3]));
  }
  // Dec 1–31, 2026 and Nov 28 – Dec 3, 2026: the month first, as dates such as "Dec 14, 2026" are
  // written (the month's word leaves no doubt which figure is the day).
  m = /^([A-Za-z]+\.?)\s+(\d{1,2})(?:st|nd|rd|th)?\s*(?:-|–|—|to|until)\s*(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$/i.exec(text);
  if (m) {
    const month = monthNumber(m[1] ?? "");
    if (month !== undefined) return safeRange(Number(m[4]), month, Number(m[2]), Number(m[4]), month, Number(m[3]));
  }
  m = /^([A-Za-z]+\.?)\s+(\d{1,2})(?:st|nd|rd|th)?\s*(?:-|–|—|to|until)\s*([A-Za-z]+\.?)\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$/i.exec(text);
  if (m) {
    const m1 = monthNumber(m[1] ?? "");
    const m2 = monthNumber(m[3] ?? "");
    const year = Number(m[5]);
    if (m1 !== undefined && m2 !== undefined) return safeRange(m1 > m2 ? year - 1 : year, m1, Number(m[2]), year, m2, Number(m[4]));
  }
  // October 2026, Oct 2026, Oct-2026, 10/2026
  m = /^([A-Za-z]+\.?)[\s-]+(\d{4})$/.exec(text);
  if (m) {
    const month = monthNumber(m[1] ?? "");
    if (month !== undefined) return monthPeriod(Number(m[2]), month);
  }
  m = /^(\d{1,2})\/(\d{4})$/.exec(text);
  if (m) return monthPeriod(Number(m[2]), Number(m[1]));
  // A spreadsheet's month cell: 2026/11, 2026-11 (year first), Nov-26 (a month and a two-digit year)
  m = /^(\d{4})[/-](\d{1,2})$/.exec(text);
  if (m) return monthPeriod(Number(m[1]), Number(m[2]));
  m = /^([A-Za-z]+\.?)-(\d{2})$/.exec(text);
  if (m) {
    const month = monthNumber(m[1] ?? "");
    if (month !== undefined) return monthPeriod(2000 + Number(m[2]), month);
  }
  return null;
}

/** `w/c 05/10/2026`, `W/C: 5 Oct 2026`, `week commencing …`: a week of seven nights from that date. */
const WEEK_COMMENCING = /\b(?:w\s*\/\s*c|w\.c\.?|wc|week\s+commencing|week\s+beginning|w\s*\/\s*b)\s*:?\s*/i;

export function weekFrom(start: IsoDate): Period {
  return { from: start, to: isoFromDay(dayFromParts(...(start.split("-").map(Number) as [number, number, number])) + 6) };
}

/** "Week ending 11/10/2026": the seven nights up to that date. */
export function weekEnding(end: IsoDate): Period {
  return { from: isoFromDay(dayFromParts(...(end.split("-").map(Number) as [number, number, number])) - 6), to: end };
}

/**
 * One date printed under a period heading: under "Week Commencing" (or "W/C", "Week") it starts a
 * week of seven nights, under "Week Ending" (or "W/E", "Wk End") it ends one; under "Dates" or
 * "Period" it is the day.
 */
export function periodOfOneDate(heading: string, day: IsoDate): Period {
  const words = cleanText(heading).toLowerCase();
  if (/\b(?:week|wk)\s+end(?:ing|s)?\b|^w\s*\/\s*e(?:\s+date)?$/.test(words)) return weekEnding(day);
  if (/\b(?:weeks?|wks?)\b|^w\s*\/\s*[cb](?:\s+date)?$|^wc$/.test(words)) return weekFrom(day);
  return { from: day, to: day };
}

function monthPeriod(year: number, month: number): Period | null {
  if (month < 1 || month > 12 || year < 1900 || year > 2200) return null;
  const bounds = monthBounds(`${year}-${String(month).padStart(2, "0")}`);
  return { from: bounds.from, to: bounds.to };
}

function safeRange(y1: number, m1: number, d1: number, y2: number, m2: number, d2: number): Period | null {
  try {
    const from = isoFromDay(dayFromParts(y1, m1, d1));
    const to = isoFromDay(dayFromParts(y2, m2, d2));
    return from <= to ? { from, to } : null;
  } catch {
    return null;
  }
}

/**
 * A period mentioned inside a longer text such as a line description
 * ("Placement fee 01/10/2026 - 31/10/2026", "Fostering (1–31 October 2026)"). Only explicit
 * ranges and whole months count; a single date does not make a period.
 */
export function findPeriodInText(input: string, formats: readonly DateFormat[] = []): Period | null {
  const text = cleanText(input);
  const dates = findDates(text, formats);
  for (let i = 0; i + 1 < dates.length; i++) {
    const a = dates[i] as DateHit;
    const b = dates[i + 1] as DateHit;
    if (RANGE_JOINER.test(text.slice(a.end, b.start)) && a.iso <= b.iso) return { from: a.iso, to: b.iso };
  }
  const week = WEEK_COMMENCING.exec(text);
  if (week) {
    const after = dates.find((d) => d.start === week.index + week[0].length);
    if (after) return weekFrom(after.iso);
  }
  const patterns = [
    /\b\d{1,2}(?:st|nd|rd|th)?\s*(?:-|–|—|to|until)\s*\d{1,2}(?:st|nd|rd|th)?\s+[A-Za-z]+\.?,?\s+\d{4}\b/g,
    /\b\d{1,2}(?:st|nd|rd|th)?\s+[A-Za-z]+\.?\s*(?:-|–|—|to|until)\s*\d{1,2}(?:st|nd|rd|th)?\s+[A-Za-z]+\.?,?\s+\d{4}\b/g,
    new RegExp(`\\b${MONTH_WORD}\\s+\\d{1,2}(?:st|nd|rd|th)?\\s*(?:-|–|—|to|until)\\s*(?:${MONTH_WORD}\\s+)?\\d{1,2}(?:st|nd|rd|th)?,?\\s+\\d{4}\\b`, "gi"),
    new RegExp(`\\b${MONTH_WORD}[\\s-]+\\d{4}\\b`, "gi"),
  ];
  if (dates.length > 0) patterns.pop(); // "1 October 2026" holds "October 2026": a single date is no period
  for (const pattern of patterns) {
    for (const match of text.matchAll(pattern)) {
      // "Week 1–4 October 2026" numbers weeks, not days: only dates printed elsewhere say the nights.
      if (/\b(?:weeks?|wks?)\s*$/i.test(text.slice(0, match.index))) continue;
      const period = parsePeriodText(match[0], formats);
      if (period) return period;
    }
  }
  return null;
}

// ---------------------------------------------------------------- money

/** Pounds and pence in every DATA.md spelling; also `£917.00/week`-style suffixes are cut by parseRate. */
export function parseMoneyText(input: string): Dec | null {
  // "(5,115.00) GBP": the currency named after a bracketed credit is the figure's, as in "5,115.00 GBP".
  const text = cleanText(input).replace(/^GBP\s*£/i, "£").replace(/^(\([^()]*\))\s*GBP\.?$/i, "$1");
  if (text === "" || !/\d/.test(text)) return null;
  // A date or a percentage is never money.
  if (/%/.test(text) || /\d[/]\d/.test(text) || /\d\s*-\s*\d/.test(text) || /^\d{1,2}[.-]\d{1,2}[.-]\d{2,4}$/.test(text)) return null;
  // Only money's own characters may remain once GBP/CR/DR are set aside: words fail here, cheaply,
  // rather than by the parser's exception.
  if (!/^[\s()£+\-\u2212\u2013\d,.]*$/.test(text.replace(/\b(?:GBP|CR|DR)\b\.?/gi, ""))) return null;
  // "450.00-": accounting packages print a credit with its minus sign after the figure.
  const trailing = /^(£?\s*\d[\d,]*\.\d{2})\s*[-\u2212]$/.exec(text);
  if (trailing?.[1]) return tryParseMoney(trailing[1])?.negated() ?? null;
  return tryParseMoney(withoutSpaceGrouping(text).replace(/\s*DR\.?$/i, ""));
}

/**
 * "3 869.99", "£17 598.00": a space (or a narrow no-break space) between groups of three digits
 * is a thousands separator, as typesetters and European tools print it. Only with pence after
 * the groups, so two figures a space apart ("30 100") are never read as one.
 */
function withoutSpaceGrouping(text: string): string {
  const grouped = /^([(\-\u2212]?\s*£?\s*[-\u2212]?)(\d{1,3}(?:[ \u00a0\u202f\u2009]\d{3})+)(\.\d{2}\)?(?:\s*(?:GBP|CR))?)$/i.exec(text);
  return grouped ? `${grouped[1] ?? ""}${(grouped[2] ?? "").replace(/[ \u00a0\u202f\u2009]/g, "")}${grouped[3] ?? ""}` : text;
}

/** Money found anywhere in a short text, e.g. "Total due £4,061.00": the last amount in it. */
export function findMoneyInText(input: string): Dec | null {
  const text = cleanText(input);
  const pattern = /\(?-?\s*£?\s*-?\d{1,3}(?:[ \u00a0\u202f\u2009]\d{3})+\.\d{2}\)?(?:\s*(?:GBP|CR))?|\(?-?\s*£?\s*-?\d{1,3}(?:,\d{3})*(?:\.\d{1,2})?\)?(?:\s*(?:GBP|CR))?|\(?-?\s*£?\s*-?\d+(?:\.\d{1,2})?\)?(?:\s*(?:GBP|CR))?/gi;
  let last: Dec | null = null;
  for (const match of text.matchAll(pattern)) {
    const candidate = match[0].trim();
    if (!/[£.]|GBP/i.test(candidate)) continue; // a bare integer in a label ("VAT @ 20%") is not the amount
    // Part of a longer number ("1.234,56" with a decimal comma holds "1.23"): not an amount read.
    if (/^(?:\d|[.,]\d)/.test(text.slice(match.index + match[0].length))) continue;
    const value = parseMoneyText(candidate);
    if (value) last = value;
  }
  return last;
}

/**
 * What a VAT label may carry besides the tax: its rate and its base ("@ 20% on £1,000.00",
 * "(20%)", "at standard rate of 20% on 1,000.00"). Removed, so that only the tax itself is read:
 * the base is never the VAT.
 */
export function stripVatBasis(input: string): string {
  return cleanText(input)
    .replace(/\(?\s*(?:@|at)?\s*(?:the\s+)?(?:standard\s+|reduced\s+|zero\s+)?(?:rate\s*(?:of)?)?\s*\d+(?:\.\d+)?\s*%\s*\)?/gi, " ")
    .replace(/\b(?:on|of|applied\s+to|charged\s+on)\s+(?:net\s+)?(?:£\s*)?\d[\d,]*(?:\.\d{1,2})?(?:\s*GBP)?/gi, " ")
    .replace(/\b(?:standard|reduced|zero)\s+rated?\b/gi, " ")
    .replace(/\s+/g, " ")
    .trim();
}

// ---------------------------------------------------------------- units and quantities

const UNIT_WORDS: ReadonlyArray<readonly [RegExp, Unit]> = [
  [/^(?:nights?|nts?|nightly|per night|pn)$/i, "night"],
  [/^(?:days?|daily|per day|pd)$/i, "day"],
  [/^(?:weeks?|wks?|weekly|per week|pw|p\/w)$/i, "week"],
  [/^(?:hours?|hrs?|h|hourly|per hour|ph)$/i, "hour"],
  [/^(?:miles?|mi|mileage|per mile)$/i, "mile"],
  [/^(?:sessions?|sess)$/i, "session"],
  [/^(?:items?|each|ea|unit|units)$/i, "item"],
];

/** `nights`, `wk`, `per week`, `Hrs` → the DATA.md unit; null when not a unit word. */
export function parseUnit(input: string, extra: Readonly<Record<string, Unit>> = {}): Unit | null {
  const text = cleanText(input).replace(/^\/\s*/, "").replace(/\.$/, "").toLowerCase();
  if (text === "") return null;
  const fromTemplate = extra[text];
  if (fromTemplate) return fromTemplate;
  for (const [pattern, unit] of UNIT_WORDS) if (pattern.test(text)) return unit;
  return null;
}

export interface Quantity {
  value: Dec;
  unit: Unit | null;
}

/** `31`, `4.43`, `31 nights`, `4.43 wks`, `10 hrs`. */
export function parseQuantity(input: string, extraUnits: Readonly<Record<string, Unit>> = {}): Quantity | null {
  // `12,5` is twelve and a half written with a decimal comma, never 125: only thousands commas go.
  const number = /^[\d.,\s]+/.exec(cleanText(input))?.[0] ?? "";
  if (hasDecimalComma(number)) return null;
  const text = cleanText(input).replace(/,/g, "");
  const m = /^(-?\d+(?:\.\d+)?|-?\.\d+)\s*([A-Za-z/ .]*)$/.exec(text);
  if (!m) return null;
  const unitText = (m[2] ?? "").trim();
  const unit = unitText === "" ? null : parseUnit(unitText, extraUnits);
  if (unitText !== "" && unit === null) return null;
  return { value: new Dec(m[1] ?? "0"), unit };
}

export interface RateValue {
  value: Dec;
  unit: Unit | null;
}

/** `£131.00`, `917.00 per week`, `£26.00/hr`, `£917.00 pw`. */
export function parseRate(input: string, extraUnits: Readonly<Record<string, Unit>> = {}): RateValue | null {
  const text = cleanText(input);
  const plain = parseMoneyText(text);
  if (plain) return { value: plain, unit: null };
  const m = /^(.*?\d)\s*(?:\/|per\b|p\/?)\s*([A-Za-z ]+)$/i.exec(text) ?? /^(.*?\d)\s+([A-Za-z]+)$/.exec(text);
  if (!m) return null;
  const value = parseMoneyText(m[1] ?? "");
  const unit = parseUnit(m[2] ?? "", extraUnits) ?? parseUnit(`per ${m[2] ?? ""}`, extraUnits);
  return value && unit ? { value, unit } : null;
}

// ---------------------------------------------------------------- identifiers

/** An invoice number or reference: one token with a digit in it (e.g. INV-1001, 2026/0042). */
export function parseReference(input: string): string | null {
  const text = cleanText(input).replace(/^[#:.\s-]+/, "").replace(/[.,;:]+$/, "");
  const m = /^([A-Za-z0-9][A-Za-z0-9/_.-]*[A-Za-z0-9]|[0-9])$/.exec(text);
  if (!m?.[1] || !/\d/.test(m[1])) return null;
  if (parseDateText(m[1])) return null;
  return m[1];
}

/** The first reference-looking token of a text (values often carry trailing words). */
export function firstReference(input: string): string | null {
  const tokens = cleanText(input).replace(/^[#:.\s-]+/, "").split(" ");
  const first = parseReference(tokens[0] ?? "");
  if (first) return first;
  // "INV 1046": a letters-only prefix and a number printed apart are one reference.
  if (/^[A-Za-z]{1,6}$/.test(tokens[0] ?? "") && /^\d[\d/-]*$/.test(tokens[1] ?? "")) return `${tokens[0]} ${tokens[1]}`;
  return null;
}

/**
 * A UK VAT registration number in any of the groupings people and programs print
 * (`GB123456789`, `GB 123 4567 89`, `GB 123 456 789`, `gb-123-4567-89`, `123456789`, and the
 * 12-digit branch form), normalised to its digits: the form matching compares.
 */
export function parseVatNumber(input: string): string | null {
  const text = cleanText(input).toUpperCase().replace(/^GB[\s:-]*/, "");
  // Spaces or dashes between digits, one at a time (a point would make it an amount).
  if (!/^\d(?:[\s-]?\d)*$/.test(text)) return null;
  const digits = text.replace(/[\s-]/g, "");
  return digits.length === 9 || digits.length === 12 ? digits : null;
}

/** Every VAT-number-looking token in a text (`GB` prefix required when there is no label). */
export function findVatNumbers(text: string): string[] {
  const found: string[] = [];
  for (const match of cleanText(text).matchAll(/\bGB[\s-]?\d(?:[\s-]?\d){8}(?:(?:[\s-]?\d){3})?(?!\d)/gi)) {
    const vat = parseVatNumber(match[0]);
    if (vat) found.push(vat);
  }
  return found;
}

/** "31 nights @ £124.00", "4 wks x £650.00": a quantity and its rate in one cell; null for anything else. */
export function splitQuantityAtRate(text: string): { quantity: string; rate: string } | null {
  const m = /^(\d[\d.,]*\s*[A-Za-z/ .]*?)\s*(?:@|\bat\b|x|×)\s*((?:£|GBP)?\s*\d[\d,]*(?:\.\d+)?(?:\s*(?:\/|per\b)\s*[A-Za-z]+)?)$/i.exec(cleanText(text));
  return m && m[1] && m[2] ? { quantity: m[1], rate: m[2] } : null;
}
