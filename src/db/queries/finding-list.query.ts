import type { Knex } from "knex";
import type { IsoDate } from "../../domain/dates.js";
import type { Category, FindingStatus } from "../../domain/finding.js";
import type { Database } from "../connection.js";
import { FINDING_VIEW_COLUMNS, findingView, type FindingView, type FindingViewRow } from "./finding-view.js";
import { money, offset, paged, readSlice, resultOf, serially, sliceOf, type PageRequest, type Paged, type Scope, type SortDirection } from "./read-model.js";

/** The findings list: filtered, sorted by a whitelisted column, one page at a time. */
export const FINDING_SORTS = {
  amount: "f.amount",
  invoice_date: "i.invoice_date",
  provider: "p.name",
  rule: "f.rule",
  status: "f.status",
} as const;
export type FindingSort = keyof typeof FINDING_SORTS;

export interface FindingFilter {
  rule?: string | undefined;
  category?: Category | undefined;
  status?: FindingStatus | undefined;
  providerId?: string | undefined;
  /** Pounds, already validated as a decimal. */
  minAmount?: string | undefined;
  /** Words to find in the invoice number, the child's reference or the provider's name. */
  search?: string | undefined;
  /** A user's id: the findings assigned to them; "nobody": the unassigned ones. */
  assignedTo?: string | undefined;
}

export type FindingListRow = FindingViewRow & {
  invoice_number: string;
  invoice_date: string;
  provider_name: string;
  assigned_user_id: string | number | null;
  assigned_username: string | null;
};

export interface FindingListItem extends FindingView {
  invoiceNumber: string;
  invoiceDate: IsoDate;
  providerName: string;
  /** The finance officer the finding is assigned to, if anyone. */
  assignedTo: { id: string; username: string } | null;
}

/** The list's columns beyond the finding's own: the invoice, the provider's name and the assignee. */
export const FINDING_LIST_COLUMNS = [...FINDING_VIEW_COLUMNS, "i.invoice_number", "i.invoice_date", "p.name as provider_name", "f.assigned_user_id", "au.username as assigned_username"];

/** Joins the assignee's account (a left join on its key: no finding dropped or repeated). */
export function withAssignee(query: Knex.QueryBuilder): Knex.QueryBuilder {
  return query.leftJoin("users as au", "au.id", "f.assigned_user_id");
}

export function findingListItem(r: FindingListRow): FindingListItem {
  return {
    ...findingView(r),
    invoiceNumber: r.invoice_number,
    invoiceDate: r.invoice_date,
    providerName: r.provider_name,
    assignedTo: r.assigned_user_id !== null && r.assigned_username !== null ? { id: String(r.assigned_user_id), username: r.assigned_username } : null,
  };
}

/**
 * The findings a list shows, before sorting. Without the invoice: `invoice_id` is a non-null
 * foreign key to it, so joining it neither drops nor repeats a finding, and the count need not
 * read a hundred thousand invoices. The provider stays: nothing ties a finding to one.
 */
