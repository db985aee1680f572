import cron, { type ScheduledTask } from "node-cron";
import { AppError } from "../../domain/errors.js";
import type { Logger } from "../../logger.js";
import type { JobSchedule } from "./job.js";

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

/**
 * The node-cron task of a job (created stopped; the scheduler starts it). `onFire` receives the
 * slot's instant (node-cron's context.date), the same on every instance whatever its clock's
 * skew. A firing late by up to 15 minutes (a busy event loop) still runs; overlapping firings of
 * a short test schedule are dropped (noOverlap).
 */
export function createCronTask(name: string, schedule: Extract<JobSchedule, { kind: "cron" }>, onFire: (firedAt: Date) => Promise<void>, logger: Logger): ScheduledTask {
  validateAuditSchedule(schedule.expression);
  return cron.createTask(schedule.expression, (context) => onFire(context.date), {
    name,
    timezone: schedule.timezone,
    noOverlap: true,
    missedExecutionTolerance: 15 * 60_000,
    logger: {
      info: (message) => logger.debug(message, { job: name }),
      warn: (message) => logger.warn(message, { job: name }),
      error: (message, err) => logger.error(message instanceof Error ? message.message : message, { job: name, error: err?.message }),
      debug: (message) => logger.debug(message instanceof Error ? message.message : message, { job: name }),
    },
  });
}
