import { randomUUID } from "node:crypto";
import type { Database } from "../../db/connection.js";
import { addPendingArrivals, clearPendingArrival, failEarlierAttempts, pendingArrival, runningWholeRun, withProviderLocks } from "../../db/repositories/arrival-pending.repository.js";
import { arrivalScope, arrivedInvoices, startRun, succeededRunsKeyedUnder } from "../../db/repositories/audit.repository.js";
import type { Logger } from "../../logger.js";
import { QUEUE_NAMES, type QueuedJob, type WorkQueue } from "../queue/work-queue.js";
import { arrivalCauses } from "./arrival-causes.js";
import { addPartitionResults, auditPartition, defaultRulesJson, type PartitionResult } from "./audit-partition.js";
import { runCountsOf } from "./audit-queue.js";
import { recordRunOutcome } from "./run-finish.js";
import { applyCreditNotes, creditResolution } from "./credit-recovery.js";

/**
 * Audit on arrival through the work queue (issue 24, PostgreSQL only). Whoever stores invoices
 * (a queued file's worker, a web upload, `ingest`) records what each touched provider must have
 * audited again (arrival_audits_pending) and queues one job per provider, keyed
 * `arrival:<authority>:<provider>`. The queue keeps at most one waiting job per key (pg-boss
 * policy "short"): arrivals for a provider whose job has not started merge into the job's
 * pending row. A job audits its provider with the provider's lock held (an advisory lock, so no
 * two workers audit one provider at once, nor an arrival job and a part of the monthly run), then
 * clears the pending row unless an arrival changed it meanwhile (that arrival queued the next
 * job, which audits it). So every arrival is audited, and no provider twice for one arrival.
 *
 * Each job is its own audit run (trigger "arrival", key `arrival-part:<job>:<attempt>`): runs of
 * different providers run at once on different workers. A worker killed -9 mid-job loses its
 * lock with its connection; the job is retried after its expiry, and the retry fails the killed
 * attempt's run (its figures are never counted: a run's figures are written when it finishes)
 * and audits the provider again (findings are upserted by invoice, line and rule: nothing twice).
 * While a whole audit (monthly, manual) of the authority runs, the job leaves the provider to it
 * (AUDIT.md: the monthly run is the safety net), as the in-process audit on arrival does.
 */

export interface ArrivalPartJob {
  authorityId: number;
  providerId: string;
  actor: string | null;
}

/** The key of a provider's arrival jobs (at most one waiting at a time). */
export function arrivalJobKey(authorityId: number, providerId: string): string {
  return `arrival:${authorityId}:${providerId}`;
}

/** Queues the providers the invoices touch: their ids. */
export async function queueArrivals(db: Database, queue: WorkQueue, options: { authorityId: number; invoiceIds: readonly string[]; actor: string | null; logger?: Logger }): Promise<{ providerIds: string[] }> {
  const { authorityId } = options;
  const scope = await arrivalScope(db.knex, authorityId, options.invoiceIds);
  if (scope.length === 0) return { providerIds: [] };
  const arrived = await arrivedInvoiceIds(db, authorityId, options.invoiceIds);
  await addPendingArrivals(db.knex, authorityId, scope.map((s) => ({ providerId: s.providerId, from: s.from, invoiceIds: arrived.get(s.providerId) ?? [] })));
  for (const { providerId } of scope) {
    const data: ArrivalPartJob = { authorityId, providerId, actor: options.actor };
    await queue.sendWhileNoneWaiting(QUEUE_NAMES.auditArrival, arrivalJobKey(authorityId, providerId), data);
  }
  options.logger?.info("audit on arrival queued", { providers: scope.length, invoices: options.invoiceIds.length });
  return { providerIds: scope.map((s) => s.providerId) };
}

/**
 * Waits until the providers' arrivals are audited (their pending rows cleared), for a command
 * that queued them and works the queue itself (`ingest` on PostgreSQL). A provider whose pending
 * row stays with no job of its key left in hand failed every attempt: it is left to the monthly
 * run (as the queue's design says) and named in the answer.
 */
export async function waitForArrivals(db: Database, queue: WorkQueue, arrivals: { authorityId: number; providerIds: readonly string[]; since: Date }, pollMs = 250): Promise<ArrivalsAudited> {
  const { authorityId, providerIds, since } = arrivals;
  const { leftForMonthlyRun } = await waitUntilAudited(db, queue, authorityId, providerIds, pollMs);
  // The runs of the providers' arrival jobs that finished meanwhile (a job's run is keyed
  // `arrival-part:<job>:…`): the figures of what was audited on this arrival.
  const jobs = await queue.completedSince(QUEUE_NAMES.auditArrival, providerIds.map((id) => arrivalJobKey(authorityId, id)), since);
  const runs = await succeededRunsKeyedUnder(db.knex, jobs.map((id) => `arrival-part:${id}:`));
  return { runIds: runs.map((r) => String(r.id)), counts: addPartitionResults(runs.map(runCountsOf)), leftForMonthlyRun };
}

