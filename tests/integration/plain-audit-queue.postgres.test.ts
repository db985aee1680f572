// A plain `audit` on PostgreSQL (no --queue) goes through the work queue (issue 24 item 1): its
// parts take the providers' locks, so an arrival job of the same provider running at the same
// time cannot write a finding twice; and the run belongs to the queue, not to the process, so
// an `audit` killed -9 mid-run has its part retried by a worker and the run finishes with the
// findings of an uninterrupted run. PostgreSQL only (the embedded database audits in-process).
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { forAuthority, openDatabase, type Database } from "../../src/db/connection.js";
import { migrateLatest } from "../../src/db/migrate.js";
import { ingestFiles } from "../../src/services/ingest/ingest-files.js";
import { runAudit } from "../../src/services/audit/run-audit.js";
import { queueSettingsFromEnv, WorkQueue } from "../../src/services/queue/work-queue.js";
import { failRunsOfDeadProcesses } from "../../src/services/scheduler/run-recovery.js";
import { createTestDatabaseUrl, tempDir } from "../support/db.js";
import {
  csvInvoice,
  eventually,
  expectedFindings,
  findingsOf,
  invoiceLine,
  invoiceNumber,
  OCTOBER,
  seedInvoicesDirectly,
  seedReference,
  spawnCommand,
  spawnWorker,
  type AuditRunRow,
  type FindingRow,
} from "./worker.fixtures.js";

interface Cluster {
  url: string;
  dataDir: string;
  owner: Database;
  dispose(): Promise<void>;
}

async function newCluster(prefix: string): Promise<Cluster> {
  const { url, drop } = await createTestDatabaseUrl();
  const dataDir = tempDir(prefix);
  const owner = await openDatabase({ databaseUrl: url, dataDir });
  await migrateLatest(owner.knex);
  return {
    url,
    dataDir,
    owner,
    dispose: async () => {
      await owner.close();
      await drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The queue's settings for the processes: a dead worker's job is noticed within seconds. */
function queueEnv(cluster: Cluster): Record<string, string> {
  return { DATABASE_URL: cluster.url, DATA_DIR: cluster.dataDir, QUEUE_EXPIRE_SECONDS: "20", QUEUE_MAINTENANCE_SECONDS: "1", QUEUE_POLL_SECONDS: "0.5", QUEUE_RETRY_DELAY_SECONDS: "1" };
}

async function count(db: Database, table: string, where: Record<string, unknown> = {}): Promise<number> {
  const row = (await db.knex(table).where(where).count("* as count").first()) as { count: string } | undefined;
  return Number(row?.count ?? 0);
}

function hashOf(findings: readonly FindingRow[]): string {
  return createHash("sha256").update(JSON.stringify(findings)).digest("hex");
}

/** Every finding row, superseded or not: a finding written twice would show here. */
async function everyFinding(db: Database): Promise<{ invoice_number: string; rule: string; n: number }[]> {
  const rows: { invoice_number: string; rule: string; n: string }[] = await db.knex("findings as f")
    .join("invoices as i", "i.id", "f.invoice_id")
    .groupBy("i.invoice_number", "f.rule")
    .havingRaw("count(*) > 1")
    .select("i.invoice_number", "f.rule", db.knex.raw("count(*) as n"));
  return rows.map((r) => ({ ...r, n: Number(r.n) }));
}

describe("a plain `audit` on PostgreSQL and an arrival job of the same provider at once", () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await newCluster("plain-audit-race");
    await seedReference(cluster.owner.knex, 400);
  });
  afterAll(async () => {
    await cluster.dispose();
  });

  it("produce each finding exactly once, and the audit's run is the queue's, not the process's", async () => {
    const knex = cluster.owner.knex;
    // 300 invoices stored, never audited; then invoices 301..310 arrive for the same provider and
    // their arrival job waits in the queue (no worker yet).
    await seedInvoicesDirectly(knex, 300);
    const queue = await WorkQueue.open(cluster.url, { settings: queueSettingsFromEnv(queueEnv(cluster)) });
    try {
      const files = Array.from({ length: 10 }, (_, i) => ({ name: `${invoiceNumber(301 + i)}.csv`, bytes: Buffer.from(csvInvoice(301 + i)) }));
      const stored = await ingestFiles(forAuthority(cluster.owner, 1), files, { dataDir: cluster.dataDir, authorityId: 1, arrivalQueue: queue });
      expect(stored.stored).toBe(10);
      expect(stored.audit).toEqual({ status: "queued", providers: 1, providerIds: ["P1"] });
    } finally {
      await queue.stop();
    }
    // The plain audit (it works the queue itself: its part and the waiting arrival job, each on
    // its own poller) and a worker taking whichever comes first.
    const env = queueEnv(cluster);
    const worker = await spawnWorker(env, ["--jobs", "monthly-audit"]);
    const audit = await spawnCommand("audit", env, ["--month", OCTOBER]);
    const exit = await audit.exited;
    expect(exit.code, audit.log()).toBe(0);
    expect(audit.log()).toMatch(/Audited 310 invoice\(s\), 310 line\(s\) \(2026-10\): 145 finding\(s\); flagged fees £7,688\.00, errors £8,300\.00, query £0\.00\. Run \d+\.\n/);
    await eventually("the arrival job done", async () => count(cluster.owner, "arrival_audits_pending"), (n) => n === 0, 60_000);
    // The audit may finish before the worker has even started (it loads more code): a worker
    // stopped before it installs its stop handler dies of the signal, which is not what this checks.
    await worker.waitForLog(/taking work from the queue/);
    worker.child.kill("SIGTERM");
    expect((await worker.exited).code, worker.log()).toBe(0);

    // By hand: of invoices 1..310, the multiples of 5 (62) charge £135.00 a night for £131.00 on
    // each of October's 31 nights: £124.00 each, £7,688.00 in all; the multiples of 3 but not of 5
    // (103 - 20 = 83) print £100.00 more than their line: £8,300.00. 145 findings.
    const expected = expectedFindings(310).map((f) => ({ ...f, status: "open" }));
    expect(expected.filter((f) => f.category === "fees")).toHaveLength(62);
    expect(expected.filter((f) => f.category === "errors")).toHaveLength(83);
    expect(await findingsOf(knex)).toEqual(expected);
    expect(await everyFinding(cluster.owner)).toEqual([]);

    const runs = await knex<AuditRunRow>("audit_runs").orderBy("id").select("id", "trigger", "status", "owner_id", "error");
    expect(runs.filter((r) => r.status !== "succeeded"), JSON.stringify(runs)).toEqual([]);
    // The whole run was handed to the queue (no heartbeat owner: no sweep fails it for a process's
    // death); the arrival job's run, if it ran, has no owner (its job's retry answers for it).
    expect(runs.filter((r) => r.trigger === "manual").map((r) => r.owner_id)).toEqual(["work-queue"]);
    expect(runs.filter((r) => r.trigger === "arrival").map((r) => r.owner_id)).toEqual(runs.filter((r) => r.trigger === "arrival").map(() => null));
  }, 240_000);
});

