import type { Knex } from "knex";

// Issue 25: a query pack is sent to a provider as it is, so it must say who is asking and by
// when to reply. The council's postal address, its contact for invoice queries, how many days a
// provider has to reply, and the address people reach the review UI at (links in the savings
// workbook back to each finding) are the authority's settings (`authority set`, the Settings page).
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable("authorities", (t) => {
    t.text("address");
    t.text("contact_name");
    t.text("contact_email");
    t.text("contact_phone");
    t.integer("query_reply_days").notNullable().defaultTo(28);
    t.text("public_url");
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable("authorities", (t) => {
    for (const column of ["public_url", "query_reply_days", "contact_phone", "contact_email", "contact_name", "address"]) t.dropColumn(column);
  });
}
