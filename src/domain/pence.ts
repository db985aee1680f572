import { Exact } from "./exact.js";
import { Dec, type DecimalString } from "./money.js";

/**
 * Money in the audit's hot path: an exact number of pence (src/domain/exact.ts), a whole number
 * for every printed amount and a fraction of a penny only where AUDIT.md shares a value (W/7, a
 * line's worth per night), carried exactly to the one rounding at the end. decimal.js stays at
 * the edges: what comes in is parsed from its decimal strings, what goes out is written as
 * decimal.js wrote it before, so findings read the same to the byte.
 */
export type Pence = Exact;

const HUNDRED = Exact.int(100);
const SEVEN = Exact.int(7);

/** No money at all. */
export const NO_PENCE: Pence = Exact.ZERO;
export const ONE_PENNY: Pence = Exact.ONE;
export const HALF_PENNY: Pence = Exact.ratio(1, 2);

/** W/7: a weekly amount per night, exactly (a fraction of a penny when W is not a multiple of 7p). */
export function nightlyOf(weekly: Pence): Pence {
  return weekly.dividedBy(SEVEN);
}

/** A nightly amount for a week of nights. */
export function weeklyOf(nightly: Pence): Pence {
  return nightly.times(SEVEN);
}

/** `percent`% of an amount, exactly (20% of £1.01 is 20.2p until it is rounded). */
export function percentOf(amount: Pence, percent: Exact): Pence {
  return amount.times(percent).dividedBy(HUNDRED);
}
const parsed = new Map<string, Exact>();
/** Bounded: a run with millions of distinct amounts starts afresh rather than growing. */
const PARSED_LIMIT = 50_000;

/** A decimal as stored ("912.50", "-0.05", "1e-7"), exactly; spellings only decimal.js reads go through it. */
export function exactOf(text: DecimalString): Exact {
  let value = parsed.get(text);
  if (value === undefined) {
    try {
      value = Exact.of(text);
    } catch {
      value = Exact.of(new Dec(text).toFixed());
    }
    if (parsed.size >= PARSED_LIMIT) parsed.clear();
    parsed.set(text, value);
  }
  return value;
}

const ZERO_CODE = 48;
const DOT = 46;
const MINUS = 45;
/** Up to 13 digits make a safe integer even as pence (× 100). */
const MAX_DIGITS = 13;

/**
 * Pounds as stored ("912.50", "-10", "131.0125") in pence (91250, -1000, 13101.25), exactly.
 * Every line's amount comes through here, so the usual spelling is read digit by digit
 * (no regular expression, no cache to hash into); any other goes through exactOf.
 */
export function penceOf(pounds: DecimalString): Pence {
  const length = pounds.length;
  let i = pounds.charCodeAt(0) === MINUS ? 1 : 0;
  const negative = i === 1;
  let digits = 0;
  let places = -1;
  let value = 0;
  for (; i < length; i++) {
    const c = pounds.charCodeAt(i);
    if (c === DOT && places < 0) {
      places = 0;
      continue;
    }
    const digit = c - ZERO_CODE;
    if (digit < 0 || digit > 9) break;
    value = value * 10 + digit;
    digits++;
    if (places >= 0) places++;
  }
  if (i < length || digits === 0 || digits > MAX_DIGITS) return exactOf(pounds).times(HUNDRED);
  if (negative) value = -value;
  if (places <= 0) return Exact.int(value * 100);
  if (places === 1) return Exact.int(value * 10);
  if (places === 2) return Exact.int(value);
  return Exact.ratio(value, 10 ** (places - 2));
}

const ofDecimal = new WeakMap<Dec, Exact>();

/** A decimal.js value, exactly (at the edges: the rules settings, asked per invoice, so remembered per instance). */
export function exactOfDecimal(value: Dec): Exact {
  let exact = ofDecimal.get(value);
  if (exact === undefined) ofDecimal.set(value, (exact = exactOf(value.toFixed())));
  return exact;
}

/** Pounds as decimal.js holds them, in pence (at the edges: the rules settings). */
export function penceOfDecimal(pounds: Dec): Pence {
  return exactOfDecimal(pounds).times(HUNDRED);
}

/** Rounded to a whole penny, half up (away from zero), once: what a finding's amount gets. */
export function wholePence(value: Pence): Pence {
  return value.roundHalfUp();
}

