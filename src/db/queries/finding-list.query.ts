import type { Knex } from "knex";
import type { IsoDate } from "../../domain/dates.js";
import type { Category, FindingStatus } from "../../domain/finding.js";
import type { Database } from "../connection.js";
import { FINDING_VIEW_COLUMNS, findingView, type FindingView, type FindingViewRow } from "./finding-view.js";
import { countRows, offset, paged, readSlice, resultOf, serially, sliceOf, type PageRequest, type Paged, type Scope, type SortDirection } from "./read-model.js";

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
}

export type FindingListRow = FindingViewRow & { invoice_number: string; invoice_date: string; provider_name: string };

export interface FindingListItem extends FindingView {
  invoiceNumber: string;
  invoiceDate: IsoDate;
  providerName: string;
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
  return query;
}

export async function listFindings(
  db: Database,
  scope: Scope,
  filter: FindingFilter,
  sort: { by: FindingSort; direction: SortDirection },
  page: PageRequest,
): Promise<Paged<FindingListItem>> {
  const direction = sort.direction === "asc" ? "asc" : "desc";
  const { total, rows } = await serially(db, async (knex) => {
    const count = await countRows(findingFilterQuery(knex, scope, filter));
    const pageRows = await readSlice(sliceOf(count, offset(page), page.pageSize), direction, (dir, offsetRows, limit) => resultOf<FindingListRow[]>(
      findingFilterQuery(knex, scope, filter)
        .join("invoices as i", "i.id", "f.invoice_id")
        .select([...FINDING_VIEW_COLUMNS, "i.invoice_number", "i.invoice_date", "p.name as provider_name"])
        .orderByRaw(`${FINDING_SORTS[sort.by]} ${dir}, f.id ${dir}`)
        .limit(limit)
        .offset(offsetRows),
    ));
    return { total: count, rows: pageRows };
  });
  const items = rows.map((r) => ({ ...findingView(r), invoiceNumber: r.invoice_number, invoiceDate: r.invoice_date, providerName: r.provider_name }));
  return paged(items, total, page);
}
