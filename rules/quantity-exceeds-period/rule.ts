import { Exact, decimalText, evidenceRanges, money, poundsText, nights, quantityText, rangeText, type FeeStepRule } from "../../src/audit/rule-kit.js";

/** P + 0.1 nights for a period of P nights, made once per length (q − P > 0.1 is q > P + 0.1: no difference made for every line). */
const pastPeriod: Exact[] = [];
function periodWithTolerance(periodNights: number): Exact {
  if (periodNights >= 1000) return Exact.ratio(10 * periodNights + 1, 10);
  return (pastPeriod[periodNights] ??= Exact.ratio(10 * periodNights + 1, 10));
}

/**
 * quantity-exceeds-period (fee lines, step 2): the quantity in nights (weeks × 7) exceeds the
 * nights of the period by more than 0.1. Finding: the excess nights × the charged nightly rate.
 * What is left is then shared among the nights billed (c).
 */
export const rule: FeeStepRule = {
  id: "quantity-exceeds-period",
  feeStep(work) {
    const q = work.quantityNights;
    if (q === null) return null;
    if (!q.greaterThan(periodWithTolerance(work.periodNights))) return null;
    const excess = q.minus(work.periodNights);
    const rate = work.chargedNightlyRate;
    const amount = Exact.min(work.worth, excess.times(rate));
    const weeks = work.line.unit === "week" && work.quantity !== null ? ` (${quantityText(work.quantity)} weeks)` : "";
    return {
      quantityExcess: amount,
      finding: {
        amount,
        charged: work.worth,
        expected: work.worth.minus(amount),
        explanation:
          `Billed ${quantityText(q)} nights${weeks} but the period ${rangeText(work.period)} has ${nights(work.periodNights)}: ` +
          `${quantityText(excess)} nights too many at ${money(rate)} a night = ${money(amount)}.`,
        evidence: {
          ranges: evidenceRanges([work.period], "the line's period"),
          quantityNights: decimalText(q),
          chargedNightlyRate: poundsText(rate, 6),
        },
      },
    };
  },
};
