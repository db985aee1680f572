import type { Database } from "../../db/connection.js";
import { listAuthorities } from "../../db/repositories/authority.repository.js";
import { claimSlot, failRunsOfSlot, slotRow } from "../../db/repositories/scheduler.repository.js";
import type { Logger } from "../../logger.js";
import { queueAudit } from "../audit/run-audit.js";
import { QUEUE_NAMES, type QueuedJob, type WorkQueue } from "../queue/work-queue.js";
import { failMonthlySlot, QUEUE_OWNER } from "./monthly-completion.js";
import { monthlySlot, monthlySlotKey, type MonthlySlotOutcome } from "./monthly-slots.js";

/**
 * The monthly audit on a PostgreSQL server (issue 24). node-cron still fires on every instance;
 * the firing queues one job per authority and month, keyed `monthly:<authority>:<month>` (the
 * job's id is derived from the key, so a skewed instance's later firing queues nothing). Any
 * worker takes the job: it records the slot (scheduled_slots, owned by the queue), records the
 * run and queues its partitions, and is done; the worker that completes the last part writes
 * the report and marks the slot succeeded (monthly-completion.ts). A worker dying while
 * queueing is retried by pg-boss after the job's expiry: the retry fails the half-queued run and
 * queues the month afresh (findings are upserted by invoice, line and rule: nothing twice).
 * So no heartbeat, takeover or retry of slots by hand on PostgreSQL; the embedded database keeps
 * the in-process scheduler (monthly-slots.ts).
 */

export interface MonthlyAuditJobData {
  authorityId: number;
  month: string;
}

/** What a firing does with the queue: one job per authority. */
export async function queueMonth(db: Database, queue: WorkQueue, month: string, logger?: Logger): Promise<MonthlySlotOutcome[]> {
  const outcomes: MonthlySlotOutcome[] = [];
  for (const { id } of await listAuthorities(db.knex)) {
    const slotKey = monthlySlotKey(id, month);
    const data: MonthlyAuditJobData = { authorityId: id, month };
    const jobId = await queue.send(QUEUE_NAMES.monthlyAudit, slotKey, data);
    logger?.info(jobId === null ? "monthly audit already queued" : "monthly audit queued", { slot: slotKey });
    outcomes.push({ slotKey, authorityId: id, month, ran: false, queued: jobId !== null });
  }
  return outcomes;
}

/** The handler of a monthly-audit job: the slot recorded, the run recorded and its parts queued. */
export async function startQueuedMonth(db: Database, queue: WorkQueue, job: QueuedJob<MonthlyAuditJobData>, logger?: Logger): Promise<void> {
  const { authorityId, month } = job.data;
  const slot = monthlySlot(authorityId, month);
  const log = logger?.child({ slot: slot.slotKey, job: job.id });
  if (!(await claimSlot(db.knex, slot, QUEUE_OWNER))) {
    const row = await slotRow(db.knex, slot.slotKey);
    if (row?.owner_id !== QUEUE_OWNER || row.status !== "running") {
      log?.info("monthly slot not queued again: it is done or run elsewhere", { status: row?.status ?? "gone", owner: row?.owner_id ?? null });
      return;
    }
    // A retry: this job's earlier attempt died while queueing the run. Queue it afresh.
    await failRunsOfSlot(db.knex, slot.slotKey, `The worker queueing this monthly audit stopped before it finished; job ${job.id} queued it again.`);
  }
  const runId = await queueAudit(db, queue, { scope: { kind: "month", month }, authorityId, trigger: "scheduled", runKey: slot.slotKey, ...(log ? { logger: log } : {}) }, { slotKey: slot.slotKey, month });
  log?.info("monthly audit shared out", { auditRun: runId, month });
}

/** The handler of the monthly-audit dead-letter queue: the slot failed every attempt. */
export async function failQueuedMonth(db: Database, job: QueuedJob<MonthlyAuditJobData>, logger?: Logger): Promise<void> {
  const slotKey = monthlySlotKey(job.data.authorityId, job.data.month);
  await failMonthlySlot(db, { slotKey, month: job.data.month }, "The monthly audit could not be queued: every attempt failed.");
  logger?.error("monthly audit failed every attempt to queue it", { slot: slotKey });
}
