import type { Knex } from "knex";
import type { IsoDate } from "../../domain/dates.js";
import { monthBounds } from "../../domain/months.js";
import { asShown } from "../../domain/credit-note.js";
import type { Database } from "../connection.js";
import type { InvoiceStatus } from "../repositories/finding.repository.js";
import type { InvoiceRow } from "../repositories/invoice.repository.js";
import { countRows, FLAGGED_SQL, FLAGGED_STATUSES, money, offset, paged, readSlice, resultOf, serially, sliceOf, type PageRequest, type Paged, type Scope, type SortDirection } from "./read-model.js";

/** The invoices list: filtered, sorted by a whitelisted column, one page at a time. */
export const INVOICE_SORTS = {
  invoice_date: "i.invoice_date",
  provider: "p.name",
  invoice_number: "i.invoice_number",
  total: "i.total",
  status: "i.status",
  flagged: "coalesce(f.flagged_amount, 0)",
  received: "i.received_at",
} as const;
export type InvoiceSort = keyof typeof INVOICE_SORTS;

export interface InvoiceFilter {
  providerId?: string | undefined;
  month?: string | undefined;
  status?: InvoiceStatus | undefined;
  hasFindings?: boolean | undefined;
}

export interface InvoiceListItem {
  id: string;
  providerId: string;
  providerName: string;
  invoiceNumber: string;
  invoiceDate: IsoDate;
  kind: string;
  total: string;
  status: InvoiceStatus;
  findingsCount: number;
  flaggedAmount: string;
  receivedAt: Date;
}

type InvoiceListRow = Pick<InvoiceRow, "id" | "provider_id" | "invoice_number" | "invoice_date" | "kind" | "total" | "status" | "received_at"> & {
  provider_name: string;
  findings_count: string | null;
  flagged_amount: string | null;
};

/**
 * An invoice's standing findings (in its authority, not superseded): what its row counts.
 * `flaggedOnly` narrows them to those whose money counts as flagged.
 */
function findingsOfInvoice(knex: Knex, scope: Scope, flaggedOnly = false): Knex.QueryBuilder {
  const query = knex("findings as f").select(knex.raw("1")).whereRaw("f.invoice_id = i.id").andWhere("f.authority_id", scope.authorityId);
  return flaggedOnly ? query.whereIn("f.status", FLAGGED_STATUSES) : query.whereNot("f.status", "superseded");
}

/**
 * The invoices a list shows, before sorting. No join to providers: the foreign key on
 * (authority_id, provider_id) gives every invoice exactly one, so counts need not read them.
 */
function invoiceFilterQuery(knex: Knex, scope: Scope, filter: InvoiceFilter): Knex.QueryBuilder {
  const query = knex("invoices as i").where("i.authority_id", scope.authorityId);
  if (filter.providerId) query.andWhere("i.provider_id", filter.providerId);
  if (filter.month) {
    const { from, to } = monthBounds(filter.month);
    query.andWhereBetween("i.invoice_date", [from, to]);
  }
  if (filter.status) query.andWhere("i.status", filter.status);
  if (filter.hasFindings === true) query.whereExists(findingsOfInvoice(knex, scope));
  if (filter.hasFindings === false) query.whereNotExists(findingsOfInvoice(knex, scope));
  return query;
}

const idsOf = (rows: { id: string }[]): string[] => rows.map((r) => String(r.id));

/** One page of invoice ids in a column's order. */
async function invoiceIdsByColumn(
  knex: Knex, scope: Scope, filter: InvoiceFilter, by: Exclude<InvoiceSort, "flagged">, direction: SortDirection, offsetRows: number, limit: number,
): Promise<string[]> {
  const query = invoiceFilterQuery(knex, scope, filter);
  if (by === "provider") query.join("providers as p", (j) => j.on("p.authority_id", "i.authority_id").andOn("p.provider_id", "i.provider_id"));
  return idsOf(await resultOf<{ id: string }[]>(query.select("i.id").orderByRaw(`${INVOICE_SORTS[by]} ${direction}, i.id ${direction}`).limit(limit).offset(offsetRows)));
}

/**
 * One page of invoice ids by flagged amount. Amounts are positive (a CHECK), so an invoice's
 * flagged amount is more than nothing exactly when it has a flagged finding: the list is those
 * invoices by amount, then all the others (amount 0) by id, or the reverse when ascending. Only
 * flagged findings are summed (grouped by invoice straight from an index), and the others are
 * read in id order: no sort of every invoice.
 */
