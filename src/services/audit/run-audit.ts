import { loadRulesConfig, type RulesConfig } from "../../audit/index.js";
import { ownerOf, type Database } from "../../db/connection.js";
import { linesByProvider, startRun, unauditedInvoiceCount, vacuumAuditTables, type RunCounts } from "../../db/repositories/audit.repository.js";
import { handRunToQueue } from "../../db/repositories/scheduler.repository.js";
import { applyCreditNotes, creditResolution } from "./credit-recovery.js";
import { recordRunFailed, recordRunOutcome } from "./run-finish.js";
import { monthBounds } from "../../domain/months.js";
import type { Logger } from "../../logger.js";
import { auditPartition, defaultRulesJson, type PartitionJob, type PartitionResult } from "./audit-partition.js";
import { auditInThreads, defaultAuditThreads, isOnThisMachine, shareProviders, THREAD_HEAP_MB } from "./audit-threads.js";
import { partCount, queueAuditParts, waitForRun } from "./audit-queue.js";
import type { WorkQueue } from "../queue/work-queue.js";
import type { MonthlyCompletion } from "../scheduler/monthly-completion.js";

export type AuditScope = { kind: "month"; month: string } | { kind: "all" };

export interface RunAuditOptions {
  scope: AuditScope;
  /** The authority whose invoices are audited (from the request or command context). */
  authorityId: number;
  trigger?: "manual" | "scheduled" | "upload" | "arrival";
  /** The person who asked for the run (the audit log names them; else it names the trigger). */
  actor?: string | null;
  /** A unique key for a scheduled run (one monthly audit per authority and month). */
  runKey?: string | null;
  /** The rules settings as JSON, as in rules/rules.config.json (that file when not given). */
  rulesJson?: unknown;
  logger?: Logger;
  /** Invoices audited per batch written (one transaction each). */
  batchSize?: number;
  /**
   * Threads auditing on PostgreSQL, each a share of the providers (audit-threads.ts). By
   * default one per core, up to four, for audits of 50,000 lines or more on a PostgreSQL
   * server of another machine, else one. The embedded database always audits in this thread
   * (it lives in this process).
   */
  threads?: number;
  /** The heap cap of each audit thread, MB (THREAD_HEAP_MB); for tests of a thread that runs out. */
  threadHeapMb?: number;
  /** Providers whose reference data is in memory at a time (PROVIDERS_PER_LOAD); for tests. */
  providersPerLoad?: number;
  /** Lines audited from which findings and invoices are vacuumed after the run (TIDY_AFTER_LINES); for tests. */
  tidyAfterLines?: number;
  /**
   * On PostgreSQL, the work queue: the run is shared out as one job per provider partition,
   * done by whichever workers take them (audit-queue.ts), and this call waits for the last one.
   * Without it (and always on the embedded database) the run is done in this process.
   */
  queue?: WorkQueue | null;
  /** Lines a queued partition aims at (PART_LINES); for tests and benchmarks of small months. */
  partLines?: number;
}

export interface RunAuditResult extends RunCounts {
  runId: string;
  /**
   * Invoices in scope that had never been audited when the run started. Invoices are audited
   * on arrival (audit-arrivals.ts), so the monthly run is a safety net and says what it caught.
   */
  foundUnaudited: number;
}

/**
 * After an audit this large, findings and invoices are vacuumed and analysed at once. Right
 * after a first big run PostgreSQL's statistics still describe empty tables, and no page of the
 * new rows is marked all-visible, so the review lists' index-only scans visit the table for
 * every row (autovacuum catches up only a minute or so later). Measured at 1M lines: the
 * invoices list by flagged amount p95 201 ms before, 96 ms after; the vacuum took 1.2 s.
 */
const TIDY_AFTER_LINES = 50_000;

async function tidyTables(db: Database, log: Logger | undefined): Promise<void> {
  try {
    // As the tables' owner: the app's role (src/db/tenancy.ts) may not vacuum them, and
    // PostgreSQL would skip them with a warning, not an error, leaving the statistics stale.
    await vacuumAuditTables(ownerOf(db).knex);
  } catch (error) {
    // Only an optimisation: a database user who may not vacuum still has a complete audit.
    log?.warn("findings and invoices not vacuumed after the audit", { error: (error as Error).message });
  }
}

export function defaultRulesConfig(): RulesConfig {
  return loadRulesConfig(defaultRulesJson());
}

function scopeLabel(scope: AuditScope): string {
  return scope.kind === "all" ? "all" : scope.month;
}

/**
 * Audits the invoices in scope and records the run (audit-partition.ts does the work: reference
 * data in memory indexes, invoices read provider by provider in audit order, findings written in
 * bulk; audit-threads.ts shares a large run on PostgreSQL among threads).
 * Invoices before the scope are audited too (not saved) because duplicate billing and duplicate
 * invoices look back at everything billed earlier; later invoices never affect earlier ones.
 */
