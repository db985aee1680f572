import type { Database } from "../../db/connection.js";
import type { Logger } from "../../logger.js";
import type { WorkQueue } from "../queue/work-queue.js";

/**
 * What a job in jobs/ is: a schedule and one run. The scheduler service (scheduler.ts) decides
 * when and on which instance a run happens (claiming monthly slots, catching up a missed firing,
 * polling the inbox, taking over a dead worker's work); the job only says what a run does.
 */

/** When a job runs: when a cron expression fires in a time zone, or every so often. */
export type JobSchedule = { kind: "cron"; expression: string; timezone: string } | { kind: "every"; ms: number };

/** The settings a schedule may depend on. */
export interface ScheduleSettings {
  auditSchedule: string;
  inboxPollMs: number;
}

/** What every run is handed. */
export interface JobDeps {
  db: Database;
  dataDir: string;
  logger: Logger;
  workerId: string;
  /** On a PostgreSQL server, the work queue: audits are shared out through it (null: done in this process). */
  queue?: WorkQueue | null;
}

export interface Job<Work, Result> {
  name: string;
  schedule(settings: ScheduleSettings): JobSchedule;
  /** One run: `work` is what the scheduler decided this run covers. */
  run(deps: JobDeps, work: Work): Promise<Result>;
}
