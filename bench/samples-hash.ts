/**
 * One SHA-256 over what the audit stores for the sample council, end to end: the samples'
 * reference data imported, their invoices read (PDF, XLSX, CSV) and audited on a fresh
 * database, then every finding (invoice, line, rule, category, child, amount, charged,
 * expected, explanation, evidence, status) and every invoice's notes and review status hashed
 * in a fixed order. A change to how the audit reads or writes must leave it unchanged.
 *
 *   npx tsx bench/samples-hash.ts [--pg URL]      (a fresh database on that server; else embedded)
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { migrateLatest } from "../src/db/migrate.js";
import { importReference } from "../src/services/reference/import-reference.js";
import { ingestFiles } from "../src/services/ingest/ingest-files.js";
import { runAudit } from "../src/services/audit/run-audit.js";
import { createTarget, openTarget } from "./databases.js";
import { argValue } from "./support.js";

const samples = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../samples");

export async function samplesHash(serverUrl: string | null): Promise<{ findings: number; invoices: number; sha256: string }> {
  const { target, drop } = await createTarget(serverUrl ? "postgres" : "embedded", serverUrl, "samples_hash");
  try {
    const db = await openTarget(target);
    try {
      await migrateLatest(db.knex);
      const referenceDir = path.join(samples, "reference");
      const files = fs.readdirSync(referenceDir).map((name) => ({ name, bytes: fs.readFileSync(path.join(referenceDir, name)) }));
      await importReference(db, files, { authorityId: 1 });
      const invoicesDir = path.join(samples, "invoices");
      const names = fs.readdirSync(invoicesDir).filter((name) => /\.(pdf|xlsx|csv)$/i.test(name)).sort();
      const dataDir = fs.mkdtempSync(path.join(path.dirname(fileURLToPath(import.meta.url)), "../.tmp-samples-"));
      try {
        await ingestFiles(db, names.map((name) => ({ name, path: path.join(invoicesDir, name) })), { authorityId: 1, dataDir });
      } finally {
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
      await runAudit(db, { authorityId: 1, scope: { kind: "all" } });
      const hash = createHash("sha256");
      const findings: Record<string, unknown>[] = await db
        .knex("findings as f")
        .join("invoices as i", "i.id", "f.invoice_id")
        .select("i.provider_id", "i.invoice_number", "i.invoice_date", "f.line_no", "f.rule", "f.category", "f.child_ref", "f.amount", "f.charged", "f.expected", "f.explanation", "f.evidence", "f.status")
        .orderBy(["i.provider_id", "i.invoice_number", "i.invoice_date", "f.line_no", "f.rule"]);
      for (const f of findings) hash.update(`${JSON.stringify(f)}\n`);
      const invoices: Record<string, unknown>[] = await db
        .knex("invoices")
        .select("provider_id", "invoice_number", "invoice_date", "kind", "status", "audit_notes")
        .orderBy(["provider_id", "invoice_number", "invoice_date", "kind"]);
      for (const i of invoices) hash.update(`${JSON.stringify(i)}\n`);
      return { findings: findings.length, invoices: invoices.length, sha256: hash.digest("hex") };
    } finally {
      await db.close();
    }
  } finally {
    await drop();
  }
}

async function main(): Promise<void> {
  const serverUrl = argValue("--pg") ?? process.env.DATABASE_URL ?? null;
  const result = await samplesHash(serverUrl);
  console.log(`samples on ${serverUrl ? "PostgreSQL" : "embedded"}: ${result.findings} findings, ${result.invoices} invoices; sha256 ${result.sha256}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) await main();
