import type { Database } from "../../db/connection.js";
import { listToVerify } from "../../db/repositories/keying.repository.js";

/** `invoices --to-verify` (INTERFACES.md): invoices read with uncertain values, waiting for a person. */
export interface ToVerifyJson {
  invoice_id: string;
  provider_id: string;
  invoice_number: string;
  invoice_date: string;
  total: string;
  source_file: string;
  received_at: string;
  /** Each value not read with certainty: the field, why, and what it could be. */
  uncertain: Array<{ field: string; reason: string; candidates: string[] }>;
}

export async function listInvoicesToVerify(db: Database, options: { authorityId: number }): Promise<ToVerifyJson[]> {
  return (await listToVerify(db.knex, options.authorityId)).map((r) => ({
    invoice_id: r.id, provider_id: r.providerId, invoice_number: r.invoiceNumber, invoice_date: r.invoiceDate, total: r.total,
    source_file: r.sourceFile, received_at: r.receivedAt.toISOString(), uncertain: r.uncertain,
  }));
}
