import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importReference } from "../../src/services/reference/import-reference.js";
import { ingestFiles } from "../../src/services/ingest/ingest-files.js";
import { listExtractedInvoices } from "../../src/services/ingest/ingest-list.js";
import { runAudit } from "../../src/services/audit/run-audit.js";
import { openTestDatabase, type TestDatabase } from "../support/db.js";

/**
 * The golden test: the sample council's files go through import → ingest → audit, and what
 * comes out must equal what was worked out by hand: each invoice's *.expected.json, field by
 * field, and samples/expected-findings.json exactly (rule, child, invoice, amount, status).
 */
const samples = path.resolve(import.meta.dirname, "../../samples");
const invoicesDir = path.join(samples, "invoices");
const invoiceFiles = fs.readdirSync(invoicesDir).filter((name) => /\.(pdf|xlsx|csv)$/i.test(name)).sort();

interface ExpectedFinding {
  provider_id: string;
  invoice_number: string;
  source_file: string;
  child_ref: string | null;
  rule: string;
  category: string;
  amount: string;
  status: string;
}

const findingKey = (f: { source_file: string; child_ref: string | null; rule: string; category: string; amount: string; status: string; invoice_number: string }): string =>
  `${f.source_file} | ${f.invoice_number} | ${f.child_ref ?? ""} | ${f.rule} | ${f.category} | ${f.amount} | ${f.status}`;

describe("golden: the sample council end to end", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase();
  });
  afterAll(async () => {
    await t.dispose();
  });

  it("imports the reference data with no rejected row", async () => {
    const referenceDir = path.join(samples, "reference");
    const files = fs.readdirSync(referenceDir).map((name) => ({ name, bytes: fs.readFileSync(path.join(referenceDir, name)) }));
    const report = await importReference(t.db, files, { authorityId: 1 });
    expect(report.files.flatMap((f) => f.errors ?? [])).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it("ingests every sample invoice", async () => {
    const report = await ingestFiles(t.db, invoiceFiles.map((name) => ({ name, path: path.join(invoicesDir, name) })), { authorityId: 1, dataDir: t.dataDir });
    const notStored = report.files.filter((f) => f.status !== "stored").map((f) => `${f.name}: ${f.status} ${f.reason ?? ""}`);
    expect(notStored).toEqual([]);
  });

  it.each(invoiceFiles)("extracts %s exactly as its .expected.json says", async (name) => {
    const expected = JSON.parse(fs.readFileSync(path.join(invoicesDir, `${name}.expected.json`), "utf8")) as Record<string, unknown>;
    const extracted = (await listExtractedInvoices(t.db, { authorityId: 1 })).find((invoice) => invoice.source_file === name);
    expect(extracted).toEqual(expected);
  });

  it("audits to exactly the hand-worked findings", async () => {
    await runAudit(t.db, { authorityId: 1, scope: { kind: "all" } });
    const rows: (ExpectedFinding & { source_file: string })[] = await t.db
      .knex("findings as f")
      .join("invoices as i", "i.id", "f.invoice_id")
      .join("received_files as r", "r.id", "i.file_id")
      .whereNot("f.status", "superseded")
      .select("f.provider_id", "i.invoice_number", "r.original_name as source_file", "f.child_ref", "f.rule", "f.category", "f.amount", "f.status");
    const expected = JSON.parse(fs.readFileSync(path.join(samples, "expected-findings.json"), "utf8")) as ExpectedFinding[];
    expect(rows.map(findingKey).sort()).toEqual(expected.map(findingKey).sort());
  });
});
