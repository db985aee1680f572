import type { Knex } from "knex";

// Issue 19: a credit note and the invoice it credits link both ways ("Credits invoice X",
// "Credited by credit note Y"). Which invoice a credit note credits is worked out by the audit
// (AUDIT.md "Credit notes": a number can be on several invoices), so it is recorded when the
// credit note is applied, not guessed by the pages from the number.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable("invoices", (t) => {
    t.bigInteger("credits_invoice_id").references("id").inTable("invoices").onDelete("SET NULL");
    t.index(["credits_invoice_id"]);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable("invoices", (t) => {
    t.dropIndex(["credits_invoice_id"]);
    t.dropForeign(["credits_invoice_id"]);
    t.dropColumn("credits_invoice_id");
  });
}
