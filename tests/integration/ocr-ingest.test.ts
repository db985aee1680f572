import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadSampleReference } from "../fixtures/layouts/score.js";
import { SCANS_DIR } from "../fixtures/scans/score-scans.js";
import { openDatabase } from "../../src/db/connection.js";
import { keyingScreen } from "../../src/services/keying/keying-screen.js";
import { saveKeyedInvoice } from "../../src/services/keying/save-keyed.js";
import { runCli } from "../support/cli.js";
import { cliDatabase } from "../support/cli-database.js";

/**
 * Issue 17: a scan goes through `placement-audit ingest` like any invoice: OCR in the sandbox's
 * child, validation, then stored when every value is confirmed, or stored "to verify" (issue 18)
 * with each field to verify and its confidence. Nothing but npm packages is used.
 */
const CONFIRMED = "2026-08-cedar-house-CED-2248.scan300.pdf";
const TO_VERIFY = "pdfkit-statement-HCH-26-1107.scan300.pdf";

describe("ingest of scanned invoices", () => {
  let restore: () => Promise<void> = () => Promise.resolve();
  let dataDir = "";

  beforeAll(async () => {
    ({ restore, dataDir } = await cliDatabase("ocr-data", (db) => loadSampleReference(db)));
  });

  afterAll(async () => {
    await restore();
  });

  it("stores a scan whose every value a check confirmed, and keeps one with values to verify", async () => {
    const { code, out, err } = await runCli("ingest", path.join(SCANS_DIR, CONFIRMED), path.join(SCANS_DIR, TO_VERIFY));
    expect(out).toContain(`stored            ${CONFIRMED}  CED invoice CED-2248 (3 lines)`);
    expect(out).toMatch(new RegExp(`to verify         ${TO_VERIFY.replace(/\./g, "\\.")}  [A-Z]+ invoice .* 1 value\\(s\\) to verify \\(invoiceNumber: was read by OCR with confidence \\d+`));
    expect(out).toContain("2 stored, 0 already received, 0 need attention");
    expect(err).not.toContain("need attention");
    expect(code).toBe(0);
  }, 240_000);

  it("the stored scan reads exactly as the original text PDF's expected JSON", async () => {
    const { out } = await runCli("invoices", "--format", "json");
    const invoices = JSON.parse(out) as Array<Record<string, unknown> & { lines: Array<Record<string, unknown>> }>;
    const expected = JSON.parse(fs.readFileSync(path.join(SCANS_DIR, `${CONFIRMED}.expected.json`), "utf8")) as Record<string, unknown> & { lines: Array<Record<string, unknown>> };
    const stored = invoices.find((i) => i.source_file === CONFIRMED);
    // Dashes aside (OCR reads "–" as "—"), every field is the original's.
    const plain = (invoice: typeof expected | undefined): unknown => ({
      ...invoice,
      lines: invoice?.lines.map(({ item: _item, ...line }) => ({ ...line, description: typeof line["description"] === "string" ? line["description"].replace(/[—–]/g, "–") : line["description"] })),
    });
    expect(plain(stored)).toEqual(plain(expected));
  });

  it("lists the scan to verify with each field, what was read and its confidence, and keeps it out of the audit", async () => {
    const { out } = await runCli("invoices", "--to-verify", "--format", "json");
    const invoices = JSON.parse(out) as Array<{ source_file: string; uncertain: Array<{ field: string; reason: string; candidates: string[] }> }>;
    const scan = invoices.find((i) => i.source_file === TO_VERIFY);
    expect(scan?.uncertain).toHaveLength(1);
    expect(scan?.uncertain[0]?.field).toBe("invoiceNumber");
    expect(scan?.uncertain[0]?.reason).toMatch(/^was read by OCR with confidence \d+ and /);
    expect(scan?.uncertain[0]?.candidates).toEqual(["HCHI26/1107"]);
    const attention = JSON.parse((await runCli("invoices", "--needs-attention", "--format", "json")).out) as unknown[];
    expect(attention).toEqual([]);
  });

  it("a person verifies the scan by correcting its one marked value, and it is audited at once (issue 18)", async () => {
    const listed = JSON.parse((await runCli("invoices", "--to-verify", "--format", "json")).out) as Array<{ invoice_id: string; source_file: string }>;
    const invoiceId = listed.find((i) => i.source_file === TO_VERIFY)?.invoice_id ?? "";
    const db = await openDatabase({ databaseUrl: process.env.DATABASE_URL || null, dataDir });
    try {
      const target = { kind: "invoice", invoiceId } as const;
      const screen = await keyingScreen(db, dataDir, 1, target);
      // The one value OCR could not confirm is marked on the screen, and only that one.
      expect(Object.keys(screen.marks)).toEqual(["invoiceNumber"]);
      const saved = await saveKeyedInvoice(db, {
        dataDir, actor: { userId: null, username: "finance", authorityId: 1 }, target, teach: false,
        form: { ...screen.form, invoiceNumber: "HCHI26/1107" },
      });
      expect(saved.outcome).toBe("saved");
      expect(saved.outcome === "saved" && saved.audit?.status).toBe("audited");
      const invoice = await db.knex("invoices").where({ id: invoiceId }).first<{ status: string; source: string; source_by: string; invoice_number: string }>("status", "source", "source_by", "invoice_number");
      expect(invoice).toMatchObject({ source: "verified", source_by: "finance", invoice_number: "HCHI26/1107" });
      expect(["awaiting_review", "cleared"]).toContain(invoice?.status);
    } finally {
      await db.close();
    }
    expect(JSON.parse((await runCli("invoices", "--to-verify", "--format", "json")).out)).toEqual([]);
  }, 240_000);
});
