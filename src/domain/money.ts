import { Decimal } from "decimal.js";
import { ParseError } from "./errors.js";

/**
 * The one configured decimal.js clone for all money and rate arithmetic.
 * Precision 40 keeps W/7 exact enough that summing a year of nights and
 * rounding once at the end gives the same pence as hand arithmetic.
 */
export const Dec = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });
export type Dec = InstanceType<typeof Dec>;

export const ZERO = new Dec(0);

/** A decimal string as stored in PostgreSQL numeric columns, e.g. "912.50". */
export type DecimalString = string;

export function dec(value: Dec | DecimalString | number): Dec {
  return value instanceof Dec ? value : new Dec(value);
}

/** Round half up to pence (the only rounding money ever gets, once, at the end). */
export function toPence(value: Dec): Dec {
  return value.toDecimalPlaces(2, Dec.ROUND_HALF_UP);
}

/** "1234.5" -> "1234.50" (pounds with two decimals, no symbol). */
export function moneyString(value: Dec | DecimalString): DecimalString {
  return toPence(dec(value)).toFixed(2);
}

/** Format as the UI shows money: £1,234.56, −£10.00 for negatives. */
export function formatMoney(value: Dec | DecimalString): string {
  const pence = toPence(dec(value));
  const negative = pence.isNegative() && !pence.isZero();
  const [whole = "0", fraction = "00"] = pence.abs().toFixed(2).split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${negative ? "-" : ""}£${grouped}.${fraction}`;
}

const MONEY_PATTERN = /^(-)?\s*(?:£|GBP)?\s*(-)?\s*(\d{1,3}(?:,\d{3})+|\d+)?(?:\.(\d+))?\s*(?:GBP)?$/i;

/**
 * Parse every money spelling of DATA.md: `£1,234.56`, `1234.56`, `1,234.56 GBP`,
 * `-£10.00`, `(10.00)`, `£10.00 CR`. Returns the exact decimal (not rounded):
 * rates may carry more than two places.
 */
export function parseMoney(input: string): Dec {
  let text = input.replace(/[\u00a0\u2009\u202f]/g, " ").trim();
  let negative = false;
  if (/^\(.*\)$/.test(text)) {
    negative = true;
    text = text.slice(1, -1).trim();
  }
  const credit = /\s*\bCR\.?$/i;
  if (credit.test(text)) {
    negative = true;
    text = text.replace(credit, "").trim();
  }
  text = text.replace(/^[\u2212\u2013]/, "-");
  const match = MONEY_PATTERN.exec(text);
  if (!match || (match[3] === undefined && match[4] === undefined) || (match[1] && match[2])) {
    throw new ParseError("money.invalid", `"${input}" is not an amount of money`, { value: input });
  }
  const whole = (match[3] ?? "0").replace(/,/g, "");
  const value = new Dec(`${whole}.${match[4] ?? "0"}`);
  if (match[1] || match[2]) negative = !negative;
  return negative && !value.isZero() ? value.negated() : value;
}

/** Like parseMoney, but returns null instead of throwing. */
export function tryParseMoney(input: string): Dec | null {
  try {
    return parseMoney(input);
  } catch {
    return null;
  }
}

/** Sum of decimals. */
export function sum(values: Iterable<Dec>): Dec {
  let total = ZERO;
  for (const value of values) total = total.plus(value);
  return total;
}
