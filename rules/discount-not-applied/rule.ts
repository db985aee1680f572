import { Exact, NO_PENCE, evidenceRanges, penceText, money, nights, percentText, type FeeStepRule, type RuleNote, type DiscountRow } from "../../src/audit/rule-kit.js";

function discountText(row: DiscountRow): string {
  const kind = row.discount.kind.replace(/_/g, " ");
  const wording = row.discount.description ? ` ("${row.discount.description}")` : "";
  return `${percentText(row.percent)} ${kind} discount ${row.discount.discountId}${wording}`;
}

/**
 * discount-not-applied (fee lines, step 8): min(L, A) − E − the line's discount credit, when
 * positive, where E is the sum of W/7 × f × (1 − p/100). The credit that pays discount due is
 * the line's credit used; a credit larger than the discount due is an undercharge, noted, and
 * is not set against the line's other findings.
 */
export const rule: FeeStepRule = {
  id: "discount-not-applied",
  feeStep(work) {
    const due = work.discountDue();
    const credit = work.credit;
    // The usual line: no discount due and no credit, so nothing is used, noted or found (the
    // step's outcome would change nothing; no objects are made for it).
    if (credit.isZero() && !due.greaterThan(0)) return null;
    const used = Exact.min(credit, due);
    const notes: RuleNote[] = [];
    if (credit.greaterThan(due)) {
      notes.push({
        kind: "discount-credit-excess",
        amount: credit.minus(due),
        text: `The invoice credits ${money(credit)} of discount to this line but only ${money(due)} is due: ${money(credit.minus(due))} more than due (an undercharge).`,
      });
    }
    const amount = due.minus(used);
    // The credit that paid discount due is used whether or not any discount is still due.
    if (!amount.greaterThan(0)) return notes.length === 0 ? { creditUsed: used } : { creditUsed: used, notes };
    const base = Exact.min(work.leftTotal(), work.agreedTotal());
    const expected = work.expectedTotal();
    const pieces = work.pieces().filter((piece) => piece.segment.expectedNightly !== null);
    const discounted = pieces.filter((piece) => piece.segment.discountPct.greaterThan(0));
    const rows = [...new Set(discounted.flatMap((piece) => piece.segment.discounts))];
    const n = discounted.reduce((total, piece) => total + piece.nights, 0);
    const capped = discounted.some((piece) => piece.segment.discountPct.equals(100) && piece.segment.discounts.reduce((s, r) => s.plus(r.percent), Exact.ZERO).greaterThan(100));
    return {
      creditUsed: used,
      notes,
      finding: {
        amount,
        charged: base.minus(used),
        expected,
        explanation:
          `${rows.map(discountText).join(" and ")}${capped ? " (together capped at 100%)" : ""} ${rows.length === 1 ? "applies" : "apply"} to ${nights(n)}: ` +
          `${money(base)} before discount and ${money(expected)} after, so ${money(due)} discount is due; ` +
          (used.isZero() ? "the invoice credits none of it." : `the invoice credits ${money(used)} of it.`),
        evidence: {
          ranges: discounted.flatMap((piece) => evidenceRanges([piece], `${percentText(piece.segment.discountPct)} off ${money(piece.segment.agreedNightly ?? NO_PENCE)} a night`)),
          discounts: rows.map((row) => row.discount.discountId),
          discountCredit: penceText(credit),
        },
      },
    };
  },
};
