import path from "node:path";
import cron, { type ScheduledTask } from "node-cron";
import type { Database } from "../src/db/connection.js";
import { AppError } from "../src/domain/errors.js";
import type { Logger } from "../src/logger.js";
import { addMonths, londonMonth } from "../src/reports/period.js";
import { runAudit } from "../src/services/audit/run-audit.js";
import { claimSlot, completeSlot, failRunsOfSlot, failSlot, succeededRunOfSlot, type SlotKey } from "../src/services/scheduler/run-recovery.js";
import { writeMonthlyReport } from "../src/services/reports/savings-report.js";

/**
 * The monthly audit: on AUDIT_SCHEDULE (Europe/London), audit the invoices of the month before
 * the firing time's month and write that month's savings report to DATA_DIR/reports/. Each
 * authority's month is one slot `monthly:<authority_id>:<YYYY-MM>`, run by the one instance
 * whose insert of the key succeeds (see jobs/scheduler.ts).
 */

export const TIMEZONE = "Europe/London";
export const MONTHLY_AUDIT_JOB = "monthly-audit";

/** Stops start-up with a message naming the variable (exit 2: the code starts with "config."). */
export function validateAuditSchedule(expression: string): void {
  const result = cron.validateDetailed(expression);
  if (!result.valid) {
    const why = result.errors.map((e) => e.message).join("; ");
    throw new AppError(
      "config.audit_schedule",
      `AUDIT_SCHEDULE "${expression}" is not a valid cron expression (${why}). Give five fields (minute hour day-of-month month day-of-week), or six with seconds first; the default is "0 6 1 * *" (06:00 on the 1st, Europe/London).`,
      { variable: "AUDIT_SCHEDULE", value: expression },
    );
  }
}

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

export interface MonthlyAuditDeps {
  db: Database;
  dataDir: string;
  logger: Logger;
  workerId: string;
  /** True once the scheduler is stopping: no further slot is started. */
  isStopping?: () => boolean;
}

export interface MonthlySlotOutcome {
  slotKey: string;
  authorityId: number;
  month: string;
  /** False when another instance had the slot already. */
  ran: boolean;
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
export async function runOwnedSlot(deps: MonthlyAuditDeps, slot: SlotKey): Promise<MonthlySlotOutcome> {
  const { db, logger, workerId } = deps;
  const knex = db.knex;
  const log = logger.child({ job: MONTHLY_AUDIT_JOB, slot: slot.slotKey });
  const month = slot.period;
  try {
    let audit = await succeededRunOfSlot(knex, slot.slotKey);
    if (!audit) {
      await failRunsOfSlot(knex, slot.slotKey, `Replaced by a new run of ${slot.slotKey} by ${workerId}.`);
      audit = await runAudit(db, { scope: { kind: "month", month }, authorityId: slot.authorityId, trigger: "scheduled", runKey: slot.slotKey, logger: log });
    }
    const reportPath = await writeMonthlyReport(db, month, deps.dataDir, { authorityId: slot.authorityId });
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
export async function runMonthlyAudit(deps: MonthlyAuditDeps, month: string): Promise<MonthlySlotOutcome[]> {
  const authorities = await deps.db.knex<{ id: number }>("authorities").orderBy("id").select("id");
  const outcomes: MonthlySlotOutcome[] = [];
  for (const { id } of authorities) {
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
export async function missedMonth(knex: Database["knex"], lastFiring: () => Date | null): Promise<string | null> {
  // Most starts find no monthly slot at all (a new installation, a test): no need to look back.
  const anySlot: { slot_key: string } | undefined = await knex("scheduled_slots").where("job", MONTHLY_AUDIT_JOB).first("slot_key");
  if (anySlot === undefined) return null;
  const lastFiredAt = lastFiring();
  if (lastFiredAt === null) return null;
  const due = monthToAudit(lastFiredAt);
  const periods = await knex("scheduled_slots").where({ job: MONTHLY_AUDIT_JOB }).whereIn("period", [due, addMonths(due, -1)]).distinct<{ period: string }[]>("period");
  const known = new Set(periods.map((row) => row.period));
  return !known.has(due) && known.has(addMonths(due, -1)) ? due : null;
}

/**
 * The node-cron task (created stopped; the scheduler starts it). `onFire` receives the slot's
 * instant (node-cron's context.date), the same on every instance whatever its clock's skew.
 * A firing late by up to 15 minutes (a busy event loop) still runs; overlapping firings of a
 * short test schedule are dropped (noOverlap).
 */
export function createMonthlyAuditTask(expression: string, onFire: (firedAt: Date) => Promise<void>, logger: Logger): ScheduledTask {
  validateAuditSchedule(expression);
  return cron.createTask(expression, (context) => onFire(context.date), {
    name: MONTHLY_AUDIT_JOB,
    timezone: TIMEZONE,
    noOverlap: true,
    missedExecutionTolerance: 15 * 60_000,
    logger: {
      info: (message) => logger.debug(message, { job: MONTHLY_AUDIT_JOB }),
      warn: (message) => logger.warn(message, { job: MONTHLY_AUDIT_JOB }),
      error: (message, err) => logger.error(message instanceof Error ? message.message : message, { job: MONTHLY_AUDIT_JOB, error: err?.message }),
      debug: (message) => logger.debug(message instanceof Error ? message.message : message, { job: MONTHLY_AUDIT_JOB }),
    },
  });
}
