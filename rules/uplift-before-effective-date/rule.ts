import { NO_PENCE, ONE_PENNY, dateOf, money, nightlyOf, nights, penceText, weeklyFeeOn, weeklyOf, type DayNumber, type FeeLine, type FeePiece, type FeeStepRule, type Pence, type Placement } from "../../src/audit/rule-kit.js";
import { excessEvidence, excessOverAgreed, feeText } from "../rate-above-agreed/rule.js";

interface Uplift {
  placement: Placement;
  from: DayNumber;
  weeklyFee: Pence;
}

/**
 * The agreed fee that takes effect later for one of the line's placements (a later
 * placement_fees row, or a later rate-card row for its service level when its fee comes from
 * the card) and equals the charged nightly rate within a penny: the provider charged an
 * uplift before its effective date.
 */
function upliftCharged(work: FeeLine, pieces: readonly FeePiece[], nightlyRate: Pence): Uplift | null {
  const firstNight = new Map<Placement, DayNumber>();
  for (const piece of pieces) {
    const p = piece.segment.placement;
    const seen = firstNight.get(p);
    if (seen === undefined || piece.start < seen) firstNight.set(p, piece.start);
  }
  let best: Uplift | null = null;
  const consider = (placement: Placement, from: DayNumber, weeklyFee: Pence): void => {
    if (nightlyOf(weeklyFee).minus(nightlyRate).abs().greaterThan(ONE_PENNY)) return;
    if (best === null || from < best.from) best = { placement, from, weeklyFee };
  };
  for (const [placement, first] of firstNight) {
    for (const row of work.ctx.index.feesOf(placement)) {
      if (row.from > first) consider(placement, row.from, row.weeklyFee);
    }
    if (placement.weeklyFee !== null) continue;
    for (const row of work.ctx.index.placementRatesOf(placement)) {
      if (row.from <= first) continue;
      consider(placement, row.from, row.unit === "night" || row.unit === "day" ? weeklyOf(row.rate) : row.rate);
    }
  }
  return best;
}

/**
 * uplift-before-effective-date (fee lines, step 7, before rate-above-agreed): what is charged
 * above the agreed fee when the charged nightly rate is, within a penny, a fee agreed to start
 * later. When it finds one it takes the step, and rate-above-agreed does not run.
 */
export const rule: FeeStepRule = {
  id: "uplift-before-effective-date",
  feeStep(work) {
    const excess = excessOverAgreed(work);
    if (excess === null) return null;
    const { pieces, left, agreed, amount, rate } = excess;
    const uplift = upliftCharged(work, pieces, rate);
    if (uplift === null) return null;
    const before = weeklyFeeOn(work.ctx.index, uplift.placement, uplift.from - 1) ?? { fee: (pieces[0] as FeePiece).segment.weeklyFee ?? NO_PENCE };
    return {
      finding: {
        amount,
        charged: left,
        expected: agreed,
        explanation:
          `Billed ${nights(excess.nights)} at ${money(rate)}; the agreed fee is ${feeText(before.fee)} until ${dateOf(uplift.from - 1)}; ` +
          `the uplift to ${money(uplift.weeklyFee)} a week starts ${dateOf(uplift.from)}: ${money(amount)} charged before it took effect.`,
        evidence: { ...excessEvidence(excess), upliftFrom: dateOf(uplift.from), upliftWeeklyFee: penceText(uplift.weeklyFee) },
      },
    };
  },
};
