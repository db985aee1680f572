import type { Settings } from "../config.js";
import type { Database } from "../db/connection.js";
import { hasControlCharacter } from "../domain/text-hygiene.js";
import { EXIT_USAGE, type Command, type CommandContext } from "./command.js";
import { COMMANDS, type CommandEntry } from "./commands/index.js";

// Only types are imported statically: `--help` loads no database, logger or service (see commands/index.ts).

function overview(): string {
  const forms = COMMANDS.flatMap((c) => [{ synopsis: c.synopsis, summary: c.summary }, ...(c.also ?? [])]);
  const width = Math.max(...forms.map((c) => c.synopsis.length));
  const lines = forms.map((c) => `  ${c.synopsis.padEnd(width)}  ${c.summary}`);
  return [
    "Usage: placement-audit <command> [options]",
    "",
    "Commands:",
    ...lines,
    "",
    "Run `placement-audit <command> --help` for a command's options.",
    "Several councils in one deployment: add --authority CODE to any command (see `placement-audit authorities list`).",
    "Environment: DATABASE_URL (unset = embedded database), DATA_DIR (default ./data), PORT, AUDIT_SCHEDULE, LOG_LEVEL, LOG_FORMAT.",
    "",
  ].join("\n");
}

function commandHelp(entry: CommandEntry, command: Command): string {
  return `Usage: placement-audit ${entry.synopsis}\n\n${command.help}\n`;
}

/**
 * On a terminal a short command says its result on standard output, once: its info logs would
 * say it again, so they are left out unless LOG_LEVEL asks for them; so does demo, whose own
 * lines say what it did. serve and worker, whose logs are what an operator watches, and
 * anything logged for a collector (JSON) keep info.
 */
export function logLevelFor(command: Pick<Command, "longRunning" | "quietOnTerminal">, settings: Pick<Settings, "logLevel">, textLogs: boolean, env: NodeJS.ProcessEnv = process.env): string {
  if (env.LOG_LEVEL) return settings.logLevel;
  return textLogs && (!command.longRunning || command.quietOnTerminal) ? "warn" : "info";
}

/**
 * `--authority CODE` (or `--authority=CODE`) is understood by every command, so it is taken out
 * here, before the command parses its own options.
 */
export function takeAuthorityOption(args: readonly string[]): { code: string | null; rest: string[] } {
  const rest: string[] = [];
  let code: string | null = null;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    if (arg === "--") {
      rest.push(...args.slice(i));
      break;
    }
    const value = arg === "--authority" ? args[++i] : arg.startsWith("--authority=") ? arg.slice("--authority=".length) : null;
    if (value === null) {
      rest.push(arg);
      continue;
    }
    if (value === undefined || value === "" || value.startsWith("--")) throw new Error("--authority needs a council's code (see `placement-audit authorities list`)");
    if (code !== null && code !== value) throw new Error("--authority is given twice with different codes");
    code = value;
  }
  return { code, rest };
}

export async function main(argv: string[], io: Partial<Pick<CommandContext, "stdout" | "stderr" | "stdin">> = {}): Promise<number> {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const [name, ...given] = argv;
  let args = given;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    stdout.write(overview());
    return name === undefined ? EXIT_USAGE : 0;
  }
  const entry = COMMANDS.find((c) => c.name === name);
  if (!entry) {
    stderr.write(`placement-audit: unknown command "${name}"\n\n${overview()}`);
    return EXIT_USAGE;
  }
  // A control character in an argument would reach the database as a 500-style crash.
  const bad = args.findIndex(hasControlCharacter);
  if (bad !== -1) {
    stderr.write(`placement-audit ${name}: argument ${bad + 1} contains a control character (such as NUL), which cannot be accepted. Remove it and try again.\n`);
    return EXIT_USAGE;
  }
  let authorityCode: string | null;
  try {
    ({ code: authorityCode, rest: args } = takeAuthorityOption(args));
  } catch (error) {
    stderr.write(`placement-audit ${name}: ${(error as Error).message}\n`);
    return EXIT_USAGE;
  }
  const command = await entry.load();
  if (args.includes("--help") || args.includes("-h")) {
    stdout.write(commandHelp(entry, command));
    return 0;
  }
  const [{ settingsFromEnv }, { openDatabase, forAuthority }, { migrateLatest }, { resolveAuthority, soleAuthorityId }, { failRunsOfDeadProcesses }, { isAppError }, { createLogger, logFormatFor }] = await Promise.all([
    import("../config.js"), import("../db/connection.js"), import("../db/migrate.js"), import("../services/authority/authority.js"),
    import("../services/scheduler/run-recovery.js"), import("../domain/errors.js"), import("../logger.js"),
  ]);
  const settings = settingsFromEnv();
  const logFormat = logFormatFor();
  const logger = createLogger(logLevelFor(command, settings, logFormat === "text"), undefined, logFormat);
  let database: Database | null = null;
  let authorityId: Promise<number> | null = null;
  const deployment = async (): Promise<Database> => {
    if (!database) {
      database = await openDatabase({ databaseUrl: settings.databaseUrl, dataDir: settings.dataDir, share: command.longRunning === true });
      await migrateLatest(database.knex);
      // Every command, not only serve: a run a killed process left "running" is failed first.
      await failRunsOfDeadProcesses(database, logger);
    }
    return database;
  };
  const context: CommandContext = {
    settings,
    logger,
    stdout,
    stderr,
    stdin: io.stdin ?? process.stdin,
    deployment,
    // The command's council's rows only: its connections act as the app's role (src/db/tenancy.ts).
    database: async () => forAuthority(await deployment(), await context.authorityId()),
    authorityId: () => (authorityId ??= deployment().then((db) => resolveAuthority(db, authorityCode))),
    chosenAuthorityId: async () => (authorityCode !== null ? context.authorityId() : soleAuthorityId(await deployment())),
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
