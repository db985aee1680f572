import path from "node:path";

/** Settings from the environment (INTERFACES.md "Environment"). Read once, passed down. */
export interface Settings {
  databaseUrl: string | null;
  dataDir: string;
  port: number;
  auditSchedule: string;
  logLevel: string;
  /** Signs session cookies; when null `serve` makes a random one (everyone signed out at restart). */
  sessionSecret: string | null;
  /** Shown in the UI's header; null for the default. */
  councilName: string | null;
  /** Behind one reverse proxy (TRUST_PROXY=1): client address and https from its headers. */
  trustProxy: boolean;
  /** The demo users' password; null: `demo` makes one and prints it. */
  demoPassword: string | null;
}

/** A variable's value, or null when unset or blank. */
function present(value: string | undefined): string | null {
  const trimmed = value?.trim() ?? "";
  return trimmed === "" ? null : trimmed;
}

export function settingsFromEnv(env: NodeJS.ProcessEnv = process.env): Settings {
  const port = Number(env.PORT ?? "3000");
  return {
    databaseUrl: env.DATABASE_URL && env.DATABASE_URL.trim() !== "" ? env.DATABASE_URL.trim() : null,
    dataDir: path.resolve(env.DATA_DIR && env.DATA_DIR.trim() !== "" ? env.DATA_DIR : "./data"),
    port: Number.isInteger(port) && port > 0 ? port : 3000,
    auditSchedule: env.AUDIT_SCHEDULE ?? "0 6 1 * *",
    logLevel: env.LOG_LEVEL ?? "info",
    sessionSecret: present(env.SESSION_SECRET),
    councilName: present(env.COUNCIL_NAME),
    trustProxy: env.TRUST_PROXY === "1",
    // A password is kept exactly as given (spaces and all); only a blank one counts as unset.
    demoPassword: present(env.DEMO_PASSWORD) === null ? null : (env.DEMO_PASSWORD ?? null),
  };
}
