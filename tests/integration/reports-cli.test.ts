import fs from "node:fs";
import path from "node:path";
import { PassThrough } from "node:stream";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { Dec } from "../../src/domain/money.js";
import { SUMMARY_LAYOUT } from "../../src/reports/savings.workbook.js";
import { openTestDatabase, tempDir, usingPostgres, type TestDatabase } from "../support/db.js";
import { seedSavingsFixture } from "./reports-seed.js";

let t: TestDatabase;
let outDir: string;
const saved = { DATA_DIR: process.env.DATA_DIR, DATABASE_URL: process.env.DATABASE_URL, LOG_LEVEL: process.env.LOG_LEVEL };

beforeAll(async () => {
  t = await openTestDatabase();
  await seedSavingsFixture(t.db.knex);
  // The command opens the database itself, as a user's shell would: the embedded directory may
  // have one process at a time, so the test's own handle is closed first.
  if (!usingPostgres()) await t.db.close();
  process.env.DATA_DIR = t.dataDir;
  process.env.DATABASE_URL = t.databaseUrl ?? "";
  process.env.LOG_LEVEL = "error";
  outDir = tempDir("report-cli");
});

afterAll(async () => {
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  if (usingPostgres()) await t.dispose();
  else fs.rmSync(t.dataDir, { recursive: true, force: true });
  fs.rmSync(outDir, { recursive: true, force: true });
});

async function run(...argv: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on("data", (chunk: Buffer) => out.push(chunk.toString()));
  stderr.on("data", (chunk: Buffer) => err.push(chunk.toString()));
  const status = await main(argv, { stdout, stderr });
  return { status, stdout: out.join(""), stderr: err.join("") };
}

describe("report savings", () => {
  it("writes the workbook for --from/--to and exits 0", async () => {
    const file = path.join(outDir, "x.xlsx");
    const result = await run("report", "savings", "--from", "2026-08", "--to", "2026-10", "--out", file);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("Aug 2026 to Oct 2026");
    expect(result.stdout).toContain("identified £2,885.34");
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(file);
    const summary = workbook.getWorksheet("Summary")!;
    // Formulas over the category table, their cached results the exact figures.
    expect(new Dec(summary.getCell(`B${SUMMARY_LAYOUT.identified}`).result as number).toFixed(2)).toBe("2885.34");
    expect(new Dec(summary.getCell(`B${SUMMARY_LAYOUT.realised}`).result as number).toFixed(2)).toBe("1759.14");
  });

  it("exits 2 for a bad month, a period back to front, or no --out", async () => {
    const file = path.join(outDir, "bad.xlsx");
    const badMonth = await run("report", "savings", "--from", "2026-13", "--to", "2026-10", "--out", file);
    expect(badMonth.status).toBe(2);
    expect(badMonth.stderr).toContain("--from must be a month as YYYY-MM");
    expect((await run("report", "savings", "--from", "Aug 2026", "--out", file)).status).toBe(2);
    expect((await run("report", "savings", "--from", "2026-10", "--to", "2026-08", "--out", file)).status).toBe(2);
    expect((await run("report", "savings", "--from", "2026-08", "--to", "2026-10")).status).toBe(2);
    expect((await run("report", "savings", "--out", path.join(outDir, "report.csv"))).status).toBe(2);
    expect((await run("report", "nonsense")).status).toBe(2);
    expect(fs.existsSync(file)).toBe(false);
  });

  it("writes a provider's query pack as a workbook or a printable page", async () => {
    const xlsx = path.join(outDir, "pack.xlsx");
    const html = path.join(outDir, "pack.html");
    expect((await run("report", "query-pack", "--provider", "P1", "--out", xlsx)).status).toBe(0);
    expect((await run("report", "query-pack", "--provider", "P1", "--out", html)).status).toBe(0);
    // P1's confirmed findings: 124.00 + 100.00 + 60.00, and 300.00 (no credit note in this database).
    expect(fs.readFileSync(html, "utf8")).toContain("£614.00"); // 584.00 confirmed + f2's 30.00 still owed (80.00 − 50.00)
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(xlsx);
    expect(workbook.getWorksheet("Query")).toBeDefined();
    expect((await run("report", "query-pack", "--provider", "NOPE", "--out", xlsx)).status).toBe(2);
  });
});
