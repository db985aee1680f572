import type { TestProject } from "vitest/node";
import { openDatabase } from "../../src/db/connection.js";
import { migrateLatest } from "../../src/db/migrate.js";
import { migrationsKey } from "./migrations-key.js";
import { adminQuery, databaseOnServer } from "./postgres-admin.js";

/**
 * Migrating a fresh PostgreSQL database costs about 3 s (more on a loaded machine); `create
 * database … template` of a migrated one costs a fifth of that. So the postgres project migrates
 * one template database per run (named after the migration list and this process) beside the
 * database TEST_DATABASE_URL names, each test file's database is a copy of it
 * (tests/support/db.ts), and it is dropped at the end of the run.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const serverUrl = process.env.TEST_DATABASE_URL ?? "";
  const name = `pa_template_${await migrationsKey()}_${process.pid}`;
  await adminQuery(serverUrl, `drop database if exists ${name} with (force)`);
  await adminQuery(serverUrl, `create database ${name}`);
  const db = await openDatabase({ databaseUrl: databaseOnServer(serverUrl, name), dataDir: "" });
  try {
    await migrateLatest(db.knex);
  } finally {
    // A template must have no sessions open on it when it is copied.
    await db.close();
  }
  project.provide("postgresTemplateDatabase", name);
  return () => adminQuery(serverUrl, `drop database if exists ${name} with (force)`);
}

declare module "vitest" {
  export interface ProvidedContext {
    postgresTemplateDatabase: string;
  }
}
