import type { Knex } from "knex";

// Issue 24: on a PostgreSQL server an audit run is shared out as one queued job per provider
// partition, which any worker on any machine may take. Each part is a row: the run is complete
// when every part is done, and a part's figures are recorded once (a retried job finds its part
// done and adds nothing), so the run's totals are the sum of these rows.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable("audit_run_parts", (t) => {
    t.bigInteger("run_id").notNullable().references("id").inTable("audit_runs").onDelete("CASCADE");
    t.integer("part").notNullable();
    t.integer("providers").notNullable();
    t.bigInteger("lines").notNullable();
    t.text("status").notNullable().defaultTo("queued");
    t.integer("attempts").notNullable().defaultTo(0);
    t.text("last_error");
    t.jsonb("result");
    t.timestamp("finished_at", { useTz: true });
    t.primary(["run_id", "part"]);
  });
  await knex.raw("alter table audit_run_parts add constraint audit_run_parts_status check (status in ('queued', 'done', 'failed'))");
  await knex.raw("alter table audit_run_parts add constraint audit_run_parts_done_has_result check (status <> 'done' or result is not null)");
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable("audit_run_parts");
}