describe("a plain `audit` on PostgreSQL killed -9 mid-run", () => {
  const INVOICES = 3000;
  let cluster: Cluster;
  let single: Cluster;
  beforeAll(async () => {
    cluster = await newCluster("plain-audit-kill");
    single = await newCluster("plain-audit-single");
    for (const c of [cluster, single]) {
      await seedReference(c.owner.knex, INVOICES);
      await seedInvoicesDirectly(c.owner.knex, INVOICES);
    }
  });
  afterAll(async () => {
    await cluster.dispose();
    await single.dispose();
  });

  it("has its part retried by a worker, and the run finishes once with an uninterrupted run's findings", async () => {
    const knex = cluster.owner.knex;
    const env = queueEnv(cluster);
    const audit = await spawnCommand("audit", env, ["--month", OCTOBER]);
    await eventually(
      "the audit to be part-way",
      async () => ({ run: await knex<AuditRunRow>("audit_runs").where({ trigger: "manual" }).first("status"), findings: await count(cluster.owner, "findings") }),
      (state) => state.run?.status === "running" && state.findings > 0,
      120_000,
      10,
    );
    audit.child.kill("SIGKILL");
    expect((await audit.exited).signal).toBe("SIGKILL");
    const killed = (await knex<AuditRunRow>("audit_runs").where({ trigger: "manual" }).first("id", "status", "owner_id"))!;
    expect(killed).toMatchObject({ status: "running", owner_id: "work-queue" });
    const partial = await count(cluster.owner, "findings");
    expect(partial).toBeLessThan(1400);

    // What every command does first: a run the queue answers for is not failed for its process's death.
    expect(await failRunsOfDeadProcesses(cluster.owner)).toEqual([]);

    const worker = await spawnWorker(env, ["--jobs", "monthly-audit"]);
    const run = await eventually("the run to finish", () => knex<AuditRunRow>("audit_runs").where({ id: killed.id }).first("status", "findings_raised", "error"), (row) => row?.status !== "running", 180_000);
    worker.child.kill("SIGTERM");
    expect((await worker.exited).code, worker.log()).toBe(0);
    expect(run).toMatchObject({ status: "succeeded", findings_raised: 1400, error: null });
    expect(worker.log()).toMatch(/"message":"audit part done"/);
    const partJobs: { rows: { retry_count: number; state: string }[] } = await knex.raw(`select retry_count, state::text from pgboss.job where name = 'audit-part'`);
    expect(partJobs.rows.map((j) => j.state)).toEqual(["completed"]);
    expect(partJobs.rows[0]!.retry_count).toBeGreaterThanOrEqual(1);

    // By hand: 600 invoices (multiples of 5) overcharge £4.00 a night; 800 (multiples of 3 but
    // not of 5) print £100.00 too much; and the same rows as one uninterrupted run finds.
    const nights = invoiceLine(1).nights;
    expect(await knex<AuditRunRow>("audit_runs").where({ id: killed.id }).first("flagged_by_category")).toEqual({ flagged_by_category: { fees: `${600 * nights * 4}.00`, errors: "80000.00", query: "0.00" } });
    const findings = await findingsOf(knex);
    expect(findings).toEqual(expectedFindings(INVOICES).map((f) => ({ ...f, status: "open" })));
    expect(await everyFinding(cluster.owner)).toEqual([]);
    await runAudit(forAuthority(single.owner, 1), { authorityId: 1, scope: { kind: "month", month: OCTOBER } });
    expect(hashOf(findings)).toBe(hashOf(await findingsOf(single.owner.knex)));
    expect(fs.existsSync(path.join(cluster.dataDir, "files"))).toBe(false);
  }, 360_000);
});
