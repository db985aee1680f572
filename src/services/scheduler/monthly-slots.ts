import path from "node:path";
import type { Database } from "../../db/connection.js";
import { listAuthorities } from "../../db/repositories/authority.repository.js";
import {
  claimSlot,
  completeSlot,
  failRunsOfSlot,
  failSlot,
  hasAnySlot,
  periodsWithSlots,
  succeededRunOfSlot,
  type RunSummary,
  type SlotKey,
} from "../../db/repositories/scheduler.repository.js";
import { addMonths, londonMonth } from "../../domain/months.js";
import type { Job, JobDeps } from "./job.js";

/**
 * The monthly audit's slots: each authority's month is one slot `monthly:<authority_id>:<YYYY-MM>`,
 * run by the one instance whose insert of the key succeeds (see scheduler.ts). The job itself
 * (jobs/monthly-audit.job.ts) audits the month and writes its report; this module claims the
 * slots, runs the job on those it owns, records the outcome, and finds a month a missed firing
 * left unaudited.
 */

export const MONTHLY_AUDIT_JOB = "monthly-audit";

/** What one run of the monthly job covers. */
export interface MonthlyAuditWork {
  authorityId: number;
  month: string;
  /** The slot's key, which the audit run carries (audit_runs.run_key). */
  runKey: string;
  /** The slot's audit when it already succeeded (the worker died while writing the report): not run again. */
  audited: RunSummary | null;
}

export interface MonthlyAuditResult {
  audit: RunSummary;
  reportPath: string;
}

export type MonthlyAuditJob = Job<MonthlyAuditWork, MonthlyAuditResult>;

/** The month to audit when the schedule fires at `firedAt`: the previous month, in Europe/London. */
export function monthToAudit(firedAt: Date): string {
  return addMonths(londonMonth(firedAt), -1);
}

export function monthlySlotKey(authorityId: number, month: string): string {
  return `monthly:${authorityId}:${month}`;
}

export function monthlySlot(authorityId: number, month: string): SlotKey {
  return { slotKey: monthlySlotKey(authorityId, month), job: MONTHLY_AUDIT_JOB, authorityId, period: month };
}

export interface MonthlySlotDeps extends JobDeps {
  job: MonthlyAuditJob;
  /** True once the scheduler is stopping: no further slot is started. */
  isStopping?: () => boolean;
}

export interface MonthlySlotOutcome {
  slotKey: string;
  authorityId: number;
  month: string;
  /** False when another instance had the slot already. */
  ran: boolean;
  /** On a PostgreSQL server: whether this firing queued the month (false: queued before). */
  queued?: boolean;
  runId?: string;
  invoicesAudited?: number;
  findingsRaised?: number;
  reportPath?: string;
  error?: string;
}

/**
 * Runs a slot this worker owns (just claimed, or taken over from a dead worker). An audit run
 * of the slot that already succeeded is not run again (the worker died while writing the
 * report); otherwise the month is audited afresh, which is safe to repeat: findings are keyed
 * by (invoice, line, rule), so a half-finished earlier attempt leaves no duplicate.
 */
export async function runOwnedSlot(deps: MonthlySlotDeps, slot: SlotKey): Promise<MonthlySlotOutcome> {
  const { db, workerId } = deps;
  const knex = db.knex;
  const log = deps.logger.child({ job: MONTHLY_AUDIT_JOB, slot: slot.slotKey });
  const month = slot.period;
  try {
    const audited = await succeededRunOfSlot(knex, slot.slotKey);
    if (!audited) await failRunsOfSlot(knex, slot.slotKey, `Replaced by a new run of ${slot.slotKey} by ${workerId}.`);
    const { audit, reportPath } = await deps.job.run({ ...deps, logger: log }, { authorityId: slot.authorityId, month, runKey: slot.slotKey, audited });
    const relativeReport = path.relative(deps.dataDir, reportPath).split(path.sep).join("/");
    const result = {
      invoicesAudited: audit.invoicesAudited,
      linesAudited: audit.linesAudited,
      findingsRaised: audit.findingsRaised,
      flaggedByCategory: audit.flaggedByCategory,
      report: relativeReport,
    };
    const stillMine = await completeSlot(knex, slot.slotKey, workerId, { auditRunId: audit.runId, result });
    if (!stillMine) log.warn("monthly slot was taken over by another worker while this one ran it", { workerId });
    log.info("monthly audit finished", { month, authorityId: slot.authorityId, auditRun: audit.runId, ...result });
    return { slotKey: slot.slotKey, authorityId: slot.authorityId, month, ran: true, runId: audit.runId, invoicesAudited: audit.invoicesAudited, findingsRaised: audit.findingsRaised, reportPath };
  } catch (error) {
    const message = (error as Error).message;
    await failSlot(knex, slot.slotKey, workerId, message).catch((e: unknown) => log.error("could not record the failed slot", { error: (e as Error).message }));
    log.error("monthly audit failed", { month, authorityId: slot.authorityId, error: message });
    return { slotKey: slot.slotKey, authorityId: slot.authorityId, month, ran: true, error: message };
  }
}

/** What the schedule does when it fires: claim each authority's slot for the month and run the ones won. */
export async function claimAndRunMonth(deps: MonthlySlotDeps, month: string): Promise<MonthlySlotOutcome[]> {
  const outcomes: MonthlySlotOutcome[] = [];
  for (const { id } of await listAuthorities(deps.db.knex)) {
    if (deps.isStopping?.()) break;
    const slot = monthlySlot(id, month);
    if (!(await claimSlot(deps.db.knex, slot, deps.workerId))) {
      deps.logger.debug("monthly slot already taken", { job: MONTHLY_AUDIT_JOB, slot: slot.slotKey });
      outcomes.push({ slotKey: slot.slotKey, authorityId: id, month, ran: false });
      continue;
    }
    outcomes.push(await runOwnedSlot(deps, slot));
  }
  return outcomes;
}

/**
 * The last time at or before `now` the schedule fired, looking back minute by minute (at second
 * 0) for up to `lookbackDays`; null when it did not fire in that time. About 0.7 s for 35 days.
 */
export function lastFiringBefore(matches: (date: Date) => boolean, now: Date, lookbackDays = 35): Date | null {
  const minute = 60_000;
  let at = Math.floor(now.getTime() / minute) * minute;
  const oldest = at - lookbackDays * 24 * 60 * minute;
  for (; at >= oldest; at -= minute) {
    const date = new Date(at);
    if (matches(date)) return date;
  }
  return null;
}

/**
 * The month a missed firing left unaudited, or null. When no instance was running at the
 * firing (a restart, a deployment), the month's slot was never claimed. It is caught up only
 * when the month before has a slot: the schedule ran here the month before, so this month's
 * run is simply late. A new installation does not audit last month just by starting, and a
 * gap of several months is left to a person (`placement-audit audit --month`).
 */
export async function missedMonth(db: Database, lastFiring: () => Date | null): Promise<string | null> {
  // Most starts find no monthly slot at all (a new installation, a test): no need to look back.
  if (!(await hasAnySlot(db.knex, MONTHLY_AUDIT_JOB))) return null;
  const lastFiredAt = lastFiring();
  if (lastFiredAt === null) return null;
  const due = monthToAudit(lastFiredAt);
  const known = await periodsWithSlots(db.knex, MONTHLY_AUDIT_JOB, [due, addMonths(due, -1)]);
  return !known.has(due) && known.has(addMonths(due, -1)) ? due : null;
}
