import { randomUUID } from "node:crypto";
import winston from "winston";

/**
 * Structured logging. JSON lines for log collectors (when stderr is not a terminal, or with
 * LOG_FORMAT=json); on a terminal, lines a person reads ("09:14:02 info  audit finished:
 * invoices=12 findings=3"), or with LOG_FORMAT=text. Every line carries a run or request id.
 * Logs carry ids and counts, never document text, and never anything about a child but the
 * authority's pseudonymous reference.
 */
export type Logger = winston.Logger;

export type LogFormat = "json" | "text";

/** LOG_FORMAT when it says json or text; otherwise text on a terminal and JSON elsewhere. */
export function logFormatFor(env: NodeJS.ProcessEnv = process.env, onTerminal = Boolean(process.stderr.isTTY)): LogFormat {
  const asked = (env.LOG_FORMAT ?? "").trim().toLowerCase();
  if (asked === "json" || asked === "text") return asked;
  return onTerminal ? "text" : "json";
}

function valueText(value: unknown): string {
  const text = typeof value === "string" ? value : value instanceof Date ? value.toISOString() : JSON.stringify(value) ?? "";
  return /^[^\s"=]*$/.test(text) && text !== "" ? text : JSON.stringify(text);
}

/** One log entry as a person reads it: time, level, message, then key=value pairs (the run id last). */
export function textLine(info: Record<string, unknown>): string {
  const { level, message, timestamp, runId, ...rest } = info;
  const fields = Object.entries(rest).map(([k, v]) => `${k}=${valueText(v)}`);
  const tail = [...fields, ...(runId ? [`run=${valueText(runId)}`] : [])].join(" ");
  return `${String(timestamp)} ${String(level).padEnd(5)} ${String(message)}${tail ? `: ${tail}` : ""}`;
}

export function createLogger(level = process.env.LOG_LEVEL ?? "info", runId: string = randomUUID().slice(0, 8), logFormat: LogFormat = logFormatFor()): Logger {
  const format = logFormat === "text"
    ? winston.format.combine(winston.format.timestamp({ format: "HH:mm:ss" }), winston.format.printf((info) => textLine(info)))
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
