import { Exact, NO_PENCE, evidenceRanges, exactOf, money, nights, normalize, percentText, rangesText, type FeeStepRule, type FeePiece, type Pence } from "../../src/audit/rule-kit.js";

function hasAbsence(pieces: readonly FeePiece[]): boolean {
  for (const piece of pieces) if (piece.segment.factor.lessThan(1)) return true;
  return false;
}

/**
 * absence-not-at-retainer (fee lines, step 6): nights of absence (f < 1) charged above the
 * retainer. Each such night contributes min(c, W/7) − W/7 × f when positive; what is left for
 * the night is c less that share (so rate-above-agreed never counts it again).
 */
export const rule: FeeStepRule = {
  id: "absence-not-at-retainer",
  feeStep(work) {
    // Most lines have no night of absence: nothing to allocate for them (a plain loop: a
    // callback would be a closure made for every line).
    if (!hasAbsence(work.pieces())) return null;
    const c = work.perNight;
    let amount = NO_PENCE;
    const charged: FeePiece[] = [];
    const takeOff = new Map<FeePiece, Pence>();
    const due = new Map<string, { nightly: Pence; nights: number }>();
    for (const piece of work.pieces()) {
      const { nightlyFee, agreedNightly, factor } = piece.segment;
      if (nightlyFee === null || agreedNightly === null || !factor.lessThan(1)) continue;
      const share = Exact.min(c, nightlyFee).minus(agreedNightly);
      if (!share.greaterThan(0)) continue;
      takeOff.set(piece, share);
      amount = amount.plus(share.times(piece.nights));
      charged.push(piece);
      const key = agreedNightly.toString();
      const entry = due.get(key) ?? { nightly: agreedNightly, nights: 0 };
      entry.nights += piece.nights;
      due.set(key, entry);
    }
    if (!amount.greaterThan(0)) return null;
    const absences = normalize(charged.map((piece) => piece.segment.absence?.range ?? piece));
    const contract = work.ctx.index.contractOf((charged[0] as FeePiece).segment.placement);
    const limit = contract.absenceRetainerMaxNights === null ? "every night" : `at most ${contract.absenceRetainerMaxNights} nights`;
    const dueText = [...due.values()].map((d) => `${money(d.nightly)} a night for ${nights(d.nights)}`).join(" and ");
    const total = charged.reduce((n, piece) => n + piece.nights, 0);
    const agreed = charged.reduce((sum, piece) => sum.plus((piece.segment.agreedNightly ?? NO_PENCE).times(piece.nights)), NO_PENCE);
    return {
      takeOff,
      finding: {
        amount,
        charged: c.times(total),
        expected: agreed,
        explanation:
          `${work.childRef} was away ${rangesText(absences)}; the contract pays ${percentText(exactOf(contract.absenceRetainerPct))} of the fee for ${limit} of one absence. ` +
          `Charged ${money(c)} a night; due ${dueText}: ${money(amount)} above the retainer over ${nights(total)}.`,
        evidence: {
          ranges: charged.flatMap((piece) => evidenceRanges([piece], `retainer ${money(piece.segment.agreedNightly ?? NO_PENCE)} a night; charged ${money(c)}`)),
        },
      },
    };
  },
};
