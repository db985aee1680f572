import type { Knex } from "knex";

// Migration 0001 inserted authority 1 with its id given, which leaves the id sequence unused: the
// first `authorities add` would be handed id 1 again and refused. Move the sequence past the
// highest id so councils added later get fresh ids.
export async function up(knex: Knex): Promise<void> {
  await knex.raw("select setval(pg_get_serial_sequence('authorities', 'id'), (select coalesce(max(id), 1) from authorities))");
}

export async function down(): Promise<void> {
  // Nothing to undo: a sequence ahead of the rows is harmless.
}
