import type { Knex } from "knex";

// The audit reads invoices provider by provider, each provider's in audit order (invoice
// date, time received, invoice number, id), in pages that start after the last row of the page
// before. This index makes each page a short range scan; the audit no longer keeps every
// provider's history in memory at once (nothing it checks crosses providers).
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable("invoices", (t) => {
    t.index(["authority_id", "kind", "provider_id", "invoice_date", "received_at", "invoice_number", "id"], "invoices_provider_audit_order_index");
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable("invoices", (t) => {
    t.dropIndex([], "invoices_provider_audit_order_index");
  });
}
