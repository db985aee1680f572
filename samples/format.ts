/**
 * The spellings the sample providers print: each layout picks different date and money
 * spellings from DATA.md's lists, so the extractor meets every one of them.
 */
import { Dec } from "../src/domain/money.js";

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

function parts(iso: string): { y: number; m: number; d: number } {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!match) throw new Error(`not an ISO date: ${iso}`);
  return { y: Number(match[1]), m: Number(match[2]), d: Number(match[3]) };
}

const pad = (n: number): string => String(n).padStart(2, "0");
const monthName = (m: number): string => MONTHS[m - 1] ?? "";
const ordinal = (n: number): string => {
  const rem100 = n % 100;
  const rem10 = n % 10;
  if (rem100 >= 11 && rem100 <= 13) return `${n}th`;
  return `${n}${rem10 === 1 ? "st" : rem10 === 2 ? "nd" : rem10 === 3 ? "rd" : "th"}`;
};

/** 01/08/2026 */
export const dateSlashes = (iso: string): string => { const { y, m, d } = parts(iso); return `${pad(d)}/${pad(m)}/${y}`; };
/** 01.08.2026 */
export const dateDots = (iso: string): string => { const { y, m, d } = parts(iso); return `${pad(d)}.${pad(m)}.${y}`; };
/** 01-08-2026 */
export const dateDashes = (iso: string): string => { const { y, m, d } = parts(iso); return `${pad(d)}-${pad(m)}-${y}`; };
/** 1 Aug 2026 */
export const dateShort = (iso: string): string => { const { y, m, d } = parts(iso); return `${d} ${monthName(m).slice(0, 3)} ${y}`; };
/** 1 August 2026 */
export const dateLong = (iso: string): string => { const { y, m, d } = parts(iso); return `${d} ${monthName(m)} ${y}`; };
/** 1st August 2026 */
export const dateOrdinal = (iso: string): string => { const { y, m, d } = parts(iso); return `${ordinal(d)} ${monthName(m)} ${y}`; };
/** Aug 31, 2026 */
export const dateUs = (iso: string): string => { const { y, m, d } = parts(iso); return `${monthName(m).slice(0, 3)} ${d}, ${y}`; };
/** August 2026 (a whole-month period) */
export const monthYear = (iso: string): string => { const { y, m } = parts(iso); return `${monthName(m)} ${y}`; };
/** 1–31 August 2026 (a period inside one month) */
export const dayRangeMonth = (from: string, to: string): string => {
  const a = parts(from);
  const b = parts(to);
  if (a.y !== b.y || a.m !== b.m) throw new Error(`${from}..${to} spans months`);
  return `${a.d}\u2013${b.d} ${monthName(a.m)} ${a.y}`;
};

/** A JS Date at UTC midnight, for spreadsheet date cells and PDF metadata. */
export const utcDate = (iso: string, hour = 0): Date => { const { y, m, d } = parts(iso); return new Date(Date.UTC(y, m - 1, d, hour)); };

function grouped(value: Dec): string {
  const [whole = "0", fraction = "00"] = value.abs().toFixed(2).split(".");
  return `${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",")}.${fraction}`;
}

const neg = (value: Dec): boolean => value.isNegative() && !value.isZero();

/** £1,234.56 / -£10.00 */
export const moneyPound = (amount: string): string => { const v = new Dec(amount); return `${neg(v) ? "-" : ""}£${grouped(v)}`; };
/** 1234.56 / (10.00) */
export const moneyPlainBrackets = (amount: string): string => { const v = new Dec(amount); return neg(v) ? `(${v.abs().toFixed(2)})` : v.toFixed(2); };
/** 1234.56 / -10.00 */
export const moneyPlain = (amount: string): string => new Dec(amount).toFixed(2);
/** 1,234.56 GBP / -10.00 GBP */
export const moneyGbp = (amount: string): string => { const v = new Dec(amount); return `${neg(v) ? "-" : ""}${grouped(v)} GBP`; };
/** 1,234.56 / -10.00 */
export const moneyGrouped = (amount: string): string => { const v = new Dec(amount); return `${neg(v) ? "-" : ""}${grouped(v)}`; };

/** The plural a provider prints in a unit column ("nights", "hours"). */
export const unitPlural = (unit: string): string => `${unit}s`;
