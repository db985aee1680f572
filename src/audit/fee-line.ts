import { Exact } from "../domain/exact.js";
import type { Pence } from "../domain/pence.js";
import { intersectAll, normalize, subtract, takeNights, totalNights, type NightRange } from "../domain/ranges.js";
import type { InvoiceWork, LinePlan } from "./invoice-work.js";
import { LineWork } from "./line-work.js";
import type { FeePiece, FeeStepOutcome } from "./outcome.js";
import { findRange } from "./days.js";
import type { TariffSegment } from "./tariff.js";

const ZERO = Exact.ZERO;
const SEVEN = Exact.int(7);
/** P − 0.1 nights for a period of P nights, made once per length (q + 0.1 < P is q < P − 0.1, with no sum made per line). */
const shortOfPeriod: Exact[] = [];
function periodLessTolerance(periodNights: number): Exact {
  if (periodNights >= 1000) return Exact.ratio(10 * periodNights - 1, 10);
  return (shortOfPeriod[periodNights] ??= Exact.ratio(10 * periodNights - 1, 10));
}

/** A piece as the line keeps it: only the engine lowers what is left (step 6). */
interface WorkPiece extends FeePiece {
  left: Pence;
}

/** The quantity of a fee line in nights (weeks × 7); null when its unit is not a unit of time. */
export function quantityInNights(quantity: Exact | null, unit: string | null): Exact | null {
  if (quantity === null) return null;
  if (unit === "week") return quantity.times(SEVEN);
  if (unit === null || unit === "night" || unit === "day") return quantity;
  return null;
}

/**
 * A fee line going down the waterfall (AUDIT.md "Findings, in order"): which nights it bills,
 * what is left to explain, and the nights still in after each step.
 */
export class FeeLineWork extends LineWork {
  /** The quantity in nights; null when not printed. */
  readonly quantityNights: Exact | null;
  /** The nights the line bills: its period, or fewer when its quantity falls short. */
  readonly nightsBilled: readonly NightRange[];
  readonly nightsBilledCount: number;
  private excess: Pence = ZERO;
  // Caches kept in fields rather than small objects: a fee line asks for each several times,
  // and a run makes one line work per line.
  /** c (null: not yet, or the worth or the quantity excess changed since). */
  private perNightValue: Pence | null = null;
  /** A and E over the nights still in (null: to be summed). */
  private agreedSum: Pence | null = null;
  private expectedSum: Pence = ZERO;
  /** Never changed in place: drop() replaces it, so it may start as the nights billed themselves. */
  private nightsIn: readonly NightRange[];
  private used: Pence = ZERO;
  private cachedPieces: WorkPiece[] | null = null;
  /** L, while `leftVersion` equals `leftSumVersion`. */
  private leftSum: Pence = ZERO;
  private leftSumVersion = -1;
  /** Counts the changes to what is left per night (step 6) or to the nights still in. */
  private leftVersion = 0;

  constructor(plan: LinePlan, invoice: InvoiceWork) {
    super(plan, invoice);
    this.quantityNights = quantityInNights(this.quantity, this.line.unit);
    this.nightsBilled = this.billedNights();
    this.nightsBilledCount = totalNights(this.nightsBilled);
    this.nightsIn = this.nightsBilled;
  }

  /** What quantity-exceeds-period took (step 2). */
  get quantityExcess(): Pence {
    return this.excess;
  }

  /** The nights still in. */
  get remaining(): readonly NightRange[] {
    return this.nightsIn;
  }

  /** The discount credit that paid discount due (step 8). */
  get creditUsed(): Pence {
    return this.used;
  }

  /**
   * Applies what a step consumed, before the next step: what the line is worth, the quantity
   * excess, what each night of some pieces has left (those pieces are the ones pieces() gave
   * the step), the nights that drop out and the credit used.
   */
  apply(outcome: FeeStepOutcome): void {
    if (outcome.worth !== undefined) this.setWorth(outcome.worth);
    if (outcome.quantityExcess !== undefined) this.excess = outcome.quantityExcess;
    if (outcome.worth !== undefined || outcome.quantityExcess !== undefined) {
      this.perNightValue = null;
      this.leftVersion++;
    }
    const takeOff = outcome.takeOff;
    if (takeOff !== undefined) {
      for (const piece of this.cachedPieces ?? []) {
        const part = takeOff.get(piece);
        if (part !== undefined) piece.left = piece.left.minus(part);
      }
      this.leftVersion++;
    }
    if (outcome.drop !== undefined) this.drop(outcome.drop);
    if (outcome.creditUsed !== undefined) this.used = outcome.creditUsed;
  }

  /** The discount credit allocated to this line. */
  get credit(): Pence {
    return this.plan.credit;
  }

