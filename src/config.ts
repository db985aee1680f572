import path from "node:path";

/** Settings from the environment (INTERFACES.md "Environment"). Read once, passed down. */
export interface Settings {
  databaseUrl: string | null;
  dataDir: string;
  port: number;
  auditSchedule: string;
  logLevel: string;
}

export function settingsFromEnv(env: NodeJS.ProcessEnv = process.env): Settings {
  const port = Number(env.PORT ?? "3000");
  return {
    databaseUrl: env.DATABASE_URL && env.DATABASE_URL.trim() !== "" ? env.DATABASE_URL.trim() : null,
    dataDir: path.resolve(env.DATA_DIR && env.DATA_DIR.trim() !== "" ? env.DATA_DIR : "./data"),
    port: Number.isInteger(port) && port > 0 ? port : 3000,
    auditSchedule: env.AUDIT_SCHEDULE ?? "0 6 1 * *",
    logLevel: env.LOG_LEVEL ?? "info",
  };
}
