// Several `worker` processes against ONE real PostgreSQL database: meaningful on PostgreSQL
// only (the embedded database is one process at a time), so this file runs in the `postgres`
// vitest project alone.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { monthToAudit, monthlySlotKey } from "../../src/services/scheduler/monthly-slots.js";
import { openDatabase, type Database } from "../../src/db/connection.js";
import { migrateLatest } from "../../src/db/migrate.js";
import { ingestFiles } from "../../src/services/ingest/ingest-files.js";
import { runAudit } from "../../src/services/audit/run-audit.js";
import { createTestDatabaseUrl, tempDir } from "../support/db.js";
import {
  csvInvoice,
  dropIntoInbox,
  eventually,
  expectedFindings,
  filesIn,
  findingsOf,
  invoiceLine,
  seedInvoicesDirectly,
  seedReference,
  spawnWorker,
  type AuditRunRow,
  type SlotRow,
  type SpawnedWorker,
} from "./worker.fixtures.js";

// The workers run on the real clock, so the invoices are dated in the month their schedule
// audits: the month before this one, in London.
const MONTH = monthToAudit(new Date());
const SLOT = monthlySlotKey(1, MONTH);
const EVERY_SECOND = "* * * * * *";

interface Cluster {
  databaseUrl: string;
  dataDir: string;
  db: Database;
  dispose(): Promise<void>;
}

async function newCluster(prefix: string): Promise<Cluster> {
  const { url, drop } = await createTestDatabaseUrl();
  const dataDir = tempDir(prefix);
  const db = await openDatabase({ databaseUrl: url, dataDir });
  await migrateLatest(db.knex);
  return {
    databaseUrl: url,
    dataDir,
    db,
    dispose: async () => {
      await db.close();
      await drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function stopAll(workers: SpawnedWorker[]): Promise<void> {
  for (const w of workers) w.child.kill("SIGTERM");
  const exits = await Promise.all(workers.map((w) => w.exited));
  exits.forEach((exit, i) => expect(exit.code, workers[i]?.log()).toBe(0));
}

async function count(db: Database, table: string, where: Record<string, unknown> = {}): Promise<number> {
  const row = (await db.knex(table).where(where).count("* as count").first()) as { count: string } | undefined;
  return Number(row?.count ?? 0);
}

describe("two workers against one PostgreSQL database", () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await newCluster("cluster");
    await seedReference(cluster.db.knex, 20);
  });
  afterAll(async () => {
    await cluster.dispose();
  });

  it("ingest 20 inbox files exactly once between them, then run the month's audit exactly once", async () => {
    const env = { DATABASE_URL: cluster.databaseUrl, DATA_DIR: cluster.dataDir };
    const inbox = path.join(cluster.dataDir, "inbox");

    // 1. The inbox, shared: both workers look at it every 100 ms while the files arrive.
    const ingesters = await Promise.all([spawnWorker(env, ["--jobs", "inbox", "--inbox-poll", "0.1"]), spawnWorker(env, ["--jobs", "inbox", "--inbox-poll", "0.1"])]);
    await Promise.all(ingesters.map((w) => w.waitForLog(/scheduler started/)));
    for (let n = 1; n <= 20; n++) dropIntoInbox(inbox, `invoice-${n}.csv`, csvInvoice(n, MONTH), new Date(Date.now() - 60_000));
    await eventually("20 files in processed/", () => Promise.resolve(filesIn(path.join(inbox, "processed"))), (names) => names.length >= 20, 120_000);
    // On PostgreSQL the inbox queues each file (kept in the database) and the workers read it from the queue.
    await eventually("20 invoices read from the queue", () => count(cluster.db, "invoices"), (n) => n >= 20, 120_000);
    await stopAll(ingesters);

    expect(filesIn(path.join(inbox, "processed"))).toEqual(Array.from({ length: 20 }, (_, i) => `invoice-${i + 1}.csv`).sort());
    expect(fs.existsSync(path.join(cluster.dataDir, "files"))).toBe(false);
    expect(filesIn(path.join(inbox, "failed"))).toEqual([]);
    expect(filesIn(inbox)).toEqual([]);
    expect(await count(cluster.db, "received_files")).toBe(20);
    expect(await count(cluster.db, "invoices")).toBe(20);
    // Each file was stored by exactly one of the two workers.
    const stored = ingesters.map((w) => (w.log().match(/"message":"invoice file ingested"[^\n]*"status":"stored"|"status":"stored"[^\n]*"message":"invoice file ingested"/g) ?? []).length);
    expect(stored[0]! + stored[1]!).toBe(20);

    // 2. The monthly audit, firing every second on both workers (with their own clocks).
    const auditors = await Promise.all([spawnWorker({ ...env, AUDIT_SCHEDULE: EVERY_SECOND }), spawnWorker({ ...env, AUDIT_SCHEDULE: EVERY_SECOND })]);
    await eventually("the month's slot to succeed", () => cluster.db.knex<SlotRow>("scheduled_slots").where({ slot_key: SLOT }).first("status"), (row) => row?.status === "succeeded", 120_000);
    // Let both fire a few more times: the month is never audited again.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    await stopAll(auditors);

    const runs = await cluster.db.knex<AuditRunRow>("audit_runs").whereNot({ trigger: "arrival" }).select("run_key", "trigger", "status", "invoices_audited", "findings_raised");
    expect(runs).toEqual([{ run_key: SLOT, trigger: "scheduled", status: "succeeded", invoices_audited: 20, findings_raised: 9 }]);
    expect(await cluster.db.knex("scheduled_slots").select("slot_key", "status", "attempts")).toEqual([{ slot_key: SLOT, status: "succeeded", attempts: 1 }]);
    expect(fs.existsSync(path.join(cluster.dataDir, "reports", `savings-${MONTH}.xlsx`))).toBe(true);

    const clusterFindings = await findingsOf(cluster.db.knex);
    expect(clusterFindings).toEqual(expectedFindings(20, MONTH).map((f) => ({ ...f, status: "open" })));

    // The same files through one process, on a database of its own: the same findings.
    const single = await newCluster("single");
    try {
      await seedReference(single.db.knex, 20);
      const files = Array.from({ length: 20 }, (_, i) => ({ name: `invoice-${i + 1}.csv`, bytes: Buffer.from(csvInvoice(i + 1, MONTH)) }));
      await ingestFiles(single.db, files, { authorityId: 1, dataDir: single.dataDir });
      await runAudit(single.db, { authorityId: 1, scope: { kind: "month", month: MONTH } });
      expect(clusterFindings).toEqual(await findingsOf(single.db.knex));
    } finally {
      await single.dispose();
    }
    // Files are read from the queue after they are queued: more than the default minute on a busy machine.
  }, 300_000);
});

