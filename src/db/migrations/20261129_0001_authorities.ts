import type { Knex } from "knex";

// Every row belongs to an authority so a consortium can later share one deployment.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable("authorities", (t) => {
    t.increments("id").primary();
    t.text("code").notNullable().unique();
    t.text("name").notNullable();
    t.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex("authorities").insert({ id: 1, code: "default", name: "The council" });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable("authorities");
}
