import type { Settings } from "../config.js";
import type { Database } from "../db/connection.js";
import type { Logger } from "../logger.js";

/** Exit statuses of INTERFACES.md. */
export const EXIT_OK = 0;
export const EXIT_REJECTED = 1;
export const EXIT_USAGE = 2;

export interface CommandContext {
  settings: Settings;
  logger: Logger;
  /**
   * The database, scoped to the command's authority: its queries run as the app's role and see
   * that council's rows only (row-level security). Opened (once) and migrated by main, closed
   * when the command returns. Every command that reads or writes a council's data uses this.
   */
  database(): Promise<Database>;
  /**
   * The deployment's own handle, not scoped: for what serves several councils at once (the web
   * app scopes each request to its user's council) and for the shared authorities table.
   */
  deployment(): Promise<Database>;
  /**
   * The authority the command acts for: `--authority CODE`, or the only one in the database;
   * with several and none named, a usage error naming the codes. Resolved once.
   */
  authorityId(): Promise<number>;
  /** The authority named by `--authority`, or the only one; null when there are several and none was named. */
  chosenAuthorityId(): Promise<number | null>;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
}

/** A command's module: its usage line and summary are in commands/index.ts, loaded without it. */
export interface Command {
  name: string;
  /** Longer help: options and examples. */
  help: string;
  /** Returns the exit status. Throw AppError for usage errors with code "usage". */
  run(args: string[], context: CommandContext): Promise<number>;
  /** Commands such as serve keep running; main does not close the database for them. */
  longRunning?: boolean;
  /**
   * A long-running command whose own lines say what happens (demo): on a terminal its logs show
   * warnings and errors only, as a short command's do (LOG_LEVEL or LOG_FORMAT=json for more).
   */
  quietOnTerminal?: boolean;
}
