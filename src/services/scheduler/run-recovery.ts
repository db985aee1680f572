import os from "node:os";
import { randomUUID } from "node:crypto";
import { forEachAuthority } from "../authority/authority.js";
import type { Database } from "../../db/connection.js";
import {
  failRunningRun,
  failRunsOfSlot,
  insertWorker,
  markWorkerStopped,
  ownRunningRun,
  recordHeartbeat,
  runningRunsOutsideSlots,
  runningSlotsOfOthers,
  takeOverSlot,
  workerLiveness,
  type TakenOverSlot,
} from "../../db/repositories/scheduler.repository.js";
import { runAudit, type RunAuditOptions, type RunAuditResult } from "../audit/run-audit.js";
import { processAlive } from "../../process-alive.js";
import type { Logger } from "../../logger.js";

/**
 * Who is running what, and what to do when they died.
 *
 * Every scheduler process (`serve` or `worker`) registers itself in `scheduler_workers` and
 * heart-beats there (database time, so clocks on different machines do not matter). Scheduled
 * runs are rows of `scheduled_slots`, claimed by inserting their key (only one insert wins) and
 * owned by one worker. A worker is dead when its process is gone from this host, or when it has
 * not heart-beaten for `staleAfterMs`; a dead worker's running slots are taken over (one
 * UPDATE … WHERE owner_id = <dead one> wins) and re-run, and its running audit runs are marked
 * failed, so no run stays "running" for ever. The SQL is src/db/repositories/scheduler.repository.ts.
 *
 * What of this is still needed, and where (issue 24: pg-boss replaces what it provides):
 * - On PostgreSQL every audit goes through the work queue: the monthly slot, `audit`, the web UI's
 *   audit and every audit on arrival are pg-boss jobs, and a job whose worker died is retried
 *   after its expiry (a part that fails every attempt fails its run through the dead-letter
 *   queue). A whole run is handed to the queue once its parts are queued (owner QUEUE_OWNER) and
 *   is never failed here; only a run whose queueing process died before that is (after
 *   QUEUEING_TIMEOUT_MS). No slot is taken over or retried here on PostgreSQL.
 * - The embedded database runs in one process by design, but a `serve` shares it with other
 *   commands' processes (embedded-share.ts): the in-process scheduler's slots, and the runs of an
 *   `audit` or an audit on arrival in another process (withOwnedRun), are recognised as dead by
 *   the registry and heartbeats below, and taken over or failed.
 * - Both databases: the registry tells which inbox claim directories belong to dead workers
 *   (inbox.ts: files in a folder are not jobs until claimed).
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

export interface AbandonedRun {
  runId: string;
  runKey: string | null;
  ownerId: string | null;
}

/** Workers started in this process and not yet stopped: alive by definition. */
const liveInThisProcess = new Set<string>();

export function newWorkerIdentity(): WorkerIdentity {
  const hostname = os.hostname();
  const pid = process.pid;
  const workerId = `${hostname}-${pid}-${randomUUID().slice(0, 8)}`.replace(/[^A-Za-z0-9._-]/g, "_");
  return { workerId, hostname, pid };
}

export async function registerWorker(db: Database, identity: WorkerIdentity): Promise<void> {
  await insertWorker(db.knex, { worker_id: identity.workerId, hostname: identity.hostname, pid: identity.pid });
  liveInThisProcess.add(identity.workerId);
}

export async function unregisterWorker(db: Database, workerId: string): Promise<void> {
  liveInThisProcess.delete(workerId);
  await markWorkerStopped(db.knex, workerId);
}

/** The worker is alive: it, its running slots and the audit runs of those slots. */
export async function heartbeat(db: Database, workerId: string): Promise<void> {
  await recordHeartbeat(db.knex, workerId);
}

/** Of the given owner ids, those whose worker is dead (unknown ids count as dead). */
export async function deadOwners(db: Database, ownerIds: readonly string[], policy: LivenessPolicy): Promise<Set<string>> {
  const candidates = [...new Set(ownerIds)].filter((id) => !liveInThisProcess.has(id));
  const dead = new Set<string>();
  if (candidates.length === 0) return dead;
  const byId = new Map((await workerLiveness(db.knex, candidates)).map((r) => [r.worker_id, r]));
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
    if (row.silentMs > policy.staleAfterMs) dead.add(id);
  }
  return dead;
}

/**
 * Running slots whose owner is dead, taken over by `me` (attempts + 1). Each slot goes to one
 * worker only: the UPDATE names the dead owner, so a second taker updates nothing. The dead
 * owner's running audit runs of the slot are marked failed and their run_key moved aside, so
 * the re-run can use the slot's key again (audit_runs.run_key is unique).
 */
