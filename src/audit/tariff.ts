import type { DayNumber } from "../domain/dates.js";
import { Exact } from "../domain/exact.js";
import { exactOf, penceOf, type Pence } from "../domain/pence.js";
import type { NightRange } from "../domain/ranges.js";
import type { Contract, Placement } from "../domain/reference.js";
import { findRange } from "./days.js";
import { rowInForce, type DiscountRow, type FeeRow, type RateRow } from "./reference-rows.js";

/**
 * What a placement's tariff is built from: the reference index's look-ups (ReferenceIndex
 * implements them; declared here so that the index can build tariffs without a cycle).
 */
export interface TariffSources {
  placedRange(p: Placement): NightRange;
  contractOf(p: Placement): Contract;
  feesOf(p: Placement): readonly FeeRow[];
  placementRatesOf(p: Placement): readonly RateRow[];
  absencesOf(p: Placement): readonly NightRange[];
  discountsFor(p: Placement): readonly DiscountRow[];
  earlierSiblingNights(p: Placement): readonly NightRange[];
  volumeRanges(providerId: string, contractId: string | null, threshold: number): readonly NightRange[];
}

export type FeeSource = "placement_fee" | "weekly_fee" | "rate_card";

/** One continuous absence (rows merged) and where a night falls in it. */
export interface AbsenceSpan {
  readonly range: NightRange;
  readonly retainerPct: Exact;
  readonly maxNights: number | null;
}

/**
 * A run of nights of one placement on which the agreed weekly fee W, the absence factor f and
 * the discount p are all constant, so a line's expected amount is a handful of multiplications
 * rather than a loop over nights.
 */
export interface TariffSegment extends NightRange {
  readonly placement: Placement;
  /** W(P, d); null when nothing agreed a fee (no-agreed-rate). */
  readonly weeklyFee: Pence | null;
  readonly feeSource: FeeSource | null;
  /** W / 7, exact (a fraction of a penny when W is not a multiple of 7p). */
  readonly nightlyFee: Pence | null;
  /** f(P, d). */
  readonly factor: Exact;
  /** p(P, d) in percent, capped at 100. */
  readonly discountPct: Exact;
  /** W/7 × f. */
  readonly agreedNightly: Pence | null;
  /** W/7 × f × (1 − p/100). */
  readonly expectedNightly: Pence | null;
  readonly absence: AbsenceSpan | null;
  readonly discounts: readonly DiscountRow[];
}

/** A segment while its tariff is built: the last one's end moves as equal segments follow it. */
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const SEVEN = Exact.int(7);
const HUNDRED = Exact.int(100);
const ONE = Exact.ONE;
const ZERO = Exact.ZERO;
/** The segment of a night with no discount row: one shared empty list. */
const NO_DISCOUNTS: readonly DiscountRow[] = Object.freeze([]);

/** W(P, d): latest placement_fees row on or before d; else P's weekly fee; else the rate card for its service level. */
export function weeklyFeeOn(index: TariffSources, p: Placement, d: DayNumber): { fee: Pence; source: FeeSource } | null {
  const feeRow = rowInForce(index.feesOf(p), d);
  if (feeRow) return { fee: feeRow.weeklyFee, source: "placement_fee" };
  if (p.weeklyFee !== null) return { fee: penceOf(p.weeklyFee), source: "weekly_fee" };
  const rate = rowInForce(index.placementRatesOf(p), d);
  if (!rate) return null;
  // Placement fees are weekly (DATA.md); a card that states a nightly or daily rate is scaled up.
  return { fee: rate.unit === "night" || rate.unit === "day" ? rate.rate.times(SEVEN) : rate.rate, source: "rate_card" };
}

function lengthOfStayStart(row: DiscountRow, start: DayNumber): DayNumber {
  // d >= start + 7 × threshold days; a fractional number of weeks starts on the next whole night.
  return start + Math.ceil(7 * (row.threshold ?? 0));
}

function inRanges(ranges: readonly NightRange[], d: DayNumber): boolean {
  return findRange(ranges, d) >= 0;
}

