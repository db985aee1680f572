import type { Knex } from "knex";

// Accounts, sessions (kept in PostgreSQL) and reviewers' decisions on findings.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable("users", (t) => {
    t.bigIncrements("id").primary();
    t.integer("authority_id").notNullable().defaultTo(1).references("id").inTable("authorities");
    t.text("username").notNullable();
    t.text("password_hash").notNullable();
    t.text("role").notNullable();
    t.integer("failed_sign_ins").notNullable().defaultTo(0);
    t.timestamp("locked_until", { useTz: true });
    t.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(["authority_id", "username"]);
  });
  await knex.raw(`alter table users add constraint users_role_check check (role in ('finance_officer','commissioner','admin'))`);

  await knex.schema.createTable("sessions", (t) => {
    t.text("sid").primary();
    t.jsonb("data").notNullable();
    t.timestamp("expires_at", { useTz: true }).notNullable();
    t.index(["expires_at"]);
  });

  await knex.schema.createTable("finding_decisions", (t) => {
    t.bigIncrements("id").primary();
    t.bigInteger("finding_id").notNullable().references("id").inTable("findings").onDelete("CASCADE");
    t.bigInteger("user_id").references("id").inTable("users");
    t.text("action").notNullable();
    t.text("reason");
    t.decimal("amount", 14, 2);
    t.date("decided_on");
    t.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(["finding_id"]);
  });
  await knex.raw(`alter table finding_decisions add constraint finding_decisions_action_check check (action in ('confirm','dismiss','recover','reopen','recover_by_credit_note'))`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable("finding_decisions");
  await knex.schema.dropTable("sessions");
  await knex.schema.dropTable("users");
}
