import { Dec } from "../../domain/money.js";
import type { Unit } from "../../domain/reference.js";
import { cleanText, parseQuantity, parseRate, splitQuantityAtRate } from "../text/values.js";

/**
 * What a "Calculation" (or "Charge Basis") cell prints, read whole: a count at its rate ("30
 * nights × £5.00") gives the line's quantity and rate; a share of such a product ("5% of 30
 * nights × £124.00", a discount's working) gives neither, the line being that share and no
 * count of anything, and is taken as read only when the line's own amount is that share to the
 * penny. Anything else is not read (the caller marks the cell).
 */
export type Calculation =
  | { kind: "count_at_rate"; quantity: Dec; rate: Dec; unit: Unit | null }
  | { kind: "share"; percent: Dec; product: Dec };

const SHARE = /^(\d+(?:\.\d+)?)\s*%\s*of\s+(.+)$/i;

export function readCalculation(text: string, amount: Dec | null, units: Readonly<Record<string, Unit>> = {}): Calculation | null {
  const cleaned = cleanText(text);
  const share = SHARE.exec(cleaned);
  if (share?.[1] && share[2]) {
    const inner = readCalculation(share[2], null, units);
    if (inner?.kind !== "count_at_rate" || amount === null) return null;
    const percent = new Dec(share[1]);
    const product = inner.quantity.times(inner.rate);
    const worked = product.times(percent).dividedBy(100).toDecimalPlaces(2, Dec.ROUND_HALF_UP);
    return worked.eq(amount.abs()) ? { kind: "share", percent, product } : null;
  }
  const basis = splitQuantityAtRate(cleaned);
  if (!basis) return null;
  const quantity = parseQuantity(basis.quantity, units);
  const rate = parseRate(basis.rate, units);
  if (!quantity || !rate) return null;
  return { kind: "count_at_rate", quantity: quantity.value, rate: rate.value, unit: quantity.unit ?? rate.unit ?? null };
}