export async function takeOverAbandonedSlots(db: Database, me: string, policy: LivenessPolicy): Promise<TakenOverSlot[]> {
  const running = await runningSlotsOfOthers(db.knex, me);
  if (running.length === 0) return [];
  const dead = await deadOwners(db, running.map((r) => r.owner_id), policy);
  const taken: TakenOverSlot[] = [];
  for (const slot of running.filter((r) => dead.has(r.owner_id))) {
    const took = await takeOverSlot(db.knex, slot.slot_key, slot.owner_id, me);
    if (!took) continue;
    await failRunsOfSlot(db.knex, took.slotKey, `The worker ${slot.owner_id} stopped before this run finished; ${me} runs it again.`);
    taken.push(took);
  }
  return taken;
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
 * On a PostgreSQL server every whole audit run goes through the work queue, and is handed to it
 * (owner QUEUE_OWNER) once its parts are queued, which takes seconds. One still without an owner
 * this long after it started was being queued by a process that died: no job will complete it.
 * (Arrival jobs' runs, keyed `arrival-part:…`, are failed by the job's retry instead, and by
 * unownedRunTimeoutMs when no retry is left.)
 */
export const QUEUEING_TIMEOUT_MS = 15 * 60_000;

function unownedRunTimeout(db: Database, runKey: string | null, policy: AbandonedRunPolicy): number {
  if (db.kind !== "postgres" || (runKey ?? "").startsWith("arrival-part:")) return policy.unownedRunTimeoutMs;
  return Math.min(policy.unownedRunTimeoutMs, QUEUEING_TIMEOUT_MS);
}

/**
 * Marks failed the audit runs still "running" whose process is gone. The runs of running slots
 * are left out: takeOverAbandonedSlots fails and re-runs those whose owner is dead; so are the
 * runs handed to the work queue (pg-boss retries their parts, and fails the run through the
 * dead-letter queue when a part fails every attempt: audit-queue.ts).
 */
export async function failAbandonedRuns(db: Database, me: string, policy: AbandonedRunPolicy): Promise<AbandonedRun[]> {
  // A run of withOwnedRun is keyed "<trigger>:<worker-id>" before its first heartbeat names its
  // owner: a process killed in that first half second is still recognised by its key.
  const running = (await runningRunsOutsideSlots(db.knex, me)).map((r) => ({ ...r, owner_id: r.owner_id ?? ownerFromRunKey(r.run_key) }));
  if (running.length === 0) return [];
  const owners = running.map((r) => r.owner_id).filter((o): o is string => o !== null);
  const dead = await deadOwners(db, owners, policy);
  const abandoned = running.filter((r) =>
    r.owner_id !== null ? dead.has(r.owner_id) : policy.exclusiveDatabase || r.ageMs > unownedRunTimeout(db, r.run_key, policy),
  );
  for (const run of abandoned) {
    const reason =
      run.owner_id !== null
        ? `The worker ${run.owner_id} stopped before this audit finished (no heartbeat).`
        : "The process running this audit stopped before it finished.";
    await failRunningRun(db.knex, run.id, reason);
  }
  return abandoned.map((r) => ({ runId: String(r.id), runKey: r.run_key, ownerId: r.owner_id }));
}

function ownerFromRunKey(runKey: string | null): string | null {
  const match = /^(?:manual|arrival):(.+)$/.exec(runKey ?? "");
  return match?.[1] ?? null;
}

/** Workers with a claim directory whose process is dead: their claimed inbox files go back. */
export async function deadWorkerIds(db: Database, workerIds: readonly string[], policy: LivenessPolicy): Promise<string[]> {
  const dead = await deadOwners(db, workerIds, policy);
  return workerIds.filter((id) => dead.has(id));
}

/**
 * runAudit in this process for callers outside the scheduler (the `audit` command on the embedded
 * database; on PostgreSQL it goes through the work queue), so that their runs cannot stay
 * "running" for ever either: the run is keyed `<trigger>:<worker-id>` (unless a
 * key is given) and owned by a registered worker that heart-beats while the audit runs. If the
 * process dies, the next scheduler sweep finds the owner dead and marks the run failed.
 */
export async function runAuditWithHeartbeat(db: Database, options: RunAuditOptions, heartbeatMs = 10_000): Promise<RunAuditResult> {
  return withOwnedRun(db, options.runKey ?? null, options.trigger ?? "manual", (runKey) => runAudit(db, { ...options, runKey }), heartbeatMs);
}

/**
 * Runs `work` (which records an audit run keyed `runKey`) owned by a registered worker that
 * heart-beats while it runs: the run is keyed `<trigger>:<worker-id>` unless a key is given.
 */
export async function withOwnedRun<T>(db: Database, givenKey: string | null, trigger: string, work: (runKey: string) => Promise<T>, heartbeatMs = 10_000): Promise<T> {
  const identity = newWorkerIdentity();
  await registerWorker(db, identity);
  const runKey = givenKey ?? `${trigger}:${identity.workerId}`;
  const beat = async (): Promise<void> => {
    await heartbeat(db, identity.workerId);
    await ownRunningRun(db.knex, runKey, identity.workerId);
  };
  const tick = (): void => void beat().catch(() => undefined);
  // The first beat soon after the run's row exists; then every heartbeatMs.
  const first = setTimeout(tick, Math.min(500, heartbeatMs));
  const interval = setInterval(tick, heartbeatMs);
  try {
    return await work(runKey);
  } finally {
    clearTimeout(first);
    clearInterval(interval);
    await unregisterWorker(db, identity.workerId).catch(() => undefined);
  }
}

/**
 * What every command does first (CLI and serve alike): audit runs left "running" by a process
 * that is gone are marked failed, so they neither show as running for ever nor hold the
 * authority's one-running-audit place (audit_runs_one_running).
 */
export async function failRunsOfDeadProcesses(db: Database, log?: Logger): Promise<AbandonedRun[]> {
  // Each council's runs through its own handle (row-level security): the app never works across them.
  if (db.authorityId === "owner") return (await forEachAuthority(db, (scoped) => failRunsOfDeadProcesses(scoped, log))).flat();
  const abandoned = await failAbandonedRuns(db, `start-up:${process.pid}`, {
    staleAfterMs: 120_000,
    unownedRunTimeoutMs: 6 * 3600_000,
    // A command on the embedded database has it to itself: any run still "running" is dead.
    exclusiveDatabase: db.kind === "embedded",
  });
  for (const run of abandoned) log?.warn("an audit run left running by a stopped process was marked failed", { runId: run.runId });
  return abandoned;
}
