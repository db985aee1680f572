import type { Knex } from "knex";
import type { AuditRunRow } from "./audit.repository.js";

/**
 * The owner of the slots and audit runs handed to the work queue (PostgreSQL): pg-boss retries a
 * job whose worker died and fails the run through the dead-letter queue, so heartbeat recovery
 * never takes them over nor fails them.
 */
export const QUEUE_OWNER = "work-queue";

/**
 * The scheduler's tables: `scheduler_workers` (who is alive, by heartbeat in database time),
 * `scheduled_slots` (each scheduled run, claimed by inserting its key: only one insert wins),
 * and the ownership columns of `audit_runs`. What the rows mean, and what to do when a worker
 * died, is src/services/scheduler/run-recovery.ts.
 */

/** A scheduler_workers row. */
export interface WorkerRow {
  worker_id: string;
  hostname: string;
  pid: number;
  started_at: Date;
  heartbeat_at: Date;
  stopped_at: Date | null;
}

/** A scheduled_slots row. */
export interface SlotRow {
  slot_key: string;
  job: string;
  authority_id: number;
  period: string;
  status: "running" | "succeeded" | "failed";
  owner_id: string;
  attempts: number;
  claimed_at: Date;
  heartbeat_at: Date;
  finished_at: Date | null;
  audit_run_id: string | null;
  result: Record<string, unknown>;
  error: string | null;
}

export interface SlotKey {
  slotKey: string;
  job: string;
  authorityId: number;
  /** What the slot covers, e.g. the month "2026-10". */
  period: string;
}

export interface TakenOverSlot extends SlotKey {
  previousOwner: string;
  attempts: number;
}

/** What the liveness check needs of a worker: its host and pid, whether it stopped, how long it has been silent. */
export interface WorkerLiveness extends Pick<WorkerRow, "worker_id" | "hostname" | "pid"> {
  stopped: boolean;
  silentMs: number;
}

export async function insertWorker(knex: Knex, worker: Pick<WorkerRow, "worker_id" | "hostname" | "pid">): Promise<void> {
  await knex("scheduler_workers").insert(worker);
}

export async function markWorkerStopped(knex: Knex, workerId: string): Promise<void> {
  await knex("scheduler_workers").where({ worker_id: workerId }).update({ stopped_at: knex.fn.now() });
}

/** The worker is alive: it, its running slots and the audit runs of those slots. */
export async function recordHeartbeat(knex: Knex, workerId: string): Promise<void> {
  await knex("scheduler_workers").where({ worker_id: workerId }).update({ heartbeat_at: knex.fn.now() });
  await knex("scheduled_slots").where({ owner_id: workerId, status: "running" }).update({ heartbeat_at: knex.fn.now() });
  // runAudit inserts its audit_runs row itself; the run of a slot is recognised by its run_key.
  await knex.raw(
    `update audit_runs set owner_id = ?, heartbeat_at = now()
      where status = 'running'
        and (owner_id = ? or (owner_id is null and run_key in (select slot_key from scheduled_slots where owner_id = ? and status = 'running')))`,
    [workerId, workerId, workerId],
  );
}

/** The running audit run keyed `runKey` is owned by `workerId`, alive now. */
export async function ownRunningRun(knex: Knex, runKey: string, workerId: string): Promise<void> {
  await knex("audit_runs").where({ run_key: runKey, status: "running" }).update({ owner_id: workerId, heartbeat_at: knex.fn.now() });
}

/** The registered workers among `workerIds`, with how long each has been silent (database time). */
export async function workerLiveness(knex: Knex, workerIds: readonly string[]): Promise<WorkerLiveness[]> {
  const rows = (
    await knex.raw<{ rows: (Pick<WorkerRow, "worker_id" | "hostname" | "pid"> & { stopped: boolean; silent_ms: string | number })[] }>(
      `select worker_id, hostname, pid, stopped_at is not null as stopped,
              extract(epoch from (now() - heartbeat_at)) * 1000 as silent_ms
         from scheduler_workers where worker_id = any(?::text[])`,
      [[...workerIds]],
    )
  ).rows;
  return rows.map((r) => ({ worker_id: r.worker_id, hostname: r.hostname, pid: r.pid, stopped: r.stopped, silentMs: Number(r.silent_ms) }));
}

/** Inserts the slot's key; true only for the one caller whose insert succeeded. */
export async function claimSlot(knex: Knex, slot: SlotKey, ownerId: string): Promise<boolean> {
  const inserted = await knex<SlotRow>("scheduled_slots")
    .insert({ slot_key: slot.slotKey, job: slot.job, authority_id: slot.authorityId, period: slot.period, owner_id: ownerId, status: "running" })
    .onConflict("slot_key")
    .ignore()
    .returning("slot_key");
  return inserted.length === 1;
}