/** The discounts of P in force on d (volume: only the applying row with the highest threshold). */
function discountsOn(index: TariffSources, p: Placement, rows: readonly DiscountRow[], start: DayNumber, d: DayNumber): readonly DiscountRow[] {
  // Most placements have no discount row: one shared empty list rather than one per segment.
  if (rows.length === 0) return NO_DISCOUNTS;
  const applied: DiscountRow[] = [];
  let volume: DiscountRow | null = null;
  for (const row of rows) {
    if (d < row.from || d >= row.until) continue;
    switch (row.discount.kind) {
      case "percentage":
        applied.push(row);
        break;
      case "sibling":
        if (inRanges(index.earlierSiblingNights(p), d)) applied.push(row);
        break;
      case "volume": {
        if (row.threshold === null) break;
        if (!inRanges(index.volumeRanges(p.providerId, row.discount.contractId, row.threshold), d)) break;
        const best: DiscountRow | null = volume;
        if (best === null || row.threshold > (best.threshold ?? 0) || (row.threshold === best.threshold && row.percent.greaterThan(best.percent))) {
          volume = row;
        }
        break;
      }
      case "length_of_stay":
        if (row.threshold !== null && d >= lengthOfStayStart(row, start)) applied.push(row);
        break;
    }
  }
  if (volume !== null) applied.push(volume);
  return applied;
}

/** Adds `d` to the change days when strictly inside the span (a plain function: see changeDays). */
function addCut(cuts: DayNumber[], span: NightRange, d: DayNumber): void {
  if (d > span.start && d < span.end) cuts.push(d);
}

/**
 * Every night on which W, f or p of P may change, ascending, each once. (Built once per
 * placement and run, but a run builds one for every placement: a list sorted and deduplicated
 * in place, rather than a Set and an inner closure, which tsx names with a property write on
 * every call.)
 */
function changeDays(index: TariffSources, p: Placement, span: NightRange, discounts: readonly DiscountRow[]): DayNumber[] {
  const cuts: DayNumber[] = [span.start, span.end];
  for (const row of index.feesOf(p)) addCut(cuts, span, row.from);
  for (const row of index.placementRatesOf(p)) {
    addCut(cuts, span, row.from);
    addCut(cuts, span, row.until);
  }
  const contract = index.contractOf(p);
  for (const absence of index.absencesOf(p)) {
    addCut(cuts, span, absence.start);
    addCut(cuts, span, absence.end);
    if (contract.absenceRetainerMaxNights !== null) addCut(cuts, span, absence.start + contract.absenceRetainerMaxNights);
  }
  for (const row of discounts) {
    addCut(cuts, span, row.from);
    addCut(cuts, span, row.until);
    const kind = row.discount.kind;
    if (kind === "sibling") {
      for (const r of index.earlierSiblingNights(p)) {
        addCut(cuts, span, r.start);
        addCut(cuts, span, r.end);
      }
    } else if (kind === "volume" && row.threshold !== null) {
      for (const r of index.volumeRanges(p.providerId, row.discount.contractId, row.threshold)) {
        if (r.end <= span.start || r.start >= span.end) continue;
        addCut(cuts, span, r.start);
        addCut(cuts, span, r.end);
      }
    } else if (kind === "length_of_stay" && row.threshold !== null) {
      addCut(cuts, span, lengthOfStayStart(row, span.start));
    }
  }
  sortDays(cuts);
  let kept = 1;
  for (let i = 1; i < cuts.length; i++) {
    if ((cuts[i] as DayNumber) !== (cuts[kept - 1] as DayNumber)) cuts[kept++] = cuts[i] as DayNumber;
  }
  cuts.length = kept;
  return cuts;
}

/** Above this many days a typed array sorts them; below, an insertion sort in place. */
const SHORT_LIST = 24;

/**
 * Sorts day numbers ascending, in place. Most placements have a handful of change days: sorted
 * where they are, with no comparator and no typed array (whose buffer cost more than the sort).
 * A provider's volume or sibling nights can add many: those are sorted natively in a typed array.
 */
