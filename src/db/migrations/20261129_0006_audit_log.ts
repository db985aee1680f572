import type { Knex } from "knex";

// The append-only audit log: who did what, when, before and after. The database itself
// refuses UPDATE and DELETE (a trigger), so no code path can rewrite history.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable("audit_log", (t) => {
    t.bigIncrements("id").primary();
    t.integer("authority_id").notNullable().defaultTo(1).references("id").inTable("authorities");
    t.timestamp("at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.text("actor").notNullable();
    t.text("action").notNullable();
    t.text("entity").notNullable();
    t.text("entity_id");
    t.jsonb("before");
    t.jsonb("after");
    t.index(["authority_id", "at"]);
  });
  await knex.raw(`
    create function audit_log_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'audit_log is append-only: % is not allowed', tg_op;
    end;
    $$`);
  await knex.raw(`create trigger audit_log_no_update_delete before update or delete on audit_log for each row execute function audit_log_append_only()`);
  await knex.raw(`create trigger audit_log_no_truncate before truncate on audit_log for each statement execute function audit_log_append_only()`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`drop table audit_log`);
  await knex.raw(`drop function audit_log_append_only()`);
}
