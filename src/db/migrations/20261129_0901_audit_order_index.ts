import type { Knex } from "knex";

// The audit reads invoices in audit order (invoice date, time received, invoice number, id) in
// pages, each page starting after the last row of the one before. With this index a page is a
// short index range scan; without it every page sorted all of the authority's invoices again,
// which made a large audit's reading grow with the square of its size.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable("invoices", (t) => {
    t.index(["authority_id", "kind", "invoice_date", "received_at", "invoice_number", "id"], "invoices_audit_order_index");
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable("invoices", (t) => {
    t.dropIndex([], "invoices_audit_order_index");
  });
}
