import { ZERO } from "../../src/domain/money.js";
import { formatDate } from "../../src/domain/dates.js";
import { subtract, totalNights } from "../../src/domain/ranges.js";
import type { ChildTimeline } from "../../src/audit/reference-index.js";
import { evidenceRanges } from "../../src/audit/days.js";
import { money, nights, quantityText, rangesText } from "../../src/audit/explain.js";
import type { AuditRule } from "../../src/audit/rule.js";

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
export const rule: AuditRule = {
  id: "outside-placement",
  raises: ["outside-placement"],
  feeStep(work) {
    const outside = subtract(work.remaining, work.timeline.placed);
    const n = totalNights(outside);
    if (n === 0) return null;
    const c = work.perNight;
    const amount = c.times(n);
    work.drop(outside);
    return {
      amount,
      charged: amount,
      expected: ZERO,
      explanation:
        `${nights(n)} (${rangesText(outside)}) are outside ${work.childRef}'s placement with this provider (${placementsText(work.timeline)}): ` +
        `${n} × ${money(c)} = ${money(amount)}.`,
      evidence: { ranges: evidenceRanges(outside, "not placed with this provider") },
    };
  },
  extraStep(work) {
    const outside = subtract(work.remaining, work.timeline.placed);
    const n = totalNights(outside);
    if (n === 0) return null;
    const amount = work.share.times(n);
    work.drop(outside);
    const quantityIn = work.quantityIn();
    return {
      amount,
      charged: amount,
      expected: ZERO,
      explanation:
        `${nights(n)} of this line's ${work.periodNights} (${rangesText(outside)}) are outside ${work.childRef}'s placement with this provider ` +
        `(${placementsText(work.timeline)}): that share of the line is ${money(amount)}` +
        (quantityIn === null ? "." : `; ${quantityText(quantityIn)} of the quantity remains for the placed nights.`),
      evidence: { ranges: evidenceRanges(outside, "not placed with this provider") },
    };
  },
};
