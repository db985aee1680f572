import { forAuthority, type Database } from "../../db/connection.js";
import type { Logger } from "../../logger.js";
import { runArrivalPart, type ArrivalPartJob } from "../audit/arrival-queue.js";
import { failAuditPart, runAuditPart, type AuditPartJob } from "../audit/audit-queue.js";
import { failQueuedFile, ingestQueuedFile, type IngestFileJob } from "../ingest/ingest-queue.js";
import { failQueuedMonth, startQueuedMonth, type MonthlyAuditJobData } from "../scheduler/monthly-queue.js";
import { QUEUE_NAMES, type WorkQueue } from "./work-queue.js";

/**
 * What a `worker` (or `serve`) on a PostgreSQL server takes from the work queue: received files
 * to read, audit partitions to run (of a whole run, and of the audit on arrival), and the dead letters of both (recorded as needing attention
 * or as a failed run). Each kind is taken one job at a time per process; run more processes
 * (on any machines) for more at once. Each job runs scoped to the council it carries
 * (row-level security: src/db/tenancy.ts), never as the owner.
 */
export async function startQueueWorkers(db: Database, queue: WorkQueue, options: { dataDir: string; logger: Logger; files?: boolean; audits?: boolean; auditParts?: number; arrivalsOnly?: boolean }): Promise<void> {
  const { dataDir, logger } = options;
  const queues: string[] = [];
  if (options.files ?? true) {
    await queue.work<IngestFileJob>(QUEUE_NAMES.ingestFile, async (job) => void (await ingestQueuedFile(forAuthority(db, job.data.authorityId), job, { dataDir, logger, queue })));
    await queue.work<IngestFileJob>(QUEUE_NAMES.ingestFileDead, async (job) => void (await failQueuedFile(forAuthority(db, job.data.authorityId), job, { dataDir, logger, attempts: queue.settings.retryLimit + 1 })));
    queues.push(QUEUE_NAMES.ingestFile, QUEUE_NAMES.ingestFileDead);
  }
  if (options.arrivalsOnly === true) {
    // `ingest`: the audits on arrival of the files it stored, and nothing bigger to finish first.
    await queue.work<ArrivalPartJob>(QUEUE_NAMES.auditArrival, (job) => runArrivalPart(forAuthority(db, job.data.authorityId), job, logger));
    queues.push(QUEUE_NAMES.auditArrival);
  } else if (options.audits ?? true) {
    // `audit --threads N` (N > 1): N parts at once in this process, each in a thread of its own.
    const parts = Math.max(1, options.auditParts ?? 1);
    for (let i = 0; i < parts; i++) {
      await queue.work<AuditPartJob>(QUEUE_NAMES.auditPart, (job) => runAuditPart(forAuthority(db, job.data.authorityId), job, logger, dataDir, parts > 1));
    }
    await queue.work<AuditPartJob>(QUEUE_NAMES.auditPartDead, (job) => failAuditPart(forAuthority(db, job.data.authorityId), job, logger));
    await queue.work<ArrivalPartJob>(QUEUE_NAMES.auditArrival, (job) => runArrivalPart(forAuthority(db, job.data.authorityId), job, logger));
    await queue.work<MonthlyAuditJobData>(QUEUE_NAMES.monthlyAudit, (job) => startQueuedMonth(forAuthority(db, job.data.authorityId), queue, job, logger));
    await queue.work<MonthlyAuditJobData>(QUEUE_NAMES.monthlyAuditDead, (job) => failQueuedMonth(forAuthority(db, job.data.authorityId), job, logger));
    queues.push(QUEUE_NAMES.auditPart, QUEUE_NAMES.auditPartDead, QUEUE_NAMES.auditArrival, QUEUE_NAMES.monthlyAudit, QUEUE_NAMES.monthlyAuditDead);
  }
  logger.info("taking work from the queue", { queues });
}
