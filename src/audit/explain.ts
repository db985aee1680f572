import { formatDate, isoFromDay, type DayNumber } from "../domain/dates.js";
import { formatMoney, type Dec } from "../domain/money.js";
import { nightCount, type NightRange } from "../domain/ranges.js";
import { FAR } from "./days.js";

/** Plain-English pieces for explanations: numbers as the UI shows them (DESIGN.md "UI"). */

export function money(value: Dec): string {
  return formatMoney(value);
}

export function dateOf(d: DayNumber): string {
  return formatDate(isoFromDay(d));
}

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
export function quantityText(value: Dec): string {
  return value.toDecimalPlaces(2).toString();
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
export function quantityWithUnit(quantity: Dec, unit: string | null): string {
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
export function percentText(value: Dec): string {
  return `${value.toDecimalPlaces(4).toString()}%`;
}

/** "one to one hour" for `one_to_one_hour`. */
export function itemText(item: string): string {
  return item.replace(/_/g, " ");
}
