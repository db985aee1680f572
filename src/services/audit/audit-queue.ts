import type { Knex } from "knex";
import { ownerOf, type Database } from "../../db/connection.js";
import { withProviderLocks } from "../../db/repositories/arrival-pending.repository.js";
import { markPartFailed, markPartStarted, partFailure, partResults, partStatus, planParts, recordPartDone, recordPartError } from "../../db/repositories/audit-parts.repository.js";
import { failRun, finishRun, vacuumAuditTables, type AuditRunRow, type RunCounts } from "../../db/repositories/audit.repository.js";
import { CATEGORIES, type Category } from "../../domain/finding.js";
import type { Logger } from "../../logger.js";
import { QUEUE_NAMES, type QueuedJob, type WorkQueue } from "../queue/work-queue.js";
import { addPartitionResults, auditPartition, type PartitionJob, type PartitionResult } from "./audit-partition.js";
import { logAuditRun } from "./audit-run-log.js";
import { auditInThreads, THREAD_HEAP_MB } from "./audit-threads.js";
import { applyCreditNotes, creditResolution } from "./credit-recovery.js";
import { completeMonthlySlot, failMonthlySlot, type MonthlyCompletion } from "../scheduler/monthly-completion.js";

/**
 * An audit run shared out through the work queue (issue 24, PostgreSQL only): one job per
 * provider partition, taken by any worker on any machine. Nothing the audit checks crosses
 * providers (AuditSession.nextProvider), so the parts' findings are exactly those of one pass.
 *
 * - Each part is a row of audit_run_parts and a job keyed `audit:<run>:<part>` (queued once).
 * - A worker audits its part (saving is idempotent within a run: findings are upserted by
 *   invoice, line and rule), then records the part done with its figures, once: an attempt
 *   retried after its worker died finds the part done, adds nothing and only checks completion.
 * - Whoever records the last part completes the run: credit notes applied, the totals (the sum
 *   of the parts' rows) written, the run logged. The run's row is locked while a part is
 *   recorded, so two workers finishing the last two parts at once cannot both miss it.
 * - A part that fails every attempt reaches the dead-letter queue, whose handler fails the run
 *   with the part's last error; the other parts of a failed run are skipped.
 */

/** What completing the run needs, carried by every part's job (whichever is last completes it). */
export interface RunCompletion {
  scope: string;
  trigger: string;
  actor: string | null;
  foundUnaudited: number;
  /** Findings and invoices are vacuumed after a run of this many lines or more (run-audit.ts). */
  tidyAfterLines: number;
  /** A monthly slot's run: its completer writes the report and marks the slot (monthly-completion.ts). */
  monthly?: MonthlyCompletion | null;
}

export interface AuditPartJob {
  authorityId: number;
  runId: string;
  part: number;
  parts: number;
  job: PartitionJob;
  completion: RunCompletion;
}

/** Lines a partition aims at: small enough that four workers share a month evenly, big enough that a part's start-up (reference data, JIT) is a small share. */
export const PART_LINES = 20_000;
export const MAX_PARTS = 64;

/**
 * The slowest a part is assumed to go (lines per second). The slowest measured: four workers on
 * this 2-core machine while it was shared by about ten runnable processes per core audited 1M
 * lines in 552 s, about 450 lines/s each (README "Scale-out"); less than half of that leaves room.
 */
export const SLOWEST_PART_LINES_PER_SECOND = 200;

/**
 * A part's job expiry: the queue's (QUEUE_EXPIRE_SECONDS), or longer for a part too big to finish
 * in it at the slowest pace. pg-boss 10 cannot extend a running job's expiry (no heartbeat or
 * touch: timgit/pg-boss#579, #436), and a part cannot be split below one provider (duplicate
 * billing and duplicate invoices compare every invoice of a provider), so the expiry follows the
 * part's size instead. Should a part still outlive it, the retry waits for the provider locks the
 * running attempt holds, then finds the part done and adds nothing (runAuditPart).
 */
