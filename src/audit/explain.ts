import { formatDate, type DayNumber } from "../domain/dates.js";
import type { Exact } from "../domain/exact.js";
import { decimalText, formatPence, type Pence } from "../domain/pence.js";
import { nightCount, type NightRange } from "../domain/ranges.js";
import { FAR, isoOf, remembered } from "./days.js";

/** Plain-English pieces for explanations: numbers as the UI shows them (DESIGN.md "UI"). */

/** "£1,234.56": pence rounded half up, as the UI shows money. */
export function money(value: Pence): string {
  return formatPence(value);
}

/** "3 Oct 2026" (remembered: explanations name the same dates over and over). */
export const dateOf: (d: DayNumber) => string = remembered((d: DayNumber) => formatDate(isoOf(d)));

export function nights(n: number): string {
  return n === 1 ? "1 night" : `${n} nights`;
}

/** "3 Oct 2026 to 22 Oct 2026", or one date for a single night. */
export function rangeText(r: NightRange): string {
  if (nightCount(r) === 1) return dateOf(r.start);
  return `${dateOf(r.start)} to ${dateOf(r.end - 1)}`;
}

/** Ranges joined as a reader would write them; long lists are shortened. */
export function rangesText(ranges: readonly NightRange[]): string {
  const parts = ranges.slice(0, 4).map(rangeText);
  if (ranges.length > 4) parts.push(`${ranges.length - 4} more`);
  if (parts.length <= 1) return parts[0] ?? "";
  return `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]}`;
}

/** "until 31 Oct 2026", or nothing when open-ended. */
export function untilText(end: DayNumber): string {
  return end >= FAR ? "" : ` until ${dateOf(end - 1)}`;
}

/** A decimal quantity without trailing zeros ("4.43", "50"). */
export function quantityText(value: Exact): string {
  return decimalText(value, 2);
}

const UNIT_WORDS: Readonly<Record<string, [string, string]>> = {
  night: ["night", "nights"],
  day: ["day", "days"],
  week: ["week", "weeks"],
  hour: ["hour", "hours"],
  mile: ["mile", "miles"],
  session: ["session", "sessions"],
  item: ["item", "items"],
};

/** "31 nights", "4.43 weeks", "50 hours"; a bare number when the unit is unknown. */
export function quantityWithUnit(quantity: Exact, unit: string | null): string {
  const words = unit === null ? undefined : UNIT_WORDS[unit];
  if (!words) return quantityText(quantity);
  return `${quantityText(quantity)} ${quantity.equals(1) ? words[0] : words[1]}`;
}

/** "hour", "mile", … (what one unit is called), "unit" when unknown. */
export function unitWord(unit: string | null): string {
  const words = unit === null ? undefined : UNIT_WORDS[unit];
  return words ? words[0] : "unit";
}

/** "a 5% percentage discount", as contracts word them when a description is given. */
export function percentText(value: Exact): string {
  return `${decimalText(value, 4)}%`;
}

/** "one to one hour" for `one_to_one_hour`. */
export function itemText(item: string): string {
  return item.replace(/_/g, " ");
}
