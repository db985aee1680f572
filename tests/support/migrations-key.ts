import { createHash } from "node:crypto";
import { migrationSource } from "../../src/db/migrations/index.js";

/**
 * A short key for the migration list: a migrated template made for one list is never taken for
 * another (a branch that adds a migration gets its own template, not a stale one).
 */
export async function migrationsKey(): Promise<string> {
  const names = (await migrationSource.getMigrations([])).map((migration) => migrationSource.getMigrationName(migration));
  return createHash("sha256").update(names.join("\n")).digest("hex").slice(0, 10);
}
