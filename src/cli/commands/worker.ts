import { JOB_NAMES, startScheduler, type JobName } from "../../../jobs/index.js";
import { validateAuditSchedule } from "../../services/scheduler/cron.js";
import { AppError } from "../../domain/errors.js";
import { parseCommandArgs } from "../args.js";
import { EXIT_OK, type Command } from "../command.js";
import { firstStopSignal } from "../stop-signal.js";
import { workQueueFor } from "../../services/queue/work-queue.js";
import { startQueueWorkers } from "../../services/queue/queue-workers.js";

function parseJobs(value: string | undefined): JobName[] {
  if (value === undefined) return [...JOB_NAMES];
  const names = value.split(",").map((s) => s.trim()).filter((s) => s !== "");
  const unknown = names.filter((n) => !(JOB_NAMES as readonly string[]).includes(n));
  if (names.length === 0 || unknown.length > 0) throw new AppError("usage", `--jobs takes a comma-separated list of ${JOB_NAMES.join(", ")}, not "${value}"`);
  return names as JobName[];
}

function parseSeconds(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 3600) throw new AppError("usage", `${flag} must be a number of seconds between 0 and 3600, not "${value}"`);
  return Math.round(seconds * 1000);
}

export const workerCommand: Command = {
  name: "worker",
  help: [
    "Runs the scheduled jobs until stopped (SIGTERM or Ctrl-C: the work in hand finishes, then it exits 0):",
    "  - the monthly audit, on AUDIT_SCHEDULE (Europe/London; default \"0 6 1 * *\"): audits the previous",
    "    month's invoices and writes DATA_DIR/reports/savings-YYYY-MM.xlsx;",
    "  - the inbox: each file dropped into DATA_DIR/inbox/ is ingested, then moved to inbox/processed/",
    "    or inbox/failed/ (with <name>.reason.txt saying why).",
    "On a PostgreSQL server (DATABASE_URL) it also takes work from the shared queue (pg-boss): each",
    "received file to read (its original is kept in the database) and each partition of an audit run.",
    "Run any number of workers, on any number of machines, each with its own DATA_DIR: each file is",
    "read once, each audit partition run once; a worker that dies has its jobs retried by the others.",
    "",
    `  --jobs LIST           which jobs to run, comma-separated (default: ${JOB_NAMES.join(",")})`,
    "  --inbox-poll SECONDS  how often to look at the inbox (default 5)",
  ].join("\n"),
  longRunning: true,
  async run(args, context) {
    const { values } = parseCommandArgs(args, { jobs: { type: "string" }, "inbox-poll": { type: "string" } });
    const jobs = parseJobs(values.jobs);
    const inboxPollMs = parseSeconds(values["inbox-poll"], "--inbox-poll", 5_000);
    // A bad schedule stops start-up before anything is opened (AppError "config.…": exit 2).
    validateAuditSchedule(context.settings.auditSchedule);
    const stopSignal = firstStopSignal();
    const db = await context.database();
    try {
      // On a PostgreSQL server: take files and audit partitions from the shared queue.
      const queue = await workQueueFor(db, context.logger);
      if (queue) await startQueueWorkers(db, queue, { dataDir: context.settings.dataDir, logger: context.logger });
      const scheduler = await startScheduler({ db, authorityId: await context.authorityId(), settings: context.settings, logger: context.logger, jobs, inboxPollMs, queue });
      const signal = await stopSignal;
      context.logger.info("stop signal received; finishing the work in hand (send it again to stop at once)", { signal });
      await scheduler.stop();
      await queue?.stop();
    } finally {
      await db.close();
    }
    return EXIT_OK;
  },
};
