import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/connection.js";
import { migrateLatest } from "../../src/db/migrate.js";
import { auditArrivals } from "../../src/services/audit/audit-arrivals.js";
import { runCli } from "../support/cli.js";
import { freshDataDir } from "../support/db.js";
import { octoberFeeLine, seedIfaPlacement, seedInvoice } from "../support/seed.js";

const root = path.resolve(import.meta.dirname, "../..");
const holder = path.join(root, "tests/support/hold-database.ts");

/**
 * Issue 25: while `serve` or `demo` holds the embedded database, the other commands reach it
 * through the running process instead of being refused. A process holding it as they do
 * (tests/support/hold-database.ts with SHARE=1) stands in for `serve`; the commands run as a
 * user's shell would run them, and what they write is there once the holder has let go.
 */
describe("commands reach the embedded database through the process that holds it", () => {
  // A copy of the run's migrated template: the holder opens it without initdb or migrations.
  const dataDir = freshDataDir("share");
  const saved = { DATA_DIR: process.env.DATA_DIR, DATABASE_URL: process.env.DATABASE_URL, LOG_LEVEL: process.env.LOG_LEVEL };
  let first: ChildProcessWithoutNullStreams;

  beforeAll(async () => {
    first = spawn(process.execPath, ["--import", "tsx", holder, "3"], { cwd: root, env: { ...process.env, DATA_DIR: dataDir, SHARE: "1" }, stdio: ["pipe", "pipe", "pipe"] });
    let err = "";
    first.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      first.stdout.on("data", (chunk: Buffer) => chunk.toString().includes("ready") && resolve());
      first.on("exit", (code) => reject(new Error(`holder exited ${code}: ${err}`)));
    });
    process.env.DATA_DIR = dataDir;
    process.env.DATABASE_URL = "";
    process.env.LOG_LEVEL = "error";
  }, 120_000);

  afterAll(() => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    if (first.exitCode === null) first.kill();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("records the holder's socket in its lock file", () => {
    const locks = fs.readdirSync(path.join(dataDir, "database.locks")).filter((n) => /^\d+$/.test(n));
    const owner = JSON.parse(fs.readFileSync(path.join(dataDir, "database.locks", locks.at(-1)!), "utf8")) as { pid: number; socket?: string };
    expect(owner.pid).toBe(first.pid);
    expect(owner.socket).toBe(path.join(dataDir, "database.socket"));
    expect(fs.statSync(path.join(dataDir, "database.socket", ".s.PGSQL.5432")).mode & 0o077).toBe(0);
  });

  it("writes through it: reference data, an invoice and its audit (transactions included)", async () => {
    const db = await openDatabase({ databaseUrl: null, dataDir });
    try {
      await migrateLatest(db.knex);
      await seedIfaPlacement(db.knex);
      // 31 nights × £131.00 = £4,061.00 agreed; printed £4,161.00: arithmetic-error £100.00.
      const id = await seedInvoice(db.knex, { provider_id: "P1", invoice_number: "SH-1", invoice_date: "2026-10-31", total: "4161.00", lines: [octoberFeeLine("4161.00")] });
      await auditArrivals(db, { authorityId: 1, invoiceIds: [id] });
      expect(await db.knex("audit_log").where({ action: "test" }).count<{ count: string }[]>("* as count")).toEqual([{ count: "3" }]);
    } finally {
      await db.close();
    }
  }, 120_000);

  it("runs findings and invoices against it", async () => {
    const findings = await runCli("findings", "--provider", "P1", "--format", "json");
    expect(findings.err).toBe("");
    expect(findings.code).toBe(0);
    const rows = JSON.parse(findings.out) as { rule: string; amount: string; invoice_number: string }[];
    expect(rows.map((r) => [r.invoice_number, r.rule, r.amount])).toEqual([["SH-1", "arithmetic-error", "100.00"]]);
    const invoices = await runCli("invoices", "--provider", "P1", "--format", "csv");
    expect(invoices.code).toBe(0);
    expect(invoices.out).toContain("SH-1");
  }, 120_000);

  it("keeps what was written through it once the holder has let go", async () => {
    first.stdin.end();
    await new Promise((resolve) => first.on("exit", resolve));
    expect(fs.existsSync(path.join(dataDir, "database.socket", ".s.PGSQL.5432"))).toBe(false);
    const db = await openDatabase({ databaseUrl: null, dataDir });
    try {
      expect((await db.knex("findings").select("rule", "amount")).map((r: { rule: string; amount: string }) => [r.rule, r.amount])).toEqual([["arithmetic-error", "100.00"]]);
    } finally {
      await db.close();
    }
  }, 120_000);
});
