import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../../src/db/connection.js";
import { migrateLatest } from "../../src/db/migrate.js";
import { FIXTURE_PROVIDER_ROWS } from "../fixtures/invoices/providers.js";
import { csvText } from "../fixtures/invoices/spreadsheet-builders.js";
import { createTestDatabaseUrl, tempDir } from "../support/db.js";
import { expectedFindings, findingsOf, seedInvoicesDirectly, seedReference } from "./worker.fixtures.js";
import { keptOriginal } from "../support/originals.js";

/**
 * Crash safety (issue 10) on a real PostgreSQL server: `placement-audit ingest <dir>` runs as
 * a child process over many files and is killed with SIGKILL part way through. Whatever it had
 * recorded is whole (every invoice has all its lines, every recorded file its stored original),
 * and running the same ingest again receives every file exactly once. `placement-audit audit`
 * killed the same way re-runs to the findings worked out by hand (worker.fixtures.ts). (The
 * worker killed in a scheduled audit is worker-cluster.postgres.test.ts.)
 */

const FILES = 300;
const BIN = path.join(import.meta.dirname, "..", "..", "bin", "placement-audit.js");

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
}

function runCli(args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env, LOG_LEVEL: "error" }, stdio: ["ignore", "ignore", "pipe"] });
}

function stderrOf(child: ChildProcess): () => string {
  let text = "";
  child.stderr?.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
  return () => text;
}

function invoiceCsv(i: number): string {
  const number = `OFP-${String(10_000 + i)}`;
  return csvText(
    [
      ["Supplier", "Oakfield Fostering Ltd"],
      ["Invoice No", number],
      ["Invoice Date", "01/11/2026"],
      ["Period", "October 2026"],
      [],
      ["Child Ref", "Description", "Nights", "Rate", "Amount"],
      [`C${1000 + i}`, "Foster placement", "31", "£131.00", "£4,061.00"],
      [`C${1000 + i}`, "Sibling discount", "", "", "-£40.00"],
      ["", "", "", "Total", "£4,021.00"],
    ],
    ",",
  );
}

interface Counts {
  files: number;
  invoices: number;
  lines: number;
}

describe("SIGKILL during ingest, then restart (PostgreSQL)", () => {
  let url: string;
  let drop: () => Promise<void>;
  let db: Database;
  let dataDir: string;
  let inbox: string;

  beforeAll(async () => {
    const created = await createTestDatabaseUrl();
    url = created.url;
    drop = created.drop;
    dataDir = tempDir("crash-data");
    inbox = tempDir("crash-inbox");
    db = await openDatabase({ databaseUrl: url, dataDir });
    await migrateLatest(db.knex);
    await db.knex("providers").insert(FIXTURE_PROVIDER_ROWS);
    for (let i = 0; i < FILES; i++) fs.writeFileSync(path.join(inbox, `inv-${String(i).padStart(4, "0")}.csv`), invoiceCsv(i));
  });
  afterAll(async () => {
    await db.close();
    await drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(inbox, { recursive: true, force: true });
  });

  function startIngest(): ChildProcess {
    return runCli(["ingest", inbox], { DATABASE_URL: url, DATA_DIR: dataDir });
  }

  async function counts(): Promise<Counts> {
    const one = async (table: string): Promise<number> => Number((await db.knex(table).count<{ n: string }[]>({ n: "*" }))[0]?.n ?? 0);
    return { files: await one("received_files"), invoices: await one("invoices"), lines: await one("invoice_lines") };
  }

  /** Every invoice has both its lines, every processed file its one invoice, every row its stored original. */
  async function expectWhole(): Promise<Counts> {
    const c = await counts();
    const perInvoice = await db.knex("invoices as i").leftJoin("invoice_lines as l", "l.invoice_id", "i.id").groupBy("i.id").select<{ n: string }[]>(db.knex.raw("count(l.id) as n"));
    expect(perInvoice.filter((row) => Number(row.n) !== 2)).toEqual([]);
    expect(c.lines).toBe(2 * c.invoices);
    const files = await db.knex("received_files as f").leftJoin("invoices as i", "i.file_id", "f.id").select<{ status: string; invoice: string | null; stored_path: string; size_bytes: string }[]>("f.status", "i.id as invoice", "f.stored_path", "f.size_bytes");
    expect(files.filter((f) => f.status !== "processed" || f.invoice === null)).toEqual([]);
    for (const f of files) expect((await keptOriginal(db, dataDir, f.stored_path)).byteLength).toBe(Number(f.size_bytes));
    expect(c.invoices).toBe(c.files);
    return c;
  }

  it("a killed ingest leaves only whole invoices, and the next ingest receives every file once", async () => {
    const child = startIngest();
    const done = exited(child);
    // Kill once some files are recorded and before all are.
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline && (await counts()).files < 10) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    child.kill("SIGKILL");
    const first = await done;
    expect(first.signal).toBe("SIGKILL");
    const afterKill = await expectWhole();
    expect(afterKill.files).toBeGreaterThanOrEqual(10);
    expect(afterKill.files).toBeLessThan(FILES);

    const again = startIngest();
    const stderr = stderrOf(again);
    const second = await exited(again);
    expect(second, stderr()).toEqual({ code: 0, signal: null });
    expect(await expectWhole()).toEqual({ files: FILES, invoices: FILES, lines: 2 * FILES });
    const numbers = await db.knex("invoices").distinct("invoice_number");
    expect(numbers).toHaveLength(FILES);
  }, 180_000);
});

