import fs from "node:fs";
import type { Database } from "../../db/connection.js";
import type { Logger } from "../../logger.js";
import type { Job } from "../scheduler/job.js";
import {
  claimDirectory,
  claimInboxFile,
  claimingWorkers,
  ensureInbox,
  forgetInterruptions,
  inboxPaths,
  interruptions,
  listInbox,
  moveToFailed,
  moveToProcessed,
  releaseClaims,
  returnToInbox,
  type ClaimedFile,
  type InboxPaths,
} from "./inbox.js";
import { unsafeOutcome, SANDBOX_LIMITS } from "../../ingest/sandbox/pool.js";
import { ingestFiles, type IngestFileInput, type IngestFileResult } from "./ingest-files.js";
import { deadWorkerIds, type LivenessPolicy } from "../scheduler/run-recovery.js";
import type { WorkQueue } from "../queue/work-queue.js";
import { queueFiles } from "./ingest-queue.js";

/**
 * One worker's passes over the inbox: every file dropped into DATA_DIR/inbox/ is claimed by one
 * worker (an atomic rename, inbox.ts), ingested (the ingest service refuses a content hash it
 * has already received), then moved to inbox/processed/ or inbox/failed/ with `<name>.reason.txt`.
 * The inbox job (jobs/inbox.job.ts) runs a pass; the scheduler decides how often.
 *
 * Every file is read in the sandbox (ingest/sandbox/pool.ts), so a file that breaks a bound
 * costs a child process, not the worker, and ends in failed/ after that one attempt. Should the
 * worker itself die with a file in hand (killed, out of memory), the file is given back and
 * read once more; if a worker dies with it again it is recorded as needing attention without
 * being read a third time (MAX_INTERRUPTED_READS): a worker never crash-loops on one file.
 */

const INBOX_JOB = "inbox";

export interface InboxWorkerDeps {
  db: Database;
  /** The deployment's authority: DATA_DIR/inbox/ is its inbox. */
  authorityId: number;
  dataDir: string;
  logger: Logger;
  workerId: string;
  liveness: LivenessPolicy;
  /**
   * On a PostgreSQL server, the work queue: each file is kept in the database and queued for any
   * worker on any machine to read (ingest-queue.ts), then moved to processed/ with a note.
   */
  queue?: WorkQueue | null;
}

export interface InboxPassOptions {
  /** A file changed more recently than this may still be being copied in (ms). */
  settleMs: number;
  /** Checked before each file: true stops the pass (the file in hand is finished first). */
  shouldStop?: () => boolean;
}

export interface InboxPassResult {
  stored: number;
  alreadyReceived: number;
  failed: number;
  /** Files handed back to the inbox: ingest errors, and dead workers' claims. */
  returned: number;
}

/** Ingest attempts that threw (the database was unreachable, say) before a file is given up as failed. */
const MAX_INGEST_ERRORS = 3;

/** Workers that may die with one file in hand before it is recorded without being read again. */
export const MAX_INTERRUPTED_READS = 2;

export class InboxWorker {
  readonly paths: InboxPaths;
  private readonly ingestErrors = new Map<string, number>();

  constructor(private readonly deps: InboxWorkerDeps) {
    this.paths = inboxPaths(deps.dataDir);
  }

  /** One look at the inbox: dead workers' claims returned, then each ready file claimed and ingested. */
  async runOnce(options: InboxPassOptions): Promise<InboxPassResult> {
    const result: InboxPassResult = { stored: 0, alreadyReceived: 0, failed: 0, returned: 0 };
    await ensureInbox(this.paths);
    result.returned += await this.returnDeadClaims();
    for (const candidate of await listInbox(this.paths, { settleMs: options.settleMs })) {
      if (options.shouldStop?.()) break;
      const claimed = await claimInboxFile(this.paths, candidate.name, this.deps.workerId);
      if (!claimed) continue;
      const key = `${candidate.name}|${candidate.size}|${candidate.mtimeMs}`;
      const input: IngestFileInput = { name: claimed.name, path: claimed.path };
      const interrupted = await interruptions(this.paths, claimed.name);
      if (interrupted >= MAX_INTERRUPTED_READS) {
        input.unread = unsafeOutcome("interrupted", SANDBOX_LIMITS);
        this.deps.logger.error("inbox file recorded without reading it: workers died reading it before", { job: INBOX_JOB, interrupted });
      }
      if (this.deps.queue) {
        if (await this.queueClaimed(this.deps.queue, claimed, key, result)) continue;
        break;
      }
      let outcome: IngestFileResult | undefined;
      try {
        const report = await ingestFiles(this.deps.db, [input], { dataDir: this.deps.dataDir, authorityId: this.deps.authorityId, logger: this.deps.logger, actor: "inbox" });
        outcome = report.files[0];
      } catch (error) {
        const { attempts, gaveUp } = await this.failOrReturn(key, claimed, result, "ingested", error);
        const message = (error as Error).message;
        if (gaveUp) this.deps.logger.error("inbox file failed", { job: INBOX_JOB, attempts, error: message });
        else this.deps.logger.warn("inbox file returned after an ingest error; it will be tried again", { job: INBOX_JOB, attempts, error: message });
        // The cause (often the database) is unlikely to clear within this pass.
        break;
      }
      this.ingestErrors.delete(key);
      await this.settle(claimed, outcome, result);
      await forgetInterruptions(this.paths, claimed.name);
    }
    if (result.stored + result.alreadyReceived + result.failed + result.returned > 0) {
      this.deps.logger.info("inbox pass finished", { job: INBOX_JOB, ...result });
    }
    return result;
  }

