import type { Knex } from "knex";

// Issue 18: no invoice stuck.
// - invoices.status 'to_verify': read with an uncertain value, kept out of the audit until a
//   person confirms it; uncertain_fields says which fields and why.
// - invoices.source: 'read' by the reader, 'keyed' in by a person from the file, or 'verified'
//   by a person after an uncertain read; source_by / source_at say who and when.
// - received_files.status 'discarded' (not an invoice, sent twice, wrong council): kept, out of
//   the queue, restorable; the reason and who did it are kept with the file.
// - provider_templates: layouts taught from the review screen, for this deployment, used by the
//   reader beside the shipped ones (same JSON format as src/ingest/templates/).
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`alter table invoices drop constraint invoices_check`);
  await knex.raw(
    `alter table invoices add constraint invoices_check check (kind in ('invoice','credit_note') and status in ('awaiting_audit','awaiting_review','queried','cleared','to_verify') and (period_to is null or period_from is null or period_to >= period_from))`,
  );
  await knex.schema.alterTable("invoices", (t) => {
    t.text("source").notNullable().defaultTo("read");
    t.text("source_by");
    t.timestamp("source_at", { useTz: true });
    t.jsonb("uncertain_fields").notNullable().defaultTo("[]");
  });
  await knex.raw(`alter table invoices add constraint invoices_source_check check (source in ('read','keyed','verified'))`);
  await knex.raw(`create index invoices_to_verify on invoices (authority_id, received_at) where status = 'to_verify'`);

  await knex.raw(`alter table received_files drop constraint received_files_status_check`);
  await knex.raw(`alter table received_files add constraint received_files_status_check check (status in ('received','processed','needs_attention','discarded'))`);
  await knex.schema.alterTable("received_files", (t) => {
    t.text("discard_reason");
    t.text("discarded_by");
    t.timestamp("discarded_at", { useTz: true });
  });

  await knex.schema.createTable("provider_templates", (t) => {
    t.bigIncrements("id").primary();
    t.integer("authority_id").notNullable().defaultTo(1).references("id").inTable("authorities");
    t.text("provider_id").notNullable();
    t.jsonb("template").notNullable();
    t.bigInteger("learnt_from_file_id").references("id").inTable("received_files");
    t.text("created_by").notNullable();
    t.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.foreign(["authority_id", "provider_id"]).references(["authority_id", "provider_id"]).inTable("providers");
    // One taught layout per provider: teaching again replaces it.
    t.unique(["authority_id", "provider_id"]);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable("provider_templates");
  await knex.schema.alterTable("received_files", (t) => {
    t.dropColumn("discarded_at");
    t.dropColumn("discarded_by");
    t.dropColumn("discard_reason");
  });
  await knex.raw(`update received_files set status = 'needs_attention' where status = 'discarded'`);
  await knex.raw(`alter table received_files drop constraint received_files_status_check`);
  await knex.raw(`alter table received_files add constraint received_files_status_check check (status in ('received','processed','needs_attention'))`);
  await knex.raw(`drop index if exists invoices_to_verify`);
  await knex.raw(`alter table invoices drop constraint invoices_source_check`);
  await knex.schema.alterTable("invoices", (t) => {
    t.dropColumn("uncertain_fields");
    t.dropColumn("source_at");
    t.dropColumn("source_by");
    t.dropColumn("source");
  });
  await knex.raw(`update invoices set status = 'awaiting_audit' where status = 'to_verify'`);
  await knex.raw(`alter table invoices drop constraint invoices_check`);
  await knex.raw(
    `alter table invoices add constraint invoices_check check (kind in ('invoice','credit_note') and status in ('awaiting_audit','awaiting_review','queried','cleared') and (period_to is null or period_from is null or period_to >= period_from))`,
  );
}
