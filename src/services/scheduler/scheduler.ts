/**
 * The scheduler that `serve` and `worker` run: the monthly audit and the inbox (their runs are
 * jobs/*.job.ts), exactly once across any number of instances sharing one PostgreSQL database
 * (and DATA_DIR).
 *
 * Why this design (the simplest that is truly exactly-once):
 * - On a PostgreSQL server with the work queue (issue 24), the firing only queues the month
 *   (monthly-queue.ts): one job per authority and month, queued once; any worker shares the run
 *   out as partition jobs, and whoever completes the last part writes the report and marks the
 *   slot. pg-boss retries the jobs of a worker that died, so the slot takeover and retry below
 *   are for the embedded database (and an in-process scheduler without a queue).
 * - Monthly audit. A lock held while running does not stop repeats: with clock skew, the second
 *   instance fires after the first has finished and released it (STACK.md measured every slot
 *   running twice). So each run is a row: when AUDIT_SCHEDULE fires, every instance INSERTs the
 *   slot key `monthly:<authority_id>:<YYYY-MM>` into scheduled_slots with ON CONFLICT DO
 *   NOTHING, and only the instance whose insert succeeded runs the audit. The month comes from
 *   the slot's instant (previous month in Europe/London), the same on every instance, so a
 *   skewed instance firing later finds the key taken — for ever, not just while a lock is held.
 *   (node-cron's `distributed` option keys its coordinator by firing instant; ours is keyed by
 *   authority and month, so the job does the insert itself.) The audit run carries the same key
 *   in audit_runs.run_key, which is unique too.
 * - Inbox. A worker takes a file by fs.rename into inbox/.claimed/<worker-id>/ (atomic on one
 *   filesystem: exactly one rename succeeds), ingests it, then moves it to processed/ or
 *   failed/. Behind that, the ingest service refuses a content hash it already has
 *   (received_files is unique by authority and sha256), so even a file dropped twice under two
 *   names is ingested once. No queue is needed.
 * - Dead workers. Each instance registers in scheduler_workers and heart-beats there
 *   (database time). A worker is dead when its pid is gone from its host, or when it has been
 *   silent for `staleAfterMs`. On start and every `sweepMs`, a live worker takes over the
 *   running slots of dead ones (one conditional UPDATE wins), marks their audit runs failed and
 *   runs the slot again (re-auditing is idempotent: findings are keyed by invoice, line and
 *   rule), marks failed any other run left "running" by a dead process, and returns dead
 *   workers' claimed inbox files to the inbox.
 * - Missed firings. A firing while no instance runs is lost by node-cron; at start, if the
 *   schedule's last firing left its month without a slot while the month before has one, that
 *   month is run now (through the same slot claim, so still once across instances).
 * - Stopping (SIGTERM): no new firing or inbox file is taken; the file in hand and a running
 *   audit finish (runAudit writes in per-batch transactions, so a hard kill instead loses at most
 *   an uncommitted batch, and the slot is re-run by the next worker to start).
 */
import type { ScheduledTask } from "node-cron";
import type { Settings } from "../../config.js";
import type { Database } from "../../db/connection.js";
import { pruneWorkers, retakeFailedSlots } from "../../db/repositories/scheduler.repository.js";
import type { Logger } from "../../logger.js";
import { InboxWorker, type InboxJob } from "../ingest/inbox-pass.js";
import { createCronTask, validateAuditSchedule } from "./cron.js";
import type { JobSchedule, ScheduleSettings } from "./job.js";
import { claimAndRunMonth, lastFiringBefore, missedMonth, MONTHLY_AUDIT_JOB, monthToAudit, runOwnedSlot, type MonthlyAuditJob, type MonthlySlotDeps, type MonthlySlotOutcome } from "./monthly-slots.js";
import { startPolling, type Poller } from "./poll.js";
import type { WorkQueue } from "../queue/work-queue.js";
import { queueMonth } from "./monthly-queue.js";
import { failAbandonedRuns, heartbeat, newWorkerIdentity, registerWorker, takeOverAbandonedSlots, unregisterWorker, type WorkerIdentity } from "./run-recovery.js";

export interface SchedulerJobs {
  monthlyAudit?: MonthlyAuditJob;
  inbox?: InboxJob;
}

