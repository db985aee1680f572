import type { Knex } from "knex";
import type { Invoice, InvoiceKind, InvoiceLine } from "../../domain/invoice.js";
import { invoiceLineFromRow, type InvoiceLineRow } from "./invoice.repository.js";
import type { AuditNote, Category, Finding } from "../../domain/finding.js";
import { Dec, ZERO, moneyString } from "../../domain/money.js";

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

interface InvoiceRow {
  id: string;
  provider_id: string;
  invoice_number: string;
  invoice_date: string;
  kind: InvoiceKind;
  credits_invoice: string | null;
  period_from: string | null;
  period_to: string | null;
  subtotal: string | null;
  vat: string | null;
  total: string;
  received_at: Date | string;
}


const INVOICE_COLUMNS = [
  "id", "provider_id", "invoice_number", "invoice_date", "kind", "credits_invoice", "period_from", "period_to",
  "subtotal", "vat", "total", "received_at",
];


function toInvoice(row: InvoiceRow, lines: InvoiceLine[]): StoredInvoice {
  return {
    key: String(row.id),
    receivedAt: row.received_at instanceof Date ? row.received_at.toISOString() : String(row.received_at),
    providerId: row.provider_id,
    invoiceNumber: row.invoice_number,
    invoiceDate: row.invoice_date,
    kind: row.kind,
    creditsInvoice: row.credits_invoice,
    periodFrom: row.period_from,
    periodTo: row.period_to,
    subtotal: row.subtotal,
    vat: row.vat,
    total: row.total,
    lines,
  };
}

async function withLines(knex: Knex, rows: InvoiceRow[]): Promise<StoredInvoice[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const lineRows = await knex("invoice_lines")
    .select<InvoiceLineRow[]>("invoice_id", "line_no", "child_ref", "placement_ref", "description", "item", "from_date", "to_date", "quantity", "unit", "unit_rate", "amount")
    .whereIn("invoice_id", ids)
    .orderBy([{ column: "invoice_id" }, { column: "line_no" }]);
  const byInvoice = new Map<string, InvoiceLine[]>();
  for (const line of lineRows) {
    const key = String(line.invoice_id);
    let list = byInvoice.get(key);
    if (!list) byInvoice.set(key, (list = []));
    list.push(invoiceLineFromRow(line));
  }
  return rows.map((row) => toInvoice(row, byInvoice.get(String(row.id)) ?? []));
}

/**
 * Invoices (not credit notes) dated on or before `upTo` (all when null), in audit order
 * (invoice date, time received, invoice number), in pages: one query for a page of invoices and
 * one for their lines, never a query per line.
 */
export async function* invoicesInAuditOrder(knex: Knex, authorityId: number, upTo: string | null, pageSize = 2000): AsyncGenerator<StoredInvoice[]> {
  let after: { date: string; receivedAt: Date | string; number: string; id: string } | null = null;
  for (;;) {
    const query = knex("invoices")
      .select<InvoiceRow[]>(INVOICE_COLUMNS)
      .where({ authority_id: authorityId, kind: "invoice" })
      .orderBy([{ column: "invoice_date" }, { column: "received_at" }, { column: "invoice_number" }, { column: "id" }])
      .limit(pageSize);
    if (upTo) void query.where("invoice_date", "<=", upTo);
    if (after) {
      const a = after;
      void query.whereRaw("(invoice_date, received_at, invoice_number, id) > (?, ?, ?, ?)", [a.date, a.receivedAt, a.number, a.id]);
    }
    const rows = await query;
    if (rows.length === 0) return;
    yield await withLines(knex, rows);
    const last = rows[rows.length - 1] as InvoiceRow;
    after = { date: last.invoice_date, receivedAt: last.received_at, number: last.invoice_number, id: String(last.id) };
    if (rows.length < pageSize) return;
  }
}

/** Every credit note of the authority (any date: a voiding credit counts whatever the dates). */
export async function creditNotes(knex: Knex, authorityId: number): Promise<StoredInvoice[]> {
  const rows = await knex("invoices").select<InvoiceRow[]>(INVOICE_COLUMNS).where({ authority_id: authorityId, kind: "credit_note" }).orderBy("id");
  return withLines(knex, rows);
}

export interface InvoiceTotalRow {
  key: string;
  providerId: string;
  invoiceNumber: string;
  total: string;
}