export function partExpirySeconds(lines: number, queueExpirySeconds: number): number {
  return Math.max(queueExpirySeconds, Math.ceil(lines / SLOWEST_PART_LINES_PER_SECOND));
}

export function partCount(lines: number, partLines = PART_LINES): number {
  return Math.max(1, Math.min(MAX_PARTS, Math.ceil(lines / Math.max(1, partLines))));
}

/** Plans the parts of a run and queues one job each. */
export async function queueAuditParts(
  db: Database,
  queue: WorkQueue,
  run: { authorityId: number; runId: string; completion: RunCompletion },
  parts: readonly { job: PartitionJob; providers: number; lines: number }[],
): Promise<void> {
  await planParts(db.knex, run.runId, parts.map((p, part) => ({ part, providers: p.providers, lines: p.lines })));
  for (const [part, planned] of parts.entries()) {
    const data: AuditPartJob = { authorityId: run.authorityId, runId: run.runId, part, parts: parts.length, job: planned.job, completion: run.completion };
    await queue.send(QUEUE_NAMES.auditPart, `audit:${run.runId}:${part}`, data, { expireInSeconds: partExpirySeconds(planned.lines, queue.settings.expireSeconds) });
  }
}

/** The handler of an audit-part job. */
export async function runAuditPart(db: Database, job: QueuedJob<AuditPartJob>, logger?: Logger, dataDir?: string, inThread = false): Promise<void> {
  const { runId, part, authorityId } = job.data;
  const log = logger?.child({ auditRun: runId, part });
  const status = await partStatus(db.knex, runId, part);
  if (status === null || status.run !== "running") {
    log?.info("audit part skipped: its run is no longer running", { run: status?.run ?? "gone" });
    return;
  }
  if (status.part !== "done") {
    let done: { result: PartitionResult; complete: boolean } | null;
    try {
      // The part's providers locked until it is recorded done: no arrival job audits one of them
      // meanwhile (arrival-queue.ts), and a retry of a part still running (past its expiry) waits
      // here for it, then finds it done.
      done = await withProviderLocks(db.knex, authorityId, job.data.job.providerIds ?? [], async () => {
        if ((await partStatus(db.knex, runId, part))?.part === "done") return null;
        log?.info("audit part started", { authorityId, job: job.id, providers: job.data.job.providerIds?.length ?? null });
        await markPartStarted(db.knex, runId, part);
        // `audit --threads N` on PostgreSQL: each of this process's N parts in a thread of its own.
        const providerIds = job.data.job.providerIds;
        const result = inThread && db.url !== null && providerIds !== null && providerIds.length > 0
          ? await auditInThreads(db.knex, db.url, job.data.job, [[...providerIds]], { heapMb: THREAD_HEAP_MB, log })
          : await auditPartition(db.knex, job.data.job);
        return { result, ...(await recordPartDone(db.knex, runId, part, result)) };
      });
    } catch (error) {
      await recordPartError(db.knex, runId, part, (error as Error).message).catch(() => undefined);
      throw error;
    }
    if (done === null) {
      log?.info("audit part already done by an earlier attempt that outlived its expiry: nothing added");
      return;
    }
    log?.info("audit part done", { authorityId, linesAudited: done.result.linesAudited, findings: done.result.findingsRaised });
    if (done.complete) await completeRun(db, job.data, log, dataDir);
    return;
  }
  // A retry of a part already recorded (its worker died after recording it): the run may still
  // be waiting for its completion.
  const { complete } = await recordPartDone(db.knex, runId, part, null);
  if (complete) await completeRun(db, job.data, log, dataDir);
}

