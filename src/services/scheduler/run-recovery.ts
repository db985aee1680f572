import os from "node:os";
import { randomUUID } from "node:crypto";
import type { Knex } from "knex";
import type { Database } from "../../db/connection.js";
import { runAudit, type RunAuditOptions, type RunAuditResult } from "../audit/run-audit.js";
import { processAlive } from "../../process-alive.js";

/**
 * Who is running what, and what to do when they died.
 *
 * Every scheduler process (`serve` or `worker`) registers itself in `scheduler_workers` and
 * heart-beats there (database time, so clocks on different machines do not matter). Scheduled
 * runs are rows of `scheduled_slots`, claimed by inserting their key (only one insert wins) and
 * owned by one worker. A worker is dead when its process is gone from this host, or when it has
 * not heart-beaten for `staleAfterMs`; a dead worker's running slots are taken over (one
 * UPDATE … WHERE owner_id = <dead one> wins) and re-run, and its running audit runs are marked
 * failed, so no run stays "running" for ever.
 */

export interface WorkerIdentity {
  /** Filesystem-safe: it also names the worker's inbox claim directory. */
  workerId: string;
  hostname: string;
  pid: number;
}

export interface LivenessPolicy {
  /** A worker that has not heart-beaten for this long is dead (cross-host detection). */
  staleAfterMs: number;
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

export interface AbandonedRun {
  runId: string;
  runKey: string | null;
  ownerId: string | null;
}

interface SlotRow {
  slot_key: string;
  job: string;
  authority_id: number;
  period: string;
  status: string;
  owner_id: string;
  attempts: number;
}

interface AuditRunRow {
  id: string;
  run_key: string | null;
  status: string;
  invoices_audited: number;
  lines_audited: number;
  findings_raised: number;
  flagged_by_category: Record<string, string> | string;
}

/** Workers started in this process and not yet stopped: alive by definition. */
const liveInThisProcess = new Set<string>();

export function newWorkerIdentity(): WorkerIdentity {
  const hostname = os.hostname();
  const pid = process.pid;
  const workerId = `${hostname}-${pid}-${randomUUID().slice(0, 8)}`.replace(/[^A-Za-z0-9._-]/g, "_");
  return { workerId, hostname, pid };
}

export async function registerWorker(knex: Knex, identity: WorkerIdentity): Promise<void> {
  await knex("scheduler_workers").insert({ worker_id: identity.workerId, hostname: identity.hostname, pid: identity.pid });
  liveInThisProcess.add(identity.workerId);
}

export async function unregisterWorker(knex: Knex, workerId: string): Promise<void> {
  liveInThisProcess.delete(workerId);
  await knex("scheduler_workers").where({ worker_id: workerId }).update({ stopped_at: knex.fn.now() });
}

/** The worker is alive: it, its running slots and the audit runs of those slots. */
export async function heartbeat(knex: Knex, workerId: string): Promise<void> {
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

interface WorkerRow {
  worker_id: string;
  hostname: string;
  pid: number;
  stopped: boolean;
  silent_ms: string | number;
}

/** Of the given owner ids, those whose worker is dead (unknown ids count as dead). */
export async function deadOwners(knex: Knex, ownerIds: readonly string[], policy: LivenessPolicy): Promise<Set<string>> {
  const candidates = [...new Set(ownerIds)].filter((id) => !liveInThisProcess.has(id));
  const dead = new Set<string>();
  if (candidates.length === 0) return dead;
  const rows = (
    await knex.raw<{ rows: WorkerRow[] }>(
      `select worker_id, hostname, pid, stopped_at is not null as stopped,
              extract(epoch from (now() - heartbeat_at)) * 1000 as silent_ms
         from scheduler_workers where worker_id = any(?::text[])`,
      [candidates],
    )
  ).rows;
  const byId = new Map(rows.map((r) => [r.worker_id, r]));
  const myHost = os.hostname();
  for (const id of candidates) {
    const row = byId.get(id);
    if (!row || row.stopped) {
      dead.add(id);
      continue;
    }
    // Same host: the process table answers at once. (This process's own pid with an id that is
    // not live here is an earlier process that had the same pid, or a stopped scheduler.)
    if (row.hostname === myHost && (row.pid === process.pid || !processAlive(row.pid))) {
      dead.add(id);
      continue;
    }
    // Another host, or a pid that may have been reused: only the heartbeat can tell.
    if (Number(row.silent_ms) > policy.staleAfterMs) dead.add(id);
  }
  return dead;
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

/**
 * Running slots whose owner is dead, taken over by `me` (attempts + 1). Each slot goes to one
 * worker only: the UPDATE names the dead owner, so a second taker updates nothing. The dead
 * owner's running audit runs of the slot are marked failed and their run_key moved aside, so
 * the re-run can use the slot's key again (audit_runs.run_key is unique).
 */
export async function takeOverAbandonedSlots(knex: Knex, me: string, policy: LivenessPolicy): Promise<TakenOverSlot[]> {
  const running = await knex<SlotRow>("scheduled_slots").where({ status: "running" }).whereNot({ owner_id: me }).select("slot_key", "owner_id");
  if (running.length === 0) return [];
  const dead = await deadOwners(knex, running.map((r) => r.owner_id), policy);
  const taken: TakenOverSlot[] = [];
  for (const slot of running.filter((r) => dead.has(r.owner_id))) {
    const rows: Pick<SlotRow, "slot_key" | "job" | "authority_id" | "period" | "attempts">[] = await knex<SlotRow>("scheduled_slots")
      .where({ slot_key: slot.slot_key, owner_id: slot.owner_id, status: "running" })
      .update({ owner_id: me, attempts: knex.raw("attempts + 1"), claimed_at: knex.fn.now(), heartbeat_at: knex.fn.now() } as Record<string, unknown>)
      .returning(["slot_key", "job", "authority_id", "period", "attempts"]);
    const row = rows[0];
    if (!row) continue;
    await failRunsOfSlot(knex, row.slot_key, `The worker ${slot.owner_id} stopped before this run finished; ${me} runs it again.`);
    taken.push({ slotKey: row.slot_key, job: row.job, authorityId: row.authority_id, period: row.period, previousOwner: slot.owner_id, attempts: row.attempts });
  }
  return taken;
}

/**
 * Before (re-)running a slot: a run of that key still "running" is marked failed, and any
 * failed run keeps its row but gives up the key (renamed `<key>#run-<id>`).
 */
export async function failRunsOfSlot(knex: Knex, slotKey: string, reason: string): Promise<void> {
  await knex("audit_runs").where({ run_key: slotKey, status: "running" }).update({ status: "failed", finished_at: knex.fn.now(), error: reason });
  await knex.raw(`update audit_runs set run_key = run_key || '#run-' || id where run_key = ? and status = 'failed'`, [slotKey]);
}

/** The succeeded audit run that carries the slot's key, if the slot's audit already finished. */
export async function succeededRunOfSlot(knex: Knex, slotKey: string): Promise<{ runId: string; invoicesAudited: number; linesAudited: number; findingsRaised: number; flaggedByCategory: Record<string, string> } | null> {
  const row = await knex<AuditRunRow>("audit_runs").where({ run_key: slotKey, status: "succeeded" }).first("id", "invoices_audited", "lines_audited", "findings_raised", "flagged_by_category");
  if (!row) return null;
  const flagged = typeof row.flagged_by_category === "string" ? (JSON.parse(row.flagged_by_category) as Record<string, string>) : row.flagged_by_category;
  return { runId: String(row.id), invoicesAudited: row.invoices_audited, linesAudited: row.lines_audited, findingsRaised: row.findings_raised, flaggedByCategory: flagged };
}

export interface AbandonedRunPolicy extends LivenessPolicy {
  /**
   * Runs started without an owner (the `audit` command, the web UI) cannot heart-beat; one
   * still "running" this long after it started is taken as dead.
   */
  unownedRunTimeoutMs: number;
  /**
   * True at start-up on the embedded database: only this process can have it open, so any run
   * still "running" belongs to a process that is gone.
   */
  exclusiveDatabase: boolean;
}

/**
 * Marks failed the audit runs still "running" whose process is gone. The runs of running slots
 * are left out: takeOverAbandonedSlots fails and re-runs those whose owner is dead.
 */
export async function failAbandonedRuns(knex: Knex, me: string, policy: AbandonedRunPolicy): Promise<AbandonedRun[]> {
  const running = (
    await knex.raw<{ rows: { id: string; run_key: string | null; owner_id: string | null; age_ms: string | number }[] }>(
      `select r.id, r.run_key, r.owner_id, extract(epoch from (now() - r.started_at)) * 1000 as age_ms
         from audit_runs r
        where r.status = 'running'
          and (r.owner_id is null or r.owner_id <> ?)
          and not exists (select 1 from scheduled_slots s where s.slot_key = r.run_key and s.status = 'running')`,
      [me],
    )
  ).rows;
  if (running.length === 0) return [];
  const owners = running.map((r) => r.owner_id).filter((o): o is string => o !== null);
  const dead = await deadOwners(knex, owners, policy);
  const abandoned = running.filter((r) =>
    r.owner_id !== null ? dead.has(r.owner_id) : policy.exclusiveDatabase || Number(r.age_ms) > policy.unownedRunTimeoutMs,
  );
  for (const run of abandoned) {
    const reason =
      run.owner_id !== null
        ? `The worker ${run.owner_id} stopped before this audit finished (no heartbeat).`
        : "The process running this audit stopped before it finished.";
    await knex("audit_runs").where({ id: run.id, status: "running" }).update({ status: "failed", finished_at: knex.fn.now(), error: reason });
  }
  return abandoned.map((r) => ({ runId: String(r.id), runKey: r.run_key, ownerId: r.owner_id }));
}

/**
 * Failed slots (runAudit threw: the database went away, say) are tried again by whoever gets
 * there first, up to `maxAttempts` in all, once `retryAfterMs` has passed since the failure.
 */
export async function retryFailedSlots(knex: Knex, me: string, policy: { maxAttempts: number; retryAfterMs: number }): Promise<TakenOverSlot[]> {
  const rows = (
    await knex.raw<{ rows: Array<{ slot_key: string; job: string; authority_id: number; period: string; attempts: number; previous_owner: string }> }>(
      `update scheduled_slots s set status = 'running', owner_id = ?, attempts = s.attempts + 1, claimed_at = now(), heartbeat_at = now(), finished_at = null
         from (select slot_key, owner_id from scheduled_slots
                where status = 'failed' and attempts < ? and finished_at < now() - (? * interval '1 millisecond')
                for update skip locked) old
        where s.slot_key = old.slot_key and s.status = 'failed'
        returning s.slot_key, s.job, s.authority_id, s.period, s.attempts, old.owner_id as previous_owner`,
      [me, policy.maxAttempts, policy.retryAfterMs],
    )
  ).rows;
  return rows.map((r) => ({ slotKey: r.slot_key, job: r.job, authorityId: r.authority_id, period: r.period, attempts: r.attempts, previousOwner: r.previous_owner }));
}

/** Forgets workers that stopped (or went silent) a week ago: nothing of theirs is running any more. */
export async function pruneWorkers(knex: Knex): Promise<number> {
  return knex("scheduler_workers")
    .where((q) => void q.where("stopped_at", "<", knex.raw("now() - interval '7 days'")).orWhere("heartbeat_at", "<", knex.raw("now() - interval '7 days'")))
    .whereNotExists(knex("scheduled_slots").whereRaw("scheduled_slots.owner_id = scheduler_workers.worker_id").andWhere("status", "running"))
    .del();
}

/** Workers with a claim directory whose process is dead: their claimed inbox files go back. */
export async function deadWorkerIds(knex: Knex, workerIds: readonly string[], policy: LivenessPolicy): Promise<string[]> {
  const dead = await deadOwners(knex, workerIds, policy);
  return workerIds.filter((id) => dead.has(id));
}

/**
 * runAudit for callers outside the scheduler (the `audit` command, the web UI), so that their
 * runs cannot stay "running" for ever either: the run is keyed `<trigger>:<worker-id>` (unless a
 * key is given) and owned by a registered worker that heart-beats while the audit runs. If the
 * process dies, the next scheduler sweep finds the owner dead and marks the run failed.
 */
export async function runAuditWithHeartbeat(db: Database, options: RunAuditOptions, heartbeatMs = 10_000): Promise<RunAuditResult> {
  const identity = newWorkerIdentity();
  await registerWorker(db.knex, identity);
  const runKey = options.runKey ?? `${options.trigger ?? "manual"}:${identity.workerId}`;
  const beat = async (): Promise<void> => {
    await heartbeat(db.knex, identity.workerId);
    await db.knex("audit_runs").where({ run_key: runKey, status: "running" }).update({ owner_id: identity.workerId, heartbeat_at: db.knex.fn.now() });
  };
  const tick = (): void => void beat().catch(() => undefined);
  // The first beat soon after the run's row exists; then every heartbeatMs.
  const first = setTimeout(tick, Math.min(500, heartbeatMs));
  const interval = setInterval(tick, heartbeatMs);
  try {
    return await runAudit(db, { ...options, runKey });
  } finally {
    clearTimeout(first);
    clearInterval(interval);
    await unregisterWorker(db.knex, identity.workerId).catch(() => undefined);
  }
}
