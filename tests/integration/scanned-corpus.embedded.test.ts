import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertInvoice, insertReceivedFile } from "../../src/db/repositories/invoice.repository.js";
import { ocrToVerify, readInvoiceFile, type ReadOutcome } from "../../src/ingest/read-invoice-file.js";
import { sharedOcrEngine } from "../../src/ingest/ocr/ocr-engine.js";
import { runAudit } from "../../src/services/audit/run-audit.js";
import { ingestFiles } from "../../src/services/ingest/ingest-files.js";
import { loadSampleReference } from "../fixtures/layouts/score.js";
import { confirmInvoice, sampleReadContext, scanFiles, scoreRead, type ScanFile, type ScanScore } from "../fixtures/scans/score-scans.js";
import { openTestDatabase, type TestDatabase } from "../support/db.js";

/**
 * Issue 17 "Done when", on the scanned corpus (tests/fixtures/scans, made by generate.ts from the
 * samples and the layout corpus):
 * - no OCR misreading reaches the audit unmarked: every field that stands equals the original's,
 *   asserted field by field;
 * - the share of fields right without a person is reported and held at issue 17's 0.98;
 * - golden: the sample scans, once a person confirms their marked fields, audit to exactly the
 *   findings the originals give (samples/expected-findings.json).
 * The corpus is read in this process (no sandbox) to keep the run short: ~11 pages of OCR.
 */
const files = scanFiles();
const reads = new Map<string, { file: ScanFile; outcome: ReadOutcome; score: ScanScore }>();

beforeAll(async () => {
  const context = sampleReadContext();
  for (const file of files) {
    const outcome = await readInvoiceFile(file.name, fs.readFileSync(file.path), context);
    reads.set(file.name, { file, outcome, score: scoreRead(file, outcome) });
  }
}, 600_000);

afterAll(async () => {
  await sharedOcrEngine().stop();
});

describe("the scanned corpus", () => {
  it("holds scans of every kind: image-only PDFs at 200 and 300 dpi, PNG and TIFF", () => {
    expect(files.map((f) => path.extname(f.name)).sort()).toEqual([".pdf", ".pdf", ".pdf", ".pdf", ".pdf", ".pdf", ".png", ".png", ".tif"]);
    expect(new Set(files.map((f) => /\.scan(\d+)\./.exec(f.name)?.[1]))).toEqual(new Set(["200", "300"]));
  });

  it.each(files.map((f) => f.name))("%s: no value stands that differs from the original's", (name) => {
    const read = reads.get(name);
    expect(read?.score.silent).toEqual([]);
    // Every value that stands is right, every marked one is counted: nothing is left out.
    expect((read?.score.right ?? 0) + (read?.score.toVerify ?? 0)).toBe(read?.score.total);
  });

  it("reads most fields right without a person", () => {
    const scores = [...reads.values()].map((r) => r.score);
    const right = scores.reduce((a, s) => a + s.right, 0);
    const total = scores.reduce((a, s) => a + s.total, 0);
    console.log(`scanned corpus: ${right}/${total} fields right without a person (${(right / total).toFixed(3)}); ${scores.filter((s) => s.reason === null && s.toVerify === 0).length}/${scores.length} scans stored with nothing to verify; ${scores.reduce((a, s) => a + s.silent.length, 0)} silent misreads`);
    // Issue 17's target. Measured 0.989 (463/468) with second readings; 0.962 before them.
    expect(right / total).toBeGreaterThanOrEqual(0.98);
    expect(scores.flatMap((s) => s.silent)).toEqual([]);
  });

  it("every scan read in full is either stored or kept to verify, never refused outright", () => {
    expect([...reads.values()].map((r) => [r.file.name, r.outcome.status === "ok" || ocrToVerify(r.outcome) !== null])).toEqual(files.map((f) => [f.name, true]));
  });
});

describe("golden: confirmed sample scans give the originals' findings", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase();
    await loadSampleReference(t.db);
  });
  afterAll(async () => {
    await t.dispose();
  });

  it("audits to exactly samples/expected-findings.json with the sample scans in place of their originals", async () => {
    const samples = path.resolve(import.meta.dirname, "../../samples");
    const invoicesDir = path.join(samples, "invoices");
    const scanned = new Map([...reads.values()].filter((r) => fs.existsSync(path.join(invoicesDir, originalName(r.file.name)))).map((r) => [originalName(r.file.name), r]));
    expect(scanned.size).toBe(7);
    // In the originals' order of receipt (name order): the audit looks at what came first.
    for (const name of fs.readdirSync(invoicesDir).filter((n) => /\.(pdf|xlsx|csv)$/i.test(n)).sort()) {
      const scan = scanned.get(name);
      if (!scan) {
        const report = await ingestFiles(t.db, [{ name, path: path.join(invoicesDir, name) }], { authorityId: 1, dataDir: t.dataDir, auditOnArrival: false });
        expect(report.files[0]?.status).toBe("stored");
        continue;
      }
      const verify = ocrToVerify(scan.outcome);
      const read = scan.outcome.status === "ok" ? scan.outcome.invoice : verify?.invoice;
      if (!read) throw new Error(`${scan.file.name} was not read in full`);
      const invoice = confirmInvoice(read, verify?.doubts ?? [], scan.file.expected);
      const bytes = fs.readFileSync(scan.file.path);
      await t.db.knex.transaction(async (trx) => {
        const receivedAt = new Date();
        const fileId = await insertReceivedFile(trx, {
          authorityId: 1, sha256: crypto.createHash("sha256").update(bytes).digest("hex"), originalName: name, storedPath: scan.file.name,
          sizeBytes: bytes.byteLength, status: "processed", reason: null, receivedAt, processedAt: receivedAt,
        });
        if (fileId === null) throw new Error("not inserted");
        await insertInvoice(trx, { authorityId: 1, fileId, receivedAt, invoice, notes: [] });
      });
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await runAudit(t.db, { authorityId: 1, scope: { kind: "all" } });
    const rows: Array<Record<string, string | null>> = await t.db
      .knex("findings as f")
      .join("invoices as i", "i.id", "f.invoice_id")
      .join("received_files as r", "r.id", "i.file_id")
      .whereNot("f.status", "superseded")
      .select("i.invoice_number", "r.original_name as source_file", "f.child_ref", "f.rule", "f.category", "f.amount", "f.status");
    const key = (f: Record<string, unknown>): string => [f["source_file"], f["invoice_number"], f["child_ref"] ?? "", f["rule"], f["category"], f["amount"], f["status"]].join(" | ");
    const expected = JSON.parse(fs.readFileSync(path.join(samples, "expected-findings.json"), "utf8")) as Array<Record<string, unknown>>;
    expect(rows.map(key).sort()).toEqual(expected.map(key).sort());
  }, 600_000);
});

/** `2026-08-cedar-house-CED-2248.scan300.pdf` was made from `2026-08-cedar-house-CED-2248.pdf`. */
function originalName(scan: string): string {
  return scan.replace(/\.scan\d+\.\w+$/, ".pdf");
}
