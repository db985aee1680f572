import type { Knex } from "knex";

// The scheduler processes (`serve`, `worker`) that are alive, for telling a dead owner from a
// live one: a worker that stopped heart-beating (or whose process is gone from its host) no
// longer owns its scheduled runs or the inbox files it claimed. Times are the database's clock,
// so clock skew between machines does not matter.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable("scheduler_workers", (t) => {
    t.text("worker_id").primary();
    t.text("hostname").notNullable();
    t.integer("pid").notNullable();
    t.timestamp("started_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp("heartbeat_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp("stopped_at", { useTz: true });
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable("scheduler_workers");
}
