import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { Database } from "../../db/connection.js";
import { fillAuthorityContactIfUnset, renameAuthorityFrom } from "../../db/repositories/authority.repository.js";
import { findUserByUsername } from "../../db/repositories/user.repository.js";
import { AppError } from "../../domain/errors.js";
import type { Logger } from "../../logger.js";
import { importReference, type ImportReport } from "../reference/import-reference.js";
import { ingestFiles, type IngestReport } from "../ingest/ingest-files.js";
import { runAudit, type RunAuditResult } from "../audit/run-audit.js";
import { createUser } from "../users/users.js";

/** The demo accounts of INTERFACES.md. */
export const DEMO_USERS = [
  { username: "finance", role: "finance_officer" },
  { username: "commissioner", role: "commissioner" },
  { username: "admin", role: "admin" },
] as const;

export interface DemoResult {
  imported: ImportReport;
  ingested: IngestReport;
  audit: RunAuditResult;
  password: string;
  passwordGenerated: boolean;
  usersCreated: string[];
}

function filesIn(dir: string, extensions: readonly string[]): string[] {
  return fs
    .readdirSync(dir)
    .filter((name) => extensions.includes(path.extname(name).toLowerCase()))
    .sort()
    .map((name) => path.join(dir, name));
}

/**
 * The demo password: DEMO_PASSWORD when set; otherwise one generated on the first run and kept
 * in DATA_DIR (readable by the owner only) so a second run can print it again.
 */
export function demoPassword(dataDir: string, fromEnv: string | undefined): { password: string; generated: boolean } {
  if (fromEnv && fromEnv.length > 0) return { password: fromEnv, generated: false };
  const file = path.join(dataDir, "demo-password.txt");
  if (fs.existsSync(file)) return { password: fs.readFileSync(file, "utf8").trim(), generated: true };
  const password = randomBytes(9).toString("base64url");
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(file, `${password}\n`, { mode: 0o600 });
  return { password, generated: true };
}

/**
 * The demo's session secret: SESSION_SECRET when set, else one made on the first run and kept
 * in DATA_DIR (like the password), so a demo restarted keeps its users signed in and needs no
 * warning about sessions.
 */
export function demoSessionSecret(dataDir: string, fromEnv: string | null): string {
  if (fromEnv) return fromEnv;
  const file = path.join(dataDir, "demo-session-secret.txt");
  if (fs.existsSync(file)) return fs.readFileSync(file, "utf8").trim();
  const secret = randomBytes(32).toString("base64url");
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

/**
 * Loads samples/ into the database, audits it and creates the demo users. Every step is
 * idempotent, so a second run reuses what is there: the import changes nothing, the invoices
 * are already received, the audit raises no duplicate, and existing users are kept.
 */
export async function loadDemo(db: Database, options: { samplesDir: string; dataDir: string; authorityId: number; demoPassword?: string; logger?: Logger }): Promise<DemoResult> {
  const referenceDir = path.join(options.samplesDir, "reference");
  const invoicesDir = path.join(options.samplesDir, "invoices");
  if (!fs.existsSync(referenceDir) || !fs.existsSync(invoicesDir)) {
    throw new AppError("demo.no_samples", `The sample data is missing: expected ${referenceDir} and ${invoicesDir}`);
  }
  const referenceFiles = filesIn(referenceDir, [".csv", ".xlsx"]).map((file) => ({ name: path.basename(file), bytes: fs.readFileSync(file) }));
  const { authorityId } = options;
  const imported = await importReference(db, referenceFiles, { authorityId, logger: options.logger, actor: "demo" });
  const invoiceFiles = filesIn(invoicesDir, [".pdf", ".xlsx", ".csv"]).map((file) => ({ name: path.basename(file), path: file }));
  const ingested = await ingestFiles(db, invoiceFiles, { dataDir: options.dataDir, authorityId, auditOnArrival: false, actor: "demo", ...(options.logger ? { logger: options.logger } : {}) });
  const audit = await runAudit(db, { scope: { kind: "all" }, authorityId, ...(options.logger ? { logger: options.logger } : {}) });

  // The sample council's name in the header, unless someone has named the authority already.
  await renameAuthorityFrom(db.knex, authorityId, "The council", "Kestrel Vale Council");
  // The fictional council's letterhead for its query packs, unless someone has set one already.
  await fillAuthorityContactIfUnset(db.knex, authorityId, {
    address: "Placements Finance Team\nKestrel Vale Council, Civic Centre\nKestrel Vale KV1 1AA",
    contact_email: "placement.invoices@kestrelvale.example",
    contact_phone: "01632 960000",
  });
  const { password, generated } = demoPassword(options.dataDir, options.demoPassword);
  const usersCreated: string[] = [];
  for (const user of DEMO_USERS) {
    if (await findUserByUsername(db.knex, authorityId, user.username)) continue;
    await createUser(db, { username: user.username, password, role: user.role, authorityId }, "demo");
    usersCreated.push(user.username);
  }
  return { imported, ingested, audit, password, passwordGenerated: generated, usersCreated };
}
