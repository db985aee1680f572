import type { Knex } from "knex";
import { appendAuditLog } from "../../db/repositories/audit-log.repository.js";
import { arrivalAuditSummary, type ArrivalAuditResult } from "../audit/audit-arrivals.js";

/** What the log keeps of one file's outcome (ingest-files.ts IngestFileResult has these fields). */
interface FileOutcome {
  name: string;
  status: "stored" | "already_received" | "needs_attention";
  invoiceId: string | null;
  invoiceNumber: string | null;
  providerId: string | null;
  kind: "invoice" | "credit_note" | null;
  reason: string | null;
}

/** Files named one by one in an entry; a bigger ingest names these and counts the rest. */
const FILES_NAMED = 200;

/**
 * Invoices received are in the audit log: who (a person, the command line, the inbox), how
 * (upload, ingest, re-processing), each file's outcome and what the audit on arrival did.
 */
export async function logInvoiceFiles(
  knex: Knex,
  entry: { authorityId: number; actor: string; action: "upload" | "ingest" | "reprocess"; fileId?: string | null; results: readonly FileOutcome[]; audit: ArrivalAuditResult | null },
): Promise<void> {
  const { results } = entry;
  if (results.length === 0) return;
  const count = (status: FileOutcome["status"]): number => results.filter((r) => r.status === status).length;
  await appendAuditLog(knex, {
    authorityId: entry.authorityId,
    actor: entry.actor,
    action: entry.action,
    entity: entry.fileId ? "invoice file" : "invoice files",
    entityId: entry.fileId ?? null,
    before: null,
    after: {
      files: results.slice(0, FILES_NAMED).map((r) => ({
        name: r.name, status: r.status, invoice_id: r.invoiceId, invoice_number: r.invoiceNumber, provider_id: r.providerId, kind: r.kind,
        ...(r.status === "needs_attention" ? { reason: r.reason } : {}),
      })),
      ...(results.length > FILES_NAMED ? { files_not_named: results.length - FILES_NAMED } : {}),
      stored: count("stored"),
      already_received: count("already_received"),
      needs_attention: count("needs_attention"),
      audit: arrivalAuditSummary(entry.audit),
    },
  });
}
