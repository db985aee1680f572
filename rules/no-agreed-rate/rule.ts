import { NO_PENCE, evidenceRanges, money, nights, normalize, rangesText, totalNights, type FeePiece, type FeeStepRule } from "../../src/audit/rule-kit.js";

function hasNightWithoutFee(pieces: readonly FeePiece[]): boolean {
  for (const piece of pieces) if (piece.segment.nightlyFee === null) return true;
  return false;
}

/**
 * no-agreed-rate (fee lines, step 5): nights with no agreed fee at all: no placement_fees row,
 * no weekly fee and no rate-card row for the placement's service level. A query; those nights
 * drop out.
 */
export const rule: FeeStepRule = {
  id: "no-agreed-rate",
  feeStep(work) {
    // The usual line has an agreed fee on every night: done before any list is made.
    if (!hasNightWithoutFee(work.pieces())) return null;
    const missing = work.pieces().filter((piece) => piece.segment.nightlyFee === null);
    const ranges = normalize(missing);
    const n = totalNights(ranges);
    const c = work.perNight;
    const amount = c.times(n);
    const levels = [...new Set(missing.map((piece) => `${piece.segment.placement.serviceLevel ?? "(no service level)"} on contract ${piece.segment.placement.contractId}`))];
    return {
      drop: ranges,
      finding: {
        amount,
        charged: amount,
        expected: NO_PENCE,
        explanation:
          `${nights(n)} (${rangesText(ranges)}) have no agreed fee: no placement fee, no weekly fee and no placement rate for ${levels.join(", ")}. ` +
          `${n} × ${money(c)} = ${money(amount)} is queried.`,
        evidence: { ranges: evidenceRanges(ranges, "no agreed fee"), placements: [...new Set(missing.map((piece) => piece.segment.placement.placementId))] },
      },
    };
  },
};
