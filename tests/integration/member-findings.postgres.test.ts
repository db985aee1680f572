import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { forAuthority, type Database } from "../../src/db/connection.js";
import { addAuthority } from "../../src/db/repositories/authority.repository.js";
import { runAudit } from "../../src/services/audit/run-audit.js";
import { ingestFiles } from "../../src/services/ingest/ingest-files.js";
import { importReference } from "../../src/services/reference/import-reference.js";
import { openTestDatabase, type TestDatabase } from "../support/db.js";

// Issue 23 "Done when": a member's findings are unchanged by adding other members. The sample
// council is loaded and audited as council A and its findings hashed; then council B joins
// with the very same providers, children, invoice numbers and files (the hardest case for
// keys that might collide), is audited, and A is audited again: A's hash is the same.
const samples = path.resolve(import.meta.dirname, "../../samples");
const invoicesDir = path.join(samples, "invoices");
const referenceDir = path.join(samples, "reference");

let t: TestDatabase;

async function loadSamples(db: Database, authorityId: number): Promise<void> {
  const reference = fs.readdirSync(referenceDir).map((name) => ({ name, bytes: fs.readFileSync(path.join(referenceDir, name)) }));
  const imported = await importReference(db, reference, { authorityId });
  expect(imported.ok).toBe(true);
  const invoices = fs.readdirSync(invoicesDir).filter((name) => /\.(pdf|xlsx|csv)$/i.test(name)).sort().map((name) => ({ name, path: path.join(invoicesDir, name) }));
  const ingested = await ingestFiles(db, invoices, { authorityId, dataDir: t.dataDir, auditOnArrival: false });
  expect(ingested.files.filter((f) => f.status !== "stored")).toEqual([]);
}

/** One SHA-256 over every finding of the council (as its own users' handle sees them), in a fixed order. */
async function findingsHash(db: Database, authorityId: number, withoutRowIds = false): Promise<{ findings: number; sha256: string }> {
  const rows: Record<string, unknown>[] = await db
    .knex("findings as f")
    .join("invoices as i", "i.id", "f.invoice_id")
    .join("received_files as r", "r.id", "i.file_id")
    .where("f.authority_id", authorityId)
    .select("r.original_name", "i.invoice_number", "f.line_no", "f.rule", "f.category", "f.provider_id", "f.child_ref", "f.amount", "f.charged", "f.expected", "f.explanation", "f.evidence", "f.status")
    .orderBy(["r.original_name", "i.invoice_number", "f.line_no", "f.rule"]);
  const hash = createHash("sha256");
  // Evidence names other invoices by their row id, which differs between two councils' copies of the same files.
  for (const row of rows) hash.update(`${withoutRowIds ? JSON.stringify(row).replace(/"(\w*[iI]nvoiceKey)":"\d+"/g, '"$1":"…"') : JSON.stringify(row)}\n`);
  return { findings: rows.length, sha256: hash.digest("hex") };
}

beforeAll(async () => {
  t = await openTestDatabase();
});

afterAll(async () => {
  await t?.dispose();
});

describe("a council's findings when another joins", () => {
  it("are the same before and after a second council is loaded with its own data and audited", async () => {
    const a = forAuthority(t.db, 1);
    await loadSamples(a, 1);
    await runAudit(a, { authorityId: 1, scope: { kind: "all" } });
    const before = await findingsHash(a, 1);
    const expected = JSON.parse(fs.readFileSync(path.join(samples, "expected-findings.json"), "utf8")) as unknown[];
    expect(before.findings).toBeGreaterThanOrEqual(expected.length);

    const north = await addAuthority(t.db.knex, { code: "north", name: "North Council" });
    const b = forAuthority(t.db, north);
    await loadSamples(b, north);
    await runAudit(b, { authorityId: north, scope: { kind: "all" } });
    // B's audit of the same files finds the same (its own rows), and A's re-audit changes nothing.
    expect(await findingsHash(b, north, true)).toEqual(await findingsHash(a, 1, true));
    await runAudit(a, { authorityId: 1, scope: { kind: "all" } });
    expect(await findingsHash(a, 1)).toEqual(before);
    // Each council's handle sees its own findings only.
    expect(await a.knex("findings").where({ authority_id: north }).count<{ n: string }[]>({ n: "*" })).toEqual([{ n: "0" }]);
  });
});
