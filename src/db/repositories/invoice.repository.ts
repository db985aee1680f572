import type { Knex } from "knex";
import type { Invoice, InvoiceKind, InvoiceLine, InvoiceSource, UncertainValue } from "../../domain/invoice.js";
import type { Unit } from "../../domain/reference.js";
import type { InvoiceStatus } from "./finding.repository.js";

/**
 * Received files, and the invoices and lines read from them (migration 20261129_0003_invoices).
 * Rows ↔ domain types; numerics stay strings, dates `YYYY-MM-DD` strings.
 */

export type ReceivedFileStatus = "received" | "processed" | "needs_attention" | "discarded";

/** Why a file needs a person, as recorded (migration 20261207_1501_needs_attention_reasons). */
export interface AttentionDetail {
  reasonCode: string;
  evidence: string | null;
  problems: ReadonlyArray<{ code: string; message: string; evidence: string | null }>;
  /** The provider and invoice number, when they were read before the reader stopped. */
  providerId: string | null;
  invoiceNumber: string | null;
}

export interface ReceivedFileRecord {
  id: string;
  sha256: string;
  originalName: string;
  /** Relative to DATA_DIR (or absolute for files stored before that rule). */
  storedPath: string;
  sizeBytes: number;
  status: ReceivedFileStatus;
  reason: string | null;
  /** Null for a file that needs no attention (and for files recorded before reason codes). */
  attention: AttentionDetail | null;
  receivedAt: Date;
  processedAt: Date | null;
}

/** A received_files row (the table's one row type). */
export interface ReceivedFileRow {
  id: string | number;
  authority_id: number;
  sha256: string;
  original_name: string;
  stored_path: string;
  size_bytes: string | number;
  status: ReceivedFileStatus;
  reason: string | null;
  reason_code: string | null;
  evidence: string | null;
  problems: AttentionDetail["problems"] | string | null;
  read_provider_id: string | null;
  read_invoice_number: string | null;
  received_at: Date;
  processed_at: Date | null;
}

function toAttention(row: ReceivedFileRow): AttentionDetail | null {
  if (row.reason_code === null) return null;
  const problems = typeof row.problems === "string" ? (JSON.parse(row.problems) as AttentionDetail["problems"]) : (row.problems ?? []);
  return { reasonCode: row.reason_code, evidence: row.evidence, problems, providerId: row.read_provider_id, invoiceNumber: row.read_invoice_number };
}

function attentionColumns(attention: AttentionDetail | null): Record<string, string | null> {
  return {
    reason_code: attention?.reasonCode ?? null,
    evidence: attention?.evidence ?? null,
    problems: attention ? JSON.stringify(attention.problems) : null,
    read_provider_id: attention?.providerId ?? null,
    read_invoice_number: attention?.invoiceNumber ?? null,
  };
}

function toFile(row: ReceivedFileRow): ReceivedFileRecord {
  return {
    id: String(row.id),
    sha256: row.sha256,
    originalName: row.original_name,
    storedPath: row.stored_path,
    sizeBytes: Number(row.size_bytes),
    status: row.status,
    reason: row.reason,
    attention: toAttention(row),
    receivedAt: row.received_at,
    processedAt: row.processed_at,
  };
}

export async function findReceivedFileBySha(knex: Knex | Knex.Transaction, authorityId: number, sha256: string): Promise<ReceivedFileRecord | null> {
  const row = (await knex("received_files").where({ authority_id: authorityId, sha256 }).first()) as ReceivedFileRow | undefined;
  return row ? toFile(row) : null;
}

export async function findReceivedFilesBySha(knex: Knex, authorityId: number, hashes: readonly string[]): Promise<Map<string, ReceivedFileRecord>> {
  const result = new Map<string, ReceivedFileRecord>();
  for (let i = 0; i < hashes.length; i += 500) {
    const rows = (await knex("received_files").where({ authority_id: authorityId }).whereIn("sha256", hashes.slice(i, i + 500))) as ReceivedFileRow[];
    for (const row of rows) result.set(row.sha256, toFile(row));
  }
  return result;
}

export async function getReceivedFile(knex: Knex | Knex.Transaction, authorityId: number, id: string): Promise<ReceivedFileRecord | null> {
  if (!/^\d+$/.test(id)) return null;
  const row = (await knex("received_files").where({ authority_id: authorityId, id }).first()) as ReceivedFileRow | undefined;
  return row ? toFile(row) : null;
}

/** The latest receipt time, so that a new ingest's files are received strictly after it. */
export async function latestReceivedAt(knex: Knex, authorityId: number): Promise<Date | null> {
  const row = (await knex("received_files").where({ authority_id: authorityId }).max({ latest: "received_at" }).first()) as { latest: Date | null } | undefined;
  return row?.latest ?? null;
}

