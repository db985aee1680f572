import type { DayNumber } from "../domain/dates.js";
import type { Exact } from "../domain/exact.js";
import type { Pence } from "../domain/pence.js";
import type { Discount, Unit } from "../domain/reference.js";

/** A dated row (fee, rate, package, discount) with its validity as half-open day numbers. */
export interface DatedRow {
  readonly from: DayNumber;
  /** First day the row no longer applies (FAR when open). */
  readonly until: DayNumber;
}

export interface FeeRow extends DatedRow {
  readonly weeklyFee: Pence;
}

export interface RateRow extends DatedRow {
  readonly item: string;
  readonly serviceLevel: string | null;
  readonly unit: Unit;
  /** Per unit. */
  readonly rate: Pence;
}

export interface PackageRow extends DatedRow {
  readonly item: string;
  readonly unit: Unit;
  readonly rate: Pence | null;
  readonly maxPerWeek: Exact | null;
}

export interface DiscountRow extends DatedRow {
  readonly discount: Discount;
  readonly percent: Exact;
  /** Volume: children; length of stay: weeks. */
  readonly threshold: number | null;
}

/** The row in force on `d`: latest `from` on or before it and not past its end (DATA.md "rates"). */
export function rowInForce<T extends DatedRow>(rows: readonly T[], d: DayNumber): T | null {
  let best: T | null = null;
  for (const row of rows) {
    if (row.from <= d && d < row.until && (best === null || row.from >= best.from)) best = row;
  }
  return best;
}
