// The audit on arrival through the work queue (issue 24, PostgreSQL only), in this process:
// arrivals for a provider whose job still waits merge into it, a job waits for the provider's
// lock, a killed attempt's run is failed and its audit counted once, and a job run again after
// its work was done is harmless.
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { forAuthority, openDatabase, type Database } from "../../src/db/connection.js";
import { migrateLatest } from "../../src/db/migrate.js";
import { withProviderLocks } from "../../src/db/repositories/arrival-pending.repository.js";
import { runArrivalPart, type ArrivalPartJob } from "../../src/services/audit/arrival-queue.js";
import { ingestFiles } from "../../src/services/ingest/ingest-files.js";
import { ingestQueuedFile, queueFiles } from "../../src/services/ingest/ingest-queue.js";
import { startQueueWorkers } from "../../src/services/queue/queue-workers.js";
import { queueSettingsFromEnv, WorkQueue } from "../../src/services/queue/work-queue.js";
import { silentLogger, type Logger } from "../../src/logger.js";
import { runAuditPart, type AuditPartJob } from "../../src/services/audit/audit-queue.js";
import { queueAudit } from "../../src/services/audit/run-audit.js";
import { auditRunProgress } from "../../src/db/queries/audit-runs.query.js";
import { createTestDatabaseUrl, tempDir } from "../support/db.js";
import { csvInvoice, eventually, expectedFindings, findingsOf, invoiceNumber, OCTOBER, seedInvoicesDirectly, seedReference } from "./worker.fixtures.js";

const SETTINGS = queueSettingsFromEnv({ QUEUE_EXPIRE_SECONDS: "60", QUEUE_MAINTENANCE_SECONDS: "1", QUEUE_POLL_SECONDS: "0.5", QUEUE_RETRY_DELAY_SECONDS: "1" });

interface ArrivalJobRow {
  id: string;
  state: string;
  retry_count: number;
  data: ArrivalPartJob;
}

async function arrivalJobs(db: Database): Promise<ArrivalJobRow[]> {
  const result: { rows: ArrivalJobRow[] } = await db.knex.raw(`select id::text, state::text, retry_count, data from pgboss.job where name = 'audit-arrival' order by created_on`);
  return result.rows;
}

async function runs(db: Database): Promise<{ status: string; run_key: string | null; invoices_audited: number; error: string | null }[]> {
  return db.knex("audit_runs").orderBy("id").select("status", "run_key", "invoices_audited", "error");
}

async function auditedAt(db: Database, n: number): Promise<Date | null> {
  const row = await db.knex("invoices").where({ invoice_number: invoiceNumber(n) }).first<{ audited_at: Date | null } | undefined>("audited_at");
  return row?.audited_at ?? null;
}

