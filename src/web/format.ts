import { formatDate } from "../domain/dates.js";
import type { Category, FindingStatus } from "../domain/finding.js";
import { dec, formatMoney } from "../domain/money.js";

/** How the pages show values (DESIGN.md: £ with thousands separators, dates "1 Oct 2026"). */
export { formatMoney, formatDate };

/** A timestamp in the council's calendar: "1 Oct 2026, 14:05". */
export function formatDateTime(value: Date | string | null | undefined): string {
  if (value === null || value === undefined || value === "") return "";
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) return "";
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone: "Europe/London", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23",
  }).formatToParts(date);
  const part = (type: string): string => parts.find((p) => p.type === type)?.value ?? "";
  return `${formatDate(`${part("year")}-${part("month")}-${part("day")}`)}, ${part("hour")}:${part("minute")}`;
}

/** Quantities as printed, without trailing zeros: "31", "2.5". */
export function formatQuantity(value: string | null | undefined): string {
  if (value === null || value === undefined || value === "") return "";
  return dec(value).toFixed().replace(/(\.\d*?)0+$/, "$1").replace(/\.$/, "");
}

/** Unit rates may carry more than pence (a weekly fee / 7): show up to 4 places when they do. */
export function formatRate(value: string | null | undefined): string {
  if (value === null || value === undefined || value === "") return "";
  const rate = dec(value);
  if (rate.decimalPlaces() <= 2) return formatMoney(rate);
  const [whole = "0", fraction = ""] = rate.abs().toDecimalPlaces(4).toFixed().split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${rate.isNegative() ? "-" : ""}£${grouped}.${fraction.padEnd(2, "0")}`;
}

/** "31 nights", "1 hour": a quantity with its unit, plural when it is not exactly one. */
export function formatQuantityWithUnit(quantity: string | null | undefined, unit: string | null | undefined): string {
  const amount = formatQuantity(quantity);
  if (!unit) return amount;
  if (amount === "") return "";
  return `${amount} ${amount === "1" ? unit : `${unit}s`}`;
}

export function formatBytes(size: number): string {
  if (size < 1024) return `${size} bytes`;
  if (size < 1024 * 1024) return `${(size / 1024).toFixed(1)} KB`;
  return `${(size / (1024 * 1024)).toFixed(1)} MB`;
}

export const CATEGORY_LABELS: Readonly<Record<Category, string>> = {
  fees: "Fees and discounts",
  errors: "Invoice errors",
  query: "Queries",
};

export function categoryLabel(category: string): string {
  return (CATEGORY_LABELS as Readonly<Record<string, string>>)[category] ?? category;
}

/** Rules are named as rules/catalogue.ts names them, on every page. */
export { ruleLabel } from "../../rules/catalogue.js";

const STATUS_TAGS: Readonly<Record<string, { text: string; classes: string }>> = {
  open: { text: "Open", classes: "govuk-tag--yellow" },
  confirmed: { text: "Confirmed", classes: "govuk-tag--orange" },
  recovered: { text: "Recovered", classes: "govuk-tag--green" },
  dismissed: { text: "Dismissed", classes: "govuk-tag--grey" },
  superseded: { text: "Superseded", classes: "govuk-tag--grey" },
  awaiting_audit: { text: "Awaiting audit", classes: "govuk-tag--grey" },
  awaiting_review: { text: "Awaiting review", classes: "govuk-tag--yellow" },
  queried: { text: "Queried", classes: "govuk-tag--orange" },
  cleared: { text: "Cleared", classes: "govuk-tag--green" },
  to_verify: { text: "To verify", classes: "govuk-tag--pink" },
  discarded: { text: "Discarded", classes: "govuk-tag--grey" },
  running: { text: "Running", classes: "govuk-tag--blue" },
  succeeded: { text: "Succeeded", classes: "govuk-tag--green" },
  failed: { text: "Failed", classes: "govuk-tag--red" },
  needs_attention: { text: "Needs attention", classes: "govuk-tag--red" },
};

export function statusTag(status: string): { text: string; classes: string } {
  return STATUS_TAGS[status] ?? { text: status, classes: "govuk-tag--grey" };
}

export const FINDING_STATUS_LABELS: Readonly<Record<FindingStatus, string>> = {
  open: "Open", confirmed: "Confirmed", recovered: "Recovered", dismissed: "Dismissed", superseded: "Superseded",
};

export { ROLE_LABELS } from "../domain/roles.js";
