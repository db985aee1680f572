import path from "node:path";
import type { Database } from "../../db/connection.js";
import { completeSlot, failSlot, QUEUE_OWNER } from "../../db/repositories/scheduler.repository.js";
import type { RunCounts } from "../../db/repositories/audit.repository.js";
import type { Logger } from "../../logger.js";

/**
 * The end of a monthly audit shared out through the work queue (PostgreSQL): the worker that
 * completes the run's last part writes the month's savings report into its own DATA_DIR and
 * marks the slot succeeded; a run that fails marks it failed. The slot's owner is the queue,
 * not a process: pg-boss retries a job whose worker died, so no heartbeat is needed.
 */

/** scheduled_slots.owner_id of a slot run through the work queue (never taken over by heartbeat recovery). */
export { QUEUE_OWNER };

export interface MonthlyCompletion {
  slotKey: string;
  month: string;
}

export async function completeMonthlySlot(db: Database, authorityId: number, monthly: MonthlyCompletion, run: { runId: string; counts: RunCounts }, options: { dataDir: string; logger?: Logger }): Promise<void> {
  // Loaded here, once a month per worker: the report's workbook library (exceljs and the report
  // views, about 50 MB of resident memory, measured) would otherwise sit in every audit process,
  // which imports this module through the audit queue.
  const { writeMonthlyReport } = await import("../reports/savings-report.js");
  const reportPath = await writeMonthlyReport(db, monthly.month, options.dataDir, { authorityId });
  const report = path.relative(options.dataDir, reportPath).split(path.sep).join("/");
  await completeSlot(db.knex, monthly.slotKey, QUEUE_OWNER, { auditRunId: run.runId, result: { ...run.counts, report } });
  options.logger?.info("monthly audit finished", { month: monthly.month, authorityId, auditRun: run.runId, report: reportPath });
}

export async function failMonthlySlot(db: Database, monthly: MonthlyCompletion, reason: string): Promise<void> {
  await failSlot(db.knex, monthly.slotKey, QUEUE_OWNER, reason);
}