export async function runAudit(db: Database, options: RunAuditOptions): Promise<RunAuditResult> {
  return (await startAudit(db, options)).finished;
}

/**
 * Records the run and starts it: returns once the run is recorded (or refused with AppError
 * "audit.already_running" while another audit of the authority runs), with the audit's end
 * as a promise. For callers that answer at once (the web UI's "run now").
 */
export async function startAudit(db: Database, options: RunAuditOptions): Promise<{ runId: string; finished: Promise<RunAuditResult> }> {
  const knex = db.knex;
  const { authorityId } = options;
  const recorded = await recordRun(db, options);
  const { runId, rulesJson, bounds, log } = recorded;
  const run = { authorityId, runId, scope: scopeLabel(options.scope), trigger: options.trigger ?? "manual", actor: options.actor };
  const finished = (async (): Promise<RunAuditResult> => {
    if (options.queue && db.kind === "postgres") {
      const foundUnaudited = await queueRecordedRun(db, options.queue, options, recorded, null);
      // The worker that records the last part completes the run (figures, credit notes, log);
      // a run that fails is recorded and logged by whoever fails it (QueuedRunFailed).
      return { runId, foundUnaudited, ...(await waitForRun(knex, runId)) };
    }
    let foundUnaudited = 0;
    try {
      const counts = await recordRunOutcome(knex, run, async () => {
        foundUnaudited = await unauditedInvoiceCount(knex, authorityId, bounds?.to ?? null);
        log?.info("audit started", { scope: run.scope, foundUnaudited });
        const counts = await auditInScope(db, { authorityId, runId, rulesJson, bounds, batchSize: options.batchSize ?? 1_000, threads: options.threads ?? null, threadHeapMb: options.threadHeapMb ?? THREAD_HEAP_MB, providersPerLoad: options.providersPerLoad }, log);
        if (counts.linesAudited >= (options.tidyAfterLines ?? TIDY_AFTER_LINES)) await tidyTables(db, log);
        return { counts, foundUnaudited };
      });
      log?.info("audit finished", { ...counts, foundUnaudited });
      return { runId, foundUnaudited, ...counts };
    } catch (error) {
      log?.error("audit failed", { error: (error as Error).message });
      throw error;
    }
  })();
  return { runId, finished };
}

/**
 * On a PostgreSQL server: records the run and queues its partitions, without waiting. The worker
 * that completes the last part completes the run (and, for a monthly slot, writes its report
 * and marks the slot: `monthly`). For the monthly job (src/services/scheduler/monthly-queue.ts).
 */
export async function queueAudit(db: Database, queue: WorkQueue, options: RunAuditOptions, monthly: MonthlyCompletion | null): Promise<string> {
  const recorded = await recordRun(db, options);
  await queueRecordedRun(db, queue, options, recorded, monthly);
  return recorded.runId;
}

/**
 * Queues a recorded run's parts and hands the run to the queue (its owner from then on: pg-boss
 * retries a part whose worker died, and a part that fails every attempt fails the run), or
 * fails the run if its parts could not be queued. Returns the invoices found never audited.
 *
 * Until every part is queued the run has no owner: a process killed while queueing (seconds)
 * leaves a run no job will complete, which the recovery sweep fails once it is older than
 * QUEUEING_TIMEOUT_MS (run-recovery.ts). Recording the run and queueing its parts cannot be one
 * transaction: pg-boss writes its jobs through its own connections.
 */
async function queueRecordedRun(db: Database, queue: WorkQueue, options: RunAuditOptions, run: RecordedRun, monthly: MonthlyCompletion | null): Promise<number> {
  const knex = db.knex;
  try {
    const foundUnaudited = await unauditedInvoiceCount(knex, options.authorityId, run.bounds?.to ?? null);
    run.log?.info("audit started", { scope: scopeLabel(options.scope), foundUnaudited });
    await queueParts(db, queue, options, run, foundUnaudited, monthly);
    await handRunToQueue(knex, run.runId);
    return foundUnaudited;
  } catch (error) {
    await recordRunFailed(knex, { authorityId: options.authorityId, runId: run.runId, scope: scopeLabel(options.scope), trigger: options.trigger ?? "manual", actor: options.actor }, (error as Error).message);
    run.log?.error("audit failed: its parts could not be queued", { error: (error as Error).message });
    throw error;
  }
}

interface RecordedRun {
  runId: string;
  rulesJson: unknown;
  bounds: { from: string; to: string } | null;
  log: Logger | undefined;
}

/** The run recorded (AppError "audit.already_running" while another runs); the rules are checked first, so a bad setting fails at once. */
async function recordRun(db: Database, options: RunAuditOptions): Promise<RecordedRun> {
  const rulesJson = options.rulesJson ?? defaultRulesJson();
  loadRulesConfig(rulesJson);
  const bounds = options.scope.kind === "month" ? monthBounds(options.scope.month) : null;
  const runId = await startRun(db.knex, options.authorityId, scopeLabel(options.scope), options.trigger ?? "manual", options.runKey ?? null);
  return { runId, rulesJson, bounds, log: options.logger?.child({ auditRun: runId }) };
}