/** Every invoice's total, in audit order (a credit note naming a duplicated number credits the copy). */
export async function invoiceTotals(knex: Knex, authorityId: number): Promise<InvoiceTotalRow[]> {
  const rows = await knex("invoices")
    .select<{ id: string; provider_id: string; invoice_number: string; total: string }[]>("id", "provider_id", "invoice_number", "total")
    .where({ authority_id: authorityId, kind: "invoice" })
    .orderBy([{ column: "invoice_date" }, { column: "received_at" }, { column: "invoice_number" }, { column: "id" }]);
  return rows.map((r) => ({ key: String(r.id), providerId: r.provider_id, invoiceNumber: r.invoice_number, total: r.total }));
}

export interface RunCounts {
  invoicesAudited: number;
  linesAudited: number;
  findingsRaised: number;
  flaggedByCategory: Record<Category, string>;
}

export async function startRun(knex: Knex, authorityId: number, scope: string, trigger: string, runKey: string | null): Promise<string> {
  const [row] = await knex("audit_runs").insert({ authority_id: authorityId, scope, trigger, run_key: runKey, status: "running" }).returning<{ id: string }[]>("id");
  return String(row?.id);
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
  invoice: StoredInvoice;
  findings: Finding[];
  notes: AuditNote[];
}

/**
 * Writes one batch of audit results in a transaction: findings upserted by (invoice, line, rule)
 * keeping any reviewer decision (a superseded finding that applies again is reopened), open
 * findings of these invoices that this run did not raise marked superseded, the invoices' notes,
 * audit time and review status updated.
 */
export async function saveAuditResults(knex: Knex, authorityId: number, runId: string, results: AuditedInvoiceResult[]): Promise<void> {
  if (results.length === 0) return;
  await knex.transaction(async (trx) => {
    const rows = results.flatMap(({ invoice, findings }) =>
      findings.map((f) => ({
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
        evidence: JSON.stringify(f.evidence),
        status: "open",
        first_run_id: runId,
        last_run_id: runId,
      })),
    );
    for (let i = 0; i < rows.length; i += 1000) {
      await trx("findings")
        .insert(rows.slice(i, i + 1000))
        .onConflict(["invoice_id", "line_no", "rule"])
        .merge({
          category: trx.raw("excluded.category"),
          child_ref: trx.raw("excluded.child_ref"),
          amount: trx.raw("excluded.amount"),
          charged: trx.raw("excluded.charged"),
          expected: trx.raw("excluded.expected"),
          explanation: trx.raw("excluded.explanation"),
          evidence: trx.raw("excluded.evidence"),
          last_run_id: trx.raw("excluded.last_run_id"),
          status: trx.raw("case when findings.status = 'superseded' then 'open' else findings.status end"),
          updated_at: trx.fn.now(),
        });
    }
    const invoiceIds = results.map((r) => r.invoice.key);
    await trx("findings")
      .whereIn("invoice_id", invoiceIds)
      .andWhere("status", "open")
      .andWhere((q) => void q.whereNull("last_run_id").orWhereNot("last_run_id", runId))
      .update({ status: "superseded", updated_at: trx.fn.now() });
    for (const { invoice, notes } of results) {
      await trx("invoices").where({ id: invoice.key }).update({ audit_notes: JSON.stringify(notes), audited_at: trx.fn.now() });
    }
    // The review status follows the findings: open ones await review, confirmed ones are
    // queried with the provider, none left (all recovered or dismissed) clears the invoice.
    await trx.raw(
      `update invoices i set status = case
         when exists (select 1 from findings f where f.invoice_id = i.id and f.status = 'open') then 'awaiting_review'
         when exists (select 1 from findings f where f.invoice_id = i.id and f.status = 'confirmed') then 'queried'
         else 'cleared' end
       where i.id = any(?::bigint[])`,
      [invoiceIds],
    );
  });
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
  credit: { childRef: string | null; amount: string | null; creditNoteNumber: string; creditDate: string },
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
      await trx("findings").where({ id: finding.id }).update({ status: "recovered", recovered_amount: recovered, recovered_on: credit.creditDate, updated_at: trx.fn.now() });
      await trx("finding_decisions").insert({ finding_id: finding.id, action: "recover_by_credit_note", reason, amount: recovered, decided_on: credit.creditDate });
      await trx("audit_log").insert({
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
