import type { Knex } from "knex";
import type { FindingStatus } from "../../domain/finding.js";
import { moneyString } from "../../domain/money.js";
import type { Database } from "../connection.js";
/**
 * What the read models of the review pages and the JSON API (src/db/queries/*.query.ts) share.
 * One file per read model. Filters arrive already validated
 * (src/web/params.ts); sort columns are looked up in whitelists here, never spliced from input.
 * Money stays as decimal strings with two places.
 */
export interface Scope {
  authorityId: number;
}

export interface PageRequest {
  page: number;
  pageSize: number;
}

export interface Paged<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
  pageCount: number;
}

export type SortDirection = "asc" | "desc";

/** knex types query results loosely: each read model names the shape of its rows. */
export async function resultOf<T>(query: Knex.QueryBuilder): Promise<T> {
  return (await query) as T;
}

export async function countRows(query: Knex.QueryBuilder): Promise<number> {
  const [row] = await query.count<{ n: string }[]>({ n: "*" });
  return Number(row?.n ?? 0);
}

export function paged<T>(items: T[], total: number, page: PageRequest): Paged<T> {
  return { items, total, page: page.page, pageSize: page.pageSize, pageCount: Math.max(1, Math.ceil(total / page.pageSize)) };
}

export function offset(page: PageRequest): number {
  return (page.page - 1) * page.pageSize;
}

/**
 * A page's reads, in one transaction that plans them without parallel workers. Each read is at
 * most one index scan of an authority's standing findings or invoices (about 100k rows at a
 * million lines), done in order. Measured at 1M lines on two shared cores, the planner's
 * parallel plans cost more than they saved: each worker rebuilt the same hash of flagged
 * totals (about 150 ms instead of 60), and counts swapped a merge for a parallel hash join.
 */
export function serially<T>(db: Database, read: (knex: Knex) => Promise<T>): Promise<T> {
  return db.knex.transaction(async (trx) => {
    await trx.raw("set local max_parallel_workers_per_gather = 0");
    return read(trx);
  });
}

export const money = (value: string | null | undefined): string => moneyString(value ?? "0");
export const moneyOrNull = (value: string | null | undefined): string | null => (value === null || value === undefined ? null : moneyString(value));

/** The finding statuses that count as money flagged (dismissed and superseded do not). */
export const FLAGGED_STATUSES: readonly FindingStatus[] = ["open", "confirmed", "recovered"];
export const FLAGGED_SQL = `status in ('open','confirmed','recovered')`;

/** Positions [from, from + limit) of an ordered list of `total` rows, and whether to read them from its far end. */
export interface Slice {
  offset: number;
  limit: number;
  reverse: boolean;
}

/**
 * Which rows to read for a page. Past the middle of a list the page is read from the other end
 * in the opposite order (every sort ends in the id, so the order reverses exactly): a last page
 * then costs what a first page does, instead of walking past every row before it.
 */
export function sliceOf(total: number, from: number, count: number): Slice | null {
  const limit = Math.min(count, total - from);
  if (limit <= 0) return null;
  const fromEnd = total - from - limit;
  return fromEnd < from ? { offset: fromEnd, limit, reverse: true } : { offset: from, limit, reverse: false };
}

export async function readSlice<T>(
  slice: Slice | null,
  direction: SortDirection,
  read: (direction: SortDirection, offset: number, limit: number) => Promise<T[]>,
): Promise<T[]> {
  if (!slice) return [];
  if (!slice.reverse) return read(direction, slice.offset, slice.limit);
  return (await read(direction === "asc" ? "desc" : "asc", slice.offset, slice.limit)).reverse();
}