export interface NewReceivedFile {
  authorityId: number;
  sha256: string;
  originalName: string;
  storedPath: string;
  sizeBytes: number;
  status: ReceivedFileStatus;
  reason: string | null;
  attention?: AttentionDetail | null;
  receivedAt: Date;
  processedAt: Date | null;
}

/** Inserts a received file; null when a file with the same content is already there (a race). */
export async function insertReceivedFile(trx: Knex.Transaction, file: NewReceivedFile): Promise<string | null> {
  const rows: Array<{ id: string | number }> = await trx("received_files")
    .insert({
      authority_id: file.authorityId,
      sha256: file.sha256,
      original_name: file.originalName,
      stored_path: file.storedPath,
      size_bytes: file.sizeBytes,
      status: file.status,
      reason: file.reason,
      ...attentionColumns(file.attention ?? null),
      received_at: file.receivedAt,
      processed_at: file.processedAt,
    })
    .onConflict(["authority_id", "sha256"])
    .ignore()
    .returning("id");
  const id = rows[0]?.id;
  return id === undefined ? null : String(id);
}

export async function updateReceivedFileStatus(
  trx: Knex | Knex.Transaction,
  id: string,
  status: ReceivedFileStatus,
  reason: string | null,
  processedAt: Date,
  attention: AttentionDetail | null = null,
): Promise<void> {
  await trx("received_files").where({ id }).update({ status, reason, ...attentionColumns(attention), processed_at: processedAt });
}

/** Writes an invoice and its lines; call inside the transaction that records the file. */
export async function insertInvoice(
  trx: Knex.Transaction,
  record: {
    authorityId: number;
    fileId: string;
    receivedAt: Date;
    invoice: Invoice;
    notes: readonly string[];
    /** Values read without certainty: the invoice is stored "to verify" (never audited before a person confirms it). */
    uncertain?: readonly UncertainValue[];
    /** Keyed in or verified by a person (default: read by the reader). */
    source?: { kind: InvoiceSource; by: string; at: Date };
  },
): Promise<string> {
  const uncertain = record.uncertain ?? [];
  const { invoice } = record;
  const inserted: Array<{ id: string | number }> = await trx("invoices")
    .insert({
      authority_id: record.authorityId,
      file_id: record.fileId,
      ...invoiceToRow(invoice),
      extraction_notes: JSON.stringify(record.notes),
      received_at: record.receivedAt,
      ...(uncertain.length > 0 ? { status: "to_verify", uncertain_fields: JSON.stringify(uncertain) } : {}),
      ...(record.source ? { source: record.source.kind, source_by: record.source.by, source_at: record.source.at } : {}),
    })
    .returning("id");
  const invoiceId = String(inserted[0]?.id);
  await insertInvoiceLines(trx, invoiceId, invoice.lines);
  return invoiceId;
}

/** Writes an invoice's lines (its old ones deleted first by the caller when they are replaced). */
export async function insertInvoiceLines(trx: Knex.Transaction, invoiceId: string, invoiceLines: readonly InvoiceLine[]): Promise<void> {
  const lines = invoiceLines.map((line) => ({
    invoice_id: invoiceId,
    line_no: line.lineNo,
    child_ref: line.childRef,
    placement_ref: line.placementRef,
    description: line.description,
    item: line.item,
    from_date: line.from,
    to_date: line.to,
    quantity: line.quantity,
    unit: line.unit,
    unit_rate: line.unitRate,
    amount: line.amount,
  }));
  for (let i = 0; i < lines.length; i += 500) await trx("invoice_lines").insert(lines.slice(i, i + 500));
}

/** Files waiting for a person, oldest first. */
export async function listNeedsAttention(knex: Knex, authorityId: number): Promise<ReceivedFileRecord[]> {
  const rows = (await knex("received_files")
    .where({ authority_id: authorityId, status: "needs_attention" })
    .orderBy([{ column: "received_at" }, { column: "id" }])) as ReceivedFileRow[];
  return rows.map(toFile);
}

export interface StoredInvoiceRecord {
  id: string;
  fileId: string;
  sourceFile: string;
  receivedAt: Date;
  status: string;
  notes: string[];
  invoice: Invoice;
}

/** An invoices row (the table's one row type: the audit repository and the read models pick from it). */
export interface InvoiceRow {
  id: string | number;
  authority_id: number;
  file_id: string | number;
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
  status: InvoiceStatus;
  extraction_notes: unknown;
  audit_notes: unknown;
  received_at: Date;
  audited_at: Date | null;
}

/** The columns that hold an Invoice's header (all of it but its lines). */
export type InvoiceHeaderRow = Pick<
  InvoiceRow,
  "provider_id" | "invoice_number" | "invoice_date" | "kind" | "credits_invoice" | "period_from" | "period_to" | "subtotal" | "vat" | "total"
