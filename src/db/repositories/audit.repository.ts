import type { Knex } from "knex";
import pg from "pg";
import type { Invoice, InvoiceLine, InvoiceStatus } from "../../domain/invoice.js";
import type { AuditNote, Category, Finding } from "../../domain/finding.js";
import type { Unit } from "../../domain/reference.js";
import { invoiceFromRow, invoiceLineFromRow, type InvoiceLineRow, type InvoiceRow as InvoiceTableRow } from "./invoice.repository.js";
import { Dec, ZERO, moneyString } from "../../domain/money.js";
import { AppError } from "../../domain/errors.js";
import { arrayLiteral } from "../array-literal.js";
import { copyOutBytes, CopyTextRow, SharedStrings } from "../copy-out.js";

/**
 * Reads invoices in audit order and writes what the audit found, in bulk.
 * A finding is keyed by (invoice, line, rule): re-running an audit updates it in place,
 * keeps the reviewer's decision, and supersedes open findings that no longer apply.
 */

export interface StoredInvoice extends Invoice {
  /** The invoices.id, as a string (bigint). */
  key: string;
  receivedAt: string;
}

/** The invoices columns the audit reads (INVOICE_COLUMNS). */
type InvoiceRow = Pick<
  InvoiceTableRow,
  "id" | "provider_id" | "invoice_number" | "invoice_date" | "kind" | "credits_invoice" | "period_from" | "period_to" | "subtotal" | "vat" | "total" | "received_at"
>;

/**
 * An invoice read with an uncertain value waits for a person (status to_verify): the audit
 * neither audits it nor counts it as billed history until it is verified.
 */
const NOT_TO_VERIFY = "i.status <> 'to_verify'";

const INVOICE_COLUMNS = [
  "id", "provider_id", "invoice_number", "invoice_date", "kind", "credits_invoice", "period_from", "period_to",
  "subtotal", "vat", "total", "received_at",
];

function toInvoice(row: InvoiceRow, lines: InvoiceLine[]): StoredInvoice {
  return {
    key: String(row.id),
    receivedAt: row.received_at instanceof Date ? row.received_at.toISOString() : String(row.received_at),
    ...invoiceFromRow(row, lines),
  };
}

async function withLines(knex: Knex, rows: InvoiceRow[]): Promise<StoredInvoice[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => String(r.id));
  // One array parameter, and a lateral lookup per invoice: each invoice's lines come from the
  // (invoice_id, line_no) index whatever the planner's statistics say, so a page costs the
  // same at a million lines as at a thousand (a plain `= any(…)` was planned as a full scan).
  const result: { rows: InvoiceLineRow[] } = await knex.raw(
    `select l.invoice_id, l.line_no, l.child_ref, l.placement_ref, l.description, l.item, l.from_date, l.to_date, l.quantity, l.unit, l.unit_rate, l.amount
     from unnest(?::bigint[]) as p(id)
     cross join lateral (select * from invoice_lines where invoice_id = p.id) l
     order by l.invoice_id, l.line_no`,
    [ids],
  );
  const byInvoice = new Map<string, InvoiceLine[]>();
  for (const line of result.rows) {
    const key = String(line.invoice_id);
    let list = byInvoice.get(key);
    if (!list) byInvoice.set(key, (list = []));
    list.push(invoiceLineFromRow(line));
  }
  return rows.map((row) => toInvoice(row, byInvoice.get(String(row.id)) ?? []));
}

/** A line as the page query sends it: one JSON array per line, in LINE_FIELDS order. */
type LineTuple = [
  lineNo: number, childRef: string | null, placementRef: string | null, description: string, item: string, from: string | null, to: string | null,
  quantity: string | null, unit: Unit | null, unitRate: string | null, amount: string,
];

interface PageRow extends InvoiceRow {
  /** received_at exactly as stored (microseconds and all), for the next page's starting point. */
  received_key: string;
  lines: LineTuple[] | null;
}

/**
 * One provider's invoices (not credit notes) dated on or before `upTo` (all when null), in
 * audit order (invoice date, time received, invoice number), in pages: one query a page, never
 * one per invoice or line. The audit reads provider after provider: nothing it checks crosses
 * providers, so this changes no result and lets it forget a provider once its last invoice has
 * gone by (AuditSession.nextProvider).
 *
 * Each page is a short range scan of the provider audit-order index (migration 0903) starting
 * after the last row of the page before, with each invoice's lines gathered by PostgreSQL into
 * one JSON value: the server builds it (on its own core) and JSON.parse reads it, which is
 * several times cheaper for this process than a row object per line. Amounts, rates and
 * quantities travel as text, so they stay exact decimal strings.
 */
