import type { Database } from "../connection.js";
import type { InvoiceRow, ReceivedFileRow } from "../repositories/invoice.repository.js";
import type { ProviderTemplateRow } from "../repositories/provider-template.repository.js";
import { isRowId } from "../row-id.js";
import { resultOf, type Scope } from "./read-model.js";

/** Read models of the keying work (issue 18): invoices to verify, discarded files, taught templates. */
export interface ToVerifyItem {
  id: string;
  providerId: string;
  invoiceNumber: string;
  invoiceDate: string;
  total: string;
  fileName: string;
  receivedAt: Date;
  /** The values read without certainty. */
  uncertain: Array<{ field: string; reason: string; candidates: string[] }>;
}

function jsonList<T>(value: unknown): T[] {
  const list: unknown = typeof value === "string" ? JSON.parse(value) : value;
  return Array.isArray(list) ? (list as T[]) : [];
}

export async function invoicesToVerify(db: Database, scope: Scope): Promise<ToVerifyItem[]> {
  const rows = await resultOf<Array<Pick<InvoiceRow, "id" | "provider_id" | "invoice_number" | "invoice_date" | "total" | "received_at"> & { original_name: string; uncertain_fields: unknown }>>(
    db.knex("invoices as i")
      .join("received_files as r", "r.id", "i.file_id")
      .where({ "i.authority_id": scope.authorityId, "i.status": "to_verify" })
      // The same invoices (check invoices_to_verify_uncertain), named so the invoices_to_verify index serves the queue.
      .whereRaw("i.uncertain_fields <> '[]'::jsonb")
      .orderBy([{ column: "i.received_at" }, { column: "i.id" }])
      .select("i.id", "i.provider_id", "i.invoice_number", "i.invoice_date", "i.total", "i.received_at", "r.original_name", "i.uncertain_fields"),
  );
  return rows.map((r) => ({
    id: String(r.id), providerId: r.provider_id, invoiceNumber: r.invoice_number, invoiceDate: r.invoice_date, total: r.total, fileName: r.original_name,
    receivedAt: r.received_at, uncertain: jsonList(r.uncertain_fields),
  }));
}

export interface DiscardedFile {
  id: string;
  originalName: string;
  discardReason: string | null;
  discardedBy: string | null;
  discardedAt: Date | null;
}

export async function discardedFiles(db: Database, scope: Scope): Promise<DiscardedFile[]> {
  const rows = await resultOf<Array<Pick<ReceivedFileRow, "id" | "original_name"> & { discard_reason: string | null; discarded_by: string | null; discarded_at: Date | null }>>(
    db.knex("received_files")
      .where({ authority_id: scope.authorityId, status: "discarded" })
      .orderBy([{ column: "discarded_at", order: "desc" }, { column: "id", order: "desc" }])
      .select("id", "original_name", "discard_reason", "discarded_by", "discarded_at"),
  );
  return rows.map((r) => ({ id: String(r.id), originalName: r.original_name, discardReason: r.discard_reason, discardedBy: r.discarded_by, discardedAt: r.discarded_at }));
}

export interface TaughtTemplateItem {
  id: string;
  providerId: string;
  providerName: string;
  template: Record<string, unknown>;
  learntFromFile: string | null;
  createdBy: string;
  createdAt: Date;
}

function templateItem(row: ProviderTemplateRow & { name: string; original_name: string | null }): TaughtTemplateItem {
  const json: unknown = typeof row.template === "string" ? JSON.parse(row.template) : row.template;
  return {
    id: String(row.id), providerId: row.provider_id, providerName: row.name,
    template: json !== null && typeof json === "object" && !Array.isArray(json) ? (json as Record<string, unknown>) : {},
    learntFromFile: row.original_name, createdBy: row.created_by, createdAt: row.created_at,
  };
}

function templatesQuery(db: Database, scope: Scope) {
  return db.knex("provider_templates as t")
    .join("providers as p", function joinProvider() {
      this.on("p.authority_id", "=", "t.authority_id").andOn("p.provider_id", "=", "t.provider_id");
    })
    .leftJoin("received_files as r", "r.id", "t.learnt_from_file_id")
    .where("t.authority_id", scope.authorityId)
    .select("t.*", "p.name", "r.original_name");
}

export async function taughtTemplateList(db: Database, scope: Scope): Promise<TaughtTemplateItem[]> {
  const rows = await resultOf<Array<ProviderTemplateRow & { name: string; original_name: string | null }>>(templatesQuery(db, scope).orderBy([{ column: "t.provider_id" }]));
  return rows.map(templateItem);
}

export async function taughtTemplateDetail(db: Database, scope: Scope, id: string): Promise<TaughtTemplateItem | null> {
  if (!isRowId(id)) return null;
  const row = await resultOf<(ProviderTemplateRow & { name: string; original_name: string | null }) | undefined>(templatesQuery(db, scope).andWhere("t.id", id).first());
  return row ? templateItem(row) : null;
}
