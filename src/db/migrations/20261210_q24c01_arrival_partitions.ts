import type { Knex } from "knex";

// Issue 24: on a PostgreSQL server the audit on arrival is shared out through the work queue as
// one job per provider partition touched by the new invoices (src/services/audit/arrival-queue.ts).
//
// - arrival_audits_pending: what each provider's next arrival job must audit (from which invoice
//   date, or from the start after a credit note) and which invoices caused it. Arrivals for a
//   provider whose job is still waiting merge into this row; the job clears it only if no arrival
//   changed it meanwhile (version), so nothing that arrived is left unaudited and nothing is
//   audited twice. A council's rows: FORCEd row-level security as in migration 2301.
// - audit_runs_one_running (migration 1901) refused a second running audit of an authority. The
//   arrival jobs of different providers now run at once on different workers, each its own run
//   (run_key `arrival-part:<job>:<attempt>`), so the index leaves those runs out; they are kept
//   apart from each other and from the queued monthly run's parts by a lock per provider instead.
//   Every other run is still one at a time. The index is rebuilt, no row changes; down() restores
//   the old one.
// - audit_run_parts.started_at: when a worker began the part (null: waiting), so that a run's
//   progress can say which parts are running (GET /api/audit-runs/:id/progress). Added, nullable.
const CURRENT_AUTHORITY = "nullif(current_setting('app.authority_id', true), '')::integer";

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable("arrival_audits_pending", (t) => {
    t.integer("authority_id").notNullable().references("id").inTable("authorities");
    t.text("provider_id").notNullable();
    t.boolean("from_start").notNullable().defaultTo(false);
    t.date("from_date");
    t.jsonb("invoice_ids").notNullable().defaultTo(knex.raw("'[]'::jsonb"));
    t.integer("version").notNullable().defaultTo(1);
    t.timestamp("queued_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(["authority_id", "provider_id"]);
  });
  await knex.raw(`alter table arrival_audits_pending enable row level security`);
  await knex.raw(`alter table arrival_audits_pending force row level security`);
  await knex.raw(`create policy authority_isolation on arrival_audits_pending using (authority_id = ${CURRENT_AUTHORITY}) with check (authority_id = ${CURRENT_AUTHORITY})`);
  await knex.raw(`drop index if exists audit_runs_one_running`);
  await knex.raw(`create unique index audit_runs_one_running on audit_runs (authority_id) where status = 'running' and (run_key is null or run_key not like 'arrival-part:%')`);
  await knex.raw(`alter table audit_run_parts add column started_at timestamptz`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`alter table audit_run_parts drop column started_at`);
  await knex.raw(`drop index if exists audit_runs_one_running`);
  await knex.raw(`create unique index audit_runs_one_running on audit_runs (authority_id) where status = 'running'`);
  await knex.schema.dropTable("arrival_audits_pending");
}
