import { createHash } from "node:crypto";
import PgBoss from "pg-boss";
import type { Logger } from "../../logger.js";

/**
 * The work queue on a PostgreSQL server (pg-boss 10, issue 24): one job per received file and
 * one per audit partition, taken by any `worker` process on any machine. pg-boss gives what the
 * scheduler used to build by hand: a job is taken by one worker at a time (SKIP LOCKED), a job
 * whose worker died is failed when its expiry passes and retried with back-off, and a job that
 * fails every attempt is copied to its queue's dead-letter queue, whose handler records why
 * (needs attention for a file, a failed run for an audit part).
 *
 * Exactly once: each job's id is derived from a key (`file:<authority>:<sha256>`,
 * `audit:<run>:<part>`), and pg-boss inserts with ON CONFLICT DO NOTHING, so sending the same
 * key twice (two inbox passes, two `ingest`s of one file) queues one job. The key is also the
 * job's singletonKey, for whoever reads the queue tables. Behind the queue the work itself is
 * idempotent (received_files is unique by content, an audit part's figures are recorded once).
 *
 * The embedded database has no queue: it runs in one process by design, and works in-process.
 */

export const QUEUE_NAMES = {
  ingestFile: "ingest-file",
  ingestFileDead: "ingest-file-dead",
  auditPart: "audit-part",
  auditPartDead: "audit-part-dead",
  auditArrival: "audit-arrival",
  monthlyAudit: "monthly-audit",
  monthlyAuditDead: "monthly-audit-dead",
} as const;

export interface QueueSettings {
  /** A job still active this long after it started is taken as its worker's death and retried (s). */
  expireSeconds: number;
  /** Attempts after the first before a job goes to its dead-letter queue. */
  retryLimit: number;
  /** The first retry's delay (s); doubled, with jitter, for each further one. */
  retryDelaySeconds: number;
  /** How often expired jobs are looked for (s); one instance does it at a time. */
  maintenanceSeconds: number;
  /** How often an idle worker asks for a job (s). */
  pollingSeconds: number;
}

function numberFrom(value: string | undefined, fallback: number, min: number): number {
  const n = Number(value);
  return value !== undefined && value.trim() !== "" && Number.isFinite(n) && n >= min ? n : fallback;
}

/** From QUEUE_EXPIRE_SECONDS, QUEUE_RETRY_LIMIT, QUEUE_RETRY_DELAY_SECONDS, QUEUE_MAINTENANCE_SECONDS, QUEUE_POLL_SECONDS. */
export function queueSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): QueueSettings {
  return {
    expireSeconds: numberFrom(env.QUEUE_EXPIRE_SECONDS, 15 * 60, 5),
    retryLimit: Math.round(numberFrom(env.QUEUE_RETRY_LIMIT, 3, 0)),
    retryDelaySeconds: numberFrom(env.QUEUE_RETRY_DELAY_SECONDS, 5, 1),
    maintenanceSeconds: numberFrom(env.QUEUE_MAINTENANCE_SECONDS, 30, 1),
    pollingSeconds: numberFrom(env.QUEUE_POLL_SECONDS, 1, 0.5),
  };
}

