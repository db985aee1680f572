import type { Knex } from "knex";

// Import profiles (issue 20): where the headers of one kind of export go ("Care Package Level"
// → placements.service_level), named by a person and used for every later file of that shape.
// `mappings` is a JSON array of { header, table, column } (table null: any table with the column).
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable("import_profiles", (t) => {
    t.integer("authority_id").notNullable().defaultTo(1).references("id").inTable("authorities");
    t.text("name").notNullable();
    t.jsonb("mappings").notNullable();
    t.text("updated_by").notNullable();
    t.timestamp("updated_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(["authority_id", "name"]);
  });
  await knex.raw(`alter table import_profiles add constraint import_profiles_name_check check (length(btrim(name)) > 0 and jsonb_typeof(mappings) = 'array')`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable("import_profiles");
}