export async function slotRow(knex: Knex, slotKey: string): Promise<Pick<SlotRow, "status" | "owner_id"> | null> {
  return (await knex<SlotRow>("scheduled_slots").where({ slot_key: slotKey }).first("status", "owner_id")) ?? null;
}

/** Marks the slot done, if this worker still owns it (false when it was taken over meanwhile). */
export async function completeSlot(knex: Knex, slotKey: string, ownerId: string, outcome: { auditRunId: string | null; result: Record<string, unknown> }): Promise<boolean> {
  const updated = await knex("scheduled_slots")
    .where({ slot_key: slotKey, owner_id: ownerId, status: "running" })
    .update({ status: "succeeded", finished_at: knex.fn.now(), audit_run_id: outcome.auditRunId, result: JSON.stringify(outcome.result), error: null });
  return updated === 1;
}

export async function failSlot(knex: Knex, slotKey: string, ownerId: string, error: string): Promise<boolean> {
  const updated = await knex("scheduled_slots")
    .where({ slot_key: slotKey, owner_id: ownerId, status: "running" })
    .update({ status: "failed", finished_at: knex.fn.now(), error: error.slice(0, 2000) });
  return updated === 1;
}

/** Running slots owned by someone other than `me`. */
export async function runningSlotsOfOthers(knex: Knex, me: string): Promise<Pick<SlotRow, "slot_key" | "owner_id">[]> {
  // Slots run through the work queue are the queue's: pg-boss retries them, no process owns them.
  return knex<SlotRow>("scheduled_slots").where({ status: "running" }).whereNot({ owner_id: me }).whereNot({ owner_id: QUEUE_OWNER }).select("slot_key", "owner_id");
}

/**
 * Takes a running slot from `deadOwner` (attempts + 1). The UPDATE names the dead owner, so of
 * two takers only one updates the row; the other gets null.
 */
export async function takeOverSlot(knex: Knex, slotKey: string, deadOwner: string, me: string): Promise<TakenOverSlot | null> {
  const rows: Pick<SlotRow, "slot_key" | "job" | "authority_id" | "period" | "attempts">[] = await knex<SlotRow>("scheduled_slots")
    .where({ slot_key: slotKey, owner_id: deadOwner, status: "running" })
    .update({ owner_id: me, attempts: knex.raw("attempts + 1"), claimed_at: knex.fn.now(), heartbeat_at: knex.fn.now() } as Record<string, unknown>)
    .returning(["slot_key", "job", "authority_id", "period", "attempts"]);
  const row = rows[0];
  return row ? { slotKey: row.slot_key, job: row.job, authorityId: row.authority_id, period: row.period, previousOwner: deadOwner, attempts: row.attempts } : null;
}

/**
 * Failed slots tried again by `me`: up to `maxAttempts` in all, once `retryAfterMs` has passed
 * since the failure (skip locked: two workers never take the same one).
 */
export async function retakeFailedSlots(knex: Knex, me: string, policy: { maxAttempts: number; retryAfterMs: number }): Promise<TakenOverSlot[]> {
  const rows = (
    await knex.raw<{ rows: Array<Pick<SlotRow, "slot_key" | "job" | "authority_id" | "period" | "attempts"> & { previous_owner: string }> }>(
      `update scheduled_slots s set status = 'running', owner_id = ?, attempts = s.attempts + 1, claimed_at = now(), heartbeat_at = now(), finished_at = null
         from (select slot_key, owner_id from scheduled_slots
                where status = 'failed' and attempts < ? and finished_at < now() - (? * interval '1 millisecond')
                  and owner_id <> '${QUEUE_OWNER}'
                for update skip locked) old
        where s.slot_key = old.slot_key and s.status = 'failed'
        returning s.slot_key, s.job, s.authority_id, s.period, s.attempts, old.owner_id as previous_owner`,
      [me, policy.maxAttempts, policy.retryAfterMs],
    )
  ).rows;
  return rows.map((r) => ({ slotKey: r.slot_key, job: r.job, authorityId: r.authority_id, period: r.period, attempts: r.attempts, previousOwner: r.previous_owner }));
}

/** Whether the job has ever had a slot. */
export async function hasAnySlot(knex: Knex, job: string): Promise<boolean> {
  const row: Pick<SlotRow, "slot_key"> | undefined = await knex("scheduled_slots").where("job", job).first("slot_key");
  return row !== undefined;
}

