import type { Knex } from "knex";

// The review pages at a million lines (issue 9). Each list counts its rows exactly and reads
// one page by index; these let those counts and per-page reads avoid sorting or hashing tables:
// - standing findings by invoice, carrying status and provider: "has findings" and the
//   findings count read only this index;
// - flagged findings by invoice with their amounts: flagged totals come out already grouped
//   by invoice, for the invoice list sorted by flagged amount;
// - invoices by id within an authority: merged with the above to count invoices with findings;
// - invoices by the London date they were received: the dashboard's month.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`create index findings_standing_invoice_index on findings (authority_id, invoice_id) include (status, provider_id) where status <> 'superseded'`);
  await knex.raw(`create index findings_flagged_invoice_index on findings (authority_id, invoice_id) include (amount) where status in ('open','confirmed','recovered')`);
  await knex.raw(`create index invoices_authority_id_id_index on invoices (authority_id, id)`);
  await knex.raw(`create index invoices_received_london_date_index on invoices (((received_at at time zone 'Europe/London')::date))`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`drop index invoices_received_london_date_index`);
  await knex.raw(`drop index invoices_authority_id_id_index`);
  await knex.raw(`drop index findings_flagged_invoice_index`);
  await knex.raw(`drop index findings_standing_invoice_index`);
}