async function invoiceIdsByFlagged(knex: Knex, scope: Scope, filter: InvoiceFilter, direction: SortDirection, total: number, page: PageRequest): Promise<string[]> {
  const flaggedTotals = knex("findings")
    .where("authority_id", scope.authorityId)
    .whereIn("status", FLAGGED_STATUSES)
    .groupBy("invoice_id")
    .select("invoice_id", knex.raw("sum(amount) as flagged_amount"))
    .as("fl");
  const flaggedJoinPage = async (offsetRows: number, limit: number): Promise<string[]> => idsOf(await resultOf<{ id: string }[]>(
    invoiceFilterQuery(knex, scope, filter)
      .join(flaggedTotals, "fl.invoice_id", "i.id")
      .select("i.id")
      .orderByRaw(`fl.flagged_amount ${direction}, i.id ${direction}`)
      .limit(limit)
      .offset(offsetRows),
  ));
  // When the only condition on the invoices is their authority ("has findings" holds for every
  // flagged one), the first page is ranked from the findings alone, without joining every
  // invoice, and then checked: if all of its invoices are in the list they are the list's head,
  // exactly as the join would give them; if any is not, the join decides.
  const onlyByAuthority = !filter.providerId && !filter.month && !filter.status && filter.hasFindings !== false;
  const flaggedPage = async (offsetRows: number, limit: number): Promise<string[]> => {
    if (offsetRows === 0 && onlyByAuthority) {
      const ranked = idsOf(await resultOf<{ id: string }[]>(knex.from(flaggedTotals).select("fl.invoice_id as id")
        .orderByRaw(`fl.flagged_amount ${direction}, fl.invoice_id ${direction}`).limit(limit)));
      if ((await countRows(invoiceFilterQuery(knex, scope, filter).whereIn("i.id", ranked))) === ranked.length) return ranked;
    }
    return flaggedJoinPage(offsetRows, limit);
  };
  const countFlagged = (): Promise<number> => countRows(invoiceFilterQuery(knex, scope, filter).whereExists(findingsOfInvoice(knex, scope, true)));
  const unflaggedPage = (count: number, from: number, wanted: number): Promise<string[]> =>
    readSlice(sliceOf(count, from, wanted), direction, async (dir, offsetRows, limit) => idsOf(await resultOf<{ id: string }[]>(
      invoiceFilterQuery(knex, scope, filter).whereNotExists(findingsOfInvoice(knex, scope, true)).select("i.id").orderBy("i.id", dir).limit(limit).offset(offsetRows),
    )));
  const from = offset(page);
  if (filter.hasFindings === false) return unflaggedPage(total, from, page.pageSize);
  if (direction === "desc") {
    // A full page of flagged invoices needs no count; a page reaching past them does.
    const head = await flaggedPage(from, page.pageSize);
    if (head.length === page.pageSize) return head;
    const flaggedCount = await countFlagged();
    return [...head, ...(await unflaggedPage(total - flaggedCount, Math.max(0, from - flaggedCount), page.pageSize - head.length))];
  }
  const unflaggedCount = total - (await countFlagged());
  const head = await unflaggedPage(unflaggedCount, from, page.pageSize);
  if (head.length === page.pageSize) return head;
  return [...head, ...(await flaggedPage(Math.max(0, from - unflaggedCount), page.pageSize - head.length))];
}

/** The rows of a page of invoices, in the order of `ids`, each with its own findings counted (by index, per invoice). */
async function invoiceRows(knex: Knex, scope: Scope, ids: readonly string[]): Promise<InvoiceListRow[]> {
  if (ids.length === 0) return [];
  const rows = await resultOf<InvoiceListRow[]>(knex("invoices as i")
    .join("providers as p", (j) => j.on("p.authority_id", "i.authority_id").andOn("p.provider_id", "i.provider_id"))
    .joinRaw(
      `left join lateral (
         select count(*) as findings_count, coalesce(sum(f.amount) filter (where f.${FLAGGED_SQL}), 0) as flagged_amount
         from findings f where f.invoice_id = i.id and f.authority_id = ? and f.status <> 'superseded'
       ) f on true`,
      [scope.authorityId],
    )
    .where("i.authority_id", scope.authorityId)
    .whereIn("i.id", ids)
    .select(
      "i.id", "i.provider_id", "p.name as provider_name", "i.invoice_number", "i.invoice_date", "i.kind", "i.total", "i.status",
      "f.findings_count", "f.flagged_amount", "i.received_at",
    ));
  const byId = new Map(rows.map((r) => [String(r.id), r]));
  return ids.map((id) => byId.get(id)).filter((r): r is InvoiceListRow => r !== undefined);
}

/**
 * A page of invoices: count them, find the page's ids (by index where the sort allows), then
 * read those rows alone with their findings. Findings are never totalled for every invoice.
 */
export async function listInvoices(
  db: Database,
  scope: Scope,
  filter: InvoiceFilter,
  sort: { by: InvoiceSort; direction: SortDirection },
  page: PageRequest,
): Promise<Paged<InvoiceListItem>> {
  // Both the column and the direction come from whitelists: the only way input reaches ORDER BY.
  const direction = sort.direction === "asc" ? "asc" : "desc";
  const by = sort.by;
  const { total, rows } = await serially(db, async (knex) => {
    const count = await countRows(invoiceFilterQuery(knex, scope, filter));
    const ids = by === "flagged"
      ? await invoiceIdsByFlagged(knex, scope, filter, direction, count, page)
      : await readSlice(sliceOf(count, offset(page), page.pageSize), direction, (dir, offsetRows, limit) =>
        invoiceIdsByColumn(knex, scope, filter, by, dir, offsetRows, limit));
    return { total: count, rows: await invoiceRows(knex, scope, ids) };
  });
  const items = rows.map((r) => ({
    id: String(r.id),
    providerId: r.provider_id,
    providerName: r.provider_name,
    invoiceNumber: r.invoice_number,
    invoiceDate: r.invoice_date,
    kind: r.kind,
    // A credit note is a credit: shown negative (stored by its size).
    total: asShown(r.kind, money(r.total)),
    status: r.status,
    findingsCount: Number(r.findings_count ?? 0),
    flaggedAmount: money(r.flagged_amount),
    receivedAt: r.received_at,
  }));
  return paged(items, total, page);
}
