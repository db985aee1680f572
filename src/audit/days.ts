import { dayFromIso, isoFromDay, type DayNumber, type IsoDate } from "../domain/dates.js";
import type { EvidenceRange } from "../domain/finding.js";
import { nightCount, type NightRange } from "../domain/ranges.js";

/**
 * The night after every date the audit meets: stands for "open-ended" (a placement, rate or
 * discount with no end date), so open ranges stay plain half-open integer ranges.
 */
export const FAR: DayNumber = dayFromIso("2199-12-31") + 1;

const dayCache = new Map<IsoDate, DayNumber>();

/** dayFromIso, remembered: an audit run parses the same few hundred dates hundreds of thousands of times. */
export function day(iso: IsoDate): DayNumber {
  let d = dayCache.get(iso);
  if (d === undefined) {
    d = dayFromIso(iso);
    if (dayCache.size > 100_000) dayCache.clear();
    dayCache.set(iso, d);
  }
  return d;
}

const isoCache = new Map<DayNumber, IsoDate>();

/** isoFromDay, remembered: findings' evidence and explanations write the same few hundred dates over and over. */
export function isoOf(d: DayNumber): IsoDate {
  let iso = isoCache.get(d);
  if (iso === undefined) {
    iso = isoFromDay(d);
    if (isoCache.size > 100_000) isoCache.clear();
    isoCache.set(d, iso);
  }
  return iso;
}

/** First night after an inclusive end date, FAR when open. */
export function endAfter(inclusiveEnd: IsoDate | null): DayNumber {
  return inclusiveEnd === null ? FAR : day(inclusiveEnd) + 1;
}

/** The ranges as inclusive ISO dates, as findings show them. */
export function evidenceRanges(ranges: readonly NightRange[], note?: string): EvidenceRange[] {
  return ranges
    .filter((r) => nightCount(r) > 0)
    .map((r) => ({ from: isoOf(r.start), to: isoOf(r.end - 1), nights: nightCount(r), ...(note === undefined ? {} : { note }) }));
}

/** Index of the range containing `d` in sorted, disjoint ranges, or -1. */
export function findRange<T extends NightRange>(ranges: readonly T[], d: DayNumber): number {
  let low = 0;
  let high = ranges.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const r = ranges[mid] as T;
    if (d < r.start) high = mid - 1;
    else if (d >= r.end) low = mid + 1;
    else return mid;
  }
  return -1;
}