async function completeRun(db: Database, data: AuditPartJob, log: Logger | undefined, dataDir: string | undefined): Promise<void> {
  const knex = db.knex;
  const { authorityId, runId, completion } = data;
  // The credit notes as they stand now (as in-process runs, which resolve them at the start and
  // apply them at the end; the parts were given the voided invoices when the run was planned).
  await applyCreditNotes(knex, authorityId, await creditResolution(knex, authorityId));
  const counts = addPartitionResults((await partResults(knex, runId)) as PartitionResult[]);
  if (counts.linesAudited >= completion.tidyAfterLines) {
    // As the tables' owner, as run-audit.ts's tidyTables says why.
    await vacuumAuditTables(ownerOf(db).knex).catch((error: unknown) => log?.warn("findings and invoices not vacuumed after the audit", { error: (error as Error).message }));
  }
  await finishRun(knex, runId, counts);
  await logAuditRun(knex, { authorityId, runId, scope: completion.scope, trigger: completion.trigger, actor: completion.actor, outcome: { counts, foundUnaudited: completion.foundUnaudited } });
  log?.info("audit finished", { ...counts, foundUnaudited: completion.foundUnaudited, parts: data.parts });
  if (completion.monthly) {
    if (dataDir === undefined) throw new Error("a monthly audit's last part needs a DATA_DIR for its report");
    await completeMonthlySlot(db, authorityId, completion.monthly, { runId, counts }, { dataDir, ...(log ? { logger: log } : {}) });
  }
}

/** The handler of the audit-part dead-letter queue: the part failed every attempt, so the run fails with its reason. */
export async function failAuditPart(db: Database, job: QueuedJob<AuditPartJob>, logger?: Logger): Promise<void> {
  const { runId, part, parts, authorityId, completion } = job.data;
  const failure = await partFailure(db.knex, runId, part);
  await markPartFailed(db.knex, runId, part);
  const status = await partStatus(db.knex, runId, part);
  // Done after all (an attempt that outlived its expiry finished it): the run goes on.
  if (status?.run !== "running" || status.part === "done") return;
  const reason = `Part ${part + 1} of ${parts} of this audit (${job.data.job.providerIds?.length ?? "all"} provider(s)) failed ${failure?.attempts ?? "every"} time(s): ${failure?.lastError ?? "its worker stopped before it finished"}`;
  await failRun(db.knex, runId, reason);
  if (completion.monthly) await failMonthlySlot(db, completion.monthly, reason);
  await logAuditRun(db.knex, { authorityId, runId, scope: completion.scope, trigger: completion.trigger, actor: completion.actor, outcome: { error: reason } });
  logger?.error("audit run failed: a part failed every attempt", { auditRun: runId, part, reason });
}

function flaggedOf(value: AuditRunRow["flagged_by_category"]): Record<Category, string> {
  const parsed = (typeof value === "string" ? JSON.parse(value) : value) as Record<string, string>;
  return Object.fromEntries(CATEGORIES.map((c) => [c, parsed[c] ?? "0.00"])) as Record<Category, string>;
}

/** A queued run that failed: already recorded and logged by whoever failed it. */
export class QueuedRunFailed extends Error {}

/** A finished run's figures, from its row. */
export function runCountsOf(row: Pick<AuditRunRow, "invoices_audited" | "lines_audited" | "findings_raised" | "flagged_by_category">): RunCounts {
  return { invoicesAudited: row.invoices_audited, linesAudited: row.lines_audited, findingsRaised: row.findings_raised, flaggedByCategory: flaggedOf(row.flagged_by_category) };
}

/** Waits until the run is no longer running: its figures, or its error thrown. */
export async function waitForRun(knex: Knex, runId: string, pollMs = 250): Promise<RunCounts> {
  for (;;) {
    const row = (await knex("audit_runs").where({ id: runId }).first("*")) as AuditRunRow | undefined;
    if (!row) throw new Error(`audit run ${runId} is gone`);
    if (row.status === "succeeded") return runCountsOf(row);
    if (row.status === "failed") throw new QueuedRunFailed(row.error ?? "the audit failed");
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
