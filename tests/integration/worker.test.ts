import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startScheduler } from "../../jobs/index.js";
import type { Scheduler } from "../../src/services/scheduler/scheduler.js";
import type { Settings } from "../../src/config.js";
import { openDatabase } from "../../src/db/connection.js";
import { migrateLatest } from "../../src/db/migrate.js";
import { silentLogger } from "../../src/logger.js";
import { QUEUE_NAMES } from "../../src/services/queue/work-queue.js";
import { runAuditWithHeartbeat } from "../../src/services/scheduler/run-recovery.js";
import { createTestDatabaseUrl, openTestDatabase, tempDir, usingPostgres, type TestDatabase } from "../support/db.js";
import {
  ROOT,
  csvInvoice,
  dropIntoInbox,
  eventually,
  expectedFindings,
  filesIn,
  findingsOf,
  freshDataDir,
  seedInvoicesDirectly,
  seedReference,
  spawnWorker,
  type AuditRunRow,
  type SlotRow,
  type WorkerRow,
} from "./worker.fixtures.js";

function settingsFor(t: { dataDir: string; databaseUrl: string | null }, auditSchedule = "0 6 1 * *"): Settings {
  return { databaseUrl: t.databaseUrl, dataDir: t.dataDir, port: 0, auditSchedule, logLevel: "error", sessionSecret: null, councilName: null, trustProxy: false, demoPassword: null };
}

const OCTOBER_SLOT = "monthly:1:2026-10";
// The schedule's firing for October: 06:00 on 1 Nov 2026 in London (GMT).
const NOVEMBER_FIRST = new Date("2026-11-01T06:00:00Z");

function expectedRows(count: number): Array<Record<string, string>> {
  return expectedFindings(count).map((f) => ({ ...f, status: "open" }));
}

describe("one worker: the inbox and the monthly audit", () => {
  let t: TestDatabase;
  let scheduler: Scheduler;
  beforeAll(async () => {
    t = await openTestDatabase();
    await seedReference(t.db.knex, 20);
    const inbox = path.join(t.dataDir, "inbox");
    for (let n = 1; n <= 20; n++) dropIntoInbox(inbox, `invoice-${n}.csv`, csvInvoice(n));
    dropIntoInbox(inbox, "copy of invoice-1.csv", csvInvoice(1));
    dropIntoInbox(inbox, "letter.pdf", "This is not a PDF at all.");
    scheduler = await startScheduler({ authorityId: 1, db: t.db, settings: settingsFor(t), logger: silentLogger(), catchUpMissed: false, inboxPollMs: 200, inboxSettleMs: 0 });
  });
  afterAll(async () => {
    await scheduler.stop();
    await t.dispose();
  });

  it("ingests each inbox file once and moves it to processed/ or failed/ with a reason", async () => {
    const inbox = path.join(t.dataDir, "inbox");
    await eventually("the inbox to empty", () => Promise.resolve(filesIn(inbox)), (names) => names.length === 0);
    await eventually("22 files to be moved on", () => Promise.resolve([...filesIn(path.join(inbox, "processed")), ...filesIn(path.join(inbox, "failed"))]), (names) => names.filter((n) => !n.endsWith(".reason.txt")).length === 22);

    const processed = filesIn(path.join(inbox, "processed"));
    expect(processed.filter((n) => !n.endsWith(".reason.txt"))).toHaveLength(21);
    // The same content under a second name is not ingested again; the note says why.
    expect(processed.filter((n) => n.endsWith(".reason.txt"))).toEqual(["copy of invoice-1.csv.reason.txt"]);
    expect(fs.readFileSync(path.join(inbox, "processed", "copy of invoice-1.csv.reason.txt"), "utf8")).toMatch(/same content was received before/);
    expect(filesIn(path.join(inbox, "failed"))).toEqual(["letter.pdf", "letter.pdf.reason.txt"]);
    expect(fs.readFileSync(path.join(inbox, "failed", "letter.pdf.reason.txt"), "utf8").trim()).not.toBe("");
    expect(filesIn(path.join(inbox, ".claimed", scheduler.workerId))).toEqual([]);

    const [{ count: invoices }] = (await t.db.knex("invoices").count("* as count")) as [{ count: string }];
    const files = await t.db.knex<{ status: string }>("received_files").select("status");
    expect(Number(invoices)).toBe(20);
    expect(files.filter((f) => f.status === "processed")).toHaveLength(20);
    expect(files.filter((f) => f.status === "needs_attention")).toHaveLength(1);
  });

  it("audits the previous month once when the schedule fires, and writes the month's savings report", async () => {
    const [outcome] = await scheduler.fireMonthlyAudit(NOVEMBER_FIRST);
    expect(outcome).toMatchObject({ slotKey: OCTOBER_SLOT, month: "2026-10", ran: true, invoicesAudited: 20, findingsRaised: 9 });
    expect(outcome?.error).toBeUndefined();
    expect(await findingsOf(t.db.knex)).toEqual(expectedRows(20));

    const runs = await t.db.knex("audit_runs").whereNot({ trigger: "arrival" }).select("run_key", "trigger", "scope", "status", "invoices_audited", "lines_audited", "findings_raised", "flagged_by_category", "finished_at", "error");
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({
      run_key: OCTOBER_SLOT, trigger: "scheduled", scope: "2026-10", status: "succeeded", invoices_audited: 20, lines_audited: 20, findings_raised: 9,
      flagged_by_category: { fees: "496.00", errors: "500.00", query: "0.00" }, error: null,
    });
    expect(runs[0].finished_at).not.toBeNull();

    const slot = await t.db.knex("scheduled_slots").where({ slot_key: OCTOBER_SLOT }).first();
    expect(slot).toMatchObject({ job: "monthly-audit", period: "2026-10", status: "succeeded", attempts: 1, owner_id: scheduler.workerId, error: null });
    expect(slot.result).toMatchObject({ report: "reports/savings-2026-10.xlsx", findingsRaised: 9 });
    expect(fs.statSync(path.join(t.dataDir, "reports", "savings-2026-10.xlsx")).size).toBeGreaterThan(0);
  });

  it("does not run the month again when the schedule fires again (a skewed or repeated firing)", async () => {
    const [outcome] = await scheduler.fireMonthlyAudit(new Date("2026-11-01T06:00:00.300Z"));
    expect(outcome).toMatchObject({ slotKey: OCTOBER_SLOT, ran: false });
    const [{ count }] = (await t.db.knex("audit_runs").whereNot({ trigger: "arrival" }).count("* as count")) as [{ count: string }];
    expect(Number(count)).toBe(1);
  });
});

