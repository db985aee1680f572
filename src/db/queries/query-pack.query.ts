import type { Database } from "../connection.js";
import type { FindingRow } from "../repositories/finding.repository.js";
import type { InvoiceRow } from "../repositories/invoice.repository.js";

/** A confirmed finding as the query pack lists it, with its invoice's number and date. */
export type QueryPackFindingRow = Pick<FindingRow, "id" | "invoice_id" | "child_ref" | "rule" | "charged" | "expected" | "amount" | "explanation" | "status" | "recovered_amount"> &
  Pick<InvoiceRow, "invoice_number" | "invoice_date"> & { evidence: unknown };

/**
 * One provider's findings still owed: confirmed (raised with the provider, not yet recovered or
 * dismissed) or recovered only in part, in invoice date, invoice number and line order.
 */
export async function confirmedFindingsOfProvider(db: Database, authorityId: number, providerId: string): Promise<QueryPackFindingRow[]> {
  return (await db
    .knex("findings as f")
    .join("invoices as i", "i.id", "f.invoice_id")
    .select("f.id", "f.invoice_id", "i.invoice_number", "i.invoice_date", "f.child_ref", "f.rule", "f.charged", "f.expected", "f.amount", "f.explanation", "f.evidence", "f.status", "f.recovered_amount")
    .where({ "f.authority_id": authorityId, "f.provider_id": providerId })
    .andWhere((q) => void q.where("f.status", "confirmed").orWhere((p) => void p.where("f.status", "recovered").andWhereRaw("coalesce(f.recovered_amount, f.amount) + coalesce(f.written_off_amount, 0) < f.amount")))
    .orderBy([{ column: "i.invoice_date" }, { column: "i.invoice_number" }, { column: "f.line_no" }, { column: "f.id" }])) as QueryPackFindingRow[];
}
