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
  /** Opens (once) and migrates the database; closed by main when the command returns. */
  database(): Promise<Database>;
  /**
   * The authority the command acts for: the only one in the database, resolved once (it opens
   * the database). Every command that reads or writes an authority's data takes it from here.
   */
  authorityId(): Promise<number>;
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