/** A job id derived from its key (a UUID-shaped digest), so one key can be queued only once. */
export function jobIdFor(key: string): string {
  const hex = createHash("sha256").update(key).digest("hex");
  const variant = ((Number.parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export interface QueuedJob<T> {
  id: string;
  data: T;
}

export class WorkQueue {
  private stopped: Promise<void> | null = null;

  private constructor(
    private readonly boss: PgBoss,
    readonly settings: QueueSettings,
    private readonly logger: Logger | undefined,
  ) {}

  /** Connects, installs pg-boss's schema when missing (under an advisory lock), and creates the queues. */
  static async open(databaseUrl: string, options: { logger?: Logger; settings?: QueueSettings; connections?: number } = {}): Promise<WorkQueue> {
    const settings = options.settings ?? queueSettingsFromEnv();
    const boss = new PgBoss({
      connectionString: databaseUrl,
      max: options.connections ?? 4,
      schedule: false,
      supervise: true,
      maintenanceIntervalSeconds: settings.maintenanceSeconds,
      // Completed jobs stay visible (progress, tests' counts) for a day before being archived.
      archiveCompletedAfterSeconds: 24 * 3600,
    });
    const queue = new WorkQueue(boss, settings, options.logger);
    boss.on("error", (error) => options.logger?.warn("work queue error", { error: error.message }));
    await boss.start();
    const retry = { retryLimit: settings.retryLimit, retryDelay: settings.retryDelaySeconds, retryBackoff: true, expireInSeconds: settings.expireSeconds };
    for (const [name, dead] of [
      [QUEUE_NAMES.ingestFile, QUEUE_NAMES.ingestFileDead],
      [QUEUE_NAMES.auditPart, QUEUE_NAMES.auditPartDead],
      [QUEUE_NAMES.monthlyAudit, QUEUE_NAMES.monthlyAuditDead],
    ] as const) {
      await queue.ensureQueue(dead, { ...retry, retryLimit: settings.retryLimit });
      await queue.ensureQueue(name, { ...retry, deadLetter: dead });
    }
    // Audits on arrival: at most one waiting job per provider (policy "short"; arrivals merge into
    // it). No dead letter: a job that fails every attempt leaves its pending row, which the
    // provider's next arrival audits, and the monthly run covers the invoices anyway.
    await queue.ensureQueue(QUEUE_NAMES.auditArrival, { ...retry, policy: "short" });
    return queue;
  }

  /**
   * Creates the queue, or brings its settings up to date. Workers starting together create the
   * same queues at once, and PostgreSQL may pick one of them as a deadlock victim (pg-boss's
   * create_queue makes a partition): the loser waits a moment and looks again.
   */
  private async ensureQueue(name: string, options: Omit<PgBoss.Queue, "name">): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        if (await this.boss.getQueue(name)) {
          await this.boss.updateQueue(name, { name, ...options });
          return;
        }
        await this.boss.createQueue(name, { name, ...options });
        return;
      } catch (error) {
        if (attempt >= 8) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50 + Math.floor(Math.random() * 250 * attempt)));
      }
    }
  }

  /** Queues a job once per key: null when that key was queued before. `expireInSeconds` overrides the queue's expiry for this job. */
  async send(name: string, key: string, data: object, options: { expireInSeconds?: number } = {}): Promise<string | null> {
    return this.boss.send(name, data, { id: jobIdFor(key), singletonKey: key, ...options });
  }

  /** Queues a job unless one of that key is still waiting to be taken (a "short" queue): null then. */
  async sendWhileNoneWaiting(name: string, key: string, data: object): Promise<string | null> {
    return this.boss.send(name, data, { singletonKey: key });
  }

  /**
   * Of the given keys, those with a job of the queue not yet finished (waiting, to be retried, or
   * running). pg-boss 10 finds jobs by id only; the keys' jobs are read from its job table
   * (schema "pgboss", columns name, singleton_key, state), through its own connections.
   */
  async keysInHand(name: string, keys: readonly string[]): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const { rows }: { rows: { singleton_key: string }[] } = await this.boss.getDb().executeSql(
      "select distinct singleton_key from pgboss.job where name = $1 and singleton_key = any($2::text[]) and state in ('created', 'retry', 'active')",
      [name, [...keys]],
    );
    return new Set(rows.map((r) => r.singleton_key));
  }

  /** The ids of the keys' jobs of the queue that completed at or after `since` (database time). */
  async completedSince(name: string, keys: readonly string[], since: Date): Promise<string[]> {
    if (keys.length === 0) return [];
    const { rows }: { rows: { id: string }[] } = await this.boss.getDb().executeSql(
      "select id from pgboss.job where name = $1 and singleton_key = any($2::text[]) and state = 'completed' and completed_on >= $3",
      [name, [...keys], since],
    );
    return rows.map((r) => r.id);
  }

  /**
   * Takes jobs of a queue, one at a time per call, until stop(): the handler's error fails the
   * attempt (retried with back-off, then dead-lettered).
   */
  async work<T extends object>(name: string, handler: (job: QueuedJob<T>) => Promise<void>): Promise<void> {
    await this.boss.work<T>(name, { batchSize: 1, pollingIntervalSeconds: this.settings.pollingSeconds }, async (jobs) => {
      for (const job of jobs) {
        try {
          await handler({ id: job.id, data: job.data });
        } catch (error) {
          this.logger?.warn("queued job failed; it will be retried or dead-lettered", { queue: name, job: job.id, error: (error as Error).message });
          throw error;
        }
      }
    });
  }

  /** Stops taking jobs, lets the jobs in hand finish, and closes the connections. */
  stop(): Promise<void> {
    this.stopped ??= this.boss.stop({ graceful: true, wait: true, close: true, timeout: 60_000 });
    return this.stopped;
  }
}

/** The work queue of this database: opened on a PostgreSQL server, null for the embedded database (in-process by design). */
export async function workQueueFor(db: { kind: "embedded" | "postgres"; url: string | null }, logger?: Logger): Promise<WorkQueue | null> {
  if (db.kind !== "postgres" || db.url === null) return null;
  return WorkQueue.open(db.url, logger ? { logger } : {});
}
