import type { Knex } from "knex";
import type { Invoice, UncertainValue } from "../../domain/invoice.js";
import { invoiceFromRow, invoiceLineFromRow, invoiceToRow, insertInvoiceLines, type InvoiceLineRow, type InvoiceRow } from "./invoice.repository.js";

/**
 * What the keying screen changes (issue 18, migration 20261208_1801_keying): an invoice waiting
 * to be verified, files discarded and restored, and the references a keyed line is checked against.
 */

export interface ToVerifyRecord {
  id: string;
  fileId: string;
  status: string;
  notes: string[];
  uncertain: UncertainValue[];
  invoice: Invoice;
}

function jsonList<T>(value: unknown): T[] {
  const list: unknown = typeof value === "string" ? JSON.parse(value) : value;
  return Array.isArray(list) ? (list as T[]) : [];
}

/** An invoice with its lines and its uncertain values, locked for update when in a transaction. */
export async function lockInvoiceForVerify(trx: Knex.Transaction, authorityId: number, invoiceId: string): Promise<ToVerifyRecord | null> {
  if (!/^\d{1,18}$/.test(invoiceId)) return null;
  const row = (await trx("invoices").where({ authority_id: authorityId, id: invoiceId }).forUpdate().first()) as
    | (InvoiceRow & { uncertain_fields: unknown })
    | undefined;
  if (!row) return null;
  const lines = (await trx("invoice_lines").where({ invoice_id: invoiceId }).orderBy("line_no")) as InvoiceLineRow[];
  return {
    id: String(row.id),
    fileId: String(row.file_id),
    status: row.status,
    notes: jsonList<unknown>(row.extraction_notes).map((n) => (typeof n === "string" ? n : JSON.stringify(n))),
    uncertain: jsonList<UncertainValue>(row.uncertain_fields),
    invoice: invoiceFromRow(row, lines.map(invoiceLineFromRow)),
  };
}

/** Replaces a to-verify invoice's values with those a person confirmed; it now waits for the audit. */
export async function storeVerifiedInvoice(
  trx: Knex.Transaction,
  invoiceId: string,
  invoice: Invoice,
  record: { notes: readonly string[]; by: string; at: Date },
): Promise<void> {
  await trx("invoices")
    .where({ id: invoiceId })
    .update({
      ...invoiceToRow(invoice),
      status: "awaiting_audit",
      audited_at: null,
      source: "verified",
      source_by: record.by,
      source_at: record.at,
      uncertain_fields: JSON.stringify([]),
      extraction_notes: JSON.stringify(record.notes),
    });
  await trx("invoice_lines").where({ invoice_id: invoiceId }).delete();
  await insertInvoiceLines(trx, invoiceId, invoice.lines);
}

export async function markFileKeyed(trx: Knex.Transaction, fileId: string, at: Date): Promise<void> {
  await trx("received_files").where({ id: fileId }).update({
    status: "processed", reason: null, reason_code: null, evidence: null, problems: null, processed_at: at,
  });
}

export async function discardReceivedFile(trx: Knex.Transaction, fileId: string, record: { reason: string; by: string; at: Date }): Promise<void> {
  await trx("received_files").where({ id: fileId }).update({ status: "discarded", discard_reason: record.reason, discarded_by: record.by, discarded_at: record.at });
}

/** Back to the queue as it was: its reason for needing attention was kept. */
export async function restoreReceivedFile(trx: Knex.Transaction, fileId: string): Promise<void> {
  await trx("received_files").where({ id: fileId }).update({ status: "needs_attention", discard_reason: null, discarded_by: null, discarded_at: null });
}

export async function lockReceivedFileStatus(trx: Knex.Transaction, authorityId: number, fileId: string): Promise<{ id: string; status: string; originalName: string; discardReason: string | null; readProviderId: string | null } | null> {
  if (!/^\d{1,18}$/.test(fileId)) return null;
  const row = await trx("received_files")
    .where({ authority_id: authorityId, id: fileId })
    .forUpdate()
    .first<{ id: string | number; status: string; original_name: string; discard_reason: string | null; read_provider_id: string | null } | undefined>("id", "status", "original_name", "discard_reason", "read_provider_id");
  return row ? { id: String(row.id), status: row.status, originalName: row.original_name, discardReason: row.discard_reason, readProviderId: row.read_provider_id } : null;
}

/** The provider ids, and a provider's child references and placement ids / PO numbers. */
export async function knownReferences(knex: Knex, authorityId: number, providerId: string): Promise<{ providers: string[]; childRefs: string[]; placementRefs: string[] }> {
  const providers = (await knex("providers").where({ authority_id: authorityId }).orderBy("provider_id").select<Array<{ provider_id: string }>>("provider_id")).map((p) => p.provider_id);
  const placements = await knex("placements")
    .where({ authority_id: authorityId, provider_id: providerId })
    .select<Array<{ placement_id: string; child_ref: string; po_number: string | null }>>("placement_id", "child_ref", "po_number");
  return {
    providers,
    childRefs: [...new Set(placements.map((p) => p.child_ref))].sort(),
    placementRefs: [...new Set(placements.flatMap((p) => [p.placement_id, ...(p.po_number ? [p.po_number] : [])]))].sort(),
  };
}

/** The provider's other files waiting in "needs attention" (as far as the reader recognised their provider). */
export async function waitingFilesOfProvider(knex: Knex, authorityId: number, providerId: string): Promise<string[]> {
  const rows = await knex("received_files")
    .where({ authority_id: authorityId, status: "needs_attention", read_provider_id: providerId })
    .orderBy([{ column: "received_at" }, { column: "id" }])
    .select<Array<{ id: string | number }>>("id");
  return rows.map((r) => String(r.id));
}

/** Why a file was discarded (null when it was not). */
export async function fileDiscardReason(knex: Knex, fileId: string): Promise<string | null> {
  const row = await knex("received_files").where({ id: fileId }).first<{ discard_reason: string | null } | undefined>("discard_reason");
  return row?.discard_reason ?? null;
}

export interface ToVerifyRow {
  id: string;
  providerId: string;
  invoiceNumber: string;
  invoiceDate: string;
  total: string;
  sourceFile: string;
  receivedAt: Date;
  uncertain: UncertainValue[];
}

/** Invoices read with uncertain values, waiting for a person, oldest first. */
export async function listToVerify(knex: Knex, authorityId: number): Promise<ToVerifyRow[]> {
  const rows = await knex("invoices as i")
    .join("received_files as r", "r.id", "i.file_id")
    .where({ "i.authority_id": authorityId, "i.status": "to_verify" })
    // The same invoices (check invoices_to_verify_uncertain), named so the invoices_to_verify index serves the queue.
    .whereRaw("i.uncertain_fields <> '[]'::jsonb")
    .orderBy([{ column: "i.received_at" }, { column: "i.id" }])
    .select<Array<Pick<InvoiceRow, "id" | "provider_id" | "invoice_number" | "invoice_date" | "total" | "received_at"> & { original_name: string; uncertain_fields: unknown }>>(
      "i.id", "i.provider_id", "i.invoice_number", "i.invoice_date", "i.total", "i.received_at", "r.original_name", "i.uncertain_fields",
    );
  return rows.map((r) => ({
    id: String(r.id), providerId: r.provider_id, invoiceNumber: r.invoice_number, invoiceDate: r.invoice_date, total: r.total,
    sourceFile: r.original_name, receivedAt: r.received_at, uncertain: jsonList<UncertainValue>(r.uncertain_fields),
  }));
}