  private async settle(claimed: ClaimedFile, outcome: IngestFileResult | undefined, result: InboxPassResult): Promise<void> {
    switch (outcome?.status) {
      case "stored":
        await moveToProcessed(this.paths, claimed);
        result.stored++;
        return;
      case "already_received":
        await moveToProcessed(this.paths, claimed, ["Not ingested again: the same content was received before.", ...outcome.notes].join("\n"));
        result.alreadyReceived++;
        return;
      case "needs_attention":
        await moveToFailed(
          this.paths,
          claimed,
          outcome.fileId === null
            ? (outcome.reason ?? "The file could not be read.")
            : `Needs attention: ${outcome.reason ?? "the invoice could not be read fully"}\nThe file is kept in the "needs attention" queue: fix the cause (for example add the provider's alias or a template) and re-process it there.`,
        );
        result.failed++;
        return;
      case undefined:
        await moveToFailed(this.paths, claimed, "The ingest service reported nothing for this file.");
        result.failed++;
        return;
    }
  }

  /**
   * Keeps the claimed file in the database and queues it; true when done (the file is then in
   * processed/). An error gives the file back to the inbox, or to failed/ after three, as an ingest error does.
   */
  /**
   * A file that could not be ingested or queued: back to the inbox to be tried again, or, after
   * MAX_INGEST_ERRORS attempts in a row, to failed/ with the last error (never lost, never retried forever).
   */
  private async failOrReturn(key: string, claimed: ClaimedFile, result: InboxPassResult, verb: "ingested" | "queued", error: unknown): Promise<{ attempts: number; gaveUp: boolean }> {
    const attempts = (this.ingestErrors.get(key) ?? 0) + 1;
    this.ingestErrors.set(key, attempts);
    if (attempts < MAX_INGEST_ERRORS) {
      await returnToInbox(this.paths, claimed);
      result.returned++;
      return { attempts, gaveUp: false };
    }
    this.ingestErrors.delete(key);
    await moveToFailed(this.paths, claimed, `The file could not be ${verb} after ${attempts} attempts: ${(error as Error).message}`);
    result.failed++;
    return { attempts, gaveUp: true };
  }

  private async queueClaimed(queue: WorkQueue, claimed: ClaimedFile, key: string, result: InboxPassResult): Promise<boolean> {
    try {
      const [queued] = await queueFiles(this.deps.db, queue, [{ name: claimed.name, path: claimed.path }], { authorityId: this.deps.authorityId, actor: "inbox" });
      this.ingestErrors.delete(key);
      if (queued?.problem) {
        await moveToFailed(this.paths, claimed, queued.problem);
        result.failed++;
      } else {
        // As for a file stored in-process, no note: its outcome (the invoice, or why it needs
        // attention) is in the review UI once a worker has read it.
        await moveToProcessed(this.paths, claimed, queued?.queued === false ? "Not queued again: the same content was queued before." : null);
        result.stored++;
      }
      await forgetInterruptions(this.paths, claimed.name);
      return true;
    } catch (error) {
      const { attempts } = await this.failOrReturn(key, claimed, result, "queued", error);
      this.deps.logger.warn("inbox file could not be queued", { job: INBOX_JOB, attempts, error: (error as Error).message });
      return false;
    }
  }

  /** Removes this worker's (empty) claim directory when it stops. */
  async close(): Promise<void> {
    await fs.promises.rmdir(claimDirectory(this.paths, this.deps.workerId)).catch(() => undefined);
  }

  /** Claim directories of workers that died: their files go back to the inbox. */
  private async returnDeadClaims(): Promise<number> {
    const others = (await claimingWorkers(this.paths)).filter((id) => id !== this.deps.workerId);
    if (others.length === 0) return 0;
    let returned = 0;
    for (const dead of await deadWorkerIds(this.deps.db, others, this.deps.liveness)) {
      const names = await releaseClaims(this.paths, dead, this.deps.workerId);
      if (names.length > 0) this.deps.logger.warn("inbox files of a stopped worker returned to the inbox", { job: INBOX_JOB, deadWorker: dead, files: names.length });
      returned += names.length;
    }
    return returned;
  }
}

/** What one run of the inbox job covers. */
export interface InboxWork {
  /** This worker's inbox (it remembers files whose ingest threw, to give up on them after three tries). */
  inbox: InboxWorker;
  /** A file changed more recently than this may still be being copied in (ms). */
  settleMs: number;
  shouldStop: () => boolean;
}

export type InboxJob = Job<InboxWork, InboxPassResult>;