describe("SIGKILL during `placement-audit audit`, then the audit again (PostgreSQL)", () => {
  const INVOICES = 2000;
  let url: string;
  let drop: () => Promise<void>;
  let db: Database;
  let dataDir: string;

  beforeAll(async () => {
    const created = await createTestDatabaseUrl();
    url = created.url;
    drop = created.drop;
    dataDir = tempDir("crash-audit");
    db = await openDatabase({ databaseUrl: url, dataDir });
    await migrateLatest(db.knex);
    await seedReference(db.knex, INVOICES);
    await seedInvoicesDirectly(db.knex, INVOICES, "2026-10");
  });
  afterAll(async () => {
    await db.close();
    await drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("the re-run gives the same findings as an uninterrupted audit", async () => {
    // On PostgreSQL the killed audit's run is the work queue's: the next `audit` waits for it,
    // working the queue, and pg-boss hands the killed part out again once its job expires (short here).
    const env = { DATABASE_URL: url, DATA_DIR: dataDir, QUEUE_EXPIRE_SECONDS: "10", QUEUE_MAINTENANCE_SECONDS: "1", QUEUE_POLL_SECONDS: "0.5", QUEUE_RETRY_DELAY_SECONDS: "1" };
    const child = runCli(["audit", "--month", "2026-10"], env);
    const done = exited(child);
    const deadline = Date.now() + 90_000;
    const findingCount = async (): Promise<number> => Number((await db.knex("findings").count<{ n: string }[]>({ n: "*" }))[0]?.n ?? 0);
    while (Date.now() < deadline && (await findingCount()) === 0) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    child.kill("SIGKILL");
    expect((await done).signal).toBe("SIGKILL");
    // By hand (worker.fixtures.ts): 400 invoices (multiples of 5) charge £4.00 a night over the
    // agreed rate; 533 (multiples of 3, not of 5) print £100.00 too much.
    const expected = expectedFindings(INVOICES, "2026-10").map((f) => ({ ...f, status: "open" }));
    expect(expected).toHaveLength(933);
    expect(await findingCount()).toBeGreaterThan(0);

    const again = runCli(["audit", "--month", "2026-10"], env);
    const stderr = stderrOf(again);
    const second = await exited(again);
    expect(second.signal, stderr()).toBeNull();
    expect([0, 1], stderr()).toContain(second.code);
    expect(stderr()).toMatch(/audit run \d+ is still running on the work queue; this process helps finish it/);
    expect(await findingsOf(db.knex)).toEqual(expected);
    // The killed run was finished (by the second process, on the queue), not left running.
    expect(await db.knex("audit_runs").where({ status: "running" }).count<{ n: string }[]>({ n: "*" })).toEqual([{ n: "0" }]);
  }, 180_000);
});
