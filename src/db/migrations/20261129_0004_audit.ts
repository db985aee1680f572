import type { Knex } from "knex";

// Audit runs and the findings they raise. A finding is keyed by (invoice, line, rule) so that
// re-running an audit updates it in place and never duplicates it or loses a reviewer's decision.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable("audit_runs", (t) => {
    t.bigIncrements("id").primary();
    t.integer("authority_id").notNullable().defaultTo(1).references("id").inTable("authorities");
    t.text("run_key").unique();
    t.text("trigger").notNullable().defaultTo("manual");
    t.text("scope").notNullable();
    t.text("status").notNullable().defaultTo("running");
    t.timestamp("started_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp("finished_at", { useTz: true });
    t.integer("invoices_audited").notNullable().defaultTo(0);
    t.integer("lines_audited").notNullable().defaultTo(0);
    t.integer("findings_raised").notNullable().defaultTo(0);
    t.jsonb("flagged_by_category").notNullable().defaultTo("{}");
    t.text("error");
    t.index(["authority_id", "started_at"]);
  });
  await knex.raw(`alter table audit_runs add constraint audit_runs_status_check check (status in ('running','succeeded','failed'))`);

  await knex.schema.createTable("findings", (t) => {
    t.bigIncrements("id").primary();
    t.integer("authority_id").notNullable().defaultTo(1).references("id").inTable("authorities");
    t.bigInteger("invoice_id").notNullable().references("id").inTable("invoices").onDelete("CASCADE");
    t.integer("line_no").notNullable().defaultTo(0); // 0 = whole invoice
    t.text("rule").notNullable();
    t.text("category").notNullable();
    t.text("provider_id").notNullable();
    t.text("child_ref");
    t.decimal("amount", 14, 2).notNullable();
    t.decimal("charged", 14, 2).notNullable();
    t.decimal("expected", 14, 2).notNullable();
    t.text("explanation").notNullable();
    t.jsonb("evidence").notNullable().defaultTo("{}");
    t.text("status").notNullable().defaultTo("open");
    t.decimal("recovered_amount", 14, 2);
    t.date("recovered_on");
    t.text("dismissed_reason");
    t.bigInteger("first_run_id").references("id").inTable("audit_runs");
    t.bigInteger("last_run_id").references("id").inTable("audit_runs");
    t.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp("updated_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(["invoice_id", "line_no", "rule"]);
    t.index(["authority_id", "status"]);
    t.index(["authority_id", "provider_id"]);
  });
  await knex.raw(`alter table findings add constraint findings_check check (amount > 0 and category in ('fees','errors','query') and status in ('open','confirmed','recovered','dismissed','superseded') and (recovered_amount is null or recovered_amount >= 0))`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable("findings");
  await knex.schema.dropTable("audit_runs");
}
