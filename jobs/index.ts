import { startScheduler as startSchedulerService, type Scheduler, type SchedulerOptions } from "../src/services/scheduler/scheduler.js";
import { inboxJob } from "./inbox.job.js";
import { monthlyAuditJob } from "./monthly-audit.job.js";

/** The jobs `serve` and `worker` run, by the name `worker --jobs` takes. */
export const JOBS = { inbox: inboxJob, "monthly-audit": monthlyAuditJob } as const;
export type JobName = keyof typeof JOBS;
export const JOB_NAMES: readonly JobName[] = ["inbox", "monthly-audit"];

/** Starts the scheduler service with the named jobs (default: all). */
export function startScheduler(options: Omit<SchedulerOptions, "jobs"> & { jobs?: readonly JobName[] }): Promise<Scheduler> {
  const names = new Set(options.jobs ?? JOB_NAMES);
  return startSchedulerService({
    ...options,
    jobs: { ...(names.has("monthly-audit") ? { monthlyAudit: JOBS["monthly-audit"] } : {}), ...(names.has("inbox") ? { inbox: JOBS.inbox } : {}) },
  });
}
