import fs from "node:fs";
import type { Database } from "../../db/connection.js";
import type { ReadOutcome } from "../../ingest/read-invoice-file.js";
import type { Logger } from "../../logger.js";
import { DatabaseOriginals } from "../originals/originals.js";
import { QUEUE_NAMES, type QueuedJob, type WorkQueue } from "../queue/work-queue.js";
import { ingestFiles, receivedFileName, type IngestFileInput, type IngestReport } from "./ingest-files.js";
import { sha256Of } from "./ingest-storage.js";

/**
 * Received files through the work queue (issue 24, PostgreSQL only). Whoever receives a file
 * (the inbox pass of any machine, `ingest --queue`) keeps its bytes in the database and queues
 * one job keyed `file:<authority>:<sha256>`; any worker on any machine takes the job, reads the
 * original from the database and ingests it (read, OCR, record, audit on arrival). The same
 * content queued twice is one job; a job retried after its worker died finds the file already
 * received when its first attempt had committed, and does not read it again. A file that fails
 * every attempt is recorded as needing attention, unread, with the reason.
 */

export interface IngestFileJob {
  authorityId: number;
  sha256: string;
  name: string;
  /** Who sent it, for the audit log ("inbox", "command line", a username). */
  actor: string;
}

export interface QueuedFile {
  name: string;
  sha256: string | null;
  /** False when the same content had been queued before (one job per content), or the file could not be read from disk. */
  queued: boolean;
  /** Why it could not be queued (unreadable from disk). */
  problem: string | null;
}

export async function queueFiles(db: Database, queue: WorkQueue, files: readonly IngestFileInput[], options: { authorityId: number; actor: string }): Promise<QueuedFile[]> {
  const originals = new DatabaseOriginals(db);
  const queued: QueuedFile[] = [];
  for (const input of files) {
    const name = receivedFileName(input.name);
    let bytes: Uint8Array;
    try {
      bytes = input.bytes ?? fs.readFileSync(input.path ?? input.name);
    } catch (error) {
      queued.push({ name, sha256: null, queued: false, problem: `The file could not be read from disk (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).` });
      continue;
    }
    const sha256 = sha256Of(bytes);
    await originals.keep(sha256, name, bytes);
    const job: IngestFileJob = { authorityId: options.authorityId, sha256, name, actor: options.actor };
    const id = await queue.send(QUEUE_NAMES.ingestFile, `file:${options.authorityId}:${sha256}`, job);
    queued.push({ name, sha256, queued: id !== null, problem: null });
  }
  return queued;
}

async function originalOf(db: Database, job: IngestFileJob): Promise<Buffer> {
  return new DatabaseOriginals(db).read({ sha256: job.sha256, storedPath: `database:${job.sha256}` });
}

/** The handler of an ingest-file job: the original read from the database and ingested as `ingest` would. */
export async function ingestQueuedFile(db: Database, job: QueuedJob<IngestFileJob>, options: { dataDir: string; logger?: Logger; queue?: WorkQueue | null }): Promise<IngestReport> {
  const { authorityId, name, actor, sha256 } = job.data;
  const bytes = await originalOf(db, job.data);
  options.logger?.info("queued file taken", { job: job.id, sha256: sha256.slice(0, 12) });
  // Its invoices' audit on arrival is queued in turn, one job per provider (arrival-queue.ts).
  return ingestFiles(db, [{ name, bytes }], { dataDir: options.dataDir, authorityId, actor, arrivalQueue: options.queue ?? null, ...(options.logger ? { logger: options.logger } : {}) });
}

/** The handler of the ingest-file dead-letter queue: the file failed every attempt, so it is kept as needing attention, unread. */
export async function failQueuedFile(db: Database, job: QueuedJob<IngestFileJob>, options: { dataDir: string; logger?: Logger; attempts: number }): Promise<IngestReport> {
  const { authorityId, name, actor, sha256 } = job.data;
  const message = `The file could not be read: ${options.attempts} attempt(s) to read it failed or the workers reading it stopped before they finished, so it was not read again. It was kept; re-process it from "needs attention" once the cause is fixed.`;
  const unread: ReadOutcome = { status: "needs_attention", format: null, reason: "corrupt", message, evidence: null, problems: [{ code: "corrupt", message, evidence: null }], providerId: null, invoiceNumber: null };
  options.logger?.error("queued file failed every attempt: recorded as needing attention", { job: job.id, sha256: sha256.slice(0, 12) });
  return ingestFiles(db, [{ name, bytes: await originalOf(db, job.data), unread }], { dataDir: options.dataDir, authorityId, actor, ...(options.logger ? { logger: options.logger } : {}) });
}