>;

export function invoiceFromRow(row: InvoiceHeaderRow, lines: InvoiceLine[]): Invoice {
  return {
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

export function invoiceToRow(invoice: Invoice): InvoiceHeaderRow {
  return {
    provider_id: invoice.providerId,
    invoice_number: invoice.invoiceNumber,
    invoice_date: invoice.invoiceDate,
    kind: invoice.kind,
    credits_invoice: invoice.creditsInvoice,
    period_from: invoice.periodFrom,
    period_to: invoice.periodTo,
    subtotal: invoice.subtotal,
    vat: invoice.vat,
    total: invoice.total,
  };
}

/** An invoice_lines row as selected; shared with the audit repository. */
export interface InvoiceLineRow {
  invoice_id: string | number;
  line_no: number;
  child_ref: string | null;
  placement_ref: string | null;
  description: string;
  item: string;
  from_date: string | null;
  to_date: string | null;
  quantity: string | null;
  unit: Unit | null;
  unit_rate: string | null;
  amount: string;
}

function notesOf(value: unknown): string[] {
  const list: unknown = typeof value === "string" ? JSON.parse(value) : value;
  if (!Array.isArray(list)) return [];
  return list.map((note: unknown) => (typeof note === "string" ? note : JSON.stringify(note)));
}

export function invoiceLineFromRow(row: InvoiceLineRow): InvoiceLine {
  return {
    lineNo: row.line_no,
    childRef: row.child_ref,
    placementRef: row.placement_ref,
    description: row.description,
    item: row.item,
    from: row.from_date,
    to: row.to_date,
    quantity: row.quantity,
    unit: row.unit,
    unitRate: row.unit_rate,
    amount: row.amount,
  };
}

/**
 * Invoices with their lines, in audit order (invoice date, time received, number). `month`
 * (`{from, to}`) keeps those dated in it; `ids` only those invoices.
 */
export async function listInvoices(
  knex: Knex,
  authorityId: number,
  filter: { from?: string; to?: string; fileId?: string; providerId?: string } = {},
): Promise<StoredInvoiceRecord[]> {
  const query = knex("invoices as i")
    .join("received_files as r", "r.id", "i.file_id")
    .where("i.authority_id", authorityId)
    .select(
      "i.id", "i.file_id", "r.original_name", "i.provider_id", "i.invoice_number", "i.invoice_date", "i.kind", "i.credits_invoice",
      "i.period_from", "i.period_to", "i.subtotal", "i.vat", "i.total", "i.status", "i.extraction_notes", "i.received_at",
    )
    .orderBy([{ column: "i.invoice_date" }, { column: "i.received_at" }, { column: "i.invoice_number" }, { column: "i.id" }]);
  if (filter.from) void query.andWhere("i.invoice_date", ">=", filter.from);
  if (filter.to) void query.andWhere("i.invoice_date", "<=", filter.to);
  if (filter.fileId) void query.andWhere("i.file_id", filter.fileId);
  if (filter.providerId) void query.andWhere("i.provider_id", filter.providerId);
  const rows = (await query) as (InvoiceRow & { original_name: string })[];
  const linesByInvoice = new Map<string, InvoiceLine[]>();
  const ids = rows.map((r) => String(r.id));
  for (let i = 0; i < ids.length; i += 500) {
    const lineRows = (await knex("invoice_lines").whereIn("invoice_id", ids.slice(i, i + 500)).orderBy([{ column: "invoice_id" }, { column: "line_no" }])) as InvoiceLineRow[];
    for (const line of lineRows) {
      const key = String(line.invoice_id);
      const list = linesByInvoice.get(key) ?? [];
      list.push(invoiceLineFromRow(line));
      linesByInvoice.set(key, list);
    }
  }
  return rows.map((row) => ({
    id: String(row.id),
    fileId: String(row.file_id),
    sourceFile: row.original_name,
    receivedAt: row.received_at,
    status: row.status,
    notes: notesOf(row.extraction_notes),
    invoice: invoiceFromRow(row, linesByInvoice.get(String(row.id)) ?? []),
  }));
}

/** Providers as identification needs them. */
export async function loadProviderIdentities(
  knex: Knex,
  authorityId: number,
): Promise<Array<{ providerId: string; name: string; aliases: string[]; vatNumber: string | null }>> {
  const rows: Array<{ provider_id: string; name: string; aliases: string[] | null; vat_number: string | null }> = await knex("providers")
    .where({ authority_id: authorityId })
    .select("provider_id", "name", "aliases", "vat_number");
  return rows.map((row) => ({ providerId: row.provider_id, name: row.name, aliases: row.aliases ?? [], vatNumber: row.vat_number }));
}
