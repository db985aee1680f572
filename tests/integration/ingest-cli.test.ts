import os from "node:os";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { openDatabase } from "../../src/db/connection.js";
import { migrateLatest } from "../../src/db/migrate.js";
import { pdfkitLayout, scannedPdf } from "../fixtures/invoices/pdf-builders.js";
import { layoutSideBySide } from "../fixtures/invoices/pdf-layouts.js";
import { FIXTURE_PROVIDER_ROWS } from "../fixtures/invoices/providers.js";
import { csvText } from "../fixtures/invoices/spreadsheet-builders.js";
import { createTestDatabaseUrl, freshDataDir, tempDir, usingPostgres } from "../support/db.js";

describe("placement-audit ingest and invoices", () => {
  const saved = { DATA_DIR: process.env.DATA_DIR, DATABASE_URL: process.env.DATABASE_URL, LOG_LEVEL: process.env.LOG_LEVEL };
  let dataDir: string;
  let invoicesDir: string;
  let drop: () => Promise<void> = () => Promise.resolve();

  beforeAll(async () => {
    dataDir = freshDataDir("cli-data");
    invoicesDir = tempDir("cli-invoices");
    let databaseUrl: string | null = null;
    if (usingPostgres()) {
      const created = await createTestDatabaseUrl();
      databaseUrl = created.url;
      drop = created.drop;
    }
    process.env.DATA_DIR = dataDir;
    process.env.DATABASE_URL = databaseUrl ?? "";
    process.env.LOG_LEVEL = "error";
    const db = await openDatabase({ databaseUrl, dataDir });
    await migrateLatest(db.knex);
    await db.knex("providers").insert(FIXTURE_PROVIDER_ROWS);
    await db.close();

    fs.writeFileSync(
      path.join(invoicesDir, "a-oakfield.csv"),
      csvText(
        [
          ["Invoice No", "OFP-3001"], ["Invoice Date", "02/11/2026"], ["Period", "October 2026"], ["Supplier", "Oakfield Fostering Ltd"], [],
          ["Child Ref", "Description", "Nights", "Rate", "Amount"],
          ["C1001", "Foster placement", "31", "£131.00", "£4,061.00"],
          ["C1002", "Foster placement", "10", "£131.00", "£1,310.00"],
          ["", "", "", "Total", "£5,371.00"],
        ],
        ",",
      ),
    );
    fs.writeFileSync(path.join(invoicesDir, "b-oakfield.pdf"), await pdfkitLayout(layoutSideBySide()));
    fs.mkdirSync(path.join(invoicesDir, "scans"));
    fs.writeFileSync(path.join(invoicesDir, "scans", "c-scan.pdf"), await scannedPdf());
    fs.writeFileSync(path.join(invoicesDir, "notes.txt"), "not an invoice");
    fs.writeFileSync(path.join(invoicesDir, ".hidden.pdf"), "hidden");
  });

  afterAll(async () => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    await drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(invoicesDir, { recursive: true, force: true });
  });

  it("ingests a directory in name order, one plain line per file, exit 1 when a file needs attention", async () => {
    const { code, out } = await runCli("ingest", invoicesDir);
    expect(code).toBe(1);
    expect(out.split("\n")).toEqual([
      "stored            a-oakfield.csv  OAK invoice OFP-3001 (2 lines)",
      "stored            b-oakfield.pdf  OAK invoice OFP-1046 (3 lines)",
      expect.stringMatching(/^needs attention {3}c-scan\.pdf: No text was found on the scan/),
      "2 stored, 0 already received, 1 needs attention, 1 other file(s) skipped",
      // Audited on arrival, without an audit command (AUDIT.md "When").
      expect.stringMatching(/^Audited on arrival: 2 invoice\(s\) of 1 provider\(s\), \d+ finding\(s\) \(run \d+\)\.$/),
      "",
    ]);
  });

  it("prints the invoices as JSON exactly as INTERFACES.md names the fields", async () => {
    const { code, out } = await runCli("invoices", "--month", "2026-11", "--format", "json");
    expect(code).toBe(0);
    const invoices = JSON.parse(out) as Array<Record<string, unknown>>;
    expect(invoices.map((i) => i.invoice_number)).toEqual(["OFP-3001", "OFP-1046"]);
    expect(invoices[0]).toEqual({
      provider_id: "OAK",
      invoice_number: "OFP-3001",
      invoice_date: "2026-11-02",
      kind: "invoice",
      credits_invoice: null,
      period_from: "2026-10-01",
      period_to: "2026-10-31",
      subtotal: null,
      vat: null,
      total: "5371.00",
      source_file: "a-oakfield.csv",
      lines: [
        { child_ref: "C1001", placement_ref: null, description: "Foster placement", item: "placement", from: "2026-10-01", to: "2026-10-31", quantity: "31.00", unit: "night", unit_rate: "131.00", amount: "4061.00" },
        { child_ref: "C1002", placement_ref: null, description: "Foster placement", item: "placement", from: "2026-10-01", to: "2026-10-31", quantity: "10.00", unit: "night", unit_rate: "131.00", amount: "1310.00" },
      ],
    });
  });

  it("prints CSV one row per line and a table one row per invoice", async () => {
    const csv = await runCli("invoices", "--format", "csv");
    const rows = csv.out.trim().split("\r\n");
    expect(rows[0]).toBe(
      "provider_id,invoice_number,invoice_date,kind,credits_invoice,period_from,period_to,subtotal,vat,total,source_file,line_no,child_ref,placement_ref,description,item,from,to,quantity,unit,unit_rate,amount",
    );
    expect(rows).toHaveLength(1 + 2 + 3);
    expect(rows[5]).toBe("OAK,OFP-1046,2026-11-03,invoice,,2026-10-01,2026-10-31,6550.00,0.00,6550.00,b-oakfield.pdf,3,C1002,,Sibling discount 5%,discount,2026-10-01,2026-10-31,,,,-131.00");
    const table = await runCli("invoices", "--format", "table");
    expect(table.out).toContain("£6,550.00");
    expect(table.out.trim().split("\n").at(-1)).toBe("2 invoice(s)");
  });

  it("lists the files that need attention and why", async () => {
    const { code, out } = await runCli("invoices", "--needs-attention", "--format", "json");
    expect(code).toBe(0);
    const files = JSON.parse(out) as Array<Record<string, unknown>>;
    expect(files).toHaveLength(1);
    expect(files[0]).toMatchObject({ source_file: "c-scan.pdf", reason: expect.stringMatching(/No text was found/) });
    expect(Object.keys(files[0]!)).toEqual(["file_id", "source_file", "sha256", "received_at", "reason_code", "reason", "evidence", "provider_id", "invoice_number", "problems"]);
    expect(files[0]).toMatchObject({ reason_code: "ocr_failed", problems: [{ code: "ocr_failed" }] });
  });

  it("a second ingest reports every file as already received and exits 0", async () => {
    const { code, out } = await runCli("ingest", invoicesDir);
    expect(code).toBe(0);
    expect(out).toContain("already received  a-oakfield.csv\n");
    expect(out).toMatch(/already received {2}c-scan\.pdf {2}\(still needs attention: No text was found on the scan/);
    expect(out.trim().split("\n").at(-1)).toBe("0 stored, 3 already received, 0 need attention, 1 other file(s) skipped");
  });

  it("usage errors exit 2; a missing path is reported and exits 1", async () => {
    expect((await runCli("ingest")).code).toBe(2);
    expect((await runCli("ingest", "--workers", "lots", invoicesDir)).code).toBe(2);
    expect((await runCli("ingest", "--workers", "0", invoicesDir)).err).toContain("--workers must be a whole number from 1 to 16");
    expect((await runCli("ingest", "--workers", "17", invoicesDir)).code).toBe(2);
    expect((await runCli("invoices", "--month", "2026-13", "--format", "json")).code).toBe(2);
    expect((await runCli("invoices", "--format", "xml")).code).toBe(2);
    const missing = await runCli("ingest", path.join(invoicesDir, "nope.pdf"));
    expect(missing.code).toBe(1);
    expect(missing.err).toContain("nope.pdf: no such file or directory");
  });

  it("audit --threads: the same figures with one thread and with two (threads run on PostgreSQL only)", async () => {
    expect((await runCli("audit", "--all", "--threads", "lots")).code).toBe(2);
    expect((await runCli("audit", "--all", "--threads", "0")).err).toContain("--threads must be a whole number from 1 to 16");
    const one = await runCli("audit", "--all", "--threads", "1");
    const two = await runCli("audit", "--all", "--threads", "2");
    expect(one.code).toBe(0);
    expect(two.code).toBe(0);
    const figures = (out: string): string => out.replace(/ Run \d+\.\n$/, "");
    expect(figures(one.out)).toMatch(/^Audited [1-9]\d* invoice\(s\), [1-9]\d* line\(s\) \(all invoices\): \d+ finding\(s\); flagged fees /);
    expect(figures(two.out)).toBe(figures(one.out));
  });
  it("a run left running by a killed process is marked failed by the next command of any kind", async () => {
    const databaseUrl = process.env.DATABASE_URL || null;
    const db = await openDatabase({ databaseUrl, dataDir });
    // As `audit` leaves it when killed (kill -9): running, owned by a worker whose process is gone.
    const [row] = await db.knex("audit_runs").insert({ authority_id: 1, scope: "all", trigger: "manual", status: "running", owner_id: "killed-worker" }).returning<{ id: string }[]>("id");
    await db.close();
    const listed = await runCli("invoices", "--month", "2026-11", "--format", "json");
    expect(listed.code).toBe(0);
    const after = await openDatabase({ databaseUrl, dataDir });
    try {
      const run1 = await after.knex("audit_runs").where({ id: row?.id }).first<{ status: string; error: string } | undefined>("status", "error");
      expect(run1).toEqual({ status: "failed", error: "The worker killed-worker stopped before this audit finished (no heartbeat)." });
      if (databaseUrl) {
        // On PostgreSQL another live process may be auditing: a second audit is refused, exit 1.
        await after.knex("scheduler_workers").insert({ worker_id: "live-worker", hostname: os.hostname(), pid: process.ppid });
        await after.knex("audit_runs").insert({ authority_id: 1, scope: "2026-11", trigger: "manual", status: "running", owner_id: "live-worker" });
      }
    } finally {
      await after.close();
    }
    if (databaseUrl) {
      const refused = await runCli("audit", "--all");
      expect(refused.code).toBe(1);
      expect(refused.err).toMatch(/^placement-audit audit: An audit is already running \(run \d+, 2026-11, started .* by manual\); try again when it has finished\.\n$/);
    }
  });
});
