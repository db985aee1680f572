// Several `worker` processes (real child processes running the CLI) sharing one PostgreSQL
// database through the pg-boss work queue (issue 24), each with its own empty DATA_DIR: the
// originals live in the database only. Meaningful on PostgreSQL only (the embedded database is
// one process by design), so this file runs in the `postgres` vitest project alone.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../../src/db/connection.js";
import { migrateLatest } from "../../src/db/migrate.js";
import { runAudit } from "../../src/services/audit/run-audit.js";
import { WorkQueue, queueSettingsFromEnv } from "../../src/services/queue/work-queue.js";
import { generateAuthority } from "../../bench/generate/authority.js";
import { insertInvoices, insertReference } from "../../bench/generate/insert.js";
import { invoiceStream } from "../../bench/generate/invoices.js";
import { placementsFor } from "../../bench/generate/sizing.js";
import { databaseFindingsHash } from "../../bench/findings-db-hash.js";
import { createTestDatabaseUrl, tempDir } from "../support/db.js";
import { csvInvoice, eventually, expectedFindings, findingsOf, ROOT, seedReference, spawnWorker, type SpawnedWorker } from "./worker.fixtures.js";

const WORKERS = 3;
const FILES = 24;
/**
 * Frequent maintenance and a short expiry: a killed worker's job is retried within seconds. The
 * expiry must still exceed the longest job on a loaded machine (else a slow job counts as dead
 * and runs twice): files are read in a sandboxed child process and audited on arrival.
 */
const QUEUE_ENV = { QUEUE_EXPIRE_SECONDS: "15", QUEUE_MAINTENANCE_SECONDS: "1", QUEUE_POLL_SECONDS: "0.5", QUEUE_RETRY_DELAY_SECONDS: "1", LOG_FORMAT: "json" };
const FILE_QUEUE_ENV = { ...QUEUE_ENV, QUEUE_EXPIRE_SECONDS: "120" };
const QUEUE_SETTINGS = queueSettingsFromEnv(QUEUE_ENV);

interface Server {
  url: string;
  db: Database;
  dataDirs: string[];
  dispose(): Promise<void>;
}

