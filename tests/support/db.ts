import fs from "node:fs";
import { randomBytes } from "node:crypto";
import { inject } from "vitest";
import { openDatabase, type Database } from "../../src/db/connection.js";
import { migrateLatest } from "../../src/db/migrate.js";
import { adminQuery, databaseOnServer } from "./postgres-admin.js";
import { tempDir } from "./temp-dir.js";

export { tempDir };

/**
 * A fresh, migrated database for one test file: a new PGlite directory when DATABASE_URL is
 * empty (the `embedded` project), or a new database on the real server named by DATABASE_URL
 * (the `postgres` project), dropped again by `dispose`.
 */
export interface TestDatabase {
  db: Database;
  dataDir: string;
  databaseUrl: string | null;
  dispose(): Promise<void>;
}

export function usingPostgres(): boolean {
  return Boolean(process.env.DATABASE_URL);
}

/**
 * A new database on the server DATABASE_URL names. `migrated` (the default) makes it a copy of the
 * run's migrated template (tests/support/postgres-global-setup.ts), so a later `migrateLatest` has
 * nothing to do; without a template (a file run outside the postgres project) it is empty, as
 * with `migrated: false`, and the caller's `migrateLatest` migrates it.
 */
export async function createTestDatabaseUrl(options: { migrated?: boolean } = {}): Promise<{ url: string; drop: () => Promise<void> }> {
  const serverUrl = process.env.DATABASE_URL ?? "";
  const name = `pa_test_${randomBytes(6).toString("hex")}`;
  const template = options.migrated === false ? undefined : provided("postgresTemplateDatabase");
  await adminQuery(serverUrl, template ? `create database ${name} template ${template}` : `create database ${name}`);
  return { url: databaseOnServer(serverUrl, name), drop: () => adminQuery(serverUrl, `drop database if exists ${name} with (force)`) };
}

/** What global setup provided, or undefined outside a project that has it. */
function provided(key: "postgresTemplateDatabase" | "embeddedTemplateDir"): string | undefined {
  try {
    return inject(key) || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Fills an empty data directory with a copy of the migrated template directory made once per run
 * by global-setup.ts (the embedded project); false when there is none (the caller then migrates).
 */
function copyOfTemplate(dataDir: string): boolean {
  const template = provided("embeddedTemplateDir");
  if (!template || !fs.existsSync(template)) return false;
  fs.cpSync(template, dataDir, { recursive: true });
  return true;
}

/**
 * A data directory for a test that opens the database itself (CLI commands, spawned workers):
 * with the embedded database, already migrated (a copy of the run's template, no initdb);
 * on PostgreSQL, empty (the database is the one createTestDatabaseUrl makes).
 */
export function freshDataDir(prefix: string): string {
  const dataDir = tempDir(prefix);
  if (!usingPostgres()) copyOfTemplate(dataDir);
  return dataDir;
}

export async function openTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const dataDir = tempDir("data");
  const migrateWanted = options.migrate !== false;
  if (migrateWanted && !usingPostgres()) copyOfTemplate(dataDir);
  let databaseUrl: string | null = null;
  let drop: () => Promise<void> = () => Promise.resolve();
  if (usingPostgres()) {
    const created = await createTestDatabaseUrl({ migrated: migrateWanted });
    databaseUrl = created.url;
    drop = created.drop;
  }
  const db = await openDatabase({ databaseUrl, dataDir });
  if (migrateWanted) await migrateLatest(db.knex);
  return {
    db,
    dataDir,
    databaseUrl,
    dispose: async () => {
      await db.close();
      await drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
