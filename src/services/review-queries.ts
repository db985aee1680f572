import type { Knex } from "knex";
import type { Database } from "../db/connection.js";
import { listAuditLogRows, type AuditLogFilter, type AuditLogRow } from "../db/repositories/audit-log.repository.js";
import { listDecisions, type FindingRow, type InvoiceStatus } from "../db/repositories/finding.repository.js";
import type { InvoiceLineRow } from "../db/repositories/invoice.repository.js";
import type { IsoDate } from "../domain/dates.js";
import { monthBounds } from "../domain/months.js";
import { CATEGORIES, type Category, type FindingStatus } from "../domain/finding.js";
import { dec, moneyString, ZERO } from "../domain/money.js";

/**
 * Read models for the review pages and the JSON API. Filters arrive already validated
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
async function resultOf<T>(query: Knex.QueryBuilder): Promise<T> {
  return (await query) as T;
}

async function countRows(query: Knex.QueryBuilder): Promise<number> {
  const [row] = await query.count<{ n: string }[]>({ n: "*" });
  return Number(row?.n ?? 0);
}

function paged<T>(items: T[], total: number, page: PageRequest): Paged<T> {
  return { items, total, page: page.page, pageSize: page.pageSize, pageCount: Math.max(1, Math.ceil(total / page.pageSize)) };
}

function offset(page: PageRequest): number {
  return (page.page - 1) * page.pageSize;
}

/**
 * A page's reads, in one transaction that plans them without parallel workers. Each read is at
 * most one index scan of an authority's standing findings or invoices (about 100k rows at a
 * million lines), done in order. Measured at 1M lines on two shared cores, the planner's
 * parallel plans cost more than they saved: each worker rebuilt the same hash of flagged
 * totals (about 150 ms instead of 60), and counts swapped a merge for a parallel hash join.
 */
function serially<T>(db: Database, read: (knex: Knex) => Promise<T>): Promise<T> {
  return db.knex.transaction(async (trx) => {
    await trx.raw("set local max_parallel_workers_per_gather = 0");
    return read(trx);
  });
}

const money = (value: string | null | undefined): string => moneyString(value ?? "0");
const moneyOrNull = (value: string | null | undefined): string | null => (value === null || value === undefined ? null : moneyString(value));

/** The finding statuses that count as money flagged (dismissed and superseded do not). */
const FLAGGED_STATUSES: readonly FindingStatus[] = ["open", "confirmed", "recovered"];
const FLAGGED_SQL = `status in ('open','confirmed','recovered')`;

// ---------------------------------------------------------------------------------------------
// Providers

export interface ProviderOption {
  providerId: string;
  name: string;
  aliases: string[];
}

export async function listProviders(db: Database, scope: Scope): Promise<ProviderOption[]> {
  const rows = await db.knex<{ provider_id: string; name: string; aliases: string[] }>("providers")
    .where("authority_id", scope.authorityId)
    .orderBy("name")
    .select("provider_id", "name", "aliases");
  return rows.map((r) => ({ providerId: r.provider_id, name: r.name, aliases: r.aliases }));
}

// ---------------------------------------------------------------------------------------------
// Invoices

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

interface InvoiceListRow {
  id: string;
  provider_id: string;
  provider_name: string;
  invoice_number: string;
  invoice_date: string;
  kind: string;
  total: string;
  status: InvoiceStatus;
  findings_count: string | null;
  flagged_amount: string | null;
  received_at: Date;
}

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

/** Positions [from, from + limit) of an ordered list of `total` rows, and whether to read them from its far end. */
interface Slice {
  offset: number;
  limit: number;
  reverse: boolean;
}

/**
 * Which rows to read for a page. Past the middle of a list the page is read from the other end
 * in the opposite order (every sort ends in the id, so the order reverses exactly): a last page
 * then costs what a first page does, instead of walking past every row before it.
 */
function sliceOf(total: number, from: number, count: number): Slice | null {
  const limit = Math.min(count, total - from);
  if (limit <= 0) return null;
  const fromEnd = total - from - limit;
  return fromEnd < from ? { offset: fromEnd, limit, reverse: true } : { offset: from, limit, reverse: false };
}