/** Queues the run's parts, each carrying what completing the run needs (whichever part is last completes it). */
async function queueParts(db: Database, queue: WorkQueue, options: RunAuditOptions, run: RecordedRun, foundUnaudited: number, monthly: MonthlyCompletion | null): Promise<void> {
  const completion = { scope: scopeLabel(options.scope), trigger: options.trigger ?? "manual", actor: options.actor ?? null, foundUnaudited, tidyAfterLines: options.tidyAfterLines ?? TIDY_AFTER_LINES, monthly };
  const { runId, rulesJson, bounds, log } = run;
  await queueRun(db, queue, { authorityId: options.authorityId, runId, rulesJson, bounds, batchSize: options.batchSize ?? 1_000, providersPerLoad: options.providersPerLoad, partLines: options.partLines }, completion, log);
}

/** Shares the run's providers into partitions of about PART_LINES lines and queues one job each. */
async function queueRun(
  db: Database,
  queue: WorkQueue,
  scope: { authorityId: number; runId: string; rulesJson: unknown; bounds: { from: string; to: string } | null; batchSize: number; providersPerLoad: number | undefined; partLines: number | undefined },
  completion: Parameters<typeof queueAuditParts>[2]["completion"],
  log: Logger | undefined,
): Promise<void> {
  const { authorityId, runId } = scope;
  const credit = await creditResolution(db.knex, authorityId);
  const providers = await linesByProvider(db.knex, authorityId, scope.bounds?.to ?? null);
  const lines = providers.reduce((sum, provider) => sum + provider.lines, 0);
  const linesOf = new Map(providers.map((p) => [p.providerId, p.lines]));
  const shares = shareProviders(providers, partCount(lines, scope.partLines));
  const base: PartitionJob = {
    authorityId, runId, rulesJson: scope.rulesJson, upTo: scope.bounds?.to ?? null, savedFrom: scope.bounds?.from ?? null, batchSize: scope.batchSize,
    voidedInvoiceKeys: [...credit.resolution.voidedInvoiceKeys], providerIds: null, providersPerLoad: scope.providersPerLoad,
  };
  // A run with nothing to audit still has one (empty) part, so that it completes the same way.
  const parts = (shares.length > 0 ? shares : [[]]).map((providerIds) => ({
    job: { ...base, providerIds }, providers: providerIds.length, lines: providerIds.reduce((sum, id) => sum + (linesOf.get(id) ?? 0), 0),
  }));
  await queueAuditParts(db, queue, { authorityId, runId, completion }, parts);
  log?.info("audit queued", { parts: parts.length, lines });
}

interface ScopeJob {
  authorityId: number;
  runId: string;
  rulesJson: unknown;
  bounds: { from: string; to: string } | null;
  batchSize: number;
  threads: number | null;
  threadHeapMb: number;
  providersPerLoad: number | undefined;
}

async function auditInScope(db: Database, scope: ScopeJob, log: Logger | undefined): Promise<RunCounts> {
  const knex = db.knex;
  const { authorityId } = scope;
  const credit = await creditResolution(knex, authorityId);
  const job: PartitionJob = {
    authorityId,
    runId: scope.runId,
    rulesJson: scope.rulesJson,
    upTo: scope.bounds?.to ?? null,
    savedFrom: scope.bounds?.from ?? null,
    batchSize: scope.batchSize,
    voidedInvoiceKeys: [...credit.resolution.voidedInvoiceKeys],
    providerIds: null,
    providersPerLoad: scope.providersPerLoad,
  };
  const counts = await auditProviders(db, job, { threads: scope.threads, heapMb: scope.threadHeapMb, log });
  await applyCreditNotes(knex, authorityId, credit);
  return counts;
}

/** Audits every provider's invoices: in this thread, or on PostgreSQL shared among threads. */
async function auditProviders(db: Database, job: PartitionJob, options: { threads: number | null; heapMb: number; log: Logger | undefined }): Promise<PartitionResult> {
  const { threads, log } = options;
  // A server on this machine gets one thread unless told otherwise (defaultAuditThreads), so the
  // run need not first count every provider's lines to share them (0.3-0.7 s at 1M lines, before any work).
  if (db.kind !== "postgres" || db.url === null || threads === 1 || (threads === null && isOnThisMachine(db.url))) return auditPartition(db.knex, job);
  const providers = await linesByProvider(db.knex, job.authorityId, job.upTo);
  const lines = providers.reduce((sum, provider) => sum + provider.lines, 0);
  const parts = shareProviders(providers, threads ?? defaultAuditThreads(lines, db.url));
  if (parts.length <= 1) return auditPartition(db.knex, job);
  log?.info("audit shared among threads", { threads: parts.length, lines });
  return auditInThreads(db.knex, db.url, job, parts, { heapMb: options.heapMb, log });
}
