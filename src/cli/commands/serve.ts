import { forAuthority, type Database } from "../../db/connection.js";
import { AppError } from "../../domain/errors.js";
import type { Logger } from "../../logger.js";
import type { Settings } from "../../config.js";
import { createApp, startServer } from "../../web/app.js";
import { startScheduler } from "../../../jobs/index.js";
import { EXIT_OK, type Command, type CommandContext } from "../command.js";
import { firstStopSignal } from "../stop-signal.js";
import { workQueueFor, type WorkQueue } from "../../services/queue/work-queue.js";
import { startQueueWorkers } from "../../services/queue/queue-workers.js";
import { servicePorts } from "../../web/service-ports.js";

export interface BackgroundJobs {
  stop(): Promise<void>;
}

/**
 * `serve` runs the web UI and the scheduler (monthly audit on AUDIT_SCHEDULE, inbox ingest) for
 * its council, its queries scoped to that council (row-level security); on a PostgreSQL server it
 * also takes work from the queue, as a `worker` does (each job scoped to the council it carries).
 */
export async function startBackgroundJobs(db: Database, authorityId: number, settings: Settings, logger: Logger, queue: WorkQueue | null = null): Promise<BackgroundJobs> {
  if (queue) await startQueueWorkers(db, queue, { dataDir: settings.dataDir, logger });
  const scheduler = await startScheduler({ db: forAuthority(db, authorityId), authorityId, settings, logger, queue });
  return {
    stop: async () => {
      await scheduler.stop();
      await queue?.stop();
    },
  };
}

export function parsePort(args: readonly string[], fallback: number): number {
  const index = args.findIndex((a) => a === "--port" || a.startsWith("--port="));
  if (index === -1) {
    if (args.length > 0) throw new AppError("usage", `unknown option ${args[0]}`);
    return fallback;
  }
  const arg = args[index] ?? "";
  const text = arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : args[index + 1];
  const rest = args.filter((_, i) => i !== index && (arg.includes("=") || i !== index + 1));
  if (rest.length > 0) throw new AppError("usage", `unknown option ${rest[0]}`);
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new AppError("usage", `--port needs a port number, not "${text ?? ""}"`);
  return port;
}

export const serveCommand: Command = {
  name: "serve",
  help: [
    "Serve the review web UI, its JSON API and the scheduler until stopped (Ctrl-C or SIGTERM).",
    "",
    "Options:",
    "  --port N   listen on port N (default: PORT, else 3000)",
    "",
    "Environment:",
    "  SESSION_SECRET  signs session cookies; set it so sessions survive a restart",
    "  COUNCIL_NAME    the name in the header (default: the authority's name in the database)",
    "  TRUST_PROXY     set to 1 behind a TLS-terminating proxy (secure cookies, client addresses)",
  ].join("\n"),
  longRunning: true,
  async run(args, context) {
    return serveUntilStopped(context, parsePort(args, context.settings.port), (url) => `Placement Audit is running at ${url} (Ctrl-C to stop)\n`);
  },
};

/**
 * Serves the UI with the scheduler until SIGINT or SIGTERM, then stops taking work, closes the
 * server and the database, and returns 0. `banner` is printed once the server listens.
 */
export async function serveUntilStopped(context: CommandContext, port: number, banner: (url: string) => string): Promise<number> {
  // The web app serves every council of the deployment, each request scoped to its user's.
  const db = await context.deployment();
  const { logger, settings } = context;
  const sessionSecret = settings.sessionSecret ?? undefined;
  if (!sessionSecret) logger.warn("SESSION_SECRET is not set: a random one is used and everyone is signed out at restart");
  // Validate AUDIT_SCHEDULE and start the jobs before listening, so a bad setting stops start-up.
  // Background jobs act for one council: `--authority CODE`, or the only one.
  const jobAuthority = await context.chosenAuthorityId();
  if (jobAuthority === null) logger.warn("several councils and no --authority: the scheduler and inbox are not run here; run `worker --authority CODE` for each council");
  // On a PostgreSQL server the queue is opened even without background jobs: the web UI's audits
  // and uploads' audits on arrival are queued for the workers (there is no in-process path there).
  const queue = await workQueueFor(db, logger);
  const jobs: BackgroundJobs = jobAuthority === null ? { stop: async () => void (await queue?.stop()) } : await startBackgroundJobs(db, jobAuthority, settings, logger, queue);
  const app = createApp({
    db,
    dataDir: settings.dataDir,
    logger,
    ports: servicePorts({ db, dataDir: settings.dataDir, logger, queue }),
    sessionSecret,
    councilName: settings.councilName ?? undefined,
    trustProxy: settings.trustProxy ? 1 : false,
  });
  const server = await startServer({ app, port, logger });
  context.stdout.write(banner(server.url));
  const signal = await firstStopSignal();
  logger.info("stopping", { signal });
  await jobs.stop();
  await server.close();
  await db.close();
  return EXIT_OK;
}
