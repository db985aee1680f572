import { openDatabase, type Database } from "../../src/db/connection.js";
import { migrateLatest } from "../../src/db/migrate.js";
import { createTestDatabaseUrl, freshDataDir, usingPostgres } from "./db.js";

/**
 * A migrated database and data directory for `runCli` (which reads DATA_DIR and DATABASE_URL),
 * seeded by `seed`; `restore()` puts the environment back and drops the database. The same steps
 * several CLI tests spell out by hand (ingest-cli, findings-cli, reports-cli).
 */
export async function cliDatabase(name: string, seed: (db: Database, dataDir: string) => Promise<void>): Promise<{ dataDir: string; restore: () => Promise<void> }> {
  const saved = { DATA_DIR: process.env.DATA_DIR, DATABASE_URL: process.env.DATABASE_URL, LOG_LEVEL: process.env.LOG_LEVEL };
  const dataDir = freshDataDir(name);
  const created = usingPostgres() ? await createTestDatabaseUrl() : null;
  Object.assign(process.env, { DATA_DIR: dataDir, DATABASE_URL: created?.url ?? "", LOG_LEVEL: "error" });
  const db = await openDatabase({ databaseUrl: created?.url ?? null, dataDir });
  await migrateLatest(db.knex);
  await seed(db, dataDir);
  await db.close();
  return {
    dataDir,
    restore: async () => {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
      await created?.drop();
    },
  };
}
