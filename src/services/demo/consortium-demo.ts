import fs from "node:fs";
import path from "node:path";
import { forAuthority, type Database } from "../../db/connection.js";
import { addAuthority, authorityByCode } from "../../db/repositories/authority.repository.js";
import { findUserByUsername } from "../../db/repositories/user.repository.js";
import { AppError } from "../../domain/errors.js";
import type { Role } from "../../domain/roles.js";
import type { Logger } from "../../logger.js";
import { runAudit } from "../audit/run-audit.js";
import { ensureConsortium } from "../consortium/consortia.js";
import { ingestFiles } from "../ingest/ingest-files.js";
import { importReference, type ImportReport } from "../reference/import-reference.js";
import { createUser } from "../users/users.js";

/** samples/consortium/consortium.json: what generate.ts wrote. */
interface ConsortiumSamples {
  code: string;
  name: string;
  framework: string;
  councils: { code: string; name: string; reference: string; invoices: string }[];
}

export interface ConsortiumDemoCouncil {
  code: string;
  name: string;
  authorityId: number;
  invoicesRead: number;
  findingsRaised: number;
}

export interface ConsortiumDemoResult {
  consortiumId: number;
  code: string;
  name: string;
  framework: ImportReport;
  councils: ConsortiumDemoCouncil[];
  /** Users made now (a second run keeps the ones there). */
  usersCreated: string[];
  users: { username: string; role: Role; council: string }[];
}

/** The consortium demo's analyst, and one finance officer per council (named after it, so a username names one council). */
export const CONSORTIUM_ANALYST_USERNAME = "analyst";

function filesIn(dir: string, extensions: readonly string[]): string[] {
  return fs.readdirSync(dir).filter((name) => extensions.includes(path.extname(name).toLowerCase())).sort().map((name) => path.join(dir, name));
}

const read = (files: readonly string[]): { name: string; bytes: Buffer }[] => files.map((file) => ({ name: path.basename(file), bytes: fs.readFileSync(file) }));

/**
 * `demo --consortium`: three fictional councils (samples/consortium) sharing three providers and
 * one framework, each with its reference data and invoices imported, read and audited, and a
 * consortium analyst. Idempotent like the single-council demo: a second run reuses what is there.
 */
/**
 * Loads the consortium demo. `db` is the deployment's (owner) handle: it adds the councils and the
 * consortium; every member's own data is then loaded through a handle scoped to that member.
 */
export async function loadConsortiumDemo(db: Database, options: { samplesDir: string; dataDir: string; password: string; logger?: Logger }): Promise<ConsortiumDemoResult> {
  const dir = path.join(options.samplesDir, "consortium");
  const manifestFile = path.join(dir, "consortium.json");
  if (!fs.existsSync(manifestFile)) throw new AppError("demo.no_samples", `The consortium sample data is missing: expected ${manifestFile}`);
  const samples = JSON.parse(fs.readFileSync(manifestFile, "utf8")) as ConsortiumSamples;
  const logger = options.logger ? { logger: options.logger } : {};

  const councils: ConsortiumDemoCouncil[] = [];
  for (const council of samples.councils) {
    const found = await authorityByCode(db.knex, council.code);
    const authorityId = found ? found.id : await addAuthority(db.knex, { code: council.code, name: council.name });
    councils.push({ code: council.code, name: council.name, authorityId, invoicesRead: 0, findingsRaised: 0 });
  }
  // Members first (their providers check the framework's contracts), then the framework, then each member's placements.
  for (const council of samples.councils) {
    const providers = read([path.join(dir, council.reference, "providers.csv")]);
    const authorityId = councils.find((c) => c.code === council.code)?.authorityId ?? 0;
    await importReference(forAuthority(db, authorityId), providers, { authorityId, actor: "demo", ...logger });
  }
  const consortium = await ensureConsortium(db, { code: samples.code, name: samples.name, memberCodes: samples.councils.map((c) => c.code), actor: "demo" });
  const framework = await importReference(db, read(filesIn(path.join(dir, samples.framework), [".csv"])), {
    authorityId: consortium.memberIds[0] ?? 0,
    framework: { consortiumId: consortium.id, code: consortium.code },
    actor: "demo",
    ...logger,
  });
  if (framework.outcome !== "applied") throw new AppError("demo.framework", `The framework did not import: ${framework.outcome}`);

  for (const [index, council] of samples.councils.entries()) {
    const entry = councils[index];
    if (!entry) continue;
    // Each member's data is loaded as that member (row-level security), never as the owner.
    const member = forAuthority(db, entry.authorityId);
    const imported = await importReference(member, read(filesIn(path.join(dir, council.reference), [".csv"])), { authorityId: entry.authorityId, actor: "demo", ...logger });
    if (imported.outcome !== "applied") throw new AppError("demo.reference", `${council.name}'s reference data did not import: ${imported.outcome}`);
    const invoices = filesIn(path.join(dir, council.invoices), [".csv"]).map((file) => ({ name: path.basename(file), path: file }));
    const ingested = await ingestFiles(member, invoices, { dataDir: options.dataDir, authorityId: entry.authorityId, auditOnArrival: false, actor: "demo", ...logger });
    entry.invoicesRead = ingested.files.filter((f) => f.status === "stored").length;
    const audit = await runAudit(member, { scope: { kind: "all" }, authorityId: entry.authorityId, ...logger });
    entry.findingsRaised = audit.findingsRaised;
  }

  const first = councils[0];
  if (!first) throw new AppError("demo.no_samples", "The consortium sample data names no council");
  const users: { username: string; role: Role; council: string; authorityId: number }[] = [
    { username: CONSORTIUM_ANALYST_USERNAME, role: "consortium_analyst", council: first.name, authorityId: first.authorityId },
    ...councils.map((c) => ({ username: `${c.code.toLowerCase()}-finance`, role: "finance_officer" as const, council: c.name, authorityId: c.authorityId })),
  ];
  const usersCreated: string[] = [];
  for (const user of users) {
    const member = forAuthority(db, user.authorityId);
    if (await findUserByUsername(member.knex, user.authorityId, user.username)) continue;
    await createUser(member, { username: user.username, password: options.password, role: user.role, authorityId: user.authorityId }, "demo");
    usersCreated.push(user.username);
  }
  return {
    consortiumId: consortium.id, code: consortium.code, name: consortium.name, framework, councils, usersCreated,
    users: users.map(({ username, role, council }) => ({ username, role, council })),
  };
}
