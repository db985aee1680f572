import type { DayNumber } from "../../src/domain/dates.js";
import { Dec, ZERO } from "../../src/domain/money.js";
import type { Placement } from "../../src/domain/reference.js";
import { evidenceRanges } from "../../src/audit/days.js";
import { dateOf, money, nights, rangeText } from "../../src/audit/explain.js";
import type { FeeLineWork, FeePiece } from "../../src/audit/fee-line.js";
import type { AuditRule } from "../../src/audit/rule.js";
import { weeklyFeeOn } from "../../src/audit/tariff.js";

const SEVEN = new Dec(7);
const PENNY = new Dec("0.01");

interface Uplift {
  placement: Placement;
  from: DayNumber;
  weeklyFee: Dec;
}

/**
 * The agreed fee that takes effect later for one of the line's placements (a later
 * placement_fees row, or a later rate-card row for its service level when its fee comes from
 * the card) and equals the charged nightly rate within a penny: the provider charged an
 * uplift before its effective date.
 */
function upliftCharged(work: FeeLineWork, pieces: readonly FeePiece[], nightlyRate: Dec): Uplift | null {
  const firstNight = new Map<Placement, DayNumber>();
  for (const piece of pieces) {
    const p = piece.segment.placement;
    const seen = firstNight.get(p);
    if (seen === undefined || piece.start < seen) firstNight.set(p, piece.start);
  }
  let best: Uplift | null = null;
  const consider = (placement: Placement, from: DayNumber, weeklyFee: Dec): void => {
    if (weeklyFee.dividedBy(SEVEN).minus(nightlyRate).abs().greaterThan(PENNY)) return;
    if (best === null || from < best.from) best = { placement, from, weeklyFee };
  };
  for (const [placement, first] of firstNight) {
    for (const row of work.ctx.index.feesOf(placement)) {
      if (row.from > first) consider(placement, row.from, row.weeklyFee);
    }
    if (placement.weeklyFee !== null) continue;
    for (const row of work.ctx.index.placementRatesOf(placement)) {
      if (row.from <= first) continue;
      consider(placement, row.from, row.unit === "night" || row.unit === "day" ? row.rate.times(SEVEN) : row.rate);
    }
  }
  return best;
}

function feeText(weeklyFee: Dec): string {
  return `${money(weeklyFee)} a week (${money(weeklyFee.dividedBy(SEVEN))} a night)`;
}

/** The agreed weekly fees over the nights still in, with their dates when there are several. */
function scheduleText(pieces: readonly FeePiece[]): string {
  const runs: { fee: Dec; start: DayNumber; end: DayNumber }[] = [];
  for (const piece of pieces) {
    const fee = piece.segment.weeklyFee;
    if (fee === null) continue;
    const last = runs[runs.length - 1];
    if (last && last.fee.equals(fee)) last.end = piece.end;
    else runs.push({ fee, start: piece.start, end: piece.end });
  }
  if (runs.length === 1) return feeText((runs[0] as { fee: Dec }).fee);
  return runs.map((run) => `${feeText(run.fee)} for ${rangeText(run)}`).join(" and ");
}

/**
 * rate-above-agreed (fee lines, step 7): L − A when positive, where L is what is left over the
 * nights still in and A the sum of W/7 × f over them, so nights charged below their agreed fee
 * offset nights charged above it. uplift-before-effective-date when the charged nightly rate is
 * a fee agreed to start later.
 */
export const rule: AuditRule = {
  id: "rate-above-agreed",
  raises: ["uplift-before-effective-date", "rate-above-agreed"],
  feeStep(work) {
    const pieces = work.pieces().filter((piece) => piece.segment.agreedNightly !== null);
    if (pieces.length === 0) return null;
    const left = work.leftTotal();
    const agreed = work.agreedTotal();
    const amount = left.minus(agreed);
    if (!amount.greaterThan(0)) return null;
    const n = pieces.reduce((total, piece) => total + piece.nights, 0);
    const rate = work.chargedNightlyRate;
    const absent = pieces.some((piece) => piece.segment.factor.lessThan(1)) ? ", with nights of absence at the retainer" : "";
    const evidence = {
      ranges: pieces.flatMap((piece) =>
        evidenceRanges([piece], `agreed ${money(piece.segment.agreedNightly ?? ZERO)} a night (${money(piece.segment.weeklyFee ?? ZERO)} a week); left ${money(piece.left)} a night`),
      ),
      chargedNightlyRate: rate.toDecimalPlaces(6).toString(),
    };
    const uplift = upliftCharged(work, pieces, rate);
    if (uplift !== null) {
      const before = weeklyFeeOn(work.ctx.index, uplift.placement, uplift.from - 1) ?? { fee: (pieces[0] as FeePiece).segment.weeklyFee ?? ZERO };
      return {
        rule: "uplift-before-effective-date",
        amount,
        charged: left,
        expected: agreed,
        explanation:
          `Billed ${nights(n)} at ${money(rate)}; the agreed fee is ${feeText(before.fee)} until ${dateOf(uplift.from - 1)}; ` +
          `the uplift to ${money(uplift.weeklyFee)} a week starts ${dateOf(uplift.from)}: ${money(amount)} charged before it took effect.`,
        evidence: { ...evidence, upliftFrom: dateOf(uplift.from), upliftWeeklyFee: uplift.weeklyFee.toFixed(2) },
      };
    }
    return {
      amount,
      charged: left,
      expected: agreed,
      explanation:
        `Billed ${nights(n)} at ${money(rate)}; the agreed fee is ${scheduleText(pieces)}${absent}: ` +
        `${money(left)} charged against ${money(agreed)} agreed, ${money(amount)} above the agreed fee.`,
      evidence,
    };
  },
};
