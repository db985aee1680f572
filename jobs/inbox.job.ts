import fs from "node:fs";
import type { Database } from "../src/db/connection.js";
import type { Logger } from "../src/logger.js";
import {
  claimDirectory,
  claimInboxFile,
  claimingWorkers,
  ensureInbox,
  inboxPaths,
  listInbox,
  moveToFailed,
  moveToProcessed,
  releaseClaims,
  returnToInbox,
  type ClaimedFile,
  type InboxPaths,
} from "../src/services/ingest/inbox.js";
import { ingestFiles, type IngestFileResult } from "../src/services/ingest/ingest-files.js";
import { deadWorkerIds, type LivenessPolicy } from "../src/services/scheduler/run-recovery.js";

/**
 * The inbox: every file dropped into DATA_DIR/inbox/ is claimed by one worker (an atomic
 * rename, src/services/inbox.ts), ingested (the ingest service refuses a content hash it has
 * already received), then moved to inbox/processed/ or inbox/failed/ with `<name>.reason.txt`.
 */

export const INBOX_JOB = "inbox";

export interface InboxJobDeps {
  db: Database;
  dataDir: string;
  logger: Logger;
  workerId: string;
  liveness: LivenessPolicy;
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

export class InboxJob {
  readonly paths: InboxPaths;
  private readonly ingestErrors = new Map<string, number>();

  constructor(private readonly deps: InboxJobDeps) {
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
      let outcome: IngestFileResult | undefined;
      try {
        const report = await ingestFiles(this.deps.db, [{ name: claimed.name, path: claimed.path }], { dataDir: this.deps.dataDir, logger: this.deps.logger });
        outcome = report.files[0];
      } catch (error) {
        const attempts = (this.ingestErrors.get(key) ?? 0) + 1;
        this.ingestErrors.set(key, attempts);
        const message = (error as Error).message;
        if (attempts >= MAX_INGEST_ERRORS) {
          this.ingestErrors.delete(key);
          await moveToFailed(this.paths, claimed, `The file could not be ingested after ${attempts} attempts: ${message}`);
          result.failed++;
          this.deps.logger.error("inbox file failed", { job: INBOX_JOB, attempts, error: message });
        } else {
          await returnToInbox(this.paths, claimed);
          result.returned++;
          this.deps.logger.warn("inbox file returned after an ingest error; it will be tried again", { job: INBOX_JOB, attempts, error: message });
        }
        // The cause (often the database) is unlikely to clear within this pass.
        break;
      }
      this.ingestErrors.delete(key);
      await this.settle(claimed, outcome, result);
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

  /** Removes this worker's (empty) claim directory when it stops. */
  async close(): Promise<void> {
    await fs.promises.rmdir(claimDirectory(this.paths, this.deps.workerId)).catch(() => undefined);
  }

  /** Claim directories of workers that died: their files go back to the inbox. */
  private async returnDeadClaims(): Promise<number> {
    const others = (await claimingWorkers(this.paths)).filter((id) => id !== this.deps.workerId);
    if (others.length === 0) return 0;
    let returned = 0;
    for (const dead of await deadWorkerIds(this.deps.db.knex, others, this.deps.liveness)) {
      const names = await releaseClaims(this.paths, dead, this.deps.workerId);
      if (names.length > 0) this.deps.logger.warn("inbox files of a stopped worker returned to the inbox", { job: INBOX_JOB, deadWorker: dead, files: names.length });
      returned += names.length;
    }
    return returned;
  }
}

export interface InboxPoller {
  stop(): Promise<void>;
}

/**
 * Looks at the inbox every `pollMs` until stopped. stop() lets the file in hand finish (its
 * ingest is one transaction; the files not yet claimed stay in the inbox for another worker).
 */
export function startInboxPolling(job: InboxJob, options: { pollMs: number; settleMs: number; logger: Logger }): InboxPoller {
  let stopping = false;
  let timer: NodeJS.Timeout | null = null;
  let current: Promise<void> = Promise.resolve();
  let wake: (() => void) | null = null;

  const pass = async (): Promise<void> => {
    try {
      await job.runOnce({ settleMs: options.settleMs, shouldStop: () => stopping });
    } catch (error) {
      options.logger.error("inbox pass failed", { job: INBOX_JOB, error: (error as Error).message });
    }
  };
  const loop = async (): Promise<void> => {
    while (!stopping) {
      await pass();
      if (stopping) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, options.pollMs);
      });
      wake = null;
    }
  };
  current = loop();
  return {
    stop: async () => {
      stopping = true;
      if (timer) clearTimeout(timer);
      wake?.();
      await current;
      await job.close();
    },
  };
}
