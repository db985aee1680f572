import { Dec, moneyString, type DecimalString } from "../domain/money.js";

/**
 * Shared, immutable decimals for the engine's hot path. An audit run parses the same few
 * thousand rates and quantities ("31", "131.00", …) hundreds of thousands of times,
 * and decimal.js allocates on every parse; a Dec never changes once made, so one instance per
 * spelling serves every line. Values are exactly those `new Dec(text)` gives.
 */
const parsed = new Map<string, Dec>();
const PARSED_LIMIT = 50_000;

export function decimalOf(text: DecimalString): Dec {
  let value = parsed.get(text);
  if (value === undefined) {
    value = new Dec(text);
    // Bounded: a run with millions of distinct amounts starts afresh rather than growing.
    if (parsed.size >= PARSED_LIMIT) parsed.clear();
    parsed.set(text, value);
  }
  return value;
}

const integers: Dec[] = [];

/** `new Dec(n)` for a small whole number (nights, counts), one instance each. */
export function integerDec(n: number): Dec {
  if (!Number.isInteger(n) || n < 0 || n > 4096) return new Dec(n);
  return (integers[n] ??= new Dec(n));
}

/** Two decimals as the database prints money: what moneyString gives, without a Dec for the usual spelling. */
const PLAIN_MONEY = /^-?(?:0|[1-9]\d*)\.\d\d$/;

export function moneyText(text: DecimalString): DecimalString {
  // "-0.00" is printed "0.00" by moneyString; every other plain two-decimal spelling is already its own moneyString.
  return PLAIN_MONEY.test(text) && !text.startsWith("-0.00") ? text : moneyString(text);
}

/**
 * Results of one decimal operation remembered per operand instance (the engine reuses the
 * instances above and the reference index's), e.g. W → W / 7 for every night-fee segment.
 */
export class DecimalMemo {
  private readonly results = new WeakMap<Dec, Dec>();

  constructor(private readonly operation: (value: Dec) => Dec) {}

  of(value: Dec): Dec {
    let result = this.results.get(value);
    if (result === undefined) {
      result = this.operation(value);
      this.results.set(value, result);
    }
    return result;
  }
}

/** Like DecimalMemo, for an operation of two decimals (e.g. W/7 × f), per pair of instances. */
export class DecimalPairMemo {
  private readonly results = new WeakMap<Dec, WeakMap<Dec, Dec>>();

  constructor(private readonly operation: (a: Dec, b: Dec) => Dec) {}

  of(a: Dec, b: Dec): Dec {
    let byB = this.results.get(a);
    if (byB === undefined) this.results.set(a, (byB = new WeakMap()));
    let result = byB.get(b);
    if (result === undefined) {
      result = this.operation(a, b);
      byB.set(b, result);
    }
    return result;
  }
}

const interned = new Map<string, Dec>();

/**
 * One instance per value for the few values a run computes over and over (a placement's total
 * discount percent: 5, 8, 12 …), so that memos keyed by instance find them again.
 */
export function internDecimal(value: Dec): Dec {
  const key = value.toString();
  let known = interned.get(key);
  if (known === undefined) {
    if (interned.size >= 10_000) interned.clear();
    interned.set(key, (known = value));
  }
  return known;
}

/** Decimal places an amount is settled to before it is rounded to pence (see findingPence). */
const SETTLE_PLACES = 24;

/**
 * A finding's amount in pence, half up, once, at the end (AUDIT.md "Money is exact": an amount
 * of exactly £71.815 is £71.82).
 *
 * The engine carries 40 significant digits, so a value shared per night (W/7, a line's worth ÷
 * its nights) is a hair off its exact fraction and a sum of such shares can land a hair below
 * a half penny (£71.81499…) that it equals exactly. Every amount is a fraction whose
 * denominator divides 7 × nights × period nights × a power of ten set by the printed decimals
 * (well under 10^20), so an amount that is not exactly a half penny is at least 10^-20 away
 * from one, while the engine's error stays below 10^-30: settling to 24 places first gives the
 * half penny back when it is exact and changes nothing else ("enough digits that no finding
 * ever rounds differently"). tests/unit/audit/exact-model.test.ts checks this against an
 * implementation in exact fractions.
 */
export function findingPence(value: Dec): Dec {
  return value.toDecimalPlaces(SETTLE_PLACES, Dec.ROUND_HALF_UP).toDecimalPlaces(2, Dec.ROUND_HALF_UP);
}
