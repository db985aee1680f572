import { NO_PENCE, evidenceRanges, money, nightlyOf, poundsText, nights, rangeText, type DayNumber, type FeeLine, type FeePiece, type FeeStepRule, type Pence } from "../../src/audit/rule-kit.js";

/** What is charged above the agreed fee over the nights still in (step 7), before it is named. */
export interface ExcessOverAgreed {
  /** The nights still in that have an agreed fee. */
  readonly pieces: readonly FeePiece[];
  /** L: what is left over them. */
  readonly left: Pence;
  /** A: the agreed fee for them, W/7 × f a night. */
  readonly agreed: Pence;
  /** L − A, more than nothing. */
  readonly amount: Pence;
  readonly nights: number;
  /** The nightly rate the provider charged. */
  readonly rate: Pence;
}

/**
 * L − A when positive, where L is what is left over the nights still in and A the sum of W/7 ×
 * f over them, so nights charged below their agreed fee offset nights charged above it; null
 * when the line is not charged above the agreed fee.
 */
export function excessOverAgreed(work: FeeLine): ExcessOverAgreed | null {
  const left = work.leftTotal();
  const agreed = work.agreedTotal();
  const amount = left.minus(agreed);
  // Most lines are charged no more than agreed: they are done before any list is made.
  if (!amount.greaterThan(0)) return null;
  const pieces = work.pieces().filter((piece) => piece.segment.agreedNightly !== null);
  if (pieces.length === 0) return null;
  return { pieces, left, agreed, amount, nights: pieces.reduce((total, piece) => total + piece.nights, 0), rate: work.chargedNightlyRate };
}

/** The nights compared, each with its agreed fee and what is left of the charge. */
export function excessEvidence(excess: ExcessOverAgreed): { ranges: ReturnType<typeof evidenceRanges>; chargedNightlyRate: string } {
  return {
    ranges: excess.pieces.flatMap((piece) =>
      evidenceRanges([piece], `agreed ${money(piece.segment.agreedNightly ?? NO_PENCE)} a night (${money(piece.segment.weeklyFee ?? NO_PENCE)} a week); left ${money(piece.left)} a night`),
    ),
    chargedNightlyRate: poundsText(excess.rate, 6),
  };
}

/** "£917.00 a week (£131.00 a night)". */
export function feeText(weeklyFee: Pence): string {
  return `${money(weeklyFee)} a week (${money(nightlyOf(weeklyFee))} a night)`;
}

/** The agreed weekly fees over the nights still in, with their dates when there are several. */
function scheduleText(pieces: readonly FeePiece[]): string {
  const runs: { fee: Pence; start: DayNumber; end: DayNumber }[] = [];
  for (const piece of pieces) {
    const fee = piece.segment.weeklyFee;
    if (fee === null) continue;
    const last = runs[runs.length - 1];
    if (last && last.fee.equals(fee)) last.end = piece.end;
    else runs.push({ fee, start: piece.start, end: piece.end });
  }
  if (runs.length === 1) return feeText((runs[0] as { fee: Pence }).fee);
  return runs.map((run) => `${feeText(run.fee)} for ${rangeText(run)}`).join(" and ");
}

/**
 * rate-above-agreed (fee lines, step 7, when uplift-before-effective-date does not take the
 * step): what is charged above the agreed fee over the nights still in.
 */
export const rule: FeeStepRule = {
  id: "rate-above-agreed",
  feeStep(work) {
    const excess = excessOverAgreed(work);
    if (excess === null) return null;
    const { pieces, left, agreed, amount, rate } = excess;
    const absent = pieces.some((piece) => piece.segment.factor.lessThan(1)) ? ", with nights of absence at the retainer" : "";
    return {
      finding: {
        amount,
        charged: left,
        expected: agreed,
        explanation:
          `Billed ${nights(excess.nights)} at ${money(rate)}; the agreed fee is ${scheduleText(pieces)}${absent}: ` +
          `${money(left)} charged against ${money(agreed)} agreed, ${money(amount)} above the agreed fee.`,
        evidence: excessEvidence(excess),
      },
    };
  },
};
