import type { Knex } from "knex";
import { migrationSource } from "./migrations/index.js";

const config: Knex.MigratorConfig = { migrationSource, tableName: "knex_migrations" };

export async function migrateLatest(knex: Knex): Promise<string[]> {
  const [, applied] = (await knex.migrate.latest(config)) as [number, string[]];
  return applied;
}

export async function migrateDownAll(knex: Knex): Promise<void> {
  await knex.migrate.rollback(config, true);
}