async function newServer(prefix: string): Promise<Server> {
  const { url, drop } = await createTestDatabaseUrl();
  const dataDirs: string[] = [];
  const db = await openDatabase({ databaseUrl: url, dataDir: tempDir(`${prefix}-own`) });
  await migrateLatest(db.knex);
  return {
    url,
    db,
    dataDirs,
    dispose: async () => {
      await db.close();
      await drop();
      for (const dir of dataDirs) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A worker with its own empty DATA_DIR: nothing is shared between workers but the database. */
async function startWorkers(server: Server, count: number, prefix: string, queueEnv: Record<string, string> = QUEUE_ENV): Promise<SpawnedWorker[]> {
  const workers = await Promise.all(
    Array.from({ length: count }, (_, i) => {
      const dataDir = tempDir(`${prefix}-${i}`);
      server.dataDirs.push(dataDir);
      // No inbox job: the files come from `ingest --queue`; the schedule never fires in the test.
      return spawnWorker({ DATABASE_URL: server.url, DATA_DIR: dataDir, AUDIT_SCHEDULE: "0 6 1 1 *", ...queueEnv }, ["--jobs", "monthly-audit"]);
    }),
  );
  await Promise.all(workers.map((w) => w.waitForLog(/taking work from the queue/)));
  return workers;
}

async function stopAll(workers: SpawnedWorker[]): Promise<void> {
  for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill("SIGTERM");
  await Promise.all(workers.map((w) => w.exited));
}

function occurrences(log: string, pattern: RegExp): number {
  return (log.match(pattern) ?? []).length;
}

async function jobs(db: Database, queue: string): Promise<{ state: string; retry_count: number; singleton_key: string }[]> {
  const result: { rows: { state: string; retry_count: number; singleton_key: string }[] } = await db.knex.raw(
    `select state::text as state, retry_count, singleton_key from pgboss.job where name = ? union all select state::text, retry_count, singleton_key from pgboss.archive where name = ?`,
    [queue, queue],
  );
  return result.rows;
}

async function count(db: Database, table: string): Promise<number> {
  const [row] = await db.knex(table).count<{ n: string }[]>({ n: "*" });
  return Number(row?.n ?? 0);
}

function runCli(env: Record<string, string>, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const out = spawnSync(process.execPath, [path.join(ROOT, "bin/placement-audit.js"), ...args], { cwd: ROOT, env: { ...process.env, LOG_LEVEL: "warn", ...env }, encoding: "utf8" });
  return { status: out.status, stdout: out.stdout, stderr: out.stderr };
}

describe(`${WORKERS} worker processes, files only in the database`, () => {
  let server: Server;
  let workers: SpawnedWorker[] = [];
  beforeAll(async () => {
    server = await newServer("queue-files");
    await seedReference(server.db.knex, FILES);
  });
  afterAll(async () => {
    await stopAll(workers);
    await server.dispose();
  });

  it("reads every queued file exactly once, whichever worker takes it, and keeps nothing in any DATA_DIR", async () => {
    workers = await startWorkers(server, WORKERS, "queue-files", FILE_QUEUE_ENV);
    // The files are queued from another folder, as `ingest --queue` on another machine would.
    const sender = tempDir("queue-sender");
    server.dataDirs.push(sender);
    const folder = path.join(sender, "incoming");
    fs.mkdirSync(folder);
    for (let n = 1; n <= FILES; n++) fs.writeFileSync(path.join(folder, `invoice-${n}.csv`), csvInvoice(n));
    const env = { DATABASE_URL: server.url, DATA_DIR: sender, ...FILE_QUEUE_ENV };
    const first = runCli(env, ["ingest", "--queue", folder]);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toContain(`${FILES} file(s) queued for the workers`);
    // Queued again (the same content): one job per content, nothing read twice.
    const again = runCli(env, ["ingest", "--queue", folder]);
    expect(again.stdout).toContain(`0 file(s) queued for the workers, ${FILES} queued before`);

    await eventually("every file ingested", () => count(server.db, "invoices"), (n) => n >= FILES, 180_000);
    await eventually("every file job completed", () => jobs(server.db, "ingest-file"), (rows) => rows.filter((r) => r.state === "completed").length === FILES, 60_000);
    // The audit on arrival fanned out as provider jobs: every invoice audited, nothing pending.
    const unaudited = async (): Promise<number> => Number((await server.db.knex("invoices").whereNull("audited_at").count<{ n: string }[]>({ n: "*" }))[0]?.n ?? 0) + (await count(server.db, "arrival_audits_pending"));
    await eventually("every invoice audited on arrival", unaudited, (n) => n === 0, 120_000);
    await eventually("every arrival job finished", () => jobs(server.db, "audit-arrival"), (rows) => rows.length > 0 && rows.every((r) => r.state === "completed"), 60_000);
    await stopAll(workers);

    expect(await count(server.db, "received_files")).toBe(FILES);
    expect(await count(server.db, "invoices")).toBe(FILES);
    expect(await count(server.db, "original_files")).toBe(FILES);
    const fileJobs = await jobs(server.db, "ingest-file");
    expect(fileJobs).toHaveLength(FILES);
    expect(new Set(fileJobs.map((j) => j.singleton_key)).size).toBe(FILES);
    expect(fileJobs.filter((j) => j.state !== "completed" || j.retry_count !== 0), workers.map((w) => w.log().split("\n").filter((l) => /failed|error/i.test(l)).join("\n")).join("\n---\n")).toEqual([]);
    // Read once: each file was taken by one worker once, and stored once.
    const taken = workers.map((w) => occurrences(w.log(), /"message":"queued file taken"/g));
    expect(taken.reduce((a, b) => a + b, 0)).toBe(FILES);
    const stored = workers.map((w) => occurrences(w.log(), /"message":"invoice file ingested"[^\n]*"status":"stored"|"status":"stored"[^\n]*"message":"invoice file ingested"/g));
    expect(stored.reduce((a, b) => a + b, 0)).toBe(FILES);
    // The work was shared (each worker polls every half second; 24 files take seconds).
    expect(taken.filter((n) => n > 0).length).toBeGreaterThan(1);
    // No worker kept an original on its disk: they are in the database.
    for (const dir of server.dataDirs) expect(fs.existsSync(path.join(dir, "files")), dir).toBe(false);
    const paths = await server.db.knex("received_files").select<{ stored_path: string }[]>("stored_path");
    expect(paths.every((p) => p.stored_path.startsWith("database:"))).toBe(true);

    // Audits on arrival: every file's invoice (all of provider P1) was queued as an arrival job of
    // P1; arrivals while a job waited merged into it, so there are at most as many jobs as files,
    // none retried, each one run (the provider's lock kept two from auditing P1 at once).
    const arrivalJobs = await jobs(server.db, "audit-arrival");
    expect(arrivalJobs.length).toBeGreaterThanOrEqual(1);
    expect(arrivalJobs.length).toBeLessThanOrEqual(FILES);
    expect(new Set(arrivalJobs.map((j) => j.singleton_key))).toEqual(new Set(["arrival:1:P1"]));
    expect(arrivalJobs.every((j) => j.retry_count === 0)).toBe(true);
    const runs = await server.db.knex("audit_runs").select<{ trigger: string; status: string; run_key: string | null }[]>("trigger", "status", "run_key");
    expect(runs.every((r) => r.trigger === "arrival" && r.status === "succeeded" && (r.run_key ?? "").startsWith("arrival-part:"))).toBe(true);
    const audited = workers.map((w) => occurrences(w.log(), /"message":"arrival audit done"/g)).reduce((a, b) => a + b, 0);
    const skipped = workers.map((w) => occurrences(w.log(), /"message":"arrival audit skipped/g)).reduce((a, b) => a + b, 0);
    expect(audited).toBe(runs.length);
    expect(audited + skipped).toBe(arrivalJobs.length);
    expect(workers.map((w) => occurrences(w.log(), /left for the monthly run/g)).reduce((a, b) => a + b, 0)).toBe(0);
    // The findings worked out by hand (worker.fixtures.ts): the same as one audit of all the files.
    expect(await findingsOf(server.db.knex)).toEqual(expectedFindings(FILES).map((f) => ({ ...f, status: "open" })));
  }, 300_000);
});

describe("an audit shared out as partition jobs, one worker killed -9 in the middle", () => {
  const LINES = 12_000;
  const PART_LINES = 1_000;
  let server: Server;
  let single: Server;
  let workers: SpawnedWorker[] = [];
  const seed = async (db: Database): Promise<number> => {
    const authority = generateAuthority(placementsFor(LINES), 3);
    await insertReference(db.knex, authority.reference);
    return (await insertInvoices(db.knex, invoiceStream(authority, LINES, 3).invoices)).lines;
  };
  beforeAll(async () => {
    server = await newServer("queue-audit");
    single = await newServer("queue-audit-single");
    await seed(server.db);
    await seed(single.db);
  });
  afterAll(async () => {
    await stopAll(workers);
    await server.dispose();
    await single.dispose();
  });

  it("runs every partition once, retries the killed worker's part without counting anything twice, and finds what one process finds", async () => {
    workers = await startWorkers(server, WORKERS, "queue-audit");
    const queue = await WorkQueue.open(server.url, { settings: QUEUE_SETTINGS });
    try {
      const audit = runAudit(server.db, { authorityId: 1, scope: { kind: "all" }, queue, partLines: PART_LINES });
      // Kill the first worker seen starting a part, before it finishes it.
      const victim = await Promise.race(workers.map((w) => w.waitForLog(/"message":"audit part started"/, 120_000).then(() => w)));
      victim.child.kill("SIGKILL");
      expect((await victim.exited).signal).toBe("SIGKILL");
      const result = await audit;

      const parts = await server.db.knex("audit_run_parts").where({ run_id: result.runId }).orderBy("part").select<{ part: number; status: string; lines: string }[]>("part", "status", "lines");
      // As many parts as PART_LINES asks, at most one per provider.
      expect(parts.length).toBeGreaterThanOrEqual(4);
      expect(parts.every((p) => p.status === "done")).toBe(true);
      const partJobs = await jobs(server.db, "audit-part");
      expect(partJobs).toHaveLength(parts.length);
      expect(partJobs.every((j) => j.state === "completed")).toBe(true);
      // The victim's part (if it had not finished it) was retried; no other part was.
      expect(partJobs.filter((j) => j.retry_count > 0).length).toBeLessThanOrEqual(1);
      const victimStarted = occurrences(victim.log(), /"message":"audit part started"/g);
      const victimDone = occurrences(victim.log(), /"message":"audit part done"/g);
      expect(partJobs.filter((j) => j.retry_count > 0)).toHaveLength(victimStarted - victimDone);
      // Every part was audited to the end exactly once across the workers (the retry re-audits only the killed part).
      const done = workers.map((w) => occurrences(w.log(), /"message":"audit part done"/g)).reduce((a, b) => a + b, 0);
      expect(done).toBe(parts.length);

      // The same data through one process: the same figures and the same findings, byte for byte.
      const alone = await runAudit(single.db, { authorityId: 1, scope: { kind: "all" } });
      expect(result.linesAudited).toBe(alone.linesAudited);
      expect(result.invoicesAudited).toBe(alone.invoicesAudited);
      expect(result.findingsRaised).toBe(alone.findingsRaised);
      expect(result.flaggedByCategory).toEqual(alone.flaggedByCategory);
      expect(await databaseFindingsHash(server.db.knex)).toEqual(await databaseFindingsHash(single.db.knex));
      const runs = await server.db.knex("audit_runs").select<{ status: string }[]>("status");
      expect(runs.map((r) => r.status)).toEqual(["succeeded"]);
    } finally {
      await queue.stop();
    }
  }, 300_000);
});