async function readSlice<T>(
  slice: Slice | null,
  direction: SortDirection,
  read: (direction: SortDirection, offset: number, limit: number) => Promise<T[]>,
): Promise<T[]> {
  if (!slice) return [];
  if (!slice.reverse) return read(direction, slice.offset, slice.limit);
  return (await read(direction === "asc" ? "desc" : "asc", slice.offset, slice.limit)).reverse();
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
    total: money(r.total),
    status: r.status,
    findingsCount: Number(r.findings_count ?? 0),
    flaggedAmount: money(r.flagged_amount),
    receivedAt: r.received_at,
  }));
  return paged(items, total, page);
}

export interface FindingView {
  id: string;
  invoiceId: string;
  lineNo: number;
  rule: string;
  category: Category;
  providerId: string;
  childRef: string | null;
  amount: string;
  charged: string;
  expected: string;
  explanation: string;
  status: FindingStatus;
  recoveredAmount: string | null;
  recoveredOn: IsoDate | null;
  dismissedReason: string | null;
}

/** A findings row as the pages read it (FINDING_VIEW_COLUMNS), its category one of CATEGORIES. */
type FindingViewRow = Omit<FindingRow, "authority_id" | "category"> & { category: Category };

const FINDING_VIEW_COLUMNS = [
  "f.id", "f.invoice_id", "f.line_no", "f.rule", "f.category", "f.provider_id", "f.child_ref", "f.amount", "f.charged", "f.expected",
  "f.explanation", "f.status", "f.recovered_amount", "f.recovered_on", "f.dismissed_reason",
];

function findingView(r: FindingViewRow): FindingView {
  return {
    id: String(r.id),
    invoiceId: String(r.invoice_id),
    lineNo: r.line_no,
    rule: r.rule,
    category: r.category,
    providerId: r.provider_id,
    childRef: r.child_ref,
    amount: money(r.amount),
    charged: money(r.charged),
    expected: money(r.expected),
    explanation: r.explanation,
    status: r.status,
    recoveredAmount: moneyOrNull(r.recovered_amount),
    recoveredOn: r.recovered_on,
    dismissedReason: r.dismissed_reason,
  };
}

export interface InvoiceLineView {
  lineNo: number;
  childRef: string | null;
  placementRef: string | null;
  description: string;
  item: string;
  from: IsoDate | null;
  to: IsoDate | null;
  quantity: string | null;
  unit: string | null;
  unitRate: string | null;
  amount: string;
  findings: FindingView[];
}

export interface InvoiceNote {
  lineNo: number | null;
  kind: string | null;
  amount: string | null;
  text: string;
}

export interface InvoiceDetail {
  id: string;
  providerId: string;
  providerName: string;
  invoiceNumber: string;
  invoiceDate: IsoDate;
  kind: string;
  creditsInvoice: string | null;
  periodFrom: IsoDate | null;
  periodTo: IsoDate | null;
  subtotal: string | null;
  vat: string | null;
  total: string;
  status: InvoiceStatus;
  receivedAt: Date;
  auditedAt: Date | null;
  file: { id: string; originalName: string; sizeBytes: number };
  lines: InvoiceLineView[];
  /** Whole-invoice findings (line 0) and any whose line is not on the invoice. */
  invoiceFindings: FindingView[];
  auditNotes: InvoiceNote[];
  extractionNotes: InvoiceNote[];
  flaggedAmount: string;
}

/** Notes are jsonb arrays written by other services: read them defensively. */
function notesFrom(value: unknown): InvoiceNote[] {
  if (!Array.isArray(value)) return [];
  return value.map((item: unknown): InvoiceNote => {
    if (typeof item === "string") return { lineNo: null, kind: null, amount: null, text: item };
    if (item && typeof item === "object") {
      const o = item as Record<string, unknown>;
      const text = [o.text, o.message, o.reason].find((t): t is string => typeof t === "string") ?? JSON.stringify(item);
      const lineNo = typeof o.lineNo === "number" ? o.lineNo : typeof o.line_no === "number" ? o.line_no : null;
      const amount = typeof o.amount === "string" || typeof o.amount === "number" ? moneyString(String(o.amount)) : null;
      return { lineNo, kind: typeof o.kind === "string" ? o.kind : null, amount, text };
    }
    return { lineNo: null, kind: null, amount: null, text: String(item) };
  });
}

