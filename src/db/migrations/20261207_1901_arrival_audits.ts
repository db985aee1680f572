import type { Knex } from "knex";

// Issue 19: audits on arrival.
// - findings.reaudit_change: a decided finding is never changed by a later audit; what the
//   re-audit found instead (another amount, or nothing) is written here and shown to reviewers.
// - findings.recovered_reference: the credit note number or deduction reference of a recovery.
// - One running audit per authority: a unique index over the running runs, so a second run
//   cannot even be recorded while one runs (on PostgreSQL and the embedded database alike, and
//   whichever process starts it). Runs already left "running" are failed first, but the latest.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable("findings", (t) => {
    t.text("reaudit_change");
    t.text("recovered_reference");
  });
  await knex.raw(
    `update audit_runs r set status = 'failed', finished_at = now(), error = 'Another audit of this authority was running at the same time.'
     where r.status = 'running' and exists (select 1 from audit_runs o where o.authority_id = r.authority_id and o.status = 'running' and o.id > r.id)`,
  );
  await knex.raw(`create unique index audit_runs_one_running on audit_runs (authority_id) where status = 'running'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`drop index if exists audit_runs_one_running`);
  await knex.schema.alterTable("findings", (t) => {
    t.dropColumn("recovered_reference");
    t.dropColumn("reaudit_change");
  });
}