function findingFilterQuery(knex: Knex, scope: Scope, filter: FindingFilter): Knex.QueryBuilder {
  const query = knex("findings as f")
    .join("providers as p", (j) => j.on("p.authority_id", "f.authority_id").andOn("p.provider_id", "f.provider_id"))
    .where("f.authority_id", scope.authorityId);
  if (filter.status) query.andWhere("f.status", filter.status);
  else query.andWhereNot("f.status", "superseded");
  if (filter.rule) query.andWhere("f.rule", filter.rule);
  if (filter.category) query.andWhere("f.category", filter.category);
  if (filter.providerId) query.andWhere("f.provider_id", filter.providerId);
  if (filter.minAmount) query.andWhere("f.amount", ">=", filter.minAmount);
  if (filter.assignedTo === "nobody") query.whereNull("f.assigned_user_id");
  else if (filter.assignedTo) query.andWhere("f.assigned_user_id", filter.assignedTo);
  if (filter.search) {
    const pattern = `%${filter.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    // The invoice through a subquery, not a join: the list's page read joins it itself.
    query.andWhere((w) => {
      void w.whereIn("f.invoice_id", knex("invoices").select("id").where("authority_id", scope.authorityId).andWhere("invoice_number", "ilike", pattern))
      .orWhere("f.child_ref", "ilike", pattern)
      .orWhere("p.name", "ilike", pattern);
    });
  }
  return query;
}

/** How many findings match a filter, and their amounts added up. */
export interface FindingTotals {
  count: number;
  amount: string;
}

async function totalsOf(query: Knex.QueryBuilder): Promise<FindingTotals> {
  const [row] = await resultOf<{ n: string; amount: string | null }[]>(query.select(query.client.raw("count(*) as n, sum(f.amount) as amount")));
  return { count: Number(row?.n ?? 0), amount: money(row?.amount) };
}

export function findingTotals(db: Database, scope: Scope, filter: FindingFilter): Promise<FindingTotals> {
  return serially(db, (knex) => totalsOf(findingFilterQuery(knex, scope, filter)));
}

/** The ids of every finding matching a filter (the "select all matching" of the list), in id order. */
export async function matchingFindingIds(db: Database, scope: Scope, filter: FindingFilter): Promise<string[]> {
  const rows = await serially(db, (knex) => resultOf<{ id: string | number }[]>(findingFilterQuery(knex, scope, filter).select("f.id").orderBy("f.id")));
  return rows.map((r) => String(r.id));
}

/** A finding as the export of the list writes it: the CLI's columns, with the id and line. */
export interface FindingExportRow {
  id: string;
  provider_id: string;
  provider_name: string;
  invoice_number: string;
  invoice_date: IsoDate;
  line_no: number;
  child_ref: string;
  rule: string;
  category: Category;
  amount: string;
  recovered_amount: string;
  written_off_amount: string | null;
  status: FindingStatus;
  explanation: string;
}

/** Every finding matching a filter, in the list's order, for the export. */
export async function exportFindings(db: Database, scope: Scope, filter: FindingFilter, sort: { by: FindingSort; direction: SortDirection }): Promise<FindingExportRow[]> {
  const direction = sort.direction === "asc" ? "asc" : "desc";
  const rows = await serially(db, (knex) => resultOf<(FindingListRow)[]>(
    findingFilterQuery(knex, scope, filter)
      .join("invoices as i", "i.id", "f.invoice_id")
      .select([...FINDING_VIEW_COLUMNS, "i.invoice_number", "i.invoice_date", "p.name as provider_name"])
      .orderByRaw(`${FINDING_SORTS[sort.by]} ${direction}, f.id ${direction}`),
  ));
  return rows.map((r) => ({
    id: String(r.id),
    provider_id: r.provider_id,
    provider_name: r.provider_name,
    invoice_number: r.invoice_number,
    invoice_date: r.invoice_date,
    line_no: r.line_no,
    child_ref: r.child_ref ?? "",
    rule: r.rule,
    category: r.category,
    amount: money(r.amount),
    recovered_amount: money(r.recovered_amount),
    written_off_amount: r.written_off_amount,
    status: r.status,
    explanation: r.explanation,
  }));
}

/** A page of the list, with the amount of every finding matching the filter (not just the page's). */
export type FindingListPage = Paged<FindingListItem> & { totalAmount: string };

export async function listFindings(
  db: Database,
  scope: Scope,
  filter: FindingFilter,
  sort: { by: FindingSort; direction: SortDirection },
  page: PageRequest,
): Promise<FindingListPage> {
  const direction = sort.direction === "asc" ? "asc" : "desc";
  const { total, totalAmount, rows } = await serially(db, async (knex) => {
    const totals = await totalsOf(findingFilterQuery(knex, scope, filter));
    const count = totals.count;
    const pageRows = await readSlice(sliceOf(count, offset(page), page.pageSize), direction, (dir, offsetRows, limit) => resultOf<FindingListRow[]>(
      withAssignee(findingFilterQuery(knex, scope, filter).join("invoices as i", "i.id", "f.invoice_id"))
        .select(FINDING_LIST_COLUMNS)
        .orderByRaw(`${FINDING_SORTS[sort.by]} ${dir}, f.id ${dir}`)
        .limit(limit)
        .offset(offsetRows),
    ));
    return { total: count, totalAmount: totals.amount, rows: pageRows };
  });
  const items = rows.map(findingListItem);
  return { ...paged(items, total, page), totalAmount };
}

/** The findings either side of one in the list's order (the "previous" and "next" of the finding page). */
export interface FindingNeighbours {
  previous: string | null;
  next: string | null;
}

/**
 * Neighbours by the sort key, not by position: the finding itself need not still match the filter
 * (once confirmed it leaves a list of open findings), and its "next" is still the one after it.
 */
export async function findingNeighbours(
  db: Database,
  scope: Scope,
  filter: FindingFilter,
  sort: { by: FindingSort; direction: SortDirection },
  findingId: string,
): Promise<FindingNeighbours> {
  const column = FINDING_SORTS[sort.by];
  return serially(db, async (knex) => {
    const withInvoice = (): Knex.QueryBuilder => findingFilterQuery(knex, scope, filter).join("invoices as i", "i.id", "f.invoice_id");
    const [current] = await resultOf<{ key: unknown }[]>(
      knex("findings as f")
        .join("invoices as i", "i.id", "f.invoice_id")
        .join("providers as p", (j) => j.on("p.authority_id", "f.authority_id").andOn("p.provider_id", "f.provider_id"))
        .where({ "f.id": findingId, "f.authority_id": scope.authorityId })
        .select(knex.raw(`${column} as key`)),
    );
    if (!current) return { previous: null, next: null };
    const after = async (forward: boolean): Promise<string | null> => {
      // Forward in a descending list is towards smaller keys; ties are broken by the id, as the list does.
      const ascending = (sort.direction === "asc") === forward;
      const [row] = await resultOf<{ id: string | number }[]>(
        withInvoice()
          .whereRaw(`(${column}, f.id) ${ascending ? ">" : "<"} (?, ?)`, [current.key as Knex.Value, findingId])
          .orderByRaw(`${column} ${ascending ? "asc" : "desc"}, f.id ${ascending ? "asc" : "desc"}`)
          .limit(1)
          .select("f.id"),
      );
      return row ? String(row.id) : null;
    };
    return { previous: await after(false), next: await after(true) };
  });
}