export async function* invoicesInAuditOrder(
  knex: Knex,
  authorityId: number,
  providerId: string,
  upTo: string | null,
  options: { linesByCopy?: boolean; pageSize?: number } = {},
): AsyncGenerator<AuditPage> {
  const pageSize = options.pageSize ?? 1000;
  const linesByCopy = options.linesByCopy === true;
  let after: PageKey | null = null;
  for (;;) {
    if (linesByCopy) {
      // On a server the page's invoices come by COPY too, and wait as bytes until their turn (AuditPage).
      const headers = await copyOutBytes(knex, pageByCopySql(authorityId, providerId, upTo, after, pageSize));
      const page = pageIndex(headers);
      if (page.ids.length === 0) return;
      const lineBytes = await linesOfInvoicesAsBytes(knex, page.ids);
      yield { invoices: () => invoicesFromBytes(headers, lineBytes) };
      after = page.last;
      if (page.ids.length < pageSize) return;
      continue;
    }
    const conditions = ["i.authority_id = ?", "i.kind = 'invoice'", "i.provider_id = ?", NOT_TO_VERIFY];
    const bindings: (string | number)[] = [authorityId, providerId];
    if (upTo) {
      conditions.push("i.invoice_date <= ?::date");
      bindings.push(upTo);
    }
    if (after) {
      conditions.push("(i.invoice_date, i.received_at, i.invoice_number, i.id) > (?::date, ?::timestamptz, ?, ?::bigint)");
      bindings.push(...after);
    }
    const result: { rows: PageRow[] } = await knex.raw(
      `select i.id, i.provider_id, i.invoice_number, i.invoice_date, i.kind, i.credits_invoice, i.period_from, i.period_to, i.subtotal, i.vat, i.total,
         i.received_at, i.received_at::text as received_key,
         (select json_agg(json_build_array(l.line_no, l.child_ref, l.placement_ref, l.description, l.item, l.from_date, l.to_date,
                                           l.quantity::text, l.unit, l.unit_rate::text, l.amount::text) order by l.line_no)
            from invoice_lines l where l.invoice_id = i.id) as lines
       from invoices i
       where ${conditions.join(" and ")}
       order by i.invoice_date, i.received_at, i.invoice_number, i.id
       limit ?`,
      [...bindings, pageSize],
    );
    const rows = result.rows;
    if (rows.length === 0) return;
    yield { invoices: () => rows.map((row) => toInvoice(row, (row.lines ?? []).map(lineFromTuple))) };
    const last = rows[rows.length - 1] as PageRow;
    after = [last.invoice_date, last.received_key, last.invoice_number, String(last.id)];
    if (rows.length < pageSize) return;
  }
}

/**
 * The page query of invoicesInAuditOrder as a statement for COPY, which takes no parameters:
 * the authority and page size are checked integers, and every text goes in as a literal quoted
 * by the driver's own `escapeLiteral`. Columns: the invoice's, then received_at as text (the
 * next page's starting point, and what pg would parse into the invoice's receivedAt).
 */
function pageByCopySql(authorityId: number, providerId: string, upTo: string | null, after: PageKey | null, pageSize: number): string {
  if (!Number.isSafeInteger(authorityId) || !Number.isSafeInteger(pageSize)) throw new Error("not an integer");
  const conditions = [`i.authority_id = ${authorityId}`, "i.kind = 'invoice'", `i.provider_id = ${pg.escapeLiteral(providerId)}`, NOT_TO_VERIFY];
  if (upTo) conditions.push(`i.invoice_date <= ${pg.escapeLiteral(upTo)}::date`);
  if (after) {
    const [date, received, number, id] = after.map((value) => pg.escapeLiteral(value));
    conditions.push(`(i.invoice_date, i.received_at, i.invoice_number, i.id) > (${date}::date, ${received}::timestamptz, ${number}, ${id}::bigint)`);
  }
  return `select ${PAGE_COPY_COLUMNS} from invoices i where ${conditions.join(" and ")} order by i.invoice_date, i.received_at, i.invoice_number, i.id limit ${pageSize}`;
}

/** The columns of a page read by COPY, in the order invoicesFromBytes and pageIndex read them. */
const PAGE_COPY_COLUMNS =
  "i.id, i.provider_id, i.invoice_number, i.invoice_date, i.kind, i.credits_invoice, i.period_from, i.period_to, i.subtotal, i.vat, i.total, i.received_at::text";

/** The keyset of the audit order: invoice date, received_at as text, invoice number, id. */
type PageKey = [string, string, string, string];

/** A page read by COPY: its invoices' ids in order, and the last one's key (the next page starts after it). */
function pageIndex(headers: Buffer): { ids: string[]; last: PageKey | null } {
  const ids: string[] = [];
  const row = new CopyTextRow();
  let last: PageKey | null = null;
  for (let start = 0; start < headers.length; start = row.nextRowStart()) {
    const id = row.of(headers, start).nextText();
    ids.push(id);
    if (row.nextRowStart() >= headers.length) {
      // The last row: its date (4th), number (3rd) and received_at (12th) too.
      const fields = copyFieldsFrom(row.of(headers, start));
      last = [fields[3] as string, fields[11] as string, fields[2] as string, id];
    }
  }
  return { ids, last };
}

function copyFieldsFrom(row: CopyTextRow): (string | null)[] {
  const fields: (string | null)[] = [];
  while (row.more) fields.push(row.next());
  return fields;
}

/** timestamptz text as pg parses it into a Date (the invoice's receivedAt is that Date's ISO form, as on the JSON path). */
const parseTimestamptz = pg.types.getTypeParser(pg.types.builtins.TIMESTAMPTZ, "text") as (text: string) => Date;

/**
 * A page's invoices, each made (and its lines read from `lineBytes`: linesOfInvoicesAsBytes of
 * the page's ids, in their order) only when it is reached, from the COPY of its headers.
 */
function* invoicesFromBytes(headers: Buffer, lineBytes: Buffer): Generator<StoredInvoice> {
  const lines = new PageLines(lineBytes);
  const row = new CopyTextRow();
  const strings = new SharedStrings();
  for (let start = 0; start < headers.length; start = row.nextRowStart()) {
    row.of(headers, start);
    // In PAGE_COPY_COLUMNS order; repeated values (provider, dates, kind, amounts) held once.
    const key = row.nextText();
    const providerId = row.nextSharedText(strings);
    const invoiceNumber = row.nextText();
    const invoiceDate = row.nextSharedText(strings);
    const kind = row.nextSharedText(strings) as StoredInvoice["kind"];
    const creditsInvoice = row.next();
    const periodFrom = row.nextShared(strings);
    const periodTo = row.nextShared(strings);
    const subtotal = row.nextShared(strings);
    const vat = row.nextShared(strings);
    const total = row.nextSharedText(strings);
    const receivedAt = parseTimestamptz(row.nextText()).toISOString();
    // The fields in the order toInvoice gives them (one object shape, whichever way a page was read).
    const invoice: StoredInvoice = {
      key, receivedAt, providerId, invoiceNumber, invoiceDate, kind, creditsInvoice, periodFrom, periodTo, subtotal, vat, total, lines: lines.of(Number(key)),
    };
    yield invoice;
  }
  if (!lines.allRead) throw new Error("COPY gave lines of an invoice not on the page");
}

