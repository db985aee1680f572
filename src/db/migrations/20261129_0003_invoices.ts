import type { Knex } from "knex";

// Received files (kept by content hash), the invoices read from them, and their lines.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable("received_files", (t) => {
    t.bigIncrements("id").primary();
    t.integer("authority_id").notNullable().defaultTo(1).references("id").inTable("authorities");
    t.text("sha256").notNullable();
    t.text("original_name").notNullable();
    t.text("stored_path").notNullable();
    t.bigInteger("size_bytes").notNullable();
    t.text("status").notNullable();
    t.text("reason");
    t.timestamp("received_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp("processed_at", { useTz: true });
    t.unique(["authority_id", "sha256"]);
    t.index(["authority_id", "status"]);
  });
  await knex.raw(`alter table received_files add constraint received_files_status_check check (status in ('received','processed','needs_attention'))`);

  await knex.schema.createTable("invoices", (t) => {
    t.bigIncrements("id").primary();
    t.integer("authority_id").notNullable().defaultTo(1).references("id").inTable("authorities");
    t.bigInteger("file_id").notNullable().references("id").inTable("received_files");
    t.text("provider_id").notNullable();
    t.text("invoice_number").notNullable();
    t.date("invoice_date").notNullable();
    t.text("kind").notNullable().defaultTo("invoice");
    t.text("credits_invoice");
    t.date("period_from");
    t.date("period_to");
    t.decimal("subtotal", 14, 2);
    t.decimal("vat", 14, 2);
    t.decimal("total", 14, 2).notNullable();
    t.text("status").notNullable().defaultTo("awaiting_audit");
    t.jsonb("extraction_notes").notNullable().defaultTo("[]");
    t.jsonb("audit_notes").notNullable().defaultTo("[]");
    t.timestamp("received_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp("audited_at", { useTz: true });
    t.foreign(["authority_id", "provider_id"]).references(["authority_id", "provider_id"]).inTable("providers");
    t.index(["authority_id", "invoice_date"]);
    t.index(["authority_id", "provider_id", "invoice_number"]);
    t.index(["file_id"]);
  });
  await knex.raw(`alter table invoices add constraint invoices_check check (kind in ('invoice','credit_note') and status in ('awaiting_audit','awaiting_review','queried','cleared') and (period_to is null or period_from is null or period_to >= period_from))`);

  await knex.schema.createTable("invoice_lines", (t) => {
    t.bigIncrements("id").primary();
    t.bigInteger("invoice_id").notNullable().references("id").inTable("invoices").onDelete("CASCADE");
    t.integer("line_no").notNullable();
    t.text("child_ref");
    t.text("placement_ref");
    t.text("description").notNullable().defaultTo("");
    t.text("item").notNullable();
    t.date("from_date");
    t.date("to_date");
    t.decimal("quantity", 18, 6);
    t.text("unit");
    t.decimal("unit_rate", 18, 6);
    t.decimal("amount", 14, 2).notNullable();
    t.unique(["invoice_id", "line_no"]);
  });
  await knex.raw(`alter table invoice_lines add constraint invoice_lines_check check ((to_date is null or from_date is null or to_date >= from_date) and (unit is null or unit in ('night','day','week','hour','mile','session','item')))`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable("invoice_lines");
  await knex.schema.dropTable("invoices");
  await knex.schema.dropTable("received_files");
}
