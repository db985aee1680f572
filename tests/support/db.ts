import fs from "node:fs";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import { openDatabase, type Database } from "../../src/db/connection.js";
import { migrateLatest } from "../../src/db/migrate.js";
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

async function adminQuery(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export async function createTestDatabaseUrl(): Promise<{ url: string; drop: () => Promise<void> }> {
  const serverUrl = process.env.DATABASE_URL ?? "";
  const name = `pa_test_${randomBytes(6).toString("hex")}`;
  await adminQuery(serverUrl, `create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => adminQuery(serverUrl, `drop database if exists ${name} with (force)`) };
}

/** A copy of the migrated template directory made once per run by global-setup.ts. */
function copyOfTemplate(dataDir: string): boolean {
  let template: string | undefined;
  try {
    template = inject("embeddedTemplateDir");
  } catch {
    return false;
  }
  if (!template || !fs.existsSync(template)) return false;
  fs.cpSync(template, dataDir, { recursive: true });
  return true;
}

export async function openTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const dataDir = tempDir("data");
  const migrateWanted = options.migrate !== false;
  if (migrateWanted && !usingPostgres()) copyOfTemplate(dataDir);
  let databaseUrl: string | null = null;
  let drop: () => Promise<void> = () => Promise.resolve();
  if (usingPostgres()) {
    const created = await createTestDatabaseUrl();
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
