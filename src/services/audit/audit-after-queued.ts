import type { Database } from "../../db/connection.js";
import { isQueuedRunRunning } from "../../db/repositories/scheduler.repository.js";
import { AppError } from "../../domain/errors.js";
import { QueuedRunFailed, waitForRun } from "./audit-queue.js";
import { runAudit, type RunAuditOptions, type RunAuditResult } from "./run-audit.js";

/** At most this many queued runs are waited for before the refusal stands (each is another process's). */
const MAX_RUNS_WAITED_FOR = 3;

/**
 * A plain `audit` on PostgreSQL while another audit of the authority is still running on the work
 * queue: most often one whose process was killed, which pg-boss finishes once its part's job
 * expires (there is no heartbeat to tell sooner). Refusing would leave the officer nothing to do
 * but wait and try again; instead this process, which works the queue too, waits for that run
 * (helping finish it), then audits as asked. A run not on the queue (being queued, seconds) is
 * refused as before.
 */
export async function runAuditAfterQueuedRuns(db: Database, options: RunAuditOptions, onWait: (runId: string) => void): Promise<RunAuditResult> {
  for (let waited = 0; ; waited++) {
    try {
      return await runAudit(db, options);
    } catch (error) {
      const runId = error instanceof AppError && error.code === "audit.already_running" ? error.context.runId : null;
      if (typeof runId !== "string" || waited >= MAX_RUNS_WAITED_FOR || !(await isQueuedRunRunning(db.knex, runId))) throw error;
      onWait(runId);
      // Its outcome is its own (recorded and logged by whoever finished or failed it): this audit runs after it either way.
      await waitForRun(db.knex, runId).catch((failure: unknown) => {
        if (!(failure instanceof QueuedRunFailed)) throw failure;
      });
    }
  }
}
