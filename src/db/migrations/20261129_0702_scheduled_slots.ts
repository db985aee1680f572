import type { Knex } from "knex";

// One row per scheduled run that must happen exactly once across all instances, keyed e.g.
// `monthly:<authority_id>:<YYYY-MM>`. The instance whose INSERT of the key succeeds runs it
// (ON CONFLICT DO NOTHING for the others), however skewed the instances' clocks are.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable("scheduled_slots", (t) => {
    t.text("slot_key").primary();
    t.text("job").notNullable();
    t.integer("authority_id").notNullable().defaultTo(1).references("id").inTable("authorities");
    t.text("period").notNullable();
    t.text("status").notNullable().defaultTo("running");
    t.text("owner_id").notNullable();
    t.integer("attempts").notNullable().defaultTo(1);
    t.timestamp("claimed_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp("heartbeat_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp("finished_at", { useTz: true });
    t.bigInteger("audit_run_id").references("id").inTable("audit_runs");
    t.jsonb("result").notNullable().defaultTo("{}");
    t.text("error");
    t.index(["status"]);
  });
  await knex.raw(`alter table scheduled_slots add constraint scheduled_slots_status_check check (status in ('running','succeeded','failed') and attempts >= 1)`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable("scheduled_slots");
}