/**
 * One page of a provider's invoices in audit order, as read: `invoices()` makes their objects
 * (anew at each call; on a server, each invoice's lines only as it is reached). The audit reads
 * pages of the next providers ahead of their turn, and audits a provider's invoices one by one
 * while the history of the provider so far stays: a line object made before its turn outlives
 * young-generation collections and is copied, into the old generation at the second. On a
 * server the lines wait as bytes outside V8's heap, which no collection copies, and each
 * invoice's are made when it is reached, to be garbage by its end (bench/README.md step 19).
 */
export interface AuditPage {
  invoices(): Iterable<StoredInvoice>;
}

/**
 * The lines of some invoices, each invoice's in line order and the invoices in the order given,
 * as the bytes of one COPY (PostgreSQL servers only; read with invoicesWithLinesIn). The server
 * writes plain text instead of each invoice's lines as JSON (json_agg of json_build_array:
 * about 3 µs a line and 38 µs an invoice of its CPU, the largest part of reading), and this
 * process splits rows instead of parsing JSON.
 */
async function linesOfInvoicesAsBytes(knex: Knex, invoiceIds: readonly string[]): Promise<Buffer> {
  for (const id of invoiceIds) if (!/^[0-9]+$/.test(id)) throw new Error(`not an invoice id: ${id}`);
  // The ids are digits (checked above), so they can stand in the statement: COPY takes no parameters.
  return copyOutBytes(
    knex,
    `select l.invoice_id, l.line_no, l.child_ref, l.placement_ref, l.description, l.item, l.from_date, l.to_date, l.quantity, l.unit, l.unit_rate, l.amount
     from unnest('{${invoiceIds.join(",")}}'::bigint[]) with ordinality as p(id, position)
     cross join lateral (select * from invoice_lines where invoice_id = p.id) l
     order by p.position, l.line_no`,
  );
}

/** Lines of a page's invoices in COPY's text format, invoice after invoice, read an invoice at a time. */
class PageLines {
  private at = 0;
  private readonly row = new CopyTextRow();
  // The page's lines repeat most of their values (dates, items, descriptions, children, fees): one copy of each.
  private readonly strings = new SharedStrings();

  constructor(private readonly bytes: Buffer) {}

  get allRead(): boolean {
    return this.at >= this.bytes.length;
  }

  /** The lines of the invoice whose rows come next (none when the next row is another invoice's). */
  of(invoiceId: number): InvoiceLine[] {
    const lines: InvoiceLine[] = [];
    const { bytes, row, strings } = this;
    while (this.at < bytes.length) {
      // By the id as a number, read from the row's bytes: no string per line.
      if (row.of(bytes, this.at).nextInteger() !== invoiceId) break;
      // In the statement's column order; no list of fields is made per line.
      lines.push({
        lineNo: row.nextInteger(),
        childRef: row.nextShared(strings),
        placementRef: row.nextShared(strings),
        description: row.nextSharedText(strings),
        item: row.nextSharedText(strings),
        from: row.nextShared(strings),
        to: row.nextShared(strings),
        quantity: row.nextShared(strings),
        unit: row.nextShared(strings) as Unit | null,
        unitRate: row.nextShared(strings),
        amount: row.nextSharedText(strings),
      });
      this.at = row.nextRowStart();
    }
    return lines;
  }
}

function lineFromTuple([lineNo, childRef, placementRef, description, item, from, to, quantity, unit, unitRate, amount]: LineTuple): InvoiceLine {
  return { lineNo, childRef, placementRef, description, item, from, to, quantity, unit, unitRate, amount };
}

/** The lines in scope by provider, the biggest first. */
export async function linesByProvider(knex: Knex, authorityId: number, upTo: string | null): Promise<{ providerId: string; lines: number }[]> {
  const result: { rows: { provider_id: string; lines: string }[] } = await knex.raw(
    `select i.provider_id, count(l.line_no) as lines
     from invoices i left join invoice_lines l on l.invoice_id = i.id
     where i.authority_id = ? and i.kind = 'invoice' and ${NOT_TO_VERIFY} ${upTo ? "and i.invoice_date <= ?::date" : ""}
     group by i.provider_id
     order by count(l.line_no) desc, i.provider_id`,
    upTo ? [authorityId, upTo] : [authorityId],
  );
  return result.rows.map((row) => ({ providerId: row.provider_id, lines: Number(row.lines) }));
}

/** The providers with invoices in an audit's scope (dated on or before `upTo`), in order. */
export async function providersInAuditScope(knex: Knex, authorityId: number, upTo: string | null): Promise<string[]> {
  const result: { rows: { provider_id: string }[] } = await knex.raw(
    `select distinct provider_id from invoices i
     where authority_id = ? and kind = 'invoice' and ${NOT_TO_VERIFY} ${upTo ? "and invoice_date <= ?::date" : ""}
     order by provider_id`,
    upTo ? [authorityId, upTo] : [authorityId],
  );
  return result.rows.map((row) => row.provider_id);
}

