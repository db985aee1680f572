import type { Knex } from "knex";
import { failRun, finishRun, type RunCounts } from "../../db/repositories/audit.repository.js";
import { logAuditRun, type AuditRunLogEntry } from "./audit-run-log.js";

/** The run as the audit log names it: everything of AuditRunLogEntry but its outcome. */
export type RecordedAuditRun = Omit<AuditRunLogEntry, "outcome">;

/**
 * How every audit run ends (in-process, on arrival, an arrival job, a queued run's last part):
 * its figures written and the run logged, or, when `work` throws, the run failed with the error
 * and logged so, and the error thrown on. `work` returns the run's figures (and, for the whole
 * runs, how many invoices it found never audited).
 */
export async function recordRunOutcome(knex: Knex, run: RecordedAuditRun, work: () => Promise<{ counts: RunCounts; foundUnaudited?: number }>): Promise<RunCounts> {
  let outcome: { counts: RunCounts; foundUnaudited?: number };
  try {
    outcome = await work();
  } catch (error) {
    await recordRunFailed(knex, run, (error as Error).message);
    throw error;
  }
  await finishRun(knex, run.runId, outcome.counts);
  await logAuditRun(knex, { ...run, outcome });
  return outcome.counts;
}

/** The run failed with `reason`, and the audit log says so. */
export async function recordRunFailed(knex: Knex, run: RecordedAuditRun, reason: string): Promise<void> {
  await failRun(knex, run.runId, reason);
  await logAuditRun(knex, { ...run, outcome: { error: reason } });
}
