import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { openDatabase, type Database } from "../../src/db/connection.js";
import { migrateLatest } from "../../src/db/migrate.js";
import type { NeedsAttentionJson } from "../../src/services/ingest/ingest-list.js";
import { rawTextPdf } from "../fixtures/hostile/raw-pdf.js";
import { pdfLibLayout } from "../fixtures/invoices/pdf-builders.js";
import { layoutSimple } from "../fixtures/invoices/pdf-layouts.js";
import { FIXTURE_PROVIDER_ROWS } from "../fixtures/invoices/providers.js";
import { csvText } from "../fixtures/invoices/spreadsheet-builders.js";
import { createTestDatabaseUrl, freshDataDir, tempDir, usingPostgres } from "../support/db.js";

/**
 * Issue 16: one file never stops a batch. 100 files through `placement-audit ingest`, four of
 * them hostile (a text layer holding NUL, a page of garbage, an empty file, an amount no column
 * can hold): the other 96 are stored, each hostile one has its row and its reasons, exit status
 * 1 lists them, and nothing is kept under DATA_DIR/files without a row.
 */

function goodCsv(n: number): string {
  const nights = 1 + (n % 28);
  return csvText(
    [
      ["Supplier", "Oakfield Fostering Ltd"], ["Invoice No", `OFP-${5000 + n}`], ["Invoice Date", "02/11/2026"], ["Period", "October 2026"], [],
      ["Child Ref", "Description", "Nights", "Rate", "Amount"],
      ["C1001", "Foster placement", String(nights), "£131.00", `£${(nights * 131).toFixed(2)}`],
      ["", "", "", "Total", `£${(nights * 131).toFixed(2)}`],
    ],
    ",",
  );
}

/** An invoice whose line description carries a NUL character code, as a broken font mapping leaves it. */
function nulTextLayerPdf(): Buffer {
  const row = (y: number, cells: string[]): Array<{ x: number; y: number; literal: string }> =>
    cells.map((literal, i) => ({ x: [40, 100, 300, 360, 440][i] ?? 40, y, literal }));
  return rawTextPdf([
    { x: 40, y: 50, literal: "Oakfield Fostering Ltd" },
    { x: 350, y: 70, literal: "Invoice No: OFP-7777" },
    { x: 350, y: 82, literal: "Invoice Date: 02/11/2026" },
    { x: 350, y: 94, literal: "Period: October 2026" },
    ...row(140, ["Child Ref", "Description", "Nights", "Rate", "Amount"]),
    ...row(154, ["C1001", "Foster\\000placement", "31", "131.00", "4,061.00"]),
    ...row(180, ["", "", "", "Total", "4,061.00"]),
  ]);
}

function garbagePdf(): Buffer {
  return rawTextPdf([
    { x: 40, y: 60, literal: "\\244\\377\\376 q@@#% ~~ \\231\\232 zz" },
    { x: 40, y: 80, literal: "xx 7\\2407 ;;;; \\210\\211\\212" },
  ]);
}