/** Every credit note of the authority (any date: a voiding credit counts whatever the dates). */
export async function creditNotes(knex: Knex, authorityId: number): Promise<StoredInvoice[]> {
  const rows = await knex("invoices").select<InvoiceRow[]>(INVOICE_COLUMNS).where({ authority_id: authorityId, kind: "credit_note" }).whereNot("status", "to_verify").orderBy("id");
  return withLines(knex, rows);
}

export interface InvoiceTotalRow {
  key: string;
  providerId: string;
  invoiceNumber: string;
  total: string;
  invoiceDate: string;
}

/** Every invoice's total, in audit order (a credit note naming a duplicated number credits the copy). */
export async function invoiceTotals(knex: Knex, authorityId: number): Promise<InvoiceTotalRow[]> {
  const rows = await knex("invoices")
    .select<{ id: string; provider_id: string; invoice_number: string; total: string; invoice_date: string }[]>("id", "provider_id", "invoice_number", "total", "invoice_date")
    .where({ authority_id: authorityId, kind: "invoice" })
    .whereNot("status", "to_verify")
    .orderBy([{ column: "invoice_date" }, { column: "received_at" }, { column: "invoice_number" }, { column: "id" }]);
  return rows.map((r) => ({ key: String(r.id), providerId: r.provider_id, invoiceNumber: r.invoice_number, total: r.total, invoiceDate: r.invoice_date }));
}

/** An audit_runs row (the table's one row type). */
export interface AuditRunRow {
  id: string;
  authority_id: number;
  run_key: string | null;
  trigger: string;
  scope: string;
  status: "running" | "succeeded" | "failed";
  started_at: Date;
  finished_at: Date | null;
  invoices_audited: number;
  lines_audited: number;
  findings_raised: number;
  /** jsonb: pg parses it; PGlite may hand it over as text. */
  flagged_by_category: Record<string, string> | string;
  error: string | null;
  owner_id: string | null;
  heartbeat_at: Date | null;
}

export interface RunCounts {
  invoicesAudited: number;
  linesAudited: number;
  findingsRaised: number;
  flaggedByCategory: Record<Category, string>;
}

/**
 * Records a new running audit. At most one audit of an authority runs at a time: the unique
 * index audit_runs_one_running (migration 1901) refuses a second running row, whichever process
 * inserts it, and the caller is told which run is running (AppError "audit.already_running").
 */
export async function startRun(knex: Knex, authorityId: number, scope: string, trigger: string, runKey: string | null): Promise<string> {
  try {
    const [row] = await knex("audit_runs").insert({ authority_id: authorityId, scope, trigger, run_key: runKey, status: "running" }).returning<{ id: string }[]>("id");
    return String(row?.id);
  } catch (error) {
    if (!/audit_runs_one_running/.test((error as Error).message)) throw error;
    const running = await runningRun(knex, authorityId);
    throw new AppError(
      "audit.already_running",
      running
        ? `An audit is already running (run ${running.id}, ${running.scope}, started ${running.startedAt} by ${running.trigger}); try again when it has finished.`
        : "An audit is already running; try again when it has finished.",
      { runId: running?.id ?? null },
    );
  }
}

export interface RunningRun {
  id: string;
  scope: string;
  trigger: string;
  /** ISO 8601. */
  startedAt: string;
}

/** The authority's running audit, if any (at most one: audit_runs_one_running). */
export async function runningRun(knex: Knex, authorityId: number): Promise<RunningRun | null> {
  const row = await knex<AuditRunRow>("audit_runs").where({ authority_id: authorityId, status: "running" }).first("id", "scope", "trigger", "started_at");
  if (!row) return null;
  const started = row.started_at instanceof Date ? row.started_at.toISOString() : String(row.started_at);
  return { id: String(row.id), scope: row.scope, trigger: row.trigger, startedAt: started };
}

/** Per provider, the earliest date from which the given new invoices change what an audit finds. */
export async function arrivalScope(
  knex: Knex,
  authorityId: number,
  invoiceIds: readonly string[],
): Promise<{ providerId: string; from: string | null; creditNotes: number; invoices: number }[]> {
  const result: { rows: { provider_id: string; from_date: string | null; credit_notes: string | number; invoices: string | number }[] } = await knex.raw(
    // A credit note can void an invoice of any date, whose nights then stop counting for every
    // later invoice: its provider is audited again from the start (from = null).
    `select i.provider_id,
       case when bool_or(i.kind = 'credit_note') then null else min(i.invoice_date)::text end as from_date,
       count(*) filter (where i.kind = 'credit_note') as credit_notes,
       count(*) filter (where i.kind = 'invoice') as invoices
     from invoices i
     where i.authority_id = ? and i.id = any(?::bigint[]) and ${NOT_TO_VERIFY}
     group by i.provider_id
     order by i.provider_id`,
    [authorityId, [...invoiceIds]],
  );
  return result.rows.map((r) => ({ providerId: r.provider_id, from: r.from_date, creditNotes: Number(r.credit_notes), invoices: Number(r.invoices) }));
}

/** The invoices and credit notes just stored, as the notes of a re-audit name them. */
export async function arrivedInvoices(knex: Knex, authorityId: number, invoiceIds: readonly string[]): Promise<{ id: string; providerId: string; invoiceNumber: string; invoiceDate: string; kind: string; receivedAt: Date }[]> {
  const rows = await knex("invoices")
    .where("authority_id", authorityId)
    .whereIn("id", [...invoiceIds])
    .orderBy([{ column: "invoice_date" }, { column: "received_at" }, { column: "id" }])
    .select<{ id: string | number; provider_id: string; invoice_number: string; invoice_date: string; kind: string; received_at: Date | string }[]>("id", "provider_id", "invoice_number", "invoice_date", "kind", "received_at");
  return rows.map((r) => ({ id: String(r.id), providerId: r.provider_id, invoiceNumber: r.invoice_number, invoiceDate: r.invoice_date, kind: r.kind, receivedAt: new Date(r.received_at) }));
}

