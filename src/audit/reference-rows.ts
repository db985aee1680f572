import type { DayNumber } from "../domain/dates.js";
import type { Dec } from "../domain/money.js";
import type { Discount, Unit } from "../domain/reference.js";

/** A dated row (fee, rate, package, discount) with its validity as half-open day numbers. */
export interface DatedRow {
  readonly from: DayNumber;
  /** First day the row no longer applies (FAR when open). */
  readonly until: DayNumber;
}

export interface FeeRow extends DatedRow {
  readonly weeklyFee: Dec;
}

export interface RateRow extends DatedRow {
  readonly item: string;
  readonly serviceLevel: string | null;
  readonly unit: Unit;
  readonly rate: Dec;
}

export interface PackageRow extends DatedRow {
  readonly item: string;
  readonly unit: Unit;
  readonly rate: Dec | null;
  readonly maxPerWeek: Dec | null;
}

export interface DiscountRow extends DatedRow {
  readonly discount: Discount;
  readonly percent: Dec;
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