/** "1234.50": pounds with two decimals, no symbol (what moneyString gave). */
export function penceText(value: Pence): DecimalString {
  const { negative, pounds, pence } = poundsAndPence(value);
  return `${negative ? "-" : ""}${pounds}.${pence}`;
}

/** As the UI shows money: £1,234.56, -£10.00 for negatives (what formatMoney gave). */
export function formatPence(value: Pence): string {
  const { negative, pounds, pence } = poundsAndPence(value);
  let grouped = pounds;
  if (pounds.length > 3) {
    grouped = pounds.slice(0, ((pounds.length - 1) % 3) + 1);
    for (let i = grouped.length; i < pounds.length; i += 3) grouped += `,${pounds.slice(i, i + 3)}`;
  }
  return `${negative ? "-" : ""}£${grouped}.${pence}`;
}

/** A value rounded to whole pence, as the digits of its pounds and its two digits of pence. */
function poundsAndPence(value: Pence): { negative: boolean; pounds: string; pence: string } {
  const rounded = wholePence(value);
  if (rounded.isSmall) {
    const n = rounded.num;
    const a = n < 0 ? -n : n;
    const pence = a % 100;
    return { negative: n < 0, pounds: String((a - pence) / 100), pence: pence < 10 ? `0${pence}` : String(pence) };
  }
  const { n } = rounded.toFraction();
  const digits = (n < 0n ? -n : n).toString().padStart(3, "0");
  return { negative: n < 0n, pounds: digits.slice(0, -2), pence: digits.slice(-2) };
}

/**
 * A number as decimal.js writes it ("4.5", "0.3333…" to 40 digits): rounded half up to
 * `places` decimals when given. Exactly what decimal.js's toString gave for the same value
 * when that was one correctly rounded operation away from exact.
 */
export function decimalText(value: Exact, places?: number): string {
  const shown = places === undefined ? value : value.roundedTo(places);
  const plain = plainDecimal(shown);
  if (plain !== null) return plain;
  const { n, d } = shown.toFraction();
  const numerator = new Dec(n.toString());
  return (d === 1n ? numerator : numerator.dividedBy(new Dec(d.toString()))).toString();
}

/** Up to this many decimal places, 10^places is a safe integer. */
const MAX_PLAIN_PLACES = 15;

/**
 * The usual value written without decimal.js, to the same text: a fraction whose denominator
 * divides a power of ten (every rounded value, and most others: pence ÷ 100, halves, quarters)
 * has a finite decimal, which decimal.js writes in full without trailing zeros, in plain notation
 * from 1e-6 up (below, it writes an exponent: those and every other value go through it).
 * Null when the value is not such a one or its digits would not stay safe integers.
 */
function plainDecimal(value: Exact): string | null {
  if (!value.isSmall) return null;
  const n = value.num;
  if (n === 0) return "0";
  let d = value.den;
  // d = 2^twos × 5^fives, else the decimal never ends.
  let twos = 0;
  let fives = 0;
  while (d % 2 === 0) {
    d /= 2;
    twos++;
  }
  while (d % 5 === 0) {
    d /= 5;
    fives++;
  }
  if (d !== 1) return null;
  const places = Math.max(twos, fives);
  if (places > MAX_PLAIN_PLACES) return null;
  const scale = 10 ** places;
  const digitsValue = (n < 0 ? -n : n) * (scale / value.den);
  if (!Number.isSafeInteger(digitsValue) || digitsValue * 1_000_000 < scale) return null;
  let digits = String(digitsValue);
  let shownPlaces = places;
  // decimal.js writes no trailing zeros (n/d is in lowest terms, so only places that were padded).
  while (shownPlaces > 0 && digits.charCodeAt(digits.length - 1) === 48) {
    digits = digits.slice(0, -1);
    shownPlaces--;
  }
  let text: string;
  if (shownPlaces === 0) text = digits;
  else if (digits.length > shownPlaces) text = `${digits.slice(0, digits.length - shownPlaces)}.${digits.slice(digits.length - shownPlaces)}`;
  else text = `0.${"0".repeat(shownPlaces - digits.length)}${digits}`;
  return n < 0 ? `-${text}` : text;
}

/** Pence written as pounds the way decimal.js wrote them ("131", "18.714286"). */
export function poundsText(value: Pence, places?: number): string {
  return decimalText(value.dividedBy(HUNDRED), places);
}
