import type { Request } from "express";
import { CATEGORIES, FINDING_STATUSES, isRuleId, type Category, type FindingStatus } from "../domain/finding.js";
import { INVOICE_STATUSES, type InvoiceStatus } from "../domain/invoice.js";
import { moneyString, tryParseMoney } from "../domain/money.js";
import { FINDING_SORTS, type FindingFilter, type FindingSort } from "../db/queries/finding-list.query.js";
import { INVOICE_SORTS, type InvoiceFilter, type InvoiceSort } from "../db/queries/invoice-list.query.js";
import type { PageRequest, SortDirection } from "../db/queries/read-model.js";

/**
 * Query-string parsing for the list pages and the API. Every value is checked against what it
 * may be; sort columns and directions are looked up in whitelists. Unusable values are dropped
 * and reported, never passed on.
 */
/** Where query parameters come from: the request, or a list's URL carried in `return_to`. */
export type QuerySource = Pick<Request, "query">;

export function queryValue(req: QuerySource, name: string): string {
  const value: unknown = (req.query as Record<string, unknown>)[name];
  if (typeof value === "string") return value.trim();
  if (Array.isArray(value) && typeof value[0] === "string") return value[0].trim();
  return "";
}

export type FieldErrors = Record<string, string>;

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

export function isMonth(value: string): boolean {
  return MONTH.test(value);
}

export function pageRequest(req: Request, pageSize: number): PageRequest {
  const page = Number(queryValue(req, "page"));
  return { page: Number.isInteger(page) && page >= 1 && page <= 100_000 ? page : 1, pageSize };
}

function sortFrom<K extends string>(req: QuerySource, whitelist: Readonly<Record<K, string>>, fallback: K): { by: K; direction: SortDirection } {
  const requested = queryValue(req, "sort");
  const by = Object.hasOwn(whitelist, requested) ? (requested as K) : fallback;
  const direction = queryValue(req, "dir") === "asc" ? "asc" : "desc";
  return { by, direction };
}

function providerFrom(req: QuerySource): string | undefined {
  const value = queryValue(req, "provider");
  return value !== "" && value.length <= 100 ? value : undefined;
}

export interface InvoiceQuery {
  filter: InvoiceFilter;
  sort: { by: InvoiceSort; direction: SortDirection };
  errors: FieldErrors;
  /** The filter as query parameters (for links that keep it: sorting, paging). */
  params: Record<string, string>;
}

export function invoiceQuery(req: Request): InvoiceQuery {
  const errors: FieldErrors = {};
  const filter: InvoiceFilter = { providerId: providerFrom(req) };
  const month = queryValue(req, "month");
  if (month !== "") {
    if (isMonth(month)) filter.month = month;
    else errors.month = "Enter a month like 2026-10";
  }
  const status = queryValue(req, "status");
  if ((INVOICE_STATUSES as readonly string[]).includes(status)) filter.status = status as InvoiceStatus;
  const hasFindings = queryValue(req, "has_findings");
  if (hasFindings === "yes") filter.hasFindings = true;
  if (hasFindings === "no") filter.hasFindings = false;
  const params: Record<string, string> = {};
  if (filter.providerId) params.provider = filter.providerId;
  if (filter.month) params.month = filter.month;
  if (filter.status) params.status = filter.status;
  if (filter.hasFindings !== undefined) params.has_findings = filter.hasFindings ? "yes" : "no";
  return { filter, sort: sortFrom(req, INVOICE_SORTS, "invoice_date"), errors, params };
}

export interface FindingQuery {
  filter: FindingFilter;
  sort: { by: FindingSort; direction: SortDirection };
  errors: FieldErrors;
  params: Record<string, string>;
}

/** `assigned=me` (the signed-in user's findings) or `assigned=nobody`. */
export const ASSIGNED_VALUES = ["me", "nobody"] as const;

/** The list's filter from the query string; `req.user` makes sense of "assigned to me". */
export function findingQuery(req: QuerySource & { user?: { id: string } | undefined }): FindingQuery {
  const errors: FieldErrors = {};
  const filter: FindingFilter = { providerId: providerFrom(req) };
  const rule = queryValue(req, "rule");
  if (isRuleId(rule)) filter.rule = rule;
  const category = queryValue(req, "category");
  if ((CATEGORIES as readonly string[]).includes(category)) filter.category = category as Category;
  const status = queryValue(req, "status");
  if ((FINDING_STATUSES as readonly string[]).includes(status)) filter.status = status as FindingStatus;
  const minAmount = queryValue(req, "min_amount");
  if (minAmount !== "") {
    const parsed = tryParseMoney(minAmount);
    if (parsed && !parsed.isNegative()) filter.minAmount = moneyString(parsed);
    else errors.min_amount = "Enter an amount in pounds, like 50 or 50.00";
  }
  const search = queryValue(req, "q").replace(/\s+/g, " ");
  if (search !== "") {
    if (search.length <= 100) filter.search = search;
    else errors.q = "Enter 100 characters or fewer to search for";
  }
  const assigned = queryValue(req, "assigned");
  if (assigned === "nobody") filter.assignedTo = "nobody";
  else if (assigned === "me" && req.user) filter.assignedTo = req.user.id;
  const params: Record<string, string> = {};
  if (filter.assignedTo) params.assigned = assigned;
  if (filter.search) params.q = filter.search;
  if (filter.providerId) params.provider = filter.providerId;
  if (filter.rule) params.rule = filter.rule;
  if (filter.category) params.category = filter.category;
  if (filter.status) params.status = filter.status;
  if (filter.minAmount) params.min_amount = filter.minAmount;
  return { filter, sort: sortFrom(req, FINDING_SORTS, "amount"), errors, params };
}

/** `?a=1&b=2` from parameters (for links that keep the filter). */
export function queryString(params: Record<string, string | number>): string {
  const search = new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)])).toString();
  return search === "" ? "" : `?${search}`;
}

/** The findings list a local path points at ("/findings?status=open"), or null for any other path. */
export function findingListOf(path: string | null, user?: { id: string }): { url: string; query: FindingQuery } | null {
  if (!path) return null;
  const url = new URL(path, "http://local");
  if (url.pathname !== "/findings") return null;
  return { url: path, query: findingQuery({ query: Object.fromEntries(url.searchParams), user }) };
}

/** A local path to go back to after signing in: never another site ("//x", "/\\x"). */
export function safeLocalPath(value: string): string | null {
  return /^\/(?![/\\])[^\s]*$/.test(value) && value.length <= 2000 ? value : null;
}
