import { AppError } from "../domain/errors.js";
import { isMonth, resolvePeriod, type MonthPeriod } from "../domain/months.js";

/** A form error as GOV.UK's error summary shows it: a link to the field and a message. */
export interface FieldError {
  href: string;
  field: "from" | "to" | "provider";
  text: string;
}

export interface SavingsParams {
  /** The period to show: the one asked for, or the default one when the input had errors. */
  period: MonthPeriod;
  providerId: string | null;
  /** What was typed, to show again in the form. */
  input: { from: string; to: string; provider: string };
  errors: FieldError[];
}

function text(value: unknown): string {
  return typeof value === "string" ? value.trim() : Array.isArray(value) && typeof value[0] === "string" ? value[0].trim() : "";
}

/**
 * Reads `from`, `to` (YYYY-MM) and `provider` from a request's query string for the savings
 * page and its download. Blank means the default (INTERFACES.md: from April of the financial
 * year, to last month). Invalid input gives errors and falls back to the default period, so
 * the page can show the errors above sensible figures. `providerIds`, when given, is the set
 * of known providers: an unknown one is an error.
 */
export function savingsParams(query: Record<string, unknown>, options: { now?: Date; providerIds?: ReadonlySet<string> } = {}): SavingsParams {
  const input = { from: text(query.from), to: text(query.to), provider: text(query.provider) };
  const errors: FieldError[] = [];
  if (input.from !== "" && !isMonth(input.from)) errors.push({ href: "#from", field: "from", text: "Enter the first month as year and month, like 2026-04" });
  if (input.to !== "" && !isMonth(input.to)) errors.push({ href: "#to", field: "to", text: "Enter the last month as year and month, like 2027-03" });
  if (input.provider !== "" && options.providerIds && !options.providerIds.has(input.provider)) {
    errors.push({ href: "#provider", field: "provider", text: "Choose a provider from the list" });
  }
  const now = options.now ?? new Date();
  let period: MonthPeriod;
  if (errors.some((e) => e.field !== "provider")) {
    period = resolvePeriod({ now });
  } else {
    try {
      period = resolvePeriod({ from: input.from || undefined, to: input.to || undefined, now });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      errors.push({ href: "#from", field: "from", text: "The first month must be the same as or before the last month" });
      period = resolvePeriod({ now });
    }
  }
  const providerId = input.provider !== "" && !errors.some((e) => e.field === "provider") ? input.provider : null;
  return { period, providerId, input, errors };
}

/** The query string for a period (and provider), for links between the page and its downloads. */
export function savingsQueryString(period: MonthPeriod, providerId: string | null): string {
  const params = new URLSearchParams({ from: period.from, to: period.to });
  if (providerId) params.set("provider", providerId);
  return params.toString();
}