describe("recovery from a worker that died", () => {
  let t: TestDatabase;
  const deadWorker = "gone-worker-1";
  // A pid that cannot be running (above Linux's pid_max), on this host: found dead at once.
  const deadPid = 2 ** 22 + 12345;
  beforeAll(async () => {
    t = await openTestDatabase();
    await seedReference(t.db.knex, 21);
    await seedInvoicesDirectly(t.db.knex, 20);
  });
  afterAll(async () => {
    await t.dispose();
  });

  it("re-runs the dead worker's monthly slot to the same findings, and fails the runs it left running", async () => {
    const knex = t.db.knex;
    await knex("scheduler_workers").insert({ worker_id: deadWorker, hostname: os.hostname(), pid: deadPid });
    await knex("scheduled_slots").insert({ slot_key: OCTOBER_SLOT, job: "monthly-audit", period: "2026-10", owner_id: deadWorker, status: "running" });
    // The dead worker's audit had written its first batch: one finding, and its run says "running".
    const [deadRun] = await knex<AuditRunRow>("audit_runs").insert({ run_key: OCTOBER_SLOT, trigger: "scheduled", scope: "2026-10", status: "running" }).returning("id");
    const invoice3 = (await knex<{ id: string; invoice_number: string }>("invoices").where({ invoice_number: "OFP-1003" }).first("id"))!;
    await knex("findings").insert({
      invoice_id: invoice3.id, line_no: 1, rule: "arithmetic-error", category: "errors", provider_id: "P1", child_ref: "C2003",
      amount: "100.00", charged: "4161.00", expected: "4061.00", explanation: "written before the worker died", first_run_id: deadRun!.id, last_run_id: deadRun!.id,
    });
    // And a manual audit whose process was killed seven hours ago (of another council: one audit
    // of an authority runs at a time, audit_runs_one_running).
    await knex("authorities").insert({ id: 2, code: "other", name: "Another council" }).onConflict("id").ignore();
    const [manualRun] = await knex("audit_runs").insert({ authority_id: 2, trigger: "manual", scope: "all", status: "running", started_at: knex.raw<Date>("now() - interval '7 hours'") }).returning("id");

    const scheduler = await startScheduler({ authorityId: 1, db: t.db, settings: settingsFor(t), logger: silentLogger(), catchUpMissed: false, jobs: ["monthly-audit"] });
    try {
      const slot = await eventually(
        "the slot to be run again",
        () => knex("scheduled_slots").where({ slot_key: OCTOBER_SLOT }).first(),
        (row: { status: string } | undefined) => row?.status === "succeeded",
      );
      expect(slot).toMatchObject({ owner_id: scheduler.workerId, attempts: 2 });
    } finally {
      await scheduler.stop();
    }

    expect(await findingsOf(knex)).toEqual(expectedRows(20));
    const runs = await knex<AuditRunRow>("audit_runs").orderBy("id").select("id", "run_key", "status", "findings_raised", "error");
    expect(runs).toHaveLength(3);
    const [dead, manual, rerun] = runs;
    expect(dead).toMatchObject({ id: deadRun!.id, status: "failed", run_key: `${OCTOBER_SLOT}#run-${deadRun!.id}` });
    expect(dead!.error).toContain(deadWorker);
    expect(manual).toMatchObject({ id: manualRun!.id, status: "failed", run_key: null });
    expect(manual!.error).toMatch(/stopped before it finished/);
    expect(rerun).toMatchObject({ run_key: OCTOBER_SLOT, status: "succeeded", findings_raised: 9, error: null });
    expect(fs.existsSync(path.join(t.dataDir, "reports", "savings-2026-10.xlsx"))).toBe(true);
  });

  it("marks failed at once a run whose owner died, and tries a failed slot again", async () => {
    const knex = t.db.knex;
    const [orphan] = await knex<AuditRunRow>("audit_runs").insert({ run_key: `manual:${deadWorker}`, trigger: "manual", scope: "2026-10", status: "running", owner_id: deadWorker }).returning("id");
    await knex("scheduled_slots").insert({ slot_key: "monthly:1:2026-09", job: "monthly-audit", period: "2026-09", owner_id: deadWorker, status: "failed", attempts: 1, finished_at: knex.raw("now() - interval '1 hour'"), error: "connection refused" });

    const scheduler = await startScheduler({ authorityId: 1, db: t.db, settings: settingsFor(t), logger: silentLogger(), catchUpMissed: false, jobs: ["monthly-audit"] });
    try {
      const slot = await eventually("the failed slot to be tried again", () => knex<SlotRow>("scheduled_slots").where({ slot_key: "monthly:1:2026-09" }).first(), (row) => row?.status === "succeeded");
      expect(slot).toMatchObject({ attempts: 2, owner_id: scheduler.workerId, error: null });
      expect(slot!.result).toMatchObject({ invoicesAudited: 0, report: "reports/savings-2026-09.xlsx" });
    } finally {
      await scheduler.stop();
    }
    const run = await knex<AuditRunRow>("audit_runs").where({ id: orphan!.id }).first("status", "error");
    expect(run).toMatchObject({ status: "failed" });
    expect(run!.error).toContain(deadWorker);
  });

  it("gives runs started outside the scheduler an owner that heart-beats (runAuditWithHeartbeat)", async () => {
    const result = await runAuditWithHeartbeat(t.db, { authorityId: 1, scope: { kind: "month", month: "2026-10" } }, 20);
    expect(result.findingsRaised).toBe(9);
    const run = await t.db.knex<AuditRunRow>("audit_runs").where({ id: result.runId }).first("run_key", "status", "owner_id");
    expect(run!.status).toBe("succeeded");
    expect(run!.run_key).toMatch(/^manual:/);
    const owner = await t.db.knex<WorkerRow>("scheduler_workers").where({ worker_id: run!.run_key!.slice("manual:".length) }).first("stopped_at");
    expect(owner!.stopped_at).not.toBeNull();
    expect(await findingsOf(t.db.knex)).toEqual(expectedRows(20));
  });

  it("returns the dead worker's claimed inbox files to the inbox and ingests them", async () => {
    const claimed = path.join(t.dataDir, "inbox", ".claimed", deadWorker);
    fs.mkdirSync(claimed, { recursive: true });
    fs.writeFileSync(path.join(claimed, "invoice-21.csv"), csvInvoice(21));
    const scheduler = await startScheduler({ authorityId: 1, db: t.db, settings: settingsFor(t), logger: silentLogger(), catchUpMissed: false, jobs: ["inbox"], inboxPollMs: 200, inboxSettleMs: 0 });
    try {
      await eventually("the claimed file to be processed", () => Promise.resolve(filesIn(path.join(t.dataDir, "inbox", "processed"))), (names) => names.includes("invoice-21.csv"));
    } finally {
      await scheduler.stop();
    }
    expect(fs.existsSync(claimed)).toBe(false);
    expect(await t.db.knex("invoices").where({ invoice_number: "OFP-1021" }).first("provider_id")).toEqual({ provider_id: "P1" });
    const workers = await t.db.knex<WorkerRow>("scheduler_workers").whereNot({ worker_id: deadWorker }).select("stopped_at");
    // Every scheduler of this file (and runAuditWithHeartbeat's) said goodbye when it stopped.
    expect(workers.length).toBeGreaterThanOrEqual(4);
    expect(workers.filter((w) => w.stopped_at === null)).toEqual([]);
  });
});