/** Invoices (not credit notes) never audited, by month of invoice date: what the safety net found. */
export async function unauditedInvoiceCount(knex: Knex, authorityId: number, upTo: string | null): Promise<number> {
  const query = knex("invoices").where({ authority_id: authorityId, kind: "invoice" }).whereNot("status", "to_verify").whereNull("audited_at");
  if (upTo) void query.andWhere("invoice_date", "<=", upTo);
  const row = (await query.count<{ n: string | number }[]>({ n: "*" }))[0];
  return Number(row?.n ?? 0);
}

/**
 * Credit notes raise no findings: once applied, they are marked audited and cleared (their
 * invoice's findings carry what they gave back).
 */
export async function markCreditNotesApplied(knex: Knex, authorityId: number): Promise<void> {
  await knex("invoices").where({ authority_id: authorityId, kind: "credit_note" }).whereNot("status", "to_verify").whereNull("audited_at").update({ audited_at: knex.fn.now(), status: "cleared" });
}

/**
 * Records which invoice each credit note credits (worked out by resolveCreditNotes), so the
 * pages link them both ways. A credit note that credits nothing known is left unlinked.
 */
export async function linkCreditNotes(knex: Knex, authorityId: number, links: readonly { creditNoteKey: string; invoiceKey: string }[]): Promise<void> {
  if (links.length === 0) return;
  await knex.raw(
    `update invoices i set credits_invoice_id = v.invoice_id
     from json_to_recordset(?::json) as v(credit_note_id bigint, invoice_id bigint)
     where i.id = v.credit_note_id and i.authority_id = ? and i.kind = 'credit_note' and i.credits_invoice_id is distinct from v.invoice_id`,
    [JSON.stringify(links.map((l) => ({ credit_note_id: l.creditNoteKey, invoice_id: l.invoiceKey }))), authorityId],
  );
}

/** The review status of these invoices, from their findings (as saveAuditResults sets it). */
export async function refreshInvoiceStatuses(knex: Knex, invoiceIds: readonly string[]): Promise<void> {
  if (invoiceIds.length === 0) return;
  await knex.raw(
    `update invoices i set status = ${STATUS_FROM_FINDINGS}
     from unnest(?::bigint[]) as v(id)
     cross join lateral (${FINDING_FLAGS}) s
     where i.id = v.id and i.audited_at is not null`,
    [[...invoiceIds]],
  );
}

