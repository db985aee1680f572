import type { Knex } from "knex";

// Issue 24: on a PostgreSQL server the received originals live in the database, so a worker on
// any machine can read any file (DATA_DIR is per machine). One row per content: the same bytes
// received twice, or by two councils, are kept once. bytea rather than large objects: a file is
// at most tens of megabytes (the sandbox's bound), and bytea rows are dumped, restored and
// replicated with the rest of the data, and deleted with a plain DELETE.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable("original_files", (t) => {
    t.text("sha256").primary();
    t.specificType("bytes", "bytea").notNullable();
    t.bigInteger("size_bytes").notNullable();
    t.timestamp("stored_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw("alter table original_files add constraint original_files_sha256_hex check (sha256 ~ '^[0-9a-f]{64}$')");
  await knex.raw("alter table original_files add constraint original_files_size check (size_bytes = octet_length(bytes))");
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable("original_files");
}
