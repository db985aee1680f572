import { NO_PENCE, evidenceRanges, itemText, money, nights, normalize, rangesText, totalNights, type ExtraPiece, type ExtraStepRule } from "../../src/audit/rule-kit.js";

function hasNightWithoutAgreement(pieces: readonly ExtraPiece[]): boolean {
  for (const piece of pieces) if (piece.pkg === null && piece.rateRow === null) return true;
  return false;
}

/**
 * extra-not-agreed (extras, step 4): no package for the item in force and no rate-card rate for
 * it, or an item the keywords do not recognise: what is left is queried.
 */
export const rule: ExtraStepRule = {
  id: "extra-not-agreed",
  extraStep(work) {
    const unknown = work.item === "unknown";
    // The usual extra is agreed on every night still in: done before any list is made.
    if (!unknown && !hasNightWithoutAgreement(work.pieces())) return null;
    const missing = work.pieces().filter((piece) => unknown || (piece.pkg === null && piece.rateRow === null));
    if (missing.length === 0) return null;
    const ranges = normalize(missing);
    const n = totalNights(ranges);
    const amount = work.share.times(n);
    const contracts = [...new Set(missing.map((piece) => piece.placement.contractId))].join(", ");
    const when = n === work.periodNights ? "" : ` on ${nights(n)} of the line's ${work.periodNights} (${rangesText(ranges)})`;
    return {
      drop: ranges,
      finding: {
        amount,
        charged: amount,
        expected: NO_PENCE,
        explanation: unknown
          ? `"${work.line.description}" is not an extra any package or rate card names${when}: ${money(amount)} is queried.`
          : `No package agrees ${itemText(work.item)} for ${work.childRef} and the rate card of ${contracts} has no ${itemText(work.item)} rate${when}: ${money(amount)} is queried.`,
        evidence: { ranges: evidenceRanges(ranges, "nothing agreed"), item: work.item },
      },
    };
  },
};