export interface SchedulerOptions {
  db: Database;
  settings: Settings;
  logger: Logger;
  /** The deployment's authority (the command context's): the inbox's files are its invoices. Monthly audits cover every authority. */
  authorityId: number;
  /** The jobs this instance runs (jobs/index.ts names them). */
  jobs: SchedulerJobs;
  /** How often the inbox is looked at (default 5 s). */
  inboxPollMs?: number;
  /** A file changed more recently than this is left for a later look (default 2 s). */
  inboxSettleMs?: number;
  /** How often this worker says it is alive (default 10 s). */
  heartbeatMs?: number;
  /** Silence after which another host's worker counts as dead (default 2 min). */
  staleAfterMs?: number;
  /** How often dead workers' runs are looked for after start-up (default 30 s). */
  sweepMs?: number;
  /** An audit run without an owner (the `audit` command, the UI) still "running" after this is failed (default 6 h). */
  unownedRunTimeoutMs?: number;
  /** Whether a monthly firing missed while no instance ran is caught up at start (default true; see missedMonth). */
  catchUpMissed?: boolean;
  /** The clock for that catch-up (default: the real one). */
  now?: () => Date;
  /** A failed monthly slot is tried again after this long (default 10 min)… */
  retryFailedAfterMs?: number;
  /** …until it has been tried this many times in all (default 3). */
  maxSlotAttempts?: number;
  identity?: WorkerIdentity;
  /**
   * On a PostgreSQL server, the work queue (issue 24): the inbox queues each file for any worker
   * to read, and the monthly audit is shared out as partition jobs. Null: done in this process.
   */
  queue?: WorkQueue | null;
}

export interface Scheduler {
  workerId: string;
  /** Stops taking work, lets the work in hand finish, and says goodbye in the database. */
  stop(): Promise<void>;
  /** Runs the monthly job now, as the schedule would when firing at `at` (default: now). */
  fireMonthlyAudit(at?: Date): Promise<MonthlySlotOutcome[]>;
  /** Settles when the start-up catch-up of a missed firing is done: the month it ran, or null. */
  catchUp: Promise<string | null>;
}

function cronSchedule(schedule: JobSchedule, job: string): Extract<JobSchedule, { kind: "cron" }> {
  if (schedule.kind !== "cron") throw new Error(`the ${job} job must run on a cron schedule`);
  return schedule;
}

function everySchedule(schedule: JobSchedule, job: string): Extract<JobSchedule, { kind: "every" }> {
  if (schedule.kind !== "every") throw new Error(`the ${job} job must run every so often`);
  return schedule;
}