function sortDays(days: DayNumber[]): void {
  if (days.length > SHORT_LIST) {
    const sorted = Float64Array.from(days).sort();
    for (let i = 0; i < sorted.length; i++) days[i] = sorted[i] as DayNumber;
    return;
  }
  for (let i = 1; i < days.length; i++) {
    const d = days[i] as DayNumber;
    let j = i - 1;
    while (j >= 0 && (days[j] as DayNumber) > d) {
      days[j + 1] = days[j] as DayNumber;
      j--;
    }
    days[j + 1] = d;
  }
}

/** Whether a night with these W, source, f, p, absence and discounts continues segment `a`. */
function continues(a: TariffSegment, fee: { fee: Pence; source: FeeSource } | null, factor: Exact, pct: Exact, absence: AbsenceSpan | null, discounts: readonly DiscountRow[]): boolean {
  const sameFee = a.weeklyFee === null ? fee === null : fee !== null && a.weeklyFee.equals(fee.fee);
  return (
    sameFee &&
    a.feeSource === (fee?.source ?? null) &&
    a.factor.equals(factor) &&
    a.discountPct.equals(pct) &&
    a.absence === absence &&
    sameRows(a.discounts, discounts)
  );
}

function sameRows(a: readonly DiscountRow[], b: readonly DiscountRow[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** P's tariff over all its placed nights, as segments of constant W, f and p. */
export function buildTariff(index: TariffSources, p: Placement): TariffSegment[] {
  const span = index.placedRange(p);
  if (span.end <= span.start) return [];
  const contract = index.contractOf(p);
  const retainerPct = exactOf(contract.absenceRetainerPct);
  const retainer = retainerPct.dividedBy(HUNDRED);
  const maxNights = contract.absenceRetainerMaxNights;
  const absences = index.absencesOf(p);
  const absenceSpans = absences.map((range): AbsenceSpan => ({ range, retainerPct, maxNights }));
  const discounts = index.discountsFor(p);
  const cuts = changeDays(index, p, span, discounts);

  const segments: Mutable<TariffSegment>[] = [];
  for (let i = 0; i < cuts.length - 1; i++) {
    const start = cuts[i] as DayNumber;
    const end = cuts[i + 1] as DayNumber;
    const fee = weeklyFeeOn(index, p, start);
    const absenceAt = findRange(absences, start);
    const absence = absenceAt >= 0 ? (absenceSpans[absenceAt] as AbsenceSpan) : null;
    let factor = ONE;
    if (absence !== null) {
      const n = start - absence.range.start + 1;
      factor = maxNights === null || n <= maxNights ? retainer : ZERO;
    }
    const applied = discountsOn(index, p, discounts, span.start, start);
    // One row: its own percent (0 + x is x); several: their sum.
    let pct = applied.length === 1 ? (applied[0] as DiscountRow).percent : ZERO;
    if (applied.length > 1) {
      for (const row of applied) pct = pct.plus(row.percent);
    }
    if (pct.greaterThan(HUNDRED)) pct = HUNDRED;
    const last = segments[segments.length - 1];
    // A night that changes nothing continues the last segment: its end is moved in place (it is
    // still this function's own object), with no segment made and none copied.
    if (last && last.end === start && continues(last, fee, factor, pct, absence, applied)) {
      last.end = end;
      continue;
    }
    const nightlyFee = fee === null ? null : fee.fee.dividedBy(SEVEN);
    // × 1 and × (1 − 0/100) change nothing: the common night (present, no discount) skips them.
    const agreedNightly = nightlyFee === null ? null : factor === ONE ? nightlyFee : nightlyFee.times(factor);
    segments.push({
      start,
      end,
      placement: p,
      weeklyFee: fee?.fee ?? null,
      feeSource: fee?.source ?? null,
      nightlyFee,
      factor,
      discountPct: pct,
      agreedNightly,
      expectedNightly: agreedNightly === null ? null : pct.isZero() ? agreedNightly : agreedNightly.times(ONE.minus(pct.dividedBy(HUNDRED))),
      absence,
      discounts: applied.length === 0 ? NO_DISCOUNTS : applied,
    });
  }
  return segments;
}