  /**
   * A quantity short of the period by more than 0.1 night bills that many nights: first the
   * period's nights on which the child is placed, earliest first, then the earliest of the rest.
   */
  private billedNights(): readonly NightRange[] {
    const period = this.plan.periodList;
    const q = this.quantityNights;
    if (q === null || !q.lessThan(periodLessTolerance(this.periodNights))) return period;
    const count = Math.max(1, Number(q.roundHalfUp().toFraction().n));
    const placed = takeNights(intersectAll(period, this.timeline.placed), count);
    const rest = takeNights(subtract(period, this.timeline.placed), count - totalNights(placed));
    return normalize([...placed, ...rest]);
  }

  /** c: the charge per night billed left after steps 1 and 2. */
  get perNight(): Pence {
    // Kept until apply() changes the worth or the quantity excess.
    if (this.perNightValue !== null) return this.perNightValue;
    // worth − 0 is worth: most lines have no quantity excess.
    return (this.perNightValue = (this.quantityExcess.isZero() ? this.worth : this.worth.minus(this.quantityExcess)).dividedBy(this.nightsBilledCount));
  }

  /** The nightly rate the provider charged: the unit rate (÷ 7 for weeks), else c. */
  get chargedNightlyRate(): Pence {
    const rate = this.unitRate;
    if (rate !== null && this.quantityNights !== null) return this.line.unit === "week" ? rate.dividedBy(SEVEN) : rate;
    if (this.quantityNights !== null && this.quantityNights.greaterThan(0)) return this.worth.dividedBy(this.quantityNights);
    return this.perNight;
  }

  remainingNights(): number {
    return totalNights(this.remaining);
  }

  /** Takes nights out of the waterfall (steps 3–5). */
  private drop(ranges: readonly NightRange[]): void {
    if (ranges.length === 0) return;
    this.nightsIn = subtract(this.nightsIn, ranges);
    this.cachedPieces = null;
    this.agreedSum = null;
    this.leftVersion++;
  }

  /** The nights still in, split by tariff segment; each starts with c left per night. */
  pieces(): readonly FeePiece[] {
    if (this.cachedPieces) return this.cachedPieces;
    const c = this.perNight;
    const segments = this.timeline.segments;
    // The usual line: its nights in one range within one segment, so one piece (a list of one
    // made as such: a list grown from empty reserves room for 17).
    if (this.nightsIn.length === 1) {
      const r = this.nightsIn[0] as NightRange;
      const at = findRange(segments, r.start);
      const segment = segments[at];
      if (segment !== undefined && r.end <= segment.end && r.end > r.start) {
        return (this.cachedPieces = [{ start: r.start, end: r.end, nights: r.end - r.start, segment, left: c }]);
      }
    }
    const pieces: WorkPiece[] = [];
    let j = 0;
    for (const r of this.nightsIn) {
      while (j < segments.length && (segments[j] as TariffSegment).end <= r.start) j++;
      for (let k = j; k < segments.length; k++) {
        const segment = segments[k] as TariffSegment;
        if (segment.start >= r.end) break;
        const start = Math.max(r.start, segment.start);
        const end = Math.min(r.end, segment.end);
        if (end > start) pieces.push({ start, end, nights: end - start, segment, left: c });
      }
    }
    this.cachedPieces = pieces;
    return pieces;
  }

  /** L: what is left over the nights still in. */
  leftTotal(): Pence {
    // Asked by several steps; kept while the pieces and what each has left are unchanged.
    if (this.leftSumVersion === this.leftVersion) return this.leftSum;
    let total = ZERO;
    for (const piece of this.pieces()) total = total.plus(piece.left.times(piece.nights));
    this.leftSum = total;
    this.leftSumVersion = this.leftVersion;
    return total;
  }

  /** A: the sum of W/7 × f over the nights still in. */
  agreedTotal(): Pence {
    return this.agreedSum ?? this.sumTotals();
  }

  /** E: the sum of W/7 × f × (1 − p/100) over the nights still in (the line's expected). */
  expectedTotal(): Pence {
    if (this.agreedSum === null) this.sumTotals();
    return this.expectedSum;
  }

  /** A and E depend only on the nights still in, so they are summed once per set of nights; returns A. */
  private sumTotals(): Pence {
    let agreed = ZERO;
    let expected = ZERO;
    for (const piece of this.pieces()) {
      const segment = piece.segment;
      const agreedHere = segment.agreedNightly === null ? null : segment.agreedNightly.times(piece.nights);
      if (agreedHere !== null) agreed = agreed.plus(agreedHere);
      // Without a discount the expected nightly fee is the agreed one (the same value): its product is not made twice.
      if (segment.expectedNightly !== null) expected = expected.plus(segment.expectedNightly === segment.agreedNightly && agreedHere !== null ? agreedHere : segment.expectedNightly.times(piece.nights));
    }
    this.expectedSum = expected;
    this.agreedSum = agreed;
    return agreed;
  }

  /** Discount due: min(L, A) − E, never below 0. */
  discountDue(): Pence {
    const due = Exact.min(this.leftTotal(), this.agreedTotal()).minus(this.expectedTotal());
    return due.isNegative() ? ZERO : due;
  }
}
