import { settingsFromEnv } from "../config.js";
import { openDatabase, type Database } from "../db/connection.js";
import { migrateLatest } from "../db/migrate.js";
import { deploymentAuthorityId } from "../services/authority/authority.js";
import { failRunsOfDeadProcesses } from "../services/scheduler/run-recovery.js";
import { isAppError } from "../domain/errors.js";
import { createLogger } from "../logger.js";
import { EXIT_USAGE, type Command, type CommandContext } from "./command.js";
import { COMMANDS } from "./commands/index.js";

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.synopsis.length));
  const lines = COMMANDS.map((c) => `  ${c.synopsis.padEnd(width)}  ${c.summary}`);
  return [
    "Usage: placement-audit <command> [options]",
    "",
    "Commands:",
    ...lines,
    "",
    "Run `placement-audit <command> --help` for a command's options.",
    "Environment: DATABASE_URL (unset = embedded database), DATA_DIR (default ./data), PORT, AUDIT_SCHEDULE, LOG_LEVEL.",
    "",
  ].join("\n");
}

function commandHelp(command: Command): string {
  return `Usage: placement-audit ${command.synopsis}\n\n${command.help}\n`;
}

export async function main(argv: string[], io: Partial<Pick<CommandContext, "stdout" | "stderr" | "stdin">> = {}): Promise<number> {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const [name, ...args] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    stdout.write(overview());
    return name === undefined ? EXIT_USAGE : 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    stderr.write(`placement-audit: unknown command "${name}"\n\n${overview()}`);
    return EXIT_USAGE;
  }
  if (args.includes("--help") || args.includes("-h")) {
    stdout.write(commandHelp(command));
    return 0;
  }
  const settings = settingsFromEnv();
  const logger = createLogger(settings.logLevel);
  let database: Database | null = null;
  let authorityId: Promise<number> | null = null;
  const context: CommandContext = {
    settings,
    logger,
    stdout,
    stderr,
    stdin: io.stdin ?? process.stdin,
    database: async () => {
      if (!database) {
        database = await openDatabase({ databaseUrl: settings.databaseUrl, dataDir: settings.dataDir });
        await migrateLatest(database.knex);
        // Every command, not only serve: a run a killed process left "running" is failed first.
        await failRunsOfDeadProcesses(database, logger);
      }
      return database;
    },
    authorityId: () => (authorityId ??= context.database().then(deploymentAuthorityId)),
  };
  try {
    return await command.run(args, context);
  } catch (error) {
    if (isAppError(error)) {
      stderr.write(`placement-audit ${name}: ${error.message}\n`);
      return error.code === "usage" || error.code === "database.in_use" || error.code.startsWith("config.") ? EXIT_USAGE : 1;
    }
    throw error;
  } finally {
    const open = database as Database | null;
    if (open && !command.longRunning) await open.close();
  }
}