describe("one file never stops a batch", () => {
  const saved = { DATA_DIR: process.env.DATA_DIR, DATABASE_URL: process.env.DATABASE_URL, LOG_LEVEL: process.env.LOG_LEVEL };
  let dataDir: string;
  let invoicesDir: string;
  let databaseUrl: string | null = null;
  let drop: () => Promise<void> = () => Promise.resolve();

  beforeAll(async () => {
    dataDir = freshDataDir("hostile-data");
    invoicesDir = tempDir("hostile-invoices");
    if (usingPostgres()) {
      const created = await createTestDatabaseUrl();
      databaseUrl = created.url;
      drop = created.drop;
    }
    process.env.DATA_DIR = dataDir;
    process.env.DATABASE_URL = databaseUrl ?? "";
    process.env.LOG_LEVEL = "error";
    const setup = await openDatabase({ databaseUrl, dataDir });
    await migrateLatest(setup.knex);
    await setup.knex("providers").insert(FIXTURE_PROVIDER_ROWS);
    await setup.close();

    for (let n = 0; n < 90; n++) fs.writeFileSync(path.join(invoicesDir, `good-${String(n).padStart(3, "0")}.csv`), goodCsv(n));
    for (let n = 0; n < 6; n++) {
      const layout = layoutSimple({ provider: "Oakfield Fostering Ltd", number: `OFP-${6000 + n}`, date: "02/11/2026", period: "October 2026", lines: [["C1002", "Foster placement", "", "", "31", "131.00", "4,061.00"]] });
      fs.writeFileSync(path.join(invoicesDir, `good-pdf-${n}.pdf`), await pdfLibLayout(layout));
    }
    fs.writeFileSync(path.join(invoicesDir, "hostile-nul.pdf"), nulTextLayerPdf());
    fs.writeFileSync(path.join(invoicesDir, "hostile-garbage.pdf"), garbagePdf());
    fs.writeFileSync(path.join(invoicesDir, "hostile-empty.csv"), "");
    fs.writeFileSync(
      path.join(invoicesDir, "hostile-huge.csv"),
      csvText([["Supplier", "Oakfield Fostering Ltd"], ["Invoice No", "OFP-9999"], ["Invoice Date", "02/11/2026"], ["Period", "October 2026"], [], ["Child Ref", "Description", "Nights", "Rate", "Amount"], ["C1001", "Foster placement", "31", "131.00", "99999999999999999.00"]], ","),
    );
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

  it("stores the 96 good files, keeps each hostile one with its reason, and exits 1 listing them", async () => {
    expect(fs.readdirSync(invoicesDir)).toHaveLength(100);
    const ingest = await runCli("ingest", invoicesDir);
    expect(ingest.out).toContain("96 stored, 0 already received, 4 need attention");
    expect(ingest.code).toBe(1);
    expect(ingest.err).toContain("4 file(s) need attention");
    for (const name of ["hostile-nul.pdf", "hostile-garbage.pdf", "hostile-empty.csv", "hostile-huge.csv"]) expect(ingest.err).toMatch(new RegExp(`^  ${name.replace(".", "\\.")}: \\[[a-z_]+\\] `, "m"));

    const db: Database = await openDatabase({ databaseUrl, dataDir });
    const rows = await db.knex<{ original_name: string; status: string; stored_path: string }>("received_files").select("original_name", "status", "stored_path");
    expect(rows).toHaveLength(100);
    expect(rows.filter((r) => r.status === "processed")).toHaveLength(96);
    expect(Number((await db.knex("invoices").count({ n: "*" }).first())?.n)).toBe(96);
    // Every file kept (under DATA_DIR/files, or in the database on a server) has its row.
    const kept =
      db.kind === "embedded"
        ? fs.readdirSync(path.join(dataDir, "files"), { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.relative(dataDir, path.join(e.parentPath, e.name)).split(path.sep).join("/"))
        : (await db.knex("original_files").select<{ sha256: string }[]>("sha256")).map((r) => `database:${r.sha256}`);
    expect(kept.sort()).toEqual(rows.map((r) => r.stored_path).sort());
    // The embedded database admits one process at a time: the next command opens it again.
    await db.close();
  });

  it("gives each file that needs attention its code, the text it stopped at and every problem", async () => {
    const listed = await runCli("invoices", "--needs-attention", "--format", "json");
    expect(listed.code).toBe(0);
    const files = JSON.parse(listed.out) as NeedsAttentionJson[];
    const byName = new Map(files.map((f) => [f.source_file, f]));
    expect([...byName.keys()].sort()).toEqual(["hostile-empty.csv", "hostile-garbage.pdf", "hostile-huge.csv", "hostile-nul.pdf"]);

    const nul = byName.get("hostile-nul.pdf");
    expect(nul).toMatchObject({ reason_code: "text_layer_unreadable", provider_id: "OAK", invoice_number: "OFP-7777" });
    expect(nul?.evidence).toContain("Foster\\u0000placement");
    expect(listed.out).not.toContain("\u0000");

    const garbage = byName.get("hostile-garbage.pdf");
    expect(garbage?.problems.map((p) => p.code).sort()).toEqual(["no_invoice_date", "no_invoice_number", "no_line_table", "unknown_provider"]);
    expect(garbage?.reason_code).toBe("unknown_provider");

    expect(byName.get("hostile-empty.csv")).toMatchObject({ reason_code: "corrupt", problems: [{ code: "corrupt" }] });
    const huge = byName.get("hostile-huge.csv");
    expect(huge).toMatchObject({ reason_code: "storage_failed", problems: [{ code: "storage_failed" }] });
    expect(huge?.reason).toMatch(/could not be stored/);
  });
});