export async function startScheduler(options: SchedulerOptions): Promise<Scheduler> {
  const { db, settings, logger } = options;
  validateAuditSchedule(settings.auditSchedule);
  const { monthlyAudit, inbox: inboxJob } = options.jobs;
  const identity = options.identity ?? newWorkerIdentity();
  const { workerId } = identity;
  const liveness = { staleAfterMs: options.staleAfterMs ?? 120_000 };
  const unownedRunTimeoutMs = options.unownedRunTimeoutMs ?? 6 * 3600_000;
  const scheduleSettings: ScheduleSettings = { auditSchedule: settings.auditSchedule, inboxPollMs: options.inboxPollMs ?? 5_000 };
  const log = logger.child({ workerId });

  let stopping = false;
  const inFlight = new Set<Promise<unknown>>();
  const track = <T>(work: Promise<T>): Promise<T> => {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work)).catch(() => undefined);
    return work;
  };
  const slotDeps: MonthlySlotDeps | null = monthlyAudit
    ? { db, dataDir: settings.dataDir, logger: log, workerId, job: monthlyAudit, isStopping: () => stopping, queue: options.queue ?? null }
    : null;

  await registerWorker(db, identity);
  log.info("scheduler started", { jobs: [...(inboxJob ? [inboxJob.name] : []), ...(monthlyAudit ? [monthlyAudit.name] : [])], auditSchedule: settings.auditSchedule, database: db.kind });

  // Recovery: the runs of dead workers. At start-up on the embedded database, only this process
  // can have it open, so whatever is still "running" was left by a process that is gone.
  const recover = async (atStartUp: boolean): Promise<void> => {
    if (stopping) return;
    try {
      const abandoned = await failAbandonedRuns(db, workerId, { ...liveness, unownedRunTimeoutMs, exclusiveDatabase: atStartUp && db.kind === "embedded" });
      if (abandoned.length > 0) log.warn("audit runs left running by a stopped process marked failed", { runs: abandoned.map((r) => r.runId) });
      if (!atStartUp) await pruneWorkers(db.knex);
      // On a PostgreSQL server the monthly slots are the queue's (monthly-queue.ts): pg-boss
      // retries a job whose worker died, so no slot is taken over or retried here.
      if (!slotDeps || options.queue) return;
      const taken = await takeOverAbandonedSlots(db, workerId, liveness);
      for (const slot of taken) log.warn("monthly slot of a stopped worker taken over; running it again", { slot: slot.slotKey, previousOwner: slot.previousOwner, attempt: slot.attempts });
      const retried = await retakeFailedSlots(db.knex, workerId, { maxAttempts: options.maxSlotAttempts ?? 3, retryAfterMs: options.retryFailedAfterMs ?? 10 * 60_000 });
      for (const slot of retried) log.warn("failed monthly slot tried again", { slot: slot.slotKey, attempt: slot.attempts });
      for (const slot of [...taken, ...retried]) {
        if (slot.job === MONTHLY_AUDIT_JOB) await runOwnedSlot(slotDeps, slot);
      }
    } catch (error) {
      log.error("recovery sweep failed", { error: (error as Error).message });
    }
  };
  void track(recover(true));

  const beat = setInterval(() => {
    if (stopping) return;
    void track(heartbeat(db, workerId).catch((error: unknown) => log.warn("heartbeat failed", { error: (error as Error).message })));
  }, options.heartbeatMs ?? 10_000);
  const sweep = setInterval(() => {
    if (!stopping) void track(recover(false));
  }, options.sweepMs ?? 30_000);

  const fireMonthlyAuditFor = (month: string): Promise<MonthlySlotOutcome[]> => {
    if (stopping || !slotDeps) return Promise.resolve([]);
    // On a PostgreSQL server the firing only queues the month, once per authority and month.
    if (options.queue) return track(queueMonth(db, options.queue, month, log));
    return track(claimAndRunMonth(slotDeps, month));
  };
  const fireMonthlyAudit = (at: Date = new Date()): Promise<MonthlySlotOutcome[]> => fireMonthlyAuditFor(monthToAudit(at));

  let task: ScheduledTask | null = null;
  let catchUp: Promise<string | null> = Promise.resolve(null);
  if (monthlyAudit) {
    task = createCronTask(
      monthlyAudit.name,
      cronSchedule(monthlyAudit.schedule(scheduleSettings), monthlyAudit.name),
      async (firedAt) => {
        try {
          await fireMonthlyAudit(firedAt);
        } catch (error) {
          log.error("monthly audit job failed", { error: (error as Error).message });
        }
      },
      log,
    );
    await task.start();
    if (options.catchUpMissed ?? true) {
      const schedule = task;
      catchUp = track(
        (async (): Promise<string | null> => {
          const month = await missedMonth(db, () => lastFiringBefore((date) => schedule.match(date), options.now?.() ?? new Date()));
          if (month === null || stopping) return null;
          log.warn("the monthly audit was due while no instance was running: running it now", { month });
          await fireMonthlyAuditFor(month);
          return month;
        })().catch((error: unknown) => {
          log.error("catching up a missed monthly audit failed", { error: (error as Error).message });
          return null;
        }),
      );
    }
  }

  // The inbox: a pass every few seconds; stop() lets the file in hand finish (its ingest is one
  // transaction; the files not yet claimed stay in the inbox for another worker).
  let inbox: { worker: InboxWorker; poller: Poller } | null = null;
  if (inboxJob) {
    const worker = new InboxWorker({ db, authorityId: options.authorityId, dataDir: settings.dataDir, logger: log, workerId, liveness, queue: options.queue ?? null });
    const settleMs = options.inboxSettleMs ?? 2_000;
    const deps = { db, dataDir: settings.dataDir, logger: log, workerId };
    const every = everySchedule(inboxJob.schedule(scheduleSettings), inboxJob.name);
    const poller = startPolling(inboxJob.name, every.ms, async (shouldStop) => void (await inboxJob.run(deps, { inbox: worker, settleMs, shouldStop })), log);
    inbox = { worker, poller };
  }

  let stopped: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      stopping = true;
      log.info("scheduler stopping: finishing the work in hand");
      if (task) await task.destroy();
      clearInterval(beat);
      clearInterval(sweep);
      if (inbox) {
        await inbox.poller.stop();
        await inbox.worker.close();
      }
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
      await unregisterWorker(db, workerId).catch((error: unknown) => log.warn("could not record the worker's stop", { error: (error as Error).message }));
      log.info("scheduler stopped");
    })();
    return stopped;
  };

  return { workerId, stop, fireMonthlyAudit, catchUp };
}