interface InvoiceDetailRow {
  id: string;
  provider_id: string;
  provider_name: string;
  invoice_number: string;
  invoice_date: string;
  kind: string;
  credits_invoice: string | null;
  period_from: string | null;
  period_to: string | null;
  subtotal: string | null;
  vat: string | null;
  total: string;
  status: InvoiceStatus;
  received_at: Date;
  audited_at: Date | null;
  extraction_notes: unknown;
  audit_notes: unknown;
  file_id: string;
  original_name: string;
  size_bytes: string;
}

/** An invoice_lines row as selected whole. */
type LineRow = Omit<InvoiceLineRow, "invoice_id">;

/** A bigint primary key as text: checked before it reaches SQL, so "abc" is "not found", not a database error. */
export function isRowId(id: string): boolean {
  return /^[1-9]\d{0,17}$/.test(id);
}

export async function invoiceDetail(db: Database, scope: Scope, id: string): Promise<InvoiceDetail | null> {
  if (!isRowId(id)) return null;
  const knex = db.knex;
  const row = await resultOf<InvoiceDetailRow | undefined>(knex("invoices as i")
    .join("providers as p", (j) => j.on("p.authority_id", "i.authority_id").andOn("p.provider_id", "i.provider_id"))
    .join("received_files as r", "r.id", "i.file_id")
    .where("i.authority_id", scope.authorityId)
    .andWhere("i.id", id)
    .first(
      "i.id", "i.provider_id", "p.name as provider_name", "i.invoice_number", "i.invoice_date", "i.kind", "i.credits_invoice",
      "i.period_from", "i.period_to", "i.subtotal", "i.vat", "i.total", "i.status", "i.received_at", "i.audited_at",
      "i.extraction_notes", "i.audit_notes", "r.id as file_id", "r.original_name", "r.size_bytes",
    ));
  if (!row) return null;
  const lineRows = await resultOf<LineRow[]>(knex("invoice_lines").where("invoice_id", id).orderBy("line_no"));
  const findingRows = await resultOf<FindingViewRow[]>(knex("findings as f")
    .where("f.invoice_id", id)
    .whereNot("f.status", "superseded")
    .orderBy([{ column: "f.line_no" }, { column: "f.id" }])
    .select(FINDING_VIEW_COLUMNS));
  const findings = findingRows.map(findingView);
  const lineNumbers = new Set(lineRows.map((l) => l.line_no));
  const lines = lineRows.map((l) => ({
    lineNo: l.line_no,
    childRef: l.child_ref,
    placementRef: l.placement_ref,
    description: l.description,
    item: l.item,
    from: l.from_date,
    to: l.to_date,
    quantity: l.quantity,
    unit: l.unit,
    unitRate: l.unit_rate,
    amount: money(l.amount),
    findings: findings.filter((f) => f.lineNo === l.line_no),
  }));
  const flagged = findings.filter((f) => FLAGGED_STATUSES.includes(f.status)).reduce((total, f) => total.plus(f.amount), ZERO);
  return {
    id: String(row.id),
    providerId: row.provider_id,
    providerName: row.provider_name,
    invoiceNumber: row.invoice_number,
    invoiceDate: row.invoice_date,
    kind: row.kind,
    creditsInvoice: row.credits_invoice,
    periodFrom: row.period_from,
    periodTo: row.period_to,
    subtotal: moneyOrNull(row.subtotal),
    vat: moneyOrNull(row.vat),
    total: money(row.total),
    status: row.status,
    receivedAt: row.received_at,
    auditedAt: row.audited_at,
    file: { id: String(row.file_id), originalName: row.original_name, sizeBytes: Number(row.size_bytes) },
    lines,
    invoiceFindings: findings.filter((f) => !lineNumbers.has(f.lineNo)),
    auditNotes: notesFrom(row.audit_notes),
    extractionNotes: notesFrom(row.extraction_notes),
    flaggedAmount: moneyString(flagged),
  };
}

