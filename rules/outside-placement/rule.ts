import { NO_PENCE, coveredBy, evidenceRanges, formatDate, money, nights, quantityText, rangesText, subtract, totalNights, type FeeStepRule, type ExtraStepRule, type ChildTimeline } from "../../src/audit/rule-kit.js";

function placementsText(timeline: ChildTimeline): string {
  return timeline.placements
    .map((p) => `${p.placementId} from ${formatDate(p.startDate)}${p.endDate === null ? "" : `, left ${formatDate(p.endDate)}`}`)
    .join("; ");
}

/**
 * outside-placement (step 4 of fee lines, step 3 of extras): nights on which the child has no
 * placement with this provider (before the start, from the end date, between placements).
 * Those nights drop out; for an extra, the nights still in are its placed nights.
 */
export const rule: FeeStepRule & ExtraStepRule = {
  id: "outside-placement",
  feeStep(work) {
    // Most lines bill only placed nights: done without building an empty difference.
    if (coveredBy(work.remaining, work.timeline.placed)) return null;
    const outside = subtract(work.remaining, work.timeline.placed);
    const n = totalNights(outside);
    if (n === 0) return null;
    const c = work.perNight;
    const amount = c.times(n);
    return {
      drop: outside,
      finding: {
        amount,
        charged: amount,
        expected: NO_PENCE,
        explanation:
          `${nights(n)} (${rangesText(outside)}) are outside ${work.childRef}'s placement with this provider (${placementsText(work.timeline)}): ` +
          `${n} × ${money(c)} = ${money(amount)}.`,
        evidence: { ranges: evidenceRanges(outside, "not placed with this provider") },
      },
    };
  },
  extraStep(work) {
    if (coveredBy(work.remaining, work.timeline.placed)) return null;
    const outside = subtract(work.remaining, work.timeline.placed);
    const n = totalNights(outside);
    if (n === 0) return null;
    const amount = work.share.times(n);
    // The quantity still in once those nights have dropped out.
    const quantityIn = work.quantityIn(work.remainingNights() - n);
    return {
      drop: outside,
      finding: {
        amount,
        charged: amount,
        expected: NO_PENCE,
        explanation:
          `${nights(n)} of this line's ${work.periodNights} (${rangesText(outside)}) are outside ${work.childRef}'s placement with this provider ` +
          `(${placementsText(work.timeline)}): that share of the line is ${money(amount)}` +
          (quantityIn === null ? "." : `; ${quantityText(quantityIn)} of the quantity remains for the placed nights.`),
        evidence: { ranges: evidenceRanges(outside, "not placed with this provider") },
      },
    };
  },
};
