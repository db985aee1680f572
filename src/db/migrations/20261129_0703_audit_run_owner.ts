import type { Knex } from "knex";

// Which scheduler process is running an audit and when it last showed signs of life, so that
// a run whose process was killed is marked failed on the next start instead of "running" for ever.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable("audit_runs", (t) => {
    t.text("owner_id");
    t.timestamp("heartbeat_at", { useTz: true });
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable("audit_runs", (t) => {
    t.dropColumn("heartbeat_at");
    t.dropColumn("owner_id");
  });
}