describe("the audit on arrival as queued provider jobs", () => {
  let url: string;
  let drop: () => Promise<void>;
  let owner: Database;
  let db: Database;
  let queue: WorkQueue;
  const dataDir = tempDir("arrival-queue");
  const ingest = (from: number, to: number) =>
    ingestFiles(db, Array.from({ length: to - from + 1 }, (_, i) => ({ name: `invoice-${from + i}.csv`, bytes: Buffer.from(csvInvoice(from + i)) })), { dataDir, authorityId: 1, actor: "test", arrivalQueue: queue });

  beforeAll(async () => {
    ({ url, drop } = await createTestDatabaseUrl());
    owner = await openDatabase({ databaseUrl: url, dataDir });
    await migrateLatest(owner.knex);
    await seedReference(owner.knex, 10);
    db = forAuthority(owner, 1);
    queue = await WorkQueue.open(url, { settings: SETTINGS });
  });
  afterAll(async () => {
    await queue.stop();
    await owner.close();
    await drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("merges arrivals into the provider's waiting job, fails a killed attempt's run and audits once", async () => {
    // No worker yet: three files in two ingests queue one job for provider P1.
    const first = await ingest(1, 2);
    expect(first.audit).toEqual({ status: "queued", providers: 1, providerIds: ["P1"] });
    const second = await ingest(3, 3);
    expect(second.audit).toEqual({ status: "queued", providers: 1, providerIds: ["P1"] });
    const waiting = await arrivalJobs(owner);
    expect(waiting.map((j) => j.state)).toEqual(["created"]);
    const pending = await db.knex("arrival_audits_pending").select<{ provider_id: string; invoice_ids: string[]; from_start: boolean; from_date: string }[]>("provider_id", "invoice_ids", "from_start", db.knex.raw("from_date::text as from_date"));
    expect(pending).toHaveLength(1);
    expect(pending[0]?.invoice_ids).toHaveLength(3);
    expect(pending[0]?.from_date).toBe("2026-10-31");

    // A worker killed -9 in an earlier attempt of this job left its run "running".
    const jobId = waiting[0]?.id ?? "";
    await db.knex("audit_runs").insert({ authority_id: 1, scope: "arrival", trigger: "arrival", run_key: `arrival-part:${jobId}:killed`, status: "running" });

    await startQueueWorkers(owner, queue, { dataDir, files: false, logger: silentLogger() });
    await eventually("the arrival job done", () => arrivalJobs(owner), (rows) => rows.length === 1 && rows[0]?.state === "completed", 60_000);
    const after = await runs(db);
    expect(after.map((r) => [r.status, r.invoices_audited])).toEqual([["failed", 0], ["succeeded", 3]]);
    expect(after[0]?.error).toContain("stopped before it finished");
    expect(await db.knex("arrival_audits_pending").count<{ n: string }[]>({ n: "*" })).toEqual([{ n: "0" }]);
    expect(await findingsOf(db.knex)).toEqual(expectedFindings(3).map((f) => ({ ...f, status: "open" })));

    // The same job handled again (a retry after its worker died once the work was recorded): nothing to do, nothing counted.
    await runArrivalPart(db, { id: jobId, data: waiting[0]?.data as ArrivalPartJob });
    expect(await runs(db)).toHaveLength(2);
  }, 120_000);

  it("waits while a part of a whole run holds the provider's lock, then audits what arrived", async () => {
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    let locked: () => void = () => undefined;
    const holding = new Promise<void>((resolve) => (locked = resolve));
    const holder = withProviderLocks(db.knex, 1, ["P1"], async () => {
      locked();
      await released;
    });
    await holding;
    try {
      await ingest(4, 5);
      // The job is taken, and waits on the lock: the invoices stay unaudited.
      await eventually("the arrival job taken", () => arrivalJobs(owner), (rows) => rows.some((r) => r.state === "active"), 30_000);
      expect(await auditedAt(db, 4)).toBeNull();
      expect(await auditedAt(db, 5)).toBeNull();
    } finally {
      release();
      await holder;
    }
    await eventually("the arrival job done", () => arrivalJobs(owner), (rows) => rows.every((r) => r.state === "completed"), 60_000);
    expect(await auditedAt(db, 4)).not.toBeNull();
    expect(await auditedAt(db, 5)).not.toBeNull();
    expect(await findingsOf(db.knex)).toEqual(expectedFindings(5).map((f) => ({ ...f, status: "open" })));
    // Every invoice is dated 31 October: the provider is audited again from that date, all five saved.
    expect((await runs(db)).filter((r) => r.status === "succeeded").map((r) => r.invoices_audited)).toEqual([3, 5]);
  }, 120_000);
});

/** A fresh database with the queue open (no worker taking jobs unless the test starts one). */
async function withQueuedServer(prefix: string, test: (server: { owner: Database; db: Database; queue: WorkQueue; dataDir: string }) => Promise<void>): Promise<void> {
  const { url, drop } = await createTestDatabaseUrl();
  const dataDir = tempDir(prefix);
  const owner = await openDatabase({ databaseUrl: url, dataDir });
  const queue = await WorkQueue.open(url, { settings: SETTINGS });
  try {
    await migrateLatest(owner.knex);
    await test({ owner, db: forAuthority(owner, 1), queue, dataDir });
  } finally {
    await queue.stop();
    await owner.close();
    await drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

describe("a queued file's original", () => {
  it("is sent to the database once: the worker that reads it from there does not send it back", async () => {
    await withQueuedServer("queued-original", async ({ owner, db, queue, dataDir }) => {
      await seedReference(owner.knex, 2);
      const [queued] = await queueFiles(db, queue, [{ name: "invoice-1.csv", bytes: Buffer.from(csvInvoice(1)) }], { authorityId: 1, actor: "test" });
      expect(queued?.queued).toBe(true);
      const inserts: string[] = [];
      const listen = (query: { sql: string }): void => void (/original_files/.test(query.sql) && /^\s*insert/i.test(query.sql) && inserts.push(query.sql));
      db.knex.on("query", listen);
      owner.knex.on("query", listen);
      const job = { id: "test-job", data: { authorityId: 1, sha256: queued?.sha256 ?? "", name: "invoice-1.csv", actor: "test" } };
      const report = await ingestQueuedFile(db, job, { dataDir });
      expect(report.files.map((f) => f.status)).toEqual(["stored"]);
      expect(inserts).toEqual([]);
      expect(await db.knex("original_files").count<{ n: string }[]>({ n: "*" })).toEqual([{ n: "1" }]);
      expect(await db.knex("received_files").select("stored_path")).toEqual([{ stored_path: `database:${queued?.sha256 ?? ""}` }]);
    });
  }, 120_000);
});

describe("a part of a whole run taken again while its first attempt still runs (past its expiry)", () => {
  it("waits for the running attempt, then finds the part done: audited once, counted once", async () => {
    await withQueuedServer("part-overrun", async ({ owner, db, queue, dataDir }) => {
      await seedReference(owner.knex, 30);
      await seedInvoicesDirectly(owner.knex, 30);
      // Queued with no worker taking it: the test plays both attempts.
      const runId = await queueAudit(db, queue, { scope: { kind: "month", month: OCTOBER }, authorityId: 1 }, null);
      const result: { rows: { id: string; data: AuditPartJob }[] } = await owner.knex.raw(`select id::text, data from pgboss.job where name = 'audit-part'`);
      expect(result.rows).toHaveLength(1);
      const job = { id: result.rows[0]!.id, data: result.rows[0]!.data };
      const logs: string[] = [];
      const logger = { ...silentLogger(), child: () => logger, info: (message: string) => void logs.push(message) } as unknown as Logger;
      const waiting = await auditRunProgress(db, { authorityId: 1 }, runId);
      expect(waiting).toMatchObject({ status: "running", parts: { total: 1, done: 0, failed: 0, running: 0, waiting: 1 }, lines: { total: 30, done: 0 } });
      await Promise.all([runAuditPart(db, job, logger, dataDir), runAuditPart(db, job, logger, dataDir)]);
      expect(await auditRunProgress(db, { authorityId: 1 }, runId)).toMatchObject({ status: "succeeded", linesAudited: 30, parts: { total: 1, done: 1, failed: 0, running: 0, waiting: 0 }, lines: { total: 30, done: 30 } });
      expect(await auditRunProgress(db, { authorityId: 2 }, runId)).toBeNull();
      expect(logs.filter((m) => m === "audit part started")).toHaveLength(1);
      expect(logs.filter((m) => m.startsWith("audit part already done"))).toHaveLength(1);
      const run = await db.knex("audit_runs").where({ id: runId }).first<{ status: string; invoices_audited: number; findings_raised: number }>("status", "invoices_audited", "findings_raised");
      // By hand (worker.fixtures.ts): invoices 3, 5, 6, 9, 10, 12, …: 14 of the 30 are wrong.
      expect(run).toEqual({ status: "succeeded", invoices_audited: 30, findings_raised: 14 });
      expect(await findingsOf(db.knex)).toEqual(expectedFindings(30).map((f) => ({ ...f, status: "open" })));
    });
  }, 120_000);
});