/** Of `periods`, those the job has a slot for (in any status). */
export async function periodsWithSlots(knex: Knex, job: string, periods: readonly string[]): Promise<Set<string>> {
  const rows = await knex("scheduled_slots").where({ job }).whereIn("period", periods).distinct<Pick<SlotRow, "period">[]>("period");
  return new Set(rows.map((row) => row.period));
}

/**
 * Before (re-)running a slot: a run of that key still "running" is marked failed, and any
 * failed run keeps its row but gives up the key (renamed `<key>#run-<id>`).
 */
export async function failRunsOfSlot(knex: Knex, slotKey: string, reason: string): Promise<void> {
  await knex("audit_runs").where({ run_key: slotKey, status: "running" }).update({ status: "failed", finished_at: knex.fn.now(), error: reason });
  await knex.raw(`update audit_runs set run_key = run_key || '#run-' || id where run_key = ? and status = 'failed'`, [slotKey]);
}

export interface RunSummary {
  runId: string;
  invoicesAudited: number;
  linesAudited: number;
  findingsRaised: number;
  flaggedByCategory: Record<string, string>;
}

/** The succeeded audit run that carries the slot's key, if the slot's audit already finished. */
export async function succeededRunOfSlot(knex: Knex, slotKey: string): Promise<RunSummary | null> {
  const row: Pick<AuditRunRow, "id" | "invoices_audited" | "lines_audited" | "findings_raised" | "flagged_by_category"> | undefined = await knex<AuditRunRow>("audit_runs")
    .where({ run_key: slotKey, status: "succeeded" })
    .first("id", "invoices_audited", "lines_audited", "findings_raised", "flagged_by_category");
  if (!row) return null;
  const flagged = typeof row.flagged_by_category === "string" ? (JSON.parse(row.flagged_by_category) as Record<string, string>) : row.flagged_by_category;
  return { runId: String(row.id), invoicesAudited: row.invoices_audited, linesAudited: row.lines_audited, findingsRaised: row.findings_raised, flaggedByCategory: flagged };
}

/** A run whose parts are all queued: from now on its recovery is the work queue's. */
export async function handRunToQueue(knex: Knex, runId: string): Promise<void> {
  await knex("audit_runs").where({ id: runId, status: "running" }).update({ owner_id: QUEUE_OWNER });
}

/** Whether a run still running belongs to the work queue (its parts queued: pg-boss finishes it). */
export async function isQueuedRunRunning(knex: Knex, runId: string): Promise<boolean> {
  const row = await knex("audit_runs").where({ id: runId, status: "running", owner_id: QUEUE_OWNER }).first<{ id: string } | undefined>("id");
  return row !== undefined;
}

/** Audit runs still "running" that are not `me`'s, not a running slot's and not the work queue's, with their age. */
export async function runningRunsOutsideSlots(knex: Knex, me: string): Promise<(Pick<AuditRunRow, "id" | "run_key" | "owner_id"> & { ageMs: number })[]> {
  const rows = (
    await knex.raw<{ rows: (Pick<AuditRunRow, "id" | "run_key" | "owner_id"> & { age_ms: string | number })[] }>(
      `select r.id, r.run_key, r.owner_id, extract(epoch from (now() - r.started_at)) * 1000 as age_ms
         from audit_runs r
        where r.status = 'running'
          and (r.owner_id is null or r.owner_id not in (?, ?))
          and not exists (select 1 from scheduled_slots s where s.slot_key = r.run_key and s.status = 'running')`,
      [me, QUEUE_OWNER],
    )
  ).rows;
  return rows.map((r) => ({ id: r.id, run_key: r.run_key, owner_id: r.owner_id, ageMs: Number(r.age_ms) }));
}

/** Marks a run failed if it is still running. */
export async function failRunningRun(knex: Knex, runId: string, reason: string): Promise<void> {
  await knex("audit_runs").where({ id: runId, status: "running" }).update({ status: "failed", finished_at: knex.fn.now(), error: reason });
}

/** Forgets workers that stopped (or went silent) a week ago: nothing of theirs is running any more. */
export async function pruneWorkers(knex: Knex): Promise<number> {
  return knex("scheduler_workers")
    .where((q) => void q.where("stopped_at", "<", knex.raw("now() - interval '7 days'")).orWhere("heartbeat_at", "<", knex.raw("now() - interval '7 days'")))
    .whereNotExists(knex("scheduled_slots").whereRaw("scheduled_slots.owner_id = scheduler_workers.worker_id").andWhere("status", "running"))
    .del();
}
