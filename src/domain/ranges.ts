import type { DayNumber } from "./dates.js";

/**
 * A run of nights as half-open day numbers: `start` is the first night,
 * `end` the first night after. Half-open makes counting (`end - start`),
 * intersection and subtraction free of off-by-one corrections.
 */
export interface NightRange {
  readonly start: DayNumber;
  readonly end: DayNumber;
}

export function range(start: DayNumber, end: DayNumber): NightRange {
  return { start, end: Math.max(start, end) };
}

/** The nights `from`..`to`, both included (how invoices and DATA.md print periods). */
export function inclusiveRange(from: DayNumber, to: DayNumber): NightRange {
  return range(from, to + 1);
}

export function nightCount(r: NightRange): number {
  return Math.max(0, r.end - r.start);
}

export function totalNights(ranges: readonly NightRange[]): number {
  let total = 0;
  for (const r of ranges) total += nightCount(r);
  return total;
}

export function isEmpty(r: NightRange): boolean {
  return r.end <= r.start;
}

export function intersect(a: NightRange, b: NightRange): NightRange | null {
  const start = Math.max(a.start, b.start);
  const end = Math.min(a.end, b.end);
  return end > start ? { start, end } : null;
}

export function containsNight(r: NightRange, day: DayNumber): boolean {
  return day >= r.start && day < r.end;
}

/** Sorts and merges overlapping or adjacent ranges. */
export function normalize(ranges: readonly NightRange[]): NightRange[] {
  // The engine's lists mostly come sorted already: merged in one walk, without a filtered and
  // sorted copy (each sort also allocates a work array). Empty ranges are skipped either way.
  let sorted = true;
  for (let i = 1; i < ranges.length; i++) {
    if ((ranges[i] as NightRange).start < (ranges[i - 1] as NightRange).start) {
      sorted = false;
      break;
    }
  }
  const source = sorted ? ranges : ranges.slice().sort(byStart);
  const merged: NightRange[] = [];
  for (const r of source) {
    if (isEmpty(r)) continue;
    const last = merged[merged.length - 1];
    if (last && r.start <= last.end) {
      if (r.end > last.end) merged[merged.length - 1] = { start: last.start, end: r.end };
    } else {
      merged.push({ start: r.start, end: r.end });
    }
  }
  return merged;
}

function byStart(a: NightRange, b: NightRange): number {
  return a.start - b.start;
}

/**
 * The ranges as normalize gives them, for reading only: the list itself when it already is
 * (sorted, none empty, none touching the next: what the engine's lists almost always are), so
 * subtract and intersectAll copy and sort nothing on every line.
 */
function normalizedForReading(ranges: readonly NightRange[]): readonly NightRange[] {
  let previousEnd = -Infinity;
  for (const r of ranges) {
    if (r.end <= r.start || r.start <= previousEnd) return normalize(ranges);
    previousEnd = r.end;
  }
  return ranges;
}

/** The nights of `from` that are in none of `remove`. */
export function subtract(from: readonly NightRange[], remove: readonly NightRange[]): NightRange[] {
  const cuts = normalizedForReading(remove);
  const result: NightRange[] = [];
  for (const r of normalizedForReading(from)) {
    let cursor = r.start;
    for (const cut of cuts) {
      if (cut.end <= cursor || cut.start >= r.end) continue;
      if (cut.start > cursor) result.push({ start: cursor, end: cut.start });
      cursor = Math.max(cursor, cut.end);
      if (cursor >= r.end) break;
    }
    if (cursor < r.end) result.push({ start: cursor, end: r.end });
  }
  return result;
}

/** The nights in both lists. */
export function intersectAll(a: readonly NightRange[], b: readonly NightRange[]): NightRange[] {
  const result: NightRange[] = [];
  const left = normalizedForReading(a);
  const right = normalizedForReading(b);
  let i = 0;
  let j = 0;
  while (i < left.length && j < right.length) {
    const l = left[i] as NightRange;
    const r = right[j] as NightRange;
    const overlap = intersect(l, r);
    if (overlap) result.push(overlap);
    if (l.end < r.end) i++;
    else j++;
  }
  return result;
}

/** Whether the lists share a night (intersectAll is not empty), without building the intersection. */
export function overlaps(a: readonly NightRange[], b: readonly NightRange[]): boolean {
  const left = normalizedForReading(a);
  const right = normalizedForReading(b);
  let i = 0;
  let j = 0;
  while (i < left.length && j < right.length) {
    const l = left[i] as NightRange;
    const r = right[j] as NightRange;
    if (l.start < r.end && r.start < l.end) return true;
    if (l.end < r.end) i++;
    else j++;
  }
  return false;
}

/** Whether every night of `inner` is in `outer` (subtract(inner, outer) is empty), without building the difference. */
export function coveredBy(inner: readonly NightRange[], outer: readonly NightRange[]): boolean {
  const cover = normalizedForReading(outer);
  let j = 0;
  for (const r of normalizedForReading(inner)) {
    // Both lists are sorted and disjoint: the range of `outer` that holds r's first night holds all of r, or r is not covered.
    while (j < cover.length && (cover[j] as NightRange).end <= r.start) j++;
    const c = cover[j];
    if (c === undefined || c.start > r.start || c.end < r.end) return false;
  }
  return true;
}

/** Every night of the ranges, earliest first. */
export function* nightsOf(ranges: readonly NightRange[]): Generator<DayNumber> {
  for (const r of ranges) for (let d = r.start; d < r.end; d++) yield d;
}

/** The first `count` nights of the ranges, as ranges. */
export function takeNights(ranges: readonly NightRange[], count: number): NightRange[] {
  const result: NightRange[] = [];
  let left = count;
  for (const r of normalizedForReading(ranges)) {
    if (left <= 0) break;
    const n = Math.min(left, nightCount(r));
    result.push({ start: r.start, end: r.start + n });
    left -= n;
  }
  return result;
}