describe("a worker killed in the middle of the monthly audit", () => {
  const INVOICES = 3000;
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await newCluster("killed");
    await seedReference(cluster.db.knex, INVOICES);
    await seedInvoicesDirectly(cluster.db.knex, INVOICES, MONTH);
  });
  afterAll(async () => {
    await cluster.dispose();
  });

  it("has its part retried by the next worker through the queue, which completes the run once with the same findings as an uninterrupted run", async () => {
    const knex = cluster.db.knex;
    // The queue notices a dead worker's job when its expiry passes (looked for every second here).
    const env = { DATABASE_URL: cluster.databaseUrl, DATA_DIR: cluster.dataDir, QUEUE_EXPIRE_SECONDS: "30", QUEUE_MAINTENANCE_SECONDS: "1", QUEUE_POLL_SECONDS: "0.5", QUEUE_RETRY_DELAY_SECONDS: "1" };
    const first = await spawnWorker({ ...env, AUDIT_SCHEDULE: EVERY_SECOND }, ["--jobs", "monthly-audit"]);
    // Killed once the audit has committed its first batch of findings, well before its end.
    await eventually(
      "the audit to be part-way",
      async () => ({ run: await knex<AuditRunRow>("audit_runs").where({ run_key: SLOT }).first("status"), findings: await count(cluster.db, "findings") }),
      (state) => state.run?.status === "running" && state.findings > 0,
      120_000,
      10,
    );
    first.child.kill("SIGKILL");
    expect((await first.exited).signal).toBe("SIGKILL");

    const killedRun = (await knex<AuditRunRow>("audit_runs").where({ run_key: SLOT }).first("id", "status"))!;
    expect(killedRun.status).toBe("running");
    const partial = await count(cluster.db, "findings");
    // The slot is the queue's, not the dead process's: nothing waits on a heartbeat.
    expect(await knex<SlotRow>("scheduled_slots").where({ slot_key: SLOT }).first("owner_id", "status")).toEqual({ owner_id: "work-queue", status: "running" });

    // The next worker (default schedule: it is the queue's retry, not a firing, that finishes the month).
    const second = await spawnWorker(env, ["--jobs", "monthly-audit"]);
    const slot = await eventually(
      "the slot to be completed",
      () => knex<SlotRow>("scheduled_slots").where({ slot_key: SLOT }).first("status", "attempts", "owner_id"),
      (row) => row?.status === "succeeded",
      180_000,
    );
    await stopAll([second]);
    expect(slot).toEqual({ status: "succeeded", attempts: 1, owner_id: "work-queue" });
    expect(second.log()).toMatch(/"message":"audit part done"/);
    expect(fs.existsSync(path.join(cluster.dataDir, "reports", `savings-${MONTH}.xlsx`))).toBe(true);

    // By hand: 600 invoices (multiples of 5) overcharge £4.00 a night; 800 (multiples of 3 but
    // not of 5) print £100.00 too much.
    const nights = invoiceLine(1, MONTH).nights;
    const expected = expectedFindings(INVOICES, MONTH).map((f) => ({ ...f, status: "open" }));
    expect(expected).toHaveLength(1400);
    expect(partial).toBeLessThan(1400);
    expect(await findingsOf(knex)).toEqual(expected);

    // One run: the killed worker's part was retried within it, and its figures counted once.
    const runs = await knex<AuditRunRow>("audit_runs").orderBy("id").select("id", "run_key", "status", "findings_raised", "flagged_by_category", "error");
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({
      id: killedRun.id, run_key: SLOT, status: "succeeded", findings_raised: 1400, error: null,
      flagged_by_category: { fees: `${600 * nights * 4}.00`, errors: "80000.00", query: "0.00" },
    });
    const partJobs: { rows: { retry_count: number; state: string }[] } = await knex.raw(`select retry_count, state::text from pgboss.job where name = 'audit-part'`);
    expect(partJobs.rows.map((j) => j.state)).toEqual(["completed"]);
    expect(partJobs.rows[0]!.retry_count).toBeGreaterThanOrEqual(1);
    expect(await count(cluster.db, "audit_runs", { status: "running" })).toBe(0);
  }, 300_000);
});
