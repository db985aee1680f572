import type { Knex } from "knex";

// Issue 16: a file in "needs attention" keeps a stable reason code, the text it stopped at, every
// problem found (a JSON array of {code, message, evidence}) and the provider and invoice number
// when they were read, so `invoices --needs-attention` and the web page can show them all.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable("received_files", (t) => {
    t.text("reason_code");
    t.text("evidence");
    t.jsonb("problems");
    t.text("read_provider_id");
    t.text("read_invoice_number");
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable("received_files", (t) => {
    t.dropColumn("read_invoice_number");
    t.dropColumn("read_provider_id");
    t.dropColumn("problems");
    t.dropColumn("evidence");
    t.dropColumn("reason_code");
  });
}
