import { randomUUID } from "node:crypto";
import winston from "winston";

/**
 * Structured logging. JSON lines when stdout is not a terminal (for log collectors),
 * readable lines on a terminal. Every line carries a run or request id. Logs carry ids
 * and counts, never document text, and never anything about a child but the
 * authority's pseudonymous reference.
 */
export type Logger = winston.Logger;

export function createLogger(level = process.env.LOG_LEVEL ?? "info", runId: string = randomUUID().slice(0, 8)): Logger {
  const onTerminal = Boolean(process.stderr.isTTY);
  const format = onTerminal
    ? winston.format.combine(
        winston.format.timestamp({ format: "HH:mm:ss" }),
        winston.format.printf((info) => {
          const { level: lvl, message, timestamp, runId: id, ...rest } = info;
          const extra = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : "";
          return `${String(timestamp)} ${lvl} [${String(id)}] ${String(message)}${extra}`;
        }),
      )
    : winston.format.combine(winston.format.timestamp(), winston.format.json());
  // Logs go to stderr so that command output on stdout (json, csv) stays clean for pipes.
  return winston.createLogger({
    level,
    defaultMeta: { runId },
    format,
    transports: [new winston.transports.Console({ stderrLevels: ["error", "warn", "info", "http", "verbose", "debug", "silly"] })],
  });
}

/** A silent logger for tests and library callers that want none. */
export function silentLogger(): Logger {
  return winston.createLogger({ silent: true, transports: [new winston.transports.Console()] });
}