export interface ArrivalsAudited {
  runIds: string[];
  counts: PartitionResult;
  /** Providers whose arrival job failed every attempt: the monthly run audits them. */
  leftForMonthlyRun: string[];
}

/** The database's clock (jobs' times are its own): when a command starts waiting for its arrivals. */
export async function databaseNow(db: Database): Promise<Date> {
  const { rows } = await db.knex.raw<{ rows: { now: Date }[] }>("select now() as now");
  return new Date(rows[0]?.now ?? Date.now());
}

async function waitUntilAudited(db: Database, queue: WorkQueue, authorityId: number, providerIds: readonly string[], pollMs: number): Promise<{ leftForMonthlyRun: string[] }> {
  let waiting = [...providerIds];
  const failed: string[] = [];
  for (;;) {
    const pending: string[] = [];
    for (const providerId of waiting) if ((await pendingArrival(db.knex, authorityId, providerId)) !== null) pending.push(providerId);
    const inHand = await queue.keysInHand(QUEUE_NAMES.auditArrival, pending.map((id) => arrivalJobKey(authorityId, id)));
    const stuck = pending.filter((id) => !inHand.has(arrivalJobKey(authorityId, id)));
    // Read the pending rows again: a job may have cleared its row between the two reads.
    for (const providerId of stuck) if ((await pendingArrival(db.knex, authorityId, providerId)) !== null) failed.push(providerId);
    waiting = pending.filter((id) => !stuck.includes(id));
    if (waiting.length === 0) return { leftForMonthlyRun: failed };
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** The arrived invoices' ids by provider: what each provider's pending row must name. */
async function arrivedInvoiceIds(db: Database, authorityId: number, invoiceIds: readonly string[]): Promise<Map<string, string[]>> {
  const byProvider = new Map<string, string[]>();
  for (const invoice of await arrivedInvoices(db.knex, authorityId, invoiceIds)) {
    const ids = byProvider.get(invoice.providerId);
    if (ids) ids.push(invoice.id);
    else byProvider.set(invoice.providerId, [invoice.id]);
  }
  return byProvider;
}

/** The handler of an audit-arrival job. */
export async function runArrivalPart(db: Database, job: QueuedJob<ArrivalPartJob>, logger?: Logger): Promise<void> {
  const { authorityId, providerId } = job.data;
  const knex = db.knex;
  const log = logger?.child({ job: job.id, provider: providerId });
  await withProviderLocks(knex, authorityId, [providerId], async () => {
    const pending = await pendingArrival(knex, authorityId, providerId);
    if (pending === null) {
      log?.info("arrival audit skipped: an earlier job audited these invoices");
      return;
    }
    const whole = await runningWholeRun(knex, authorityId);
    if (whole !== null) {
      await clearPendingArrival(knex, authorityId, providerId, pending.version);
      log?.warn("new invoices left for the monthly run: another audit is running", { runningRun: whole.id });
      return;
    }
    const abandoned = await failEarlierAttempts(knex, job.id, "The worker auditing these arrivals stopped before it finished; the audit was run again.");
    if (abandoned > 0) log?.warn("an earlier attempt of this arrival audit was left running by a stopped worker: marked failed", { runs: abandoned });
    const runId = await startRun(knex, authorityId, "arrival", "arrival", `arrival-part:${job.id}:${randomUUID().slice(0, 8)}`);
    const counts = await recordRunOutcome(knex, { authorityId, runId, scope: "arrival", trigger: "arrival", actor: job.data.actor }, async () => {
      const credit = await creditResolution(knex, authorityId);
      const cause = arrivalCauses(await arrivedInvoices(knex, authorityId, pending.invoiceIds)).get(providerId) ?? null;
      log?.info("arrival audit started", { auditRun: runId, from: pending.fromStart ? "start" : pending.fromDate });
      const counts = await auditPartition(knex, {
        authorityId,
        runId,
        rulesJson: defaultRulesJson(),
        upTo: null,
        savedFrom: pending.fromStart ? null : pending.fromDate,
        batchSize: 1_000,
        voidedInvoiceKeys: [...credit.resolution.voidedInvoiceKeys],
        providerIds: [providerId],
        cause,
      });
      await applyCreditNotes(knex, authorityId, credit);
      return { counts };
    });
    const cleared = await clearPendingArrival(knex, authorityId, providerId, pending.version);
    log?.info("arrival audit done", { auditRun: runId, invoices: counts.invoicesAudited, findings: counts.findingsRaised, morePending: !cleared });
  });
}
