import { dayFromIso, isoFromDay, type DayNumber, type IsoDate } from "../domain/dates.js";
import type { EvidenceRange } from "../domain/finding.js";
import { nightCount, type NightRange } from "../domain/ranges.js";

/**
 * The night after every date the audit meets: stands for "open-ended" (a placement, rate or
 * discount with no end date), so open ranges stay plain half-open integer ranges.
 */
export const FAR: DayNumber = dayFromIso("2199-12-31") + 1;

/** `convert`, remembered in a bounded map: a run meets the same few hundred dates over and over. */
export function remembered<K, V>(convert: (key: K) => V): (key: K) => V {
  const cache = new Map<K, V>();
  return (key) => {
    let value = cache.get(key);
    if (value === undefined) {
      value = convert(key);
      // Bounded: a run with ever new dates starts afresh rather than growing.
      if (cache.size > 100_000) cache.clear();
      cache.set(key, value);
    }
    return value;
  };
}

/** dayFromIso, remembered: an audit run parses the same few hundred dates hundreds of thousands of times. */
export const day: (iso: IsoDate) => DayNumber = remembered(dayFromIso);

/** isoFromDay, remembered: findings' evidence and explanations write the same dates over and over. */
export const isoOf: (d: DayNumber) => IsoDate = remembered(isoFromDay);

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