describe("the worker command", () => {
  it("stops start-up on a bad AUDIT_SCHEDULE with exit status 2 and a message naming the variable", () => {
    const dataDir = tempDir("bad-schedule");
    try {
      const result = spawnSync(process.execPath, [path.join(ROOT, "bin/placement-audit.js"), "worker"], {
        cwd: ROOT, env: { ...process.env, DATA_DIR: dataDir, AUDIT_SCHEDULE: "0 6 32 * *" }, encoding: "utf8", timeout: 60_000,
      });
      expect(result.status).toBe(2);
      expect(result.stderr).toContain('AUDIT_SCHEDULE "0 6 32 * *" is not a valid cron expression');
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it("on SIGTERM stops taking files, finishes the one in hand, and exits 0", async () => {
    const dataDir = freshDataDir("sigterm");
    let databaseUrl: string | null = null;
    let drop = (): Promise<void> => Promise.resolve();
    if (usingPostgres()) ({ url: databaseUrl, drop } = await createTestDatabaseUrl());
    try {
      // Reference data first (the embedded database is then closed: one process at a time).
      const db = await openDatabase({ databaseUrl, dataDir });
      await migrateLatest(db.knex);
      await seedReference(db.knex, 20);
      await db.close();
      const inbox = path.join(dataDir, "inbox");
      for (let n = 1; n <= 20; n++) dropIntoInbox(inbox, `invoice-${n}.csv`, csvInvoice(n), new Date(Date.now() - 60_000));

      const worker = await spawnWorker({ DATA_DIR: dataDir, DATABASE_URL: databaseUrl ?? "" }, ["--jobs", "inbox", "--inbox-poll", "0.2"]);
      await eventually("a first file to be processed", () => Promise.resolve(filesIn(path.join(inbox, "processed"))), (names) => names.length >= 1, 120_000, 50);
      worker.child.kill("SIGTERM");
      const { code } = await worker.exited;
      expect(code, worker.log()).toBe(0);
      expect(worker.log()).toMatch(/scheduler stopped/);

      // Nothing left half-done: every file is processed or still waiting in the inbox.
      const processed = filesIn(path.join(inbox, "processed"));
      const waiting = filesIn(inbox);
      expect(filesIn(path.join(inbox, "failed"))).toEqual([]);
      expect(fs.readdirSync(path.join(inbox, ".claimed")).flatMap((d) => filesIn(path.join(inbox, ".claimed", d)))).toEqual([]);
      expect(processed.length + waiting.length).toBe(20);
      const after = await openDatabase({ databaseUrl, dataDir });
      try {
        const [{ count }] = (await after.knex("received_files").count("* as count")) as [{ count: string }];
        if (usingPostgres()) {
          // On a server the inbox queues each file (issue 24) and moves it to processed/ once
          // queued; a queued file is read by whichever worker takes its job. Nothing is lost: every
          // processed file has its job, and every completed job its received file.
          const jobs = await after.knex.raw<{ rows: { state: string; n: number }[] }>("select state, count(*)::int as n from pgboss.job where name = ? group by state", [QUEUE_NAMES.ingestFile]);
          const total = jobs.rows.reduce((sum, row) => sum + row.n, 0);
          const completed = jobs.rows.find((row) => row.state === "completed")?.n ?? 0;
          expect(total).toBe(processed.length);
          expect(Number(count)).toBe(completed);
        } else {
          expect(Number(count)).toBe(processed.length);
        }
        // The worker, and one short-lived owner per audit on arrival (withOwnedRun): all stopped.
        const workers = await after.knex<WorkerRow>("scheduler_workers").select("stopped_at");
        expect(workers.length).toBeGreaterThanOrEqual(1);
        expect(workers.filter((w) => w.stopped_at === null)).toEqual([]);
      } finally {
        await after.close();
      }
    } finally {
      await drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
