import type { Knex } from "knex";

// Issue 25. Accounts: an administrator can disable an account (its sessions end and it cannot
// sign in) and reset a password to a one-time one that must be changed at the next sign-in.
// Accounts are disabled, never deleted: decisions (finding_decisions.user_id), notes and
// assignments point at them, and the audit log names them.
// Findings: notes in order (who, when) and the finance officer a finding is assigned to.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable("users", (t) => {
    t.timestamp("disabled_at", { useTz: true }).nullable();
    t.boolean("must_change_password").notNullable().defaultTo(false);
    t.timestamp("password_changed_at", { useTz: true }).nullable();
  });

  await knex.schema.createTable("finding_notes", (t) => {
    t.bigIncrements("id").primary();
    t.integer("authority_id").notNullable().references("id").inTable("authorities");
    t.bigInteger("finding_id").notNullable().references("id").inTable("findings").onDelete("CASCADE");
    t.bigInteger("user_id").notNullable().references("id").inTable("users");
    t.text("text").notNullable();
    t.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(["finding_id", "id"]);
  });

  await knex.schema.alterTable("findings", (t) => {
    t.bigInteger("assigned_user_id").nullable().references("id").inTable("users");
  });
  await knex.raw("create index findings_assigned_user_idx on findings (assigned_user_id) where assigned_user_id is not null");
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw("drop index if exists findings_assigned_user_idx");
  await knex.schema.alterTable("findings", (t) => {
    t.dropColumn("assigned_user_id");
  });
  await knex.schema.dropTable("finding_notes");
  await knex.schema.alterTable("users", (t) => {
    t.dropColumn("disabled_at");
    t.dropColumn("must_change_password");
    t.dropColumn("password_changed_at");
  });
}