/** The succeeded runs whose key starts with one of the prefixes, oldest first. */
export async function succeededRunsKeyedUnder(knex: Knex, prefixes: readonly string[]): Promise<AuditRunRow[]> {
  if (prefixes.length === 0) return [];
  const patterns = prefixes.map((p) => `${p.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  return (await knex("audit_runs").where({ status: "succeeded" }).whereRaw("run_key like any(?::text[])", [patterns]).orderBy("id").select("*")) as AuditRunRow[];
}

export async function finishRun(knex: Knex, runId: string, counts: RunCounts): Promise<void> {
  await knex("audit_runs").where({ id: runId }).update({
    status: "succeeded",
    finished_at: knex.fn.now(),
    invoices_audited: counts.invoicesAudited,
    lines_audited: counts.linesAudited,
    findings_raised: counts.findingsRaised,
    flagged_by_category: JSON.stringify(counts.flaggedByCategory),
  });
}

export async function failRun(knex: Knex, runId: string, error: string): Promise<void> {
  await knex("audit_runs").where({ id: runId }).update({ status: "failed", finished_at: knex.fn.now(), error: error.slice(0, 2000) });
}

export interface AuditedInvoiceResult {
  /** Only what is written (not the lines: a batch waiting to be stored should not keep them alive). */
  invoice: Pick<StoredInvoice, "key" | "providerId">;
  findings: Finding[];
  notes: AuditNote[];
}

/** Columns of a findings row as written by an audit, with their PostgreSQL types. */
const FINDING_COLUMNS: readonly (readonly [string, string])[] = [
  ["authority_id", "integer"], ["invoice_id", "bigint"], ["line_no", "integer"], ["rule", "text"], ["category", "text"], ["provider_id", "text"],
  ["child_ref", "text"], ["amount", "numeric"], ["charged", "numeric"], ["expected", "numeric"], ["explanation", "text"], ["evidence", "jsonb"],
  ["status", "text"], ["first_run_id", "bigint"], ["last_run_id", "bigint"],
];
const FINDING_NAMES = FINDING_COLUMNS.map(([name]) => name).join(", ");
const FINDING_RECORD = FINDING_COLUMNS.map(([name, type]) => `${name} ${type}`).join(", ");

/** An amount column as "£1,135.20" in SQL (the same on PostgreSQL and the embedded database). */
const POUNDS = (column: string): string => `'£' || to_char(${column}, 'FM999,999,999,990.00')`;

/** Whether invoice v.id has open or confirmed findings (one lateral look at its own findings). */
const FINDING_FLAGS = `select coalesce(bool_or(f.status = 'open'), false) as open, coalesce(bool_or(f.status = 'confirmed'
    or (f.status = 'recovered' and coalesce(f.recovered_amount, f.amount) + coalesce(f.written_off_amount, 0) < f.amount)), false) as confirmed
  from findings f where f.invoice_id = v.id and f.status <> 'superseded'`;

/**
 * An invoice's review status from FINDING_FLAGS: open → awaiting review, confirmed or partly
 * recovered (still owed) → queried, else (all recovered in full, recovered in part with the
 * balance written off, or dismissed) cleared.
 */
const STATUS_FROM_FINDINGS = `case when s.open then 'awaiting_review' when s.confirmed then 'queried' else 'cleared' end`;

/** Findings written per statement. */
const FINDINGS_PER_STATEMENT = 5_000;

/**
 * Writes one batch of audit results in a transaction: findings upserted by (invoice, line, rule)
 * keeping any reviewer decision (a superseded finding that applies again is reopened), open
 * findings of these invoices that this run did not raise marked superseded, the invoices' notes,
 * audit time and review status updated.
 *
 * Bulk throughout (DESIGN.md §9): a batch of a thousand invoices is a few statements, never one
 * per invoice or finding. A batch whose invoices have no findings yet (every invoice's first
 * audit, so all of a first run) takes a shorter path, firstAuditOfBatch; the others are
 * re-audits, reAuditOfBatch.
 *
 * The batch commits without waiting for its WAL to reach the disk (synchronous_commit off for
 * this transaction only). A crash can then lose the last few batches' commits, never part of
 * one, and only of a run still marked running: the run's own end (finishRun) commits as usual,
 * which flushes every batch before it, so a run marked succeeded is whole; a run cut short by
 * a crash is audited again, and saving is idempotent. Meanwhile the audit does not wait about a
 * disk flush per batch.
 */
export async function saveAuditResults(
  knex: Knex,
  authorityId: number,
  runId: string,
  results: AuditedInvoiceResult[],
  cause: string | null = null,
  options: { noFindingsYet?: boolean } = {},
): Promise<void> {
  if (results.length === 0) return;
  const invoiceIds = results.map((r) => r.invoice.key);
  await knex.transaction(async (trx) => {
    await trx.raw("set local synchronous_commit = off");
    // The caller may know the answer already (providersWithFindings): during a first big audit
    // the look below was planned as a scan of every finding so far, for every batch.
    const existing = options.noFindingsYet === true ? { any: false, decided: false } : await existingFindings(trx, invoiceIds);
    if (!existing.any) await firstAuditOfBatch(trx, authorityId, runId, results);
    else await reAuditOfBatch(trx, authorityId, runId, results, { decided: existing.decided, cause });
  });
}

/**
 * The batch's invoices have no findings at all: what upsertFindings, superseding and the
 * status from FINDING_FLAGS would do reduces to inserting the new findings (nothing can
 * conflict: one audit of an authority runs at a time, audit_runs_one_running) and giving each
 * invoice the status its new findings make, all of them open: awaiting review if it has any,
 * else cleared. One statement each, every column an array parameter (arrayLiteral).
 */
async function firstAuditOfBatch(trx: Knex.Transaction, authorityId: number, runId: string, results: AuditedInvoiceResult[]): Promise<void> {
  for (const part of findingColumns(results)) {
    await trx.raw(
      `insert into findings (authority_id, invoice_id, line_no, rule, category, provider_id, child_ref, amount, charged, expected, explanation, evidence, status, first_run_id, last_run_id)
       select ?::integer, invoice_id, line_no, rule, category, provider_id, child_ref, amount, charged, expected, explanation, evidence, 'open', ?::bigint, ?::bigint
       from unnest(?::bigint[], ?::integer[], ?::text[], ?::text[], ?::text[], ?::text[], ?::numeric[], ?::numeric[], ?::numeric[], ?::text[],
         array(select e from jsonb_array_elements(?::jsonb) with ordinality as j(e, n) order by n))
         as f(invoice_id, line_no, rule, category, provider_id, child_ref, amount, charged, expected, explanation, evidence)`,
      [
        authorityId, runId, runId,
        arrayLiteral(part.invoiceId),
        arrayLiteral(part.lineNo),
        arrayLiteral(part.rule),
        arrayLiteral(part.category),
        arrayLiteral(part.providerId),
        arrayLiteral(part.childRef),
        arrayLiteral(part.amount),
        arrayLiteral(part.charged),
        arrayLiteral(part.expected),
        arrayLiteral(part.explanation),
        // The evidence as one JSON array: one JSON.stringify, and no quotes to escape for an array literal.
        JSON.stringify(part.evidence),
      ],
    );
  }
  // The notes as one JSON array too: as a jsonb[] literal every note's JSON had its quotes escaped
  // again (arrayLiteral's slow path for every invoice).
  const ids: string[] = [];
  const statuses: InvoiceStatus[] = [];
  const notes: AuditNote[][] = [];
  for (const result of results) {
    ids.push(result.invoice.key);
    statuses.push(result.findings.length > 0 ? "awaiting_review" : "cleared");
    notes.push(result.notes);
  }
  await trx.raw(
    `update invoices i set audit_notes = v.notes, audited_at = now(), status = v.status
     from unnest(?::bigint[], array(select e from jsonb_array_elements(?::jsonb) with ordinality as j(e, n) order by n), ?::text[]) as v(id, notes, status)
     where i.id = v.id`,
    [arrayLiteral(ids), JSON.stringify(notes), arrayLiteral(statuses)],
  );
}

/** A statement's findings as columns (findingColumns). */
interface FindingColumns {
  invoiceId: string[];
  lineNo: number[];
  rule: string[];
  category: string[];
  providerId: string[];
  childRef: (string | null)[];
  amount: string[];
  charged: string[];
  expected: string[];
  explanation: string[];
  evidence: Finding["evidence"][];
}

/**
 * A batch's findings, in order, as columns of at most FINDINGS_PER_STATEMENT rows: one pass
 * over the findings, with no object per finding and no list of them all.
 */
function* findingColumns(results: readonly AuditedInvoiceResult[]): Generator<FindingColumns> {
  const empty = (): FindingColumns => ({ invoiceId: [], lineNo: [], rule: [], category: [], providerId: [], childRef: [], amount: [], charged: [], expected: [], explanation: [], evidence: [] });
  let part = empty();
  for (const { invoice, findings } of results) {
    for (const finding of findings) {
      part.invoiceId.push(invoice.key);
      part.lineNo.push(finding.lineNo ?? 0);
      part.rule.push(finding.rule);
      part.category.push(finding.category);
      part.providerId.push(invoice.providerId);
      part.childRef.push(finding.childRef);
      part.amount.push(finding.amount);
      part.charged.push(finding.charged);
      part.expected.push(finding.expected);
      part.explanation.push(finding.explanation);
      part.evidence.push(finding.evidence);
      if (part.invoiceId.length === FINDINGS_PER_STATEMENT) {
        yield part;
        part = empty();
      }
    }
  }
  if (part.invoiceId.length > 0) yield part;
}

/**
 * Some of the batch's invoices were audited before: findings upserted on (invoice, line, rule)
 * as one JSON parameter (`json_to_recordset`), decisions flagged where a re-audit would change
 * them, open findings no longer raised superseded, and each invoice's status worked out again
 * from all its findings.
 */
async function reAuditOfBatch(
  trx: Knex.Transaction,
  authorityId: number,
  runId: string,
  results: AuditedInvoiceResult[],
  options: { decided: boolean; cause: string | null },
): Promise<void> {
  const { decided, cause } = options;
  const rows: Record<string, unknown>[] = [];
  for (const { invoice, findings } of results) {
    for (const f of findings) {
      rows.push({
        authority_id: authorityId,
        invoice_id: invoice.key,
        line_no: f.lineNo ?? 0,
        rule: f.rule,
        category: f.category,
        provider_id: invoice.providerId,
        child_ref: f.childRef,
        amount: f.amount,
        charged: f.charged,
        expected: f.expected,
        explanation: f.explanation,
        evidence: f.evidence,
        status: "open",
        first_run_id: runId,
        last_run_id: runId,
      });
    }
  }
  const invoiceIds = results.map((r) => r.invoice.key);
  for (let i = 0; i < rows.length; i += FINDINGS_PER_STATEMENT) {
    await trx.raw(
      `insert into findings (${FINDING_NAMES})
       select ${FINDING_NAMES} from json_to_recordset(?::json) as f(${FINDING_RECORD})
       on conflict (invoice_id, line_no, rule) do update set
         category = excluded.category, child_ref = excluded.child_ref, amount = excluded.amount, charged = excluded.charged,
         expected = excluded.expected, explanation = excluded.explanation, evidence = excluded.evidence, last_run_id = excluded.last_run_id,
         status = case when findings.status = 'superseded' then 'open' else findings.status end,
         -- An open finding whose amount a re-audit changed says what changed and why.
         reaudit_change = case when findings.status = 'open' and findings.amount <> excluded.amount and ?::text is not null
           then 'Changed by the re-audit after ' || ?::text || ': ' || ${POUNDS("findings.amount")} || ' → ' || ${POUNDS("excluded.amount")} || '.'
           when findings.status = 'open' and findings.amount = excluded.amount then findings.reaudit_change else null end,
         updated_at = now()
       where findings.status in ('open', 'superseded')`,
      [JSON.stringify(rows.slice(i, i + FINDINGS_PER_STATEMENT)), cause, cause],
    );
    // A decided finding (confirmed, recovered, dismissed) is never changed by a re-audit
    // (AUDIT.md "When"): it keeps its figures, and a different amount is flagged for reviewers.
    // Without decided findings in the batch this has nothing to do, and PostgreSQL is spared
    // parsing the batch a second time and a join per finding.
    if (!decided) continue;
    await trx.raw(
      `update findings d set last_run_id = f.last_run_id, reaudit_change = case when d.amount = f.amount then null
         -- Already flagged for this amount: the note keeps the arrival that changed it.
         when d.reaudit_change like '% raises ' || ${POUNDS("f.amount")} || ' instead of %' then d.reaudit_change
         else 'The re-audit' || coalesce(' after ' || ?::text, '') || ' raises ' || ${POUNDS("f.amount")} || ' instead of ' || ${POUNDS("d.amount")} || '.' end
       from json_to_recordset(?::json) as f(${FINDING_RECORD})
       where d.invoice_id = f.invoice_id and d.line_no = f.line_no and d.rule = f.rule and d.status in ('confirmed', 'recovered', 'dismissed')`,
      [cause, JSON.stringify(rows.slice(i, i + FINDINGS_PER_STATEMENT))],
    );
  }
  // Why an open finding was superseded, when the run knows (an arrival): "Superseded: …".
  await trx.raw(
    `update findings f set status = 'superseded', updated_at = now(),
       reaudit_change = case when ?::text is null then null
         else 'Superseded: the re-audit after ' || ?::text || ' no longer raises this ' || ${POUNDS("f.amount")} || ' finding.' end
     from unnest(?::bigint[]) as v(id)
     where f.invoice_id = v.id and f.status = 'open' and (f.last_run_id is null or f.last_run_id <> ?)`,
    [cause, cause, invoiceIds, runId],
  );
  const noLonger = `'The re-audit' || coalesce(' after ' || ?::text, '') || ' no longer raises this finding.'`;
  if (decided) await trx.raw(
    `update findings f set reaudit_change = ${noLonger}, updated_at = now()
     from unnest(?::bigint[]) as v(id)
     where f.invoice_id = v.id and f.status in ('confirmed', 'recovered', 'dismissed') and (f.last_run_id is null or f.last_run_id <> ?)
       and (f.reaudit_change is null or f.reaudit_change not like '%no longer raises this finding.')`,
    [cause, invoiceIds, runId],
  );
  // The review status follows the findings: open ones await review, confirmed ones are
  // queried with the provider, none left (all recovered or dismissed) clears the invoice.
  // Per invoice, a lateral look at its own findings (by index), never a scan of them all.
  await trx.raw(
    `update invoices i set audit_notes = v.notes, audited_at = now(), status = ${STATUS_FROM_FINDINGS}
     from json_to_recordset(?::json) as v(id bigint, notes jsonb)
     cross join lateral (${FINDING_FLAGS}) s
     where i.id = v.id`,
    [JSON.stringify(results.map((r) => ({ id: r.invoice.key, notes: r.notes })))],
  );
}

/**
 * Of these providers, those with any finding in the authority: one probe of the (authority,
 * provider) index each. A part asks once, before it audits: a batch of providers without
 * findings then needs no look at its invoices' findings (existingFindings) to know they have
 * none, since the part's own batches write findings only for their own invoices, once each.
 *
 * That look is why: during a first big audit the statistics still say findings is empty while
 * the table grows, and PostgreSQL planned it as a hash join over a sequential scan of every
 * finding so far, or, under row-level security, as a bitmap of every finding of the authority
 * per invoice; either way a cost per batch that grew with the findings written (3 s of the
 * server's time in a 1M-line audit; bench/README.md step 17).
 */
export async function providersWithFindings(knex: Knex, authorityId: number, providerIds: readonly string[]): Promise<Set<string>> {
  if (providerIds.length === 0) return new Set();
  const result: { rows: { provider_id: string }[] } = await knex.raw(
    `select p.id as provider_id from unnest(?::text[]) as p(id)
     where exists (select 1 from findings f where f.authority_id = ? and f.provider_id = p.id)`,
    [[...providerIds], authorityId],
  );
  return new Set(result.rows.map((row) => row.provider_id));
}

/**
 * Whether any of these invoices has findings, and whether any has a decided one (confirmed,
 * recovered or dismissed): one index probe per invoice, reading the status of the findings found.
 */
async function existingFindings(trx: Knex.Transaction, invoiceIds: readonly string[]): Promise<{ any: boolean; decided: boolean }> {
  const result: { rows: { any: boolean; decided: boolean }[] } = await trx.raw(
    `select coalesce(bool_or(true), false) as any, coalesce(bool_or(f.status in ('confirmed', 'recovered', 'dismissed')), false) as decided
     from unnest(?::bigint[]) as v(id) cross join lateral (select status from findings f where f.invoice_id = v.id) f`,
    [[...invoiceIds]],
  );
  return { any: result.rows[0]?.any === true, decided: result.rows[0]?.decided === true };
}

/**
 * Records money a credit note gave back against the credited invoice's findings: the whole
 * invoice for a voiding credit, or an amount (optionally for one child) for a partial one.
 * Recovered money is allocated to open or confirmed findings, largest first, and written to the
 * decision trail as the credit note's doing, not a person's.
 */
export async function recordCreditRecovery(
  knex: Knex,
  invoiceKey: string,
  credit: { authorityId: number; childRef: string | null; amount: string | null; creditNoteNumber: string; creditDate: string },
): Promise<void> {
  const reason = `Credit note ${credit.creditNoteNumber}`;
  await knex.transaction(async (trx) => {
    // Idempotent: a credit note already applied to this invoice is not applied again on a re-run.
    const applied: { id: string } | undefined = await trx("finding_decisions as d")
      .join("findings as f", "f.id", "d.finding_id")
      .where({ "f.invoice_id": invoiceKey, "d.action": "recover_by_credit_note", "d.reason": reason })
      .first("d.id");
    if (applied) return;
    const query = trx("findings")
      .select("id", "amount", "status", "recovered_amount")
      .where({ invoice_id: invoiceKey })
      .whereIn("status", ["open", "confirmed"])
      .orderBy([{ column: "amount", order: "desc" }, { column: "id" }])
      .forUpdate();
    if (credit.childRef) void query.andWhere({ child_ref: credit.childRef });
    const findings = (await query) as { id: string; amount: string; status: string; recovered_amount: string | null }[];
    let left: Dec | null = credit.amount === null ? null : new Dec(credit.amount);
    for (const finding of findings) {
      if (left !== null && left.lte(ZERO)) break;
      const recoveredAmount: Dec = left === null ? new Dec(finding.amount) : Dec.min(left, new Dec(finding.amount));
      if (left !== null) left = left.minus(recoveredAmount);
      const recovered = moneyString(recoveredAmount);
      await trx("findings").where({ id: finding.id }).update({
        status: "recovered", recovered_amount: recovered, recovered_on: credit.creditDate, recovered_reference: credit.creditNoteNumber, updated_at: trx.fn.now(),
      });
      await trx("finding_decisions").insert({ finding_id: finding.id, action: "recover_by_credit_note", reason, amount: recovered, decided_on: credit.creditDate });
      await trx("audit_log").insert({
        authority_id: credit.authorityId,
        actor: "audit",
        action: "recover_by_credit_note",
        entity: "finding",
        entity_id: String(finding.id),
        before: JSON.stringify({ status: finding.status, recovered_amount: finding.recovered_amount }),
        after: JSON.stringify({ status: "recovered", recovered_amount: recovered, credit_note: credit.creditNoteNumber }),
      });
    }
  });
}

/** Vacuums and analyses the tables a large audit rewrote (PostgreSQL refuses it inside a transaction). */
export async function vacuumAuditTables(knex: Knex): Promise<void> {
  await knex.raw("vacuum (analyze) findings, invoices");
}
