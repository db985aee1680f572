import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { openDatabase } from "../../src/db/connection.js";
import { migrateLatest } from "../../src/db/migrate.js";

/**
 * Creating a PGlite directory costs 3–4 s of initdb; copying a migrated one costs a few
 * hundred milliseconds. So the embedded project migrates one template directory per run and
 * each test file opens a copy of it (tests/support/db.ts).
 */
export default async function setup(project: TestProject): Promise<() => void> {
  const templateDir = fs.mkdtempSync(path.join(os.tmpdir(), "pa-template-"));
  const db = await openDatabase({ databaseUrl: null, dataDir: templateDir });
  await migrateLatest(db.knex);
  await db.close();
  project.provide("embeddedTemplateDir", templateDir);
  return () => fs.rmSync(templateDir, { recursive: true, force: true });
}

declare module "vitest" {
  export interface ProvidedContext {
    embeddedTemplateDir: string;
  }
}