/** Where the original file of an invoice is kept (relative to DATA_DIR, or absolute). */
export async function invoiceFile(db: Database, scope: Scope, invoiceId: string): Promise<{ originalName: string; storedPath: string } | null> {
  if (!isRowId(invoiceId)) return null;
  const row = await resultOf<{ original_name: string; stored_path: string } | undefined>(
    db.knex("invoices as i")
      .join("received_files as r", "r.id", "i.file_id")
      .where("i.authority_id", scope.authorityId)
      .andWhere("i.id", invoiceId)
      .first("r.original_name", "r.stored_path"),
  );
  return row ? { originalName: row.original_name, storedPath: row.stored_path } : null;
}

// ---------------------------------------------------------------------------------------------
// Findings

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

type FindingListRow = FindingViewRow & { invoice_number: string; invoice_date: string; provider_name: string };

export interface FindingListItem extends FindingView {
  invoiceNumber: string;
  invoiceDate: IsoDate;
  providerName: string;
}

function findingBase(knex: Knex, scope: Scope): Knex.QueryBuilder {
  return knex("findings as f")
    .join("invoices as i", "i.id", "f.invoice_id")
    .join("providers as p", (j) => j.on("p.authority_id", "f.authority_id").andOn("p.provider_id", "f.provider_id"))
    .where("f.authority_id", scope.authorityId);
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

export interface DecisionView {
  action: string;
  reason: string | null;
  amount: string | null;
  decidedOn: IsoDate | null;
  at: Date;
  username: string | null;
}

export interface FindingDetail extends FindingListItem {
  evidence: unknown;
  line: Omit<InvoiceLineView, "findings"> | null;
  decisions: DecisionView[];
}

export async function findingDetail(db: Database, scope: Scope, id: string): Promise<FindingDetail | null> {
  if (!isRowId(id)) return null;
  const knex = db.knex;
  const row = await resultOf<(FindingListRow & { evidence: unknown }) | undefined>(
    findingBase(knex, scope)
      .andWhere("f.id", id)
      .first([...FINDING_VIEW_COLUMNS, "f.evidence", "i.invoice_number", "i.invoice_date", "p.name as provider_name"]),
  );
  if (!row) return null;
  const line = await resultOf<LineRow | undefined>(knex("invoice_lines").where({ invoice_id: row.invoice_id, line_no: row.line_no }).first());
  const decisions = await listDecisions(knex, id);
  return {
    ...findingView(row),
    invoiceNumber: row.invoice_number,
    invoiceDate: row.invoice_date,
    providerName: row.provider_name,
    evidence: row.evidence,
    line: line
      ? {
          lineNo: line.line_no, childRef: line.child_ref, placementRef: line.placement_ref, description: line.description, item: line.item,
          from: line.from_date, to: line.to_date, quantity: line.quantity, unit: line.unit, unitRate: line.unit_rate, amount: money(line.amount),
        }
      : null,
    decisions: decisions.map((d) => ({
      action: d.action, reason: d.reason, amount: moneyOrNull(d.amount), decidedOn: d.decided_on, at: d.created_at, username: d.username,
    })),
  };
}

// ---------------------------------------------------------------------------------------------
// Dashboard

export interface CategoryTotals {
  category: Category | "total";
  open: string;
  confirmed: string;
  recovered: string;
  dismissed: string;
  /** open + confirmed + recovered: money flagged and still standing. */
  flagged: string;
  /** Money actually recovered (partial recoveries count what was received). */
  moneyRecovered: string;
}

export interface DashboardSummary {
  month: string;
  from: IsoDate;
  to: IsoDate;
  invoicesReceived: number;
  invoicesAudited: number;
  invoicesWithFindings: number;
  byCategory: CategoryTotals[];
  needsAttention: number;
  openFindings: number;
}

/**
 * "This month" on the dashboard: invoices received in the month (Europe/London calendar)
 * and the findings raised on them.
 */
export async function dashboardSummary(db: Database, scope: Scope, month: string): Promise<DashboardSummary> {
  const { from, to } = monthBounds(month);
  const knex = db.knex;
  const receivedInMonth = knex.raw(`(i.received_at at time zone 'Europe/London')::date between ? and ?`, [from, to]);
  const [invoiceCounts] = await resultOf<{ received: string; audited: string; with_findings: string }[]>(knex("invoices as i")
    .where("i.authority_id", scope.authorityId)
    .andWhere(receivedInMonth)
    .select(
      knex.raw("count(*) as received"),
      knex.raw("count(i.audited_at) as audited"),
      knex.raw(`count(*) filter (where exists (select 1 from findings f where f.invoice_id = i.id and f.status <> 'superseded')) as with_findings`),
    ));
  // From the month's invoices (by index on the London date) to each one's findings (by index):
  // the month's work, not a scan of every finding ever raised. `offset 0` keeps the planner
  // from flattening the lateral back into a hash join over all findings.
  const sums = await resultOf<{ category: Category; status: FindingStatus; amount: string; recovered_amount: string }[]>(knex("invoices as i")
    .joinRaw(
      "cross join lateral (select f.category, f.status, f.amount, f.recovered_amount from findings f where f.invoice_id = i.id and f.authority_id = ? offset 0) f",
      [scope.authorityId],
    )
    .where(receivedInMonth)
    .groupBy("f.category", "f.status")
    .select("f.category", "f.status", knex.raw("sum(f.amount) as amount"), knex.raw("coalesce(sum(f.recovered_amount), 0) as recovered_amount")));
  const totalsFor = (category: Category | "total"): CategoryTotals => {
    const rows = sums.filter((s) => category === "total" || s.category === category);
    const by = (status: FindingStatus): string => moneyString(rows.filter((r) => r.status === status).reduce((t, r) => t.plus(r.amount), ZERO));
    const flagged = rows.filter((r) => FLAGGED_STATUSES.includes(r.status)).reduce((t, r) => t.plus(r.amount), ZERO);
    const recovered = rows.reduce((t, r) => t.plus(dec(r.recovered_amount)), ZERO);
    return {
      category, open: by("open"), confirmed: by("confirmed"), recovered: by("recovered"), dismissed: by("dismissed"),
      flagged: moneyString(flagged), moneyRecovered: moneyString(recovered),
    };
  };
  const needsAttention = await countRows(knex("received_files").where({ authority_id: scope.authorityId, status: "needs_attention" }));
  const openFindings = await countRows(knex("findings").where({ authority_id: scope.authorityId, status: "open" }));
  return {
    month, from, to,
    invoicesReceived: Number(invoiceCounts?.received ?? 0),
    invoicesAudited: Number(invoiceCounts?.audited ?? 0),
    invoicesWithFindings: Number(invoiceCounts?.with_findings ?? 0),
    byCategory: [...CATEGORIES.map(totalsFor), totalsFor("total")],
    needsAttention,
    openFindings,
  };
}

// ---------------------------------------------------------------------------------------------
// Needs attention, audit runs, audit log

export interface AttentionFile {
  id: string;
  originalName: string;
  reason: string | null;
  sizeBytes: number;
  receivedAt: Date;
  processedAt: Date | null;
}

export async function filesNeedingAttention(db: Database, scope: Scope): Promise<AttentionFile[]> {
  const rows = await resultOf<
    { id: string; original_name: string; reason: string | null; size_bytes: string; received_at: Date; processed_at: Date | null }[]
  >(
    db.knex("received_files")
      .where({ authority_id: scope.authorityId, status: "needs_attention" })
      .orderBy([{ column: "received_at", order: "desc" }, { column: "id", order: "desc" }])
      .select("id", "original_name", "reason", "size_bytes", "received_at", "processed_at"),
  );
  return rows.map((r) => ({
    id: String(r.id), originalName: r.original_name, reason: r.reason, sizeBytes: Number(r.size_bytes), receivedAt: r.received_at, processedAt: r.processed_at,
  }));
}

export async function receivedFile(db: Database, scope: Scope, id: string): Promise<{ id: string; originalName: string; storedPath: string; status: string } | null> {
  if (!isRowId(id)) return null;
  const row = await resultOf<{ id: string; original_name: string; stored_path: string; status: string } | undefined>(
    db.knex("received_files").where({ authority_id: scope.authorityId, id }).first("id", "original_name", "stored_path", "status"),
  );
  return row ? { id: String(row.id), originalName: row.original_name, storedPath: row.stored_path, status: row.status } : null;
}

interface AuditRunRow {
  id: string;
  trigger: string;
  scope: string;
  status: string;
  started_at: Date;
  finished_at: Date | null;
  invoices_audited: number;
  lines_audited: number;
  findings_raised: number;
  flagged_by_category: unknown;
  error: string | null;
}

export interface AuditRunView {
  id: string;
  trigger: string;
  scope: string;
  status: string;
  startedAt: Date;
  finishedAt: Date | null;
  invoicesAudited: number;
  linesAudited: number;
  findingsRaised: number;
  flaggedByCategory: { category: string; amount: string }[];
  error: string | null;
}

export async function listAuditRuns(db: Database, scope: Scope, page: PageRequest): Promise<Paged<AuditRunView>> {
  const base = (): Knex.QueryBuilder => db.knex("audit_runs").where("authority_id", scope.authorityId);
  const rows = await resultOf<AuditRunRow[]>(
    base()
      .orderBy([{ column: "started_at", order: "desc" }, { column: "id", order: "desc" }])
      .limit(page.pageSize)
      .offset(offset(page))
      .select("*"),
  );
  const total = await countRows(base());
  const items = rows.map((r) => {
    const flagged = r.flagged_by_category && typeof r.flagged_by_category === "object" ? (r.flagged_by_category as Record<string, unknown>) : {};
    return {
      id: String(r.id), trigger: r.trigger, scope: r.scope, status: r.status, startedAt: r.started_at, finishedAt: r.finished_at,
      invoicesAudited: r.invoices_audited, linesAudited: r.lines_audited, findingsRaised: r.findings_raised, error: r.error,
      flaggedByCategory: Object.entries(flagged)
        .filter((e): e is [string, string | number] => typeof e[1] === "string" || typeof e[1] === "number")
        .map(([category, amount]) => ({ category, amount: moneyString(String(amount)) })),
    };
  });
  return paged(items, total, page);
}

export interface AuditLogView {
  id: string;
  at: Date;
  actor: string;
  action: string;
  entity: string;
  entityId: string | null;
  before: unknown;
  after: unknown;
  /** Fields whose value changed, for a readable summary. */
  changes: { field: string; before: string; after: string }[];
}

function display(value: unknown): string {
  if (value === null || value === undefined) return "";
  return typeof value === "string" ? value : JSON.stringify(value);
}

function changesOf(before: unknown, after: unknown): AuditLogView["changes"] {
  const b = before && typeof before === "object" ? (before as Record<string, unknown>) : {};
  const a = after && typeof after === "object" ? (after as Record<string, unknown>) : {};
  const fields = [...new Set([...Object.keys(b), ...Object.keys(a)])];
  return fields.filter((f) => display(b[f]) !== display(a[f])).map((field) => ({ field, before: display(b[field]), after: display(a[field]) }));
}

export async function auditLog(db: Database, scope: Scope, filter: AuditLogFilter, page: PageRequest): Promise<Paged<AuditLogView>> {
  const { rows, total } = await listAuditLogRows(db.knex, scope.authorityId, filter, { limit: page.pageSize, offset: offset(page) });
  const items = rows.map((r: AuditLogRow) => ({
    id: String(r.id), at: r.at, actor: r.actor, action: r.action, entity: r.entity, entityId: r.entity_id, before: r.before, after: r.after,
    changes: changesOf(r.before, r.after),
  }));
  return paged(items, total, page);
}
