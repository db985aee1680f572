/**
 * A bounded loopback load test (issue 10): the review pages and the JSON API under autocannon
 * while an audit of the whole database runs in the same process (as under `serve` with the
 * embedded database), in repeated rounds. Prints, per round, requests, errors (expect zero),
 * non-2xx responses, p99 latency, the audit's time and the process RSS, so a leak shows as RSS
 * climbing round after round. Bounded: --rounds rounds of --seconds each, loopback only
 * (127.0.0.1), a fixed number of connections shared among the paths. Exits 1 when any request failed.
 *
 *   npx tsx bench/load.bench.ts [--lines 20000] [--rounds 4] [--seconds 3] [--connections 14] [--db embedded|postgres] [--pg URL]
 */
import path from "node:path";
import os from "node:os";
import { fileURLToPath, pathToFileURL } from "node:url";
import autocannon from "autocannon";
import type { Database } from "../src/db/connection.js";
import { silentLogger } from "../src/logger.js";
import { runAudit } from "../src/services/audit/run-audit.js";
import { createUser } from "../src/services/users/users.js";
import { createApp, startServer } from "../src/web/app.js";
import { createTarget, openTarget, safeUrl, targetText } from "./databases.js";
import { argValue, formatRate, runChild, signIn } from "./support.js";

const AUDIT_SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), "audit.bench.ts");
const USER = "load-finance";
const PASSWORD = "load bench password 1";
const MAX_ROUNDS = 20;
const MAX_SECONDS = 30;

/** Pages and API reads a reviewer makes while the month's audit runs. */
const PATHS = ["/", "/invoices", "/invoices?sort=flagged&dir=desc", "/findings", "/findings?status=open", "/api/invoices", "/api/findings?status=open"];

export interface LoadRound {
  round: number;
  requests: number;
  errors: number;
  non2xx: number;
  p99Ms: number;
  auditMs: number;
  auditError: string | null;
  rssMb: number;
}

function settle(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function round(db: Database, url: string, cookie: string, n: number, seconds: number, connections: number): Promise<LoadRound> {
  const started = performance.now();
  let auditMs = 0;
  const audit = runAudit(db, { authorityId: 1, scope: { kind: "all" } }).then(
    () => {
      auditMs = performance.now() - started;
      return null;
    },
    (error: unknown) => (error instanceof Error ? error.message : String(error)),
  );
  // One autocannon per path, all at once (the local autocannon types have no `requests` list).
  const perPath = Math.max(1, Math.floor(connections / PATHS.length));
  const results = await Promise.all(PATHS.map((p) => autocannon({ url: `${url}${p}`, connections: perPath, duration: seconds, headers: { cookie } })));
  const auditError = await audit;
  // Requests autocannon gave up on at the end of its time are still being answered: let them finish.
  await settle(1000);
  return {
    round: n,
    requests: results.reduce((sum, r) => sum + r.requests.total, 0),
    errors: results.reduce((sum, r) => sum + r.errors + r.timeouts, 0),
    non2xx: results.reduce((sum, r) => sum + r.non2xx, 0),
    p99Ms: Math.max(...results.map((r) => r.latency.p99)),
    auditMs,
    auditError,
    rssMb: Math.round(process.memoryUsage().rss / (1024 * 1024)),
  };
}

export async function benchLoad(options: { db: "embedded" | "postgres"; serverUrl: string | null; lines: number; rounds: number; seconds: number; connections: number }): Promise<LoadRound[]> {
  const { target, drop } = await createTarget(options.db, options.serverUrl, `load_${options.lines}`);
  try {
    const where = target.kind === "embedded" ? "embedded (PGlite)" : `PostgreSQL ${safeUrl(target.url)}`;
    process.stdout.write(`load with ${formatRate(options.lines)} lines on ${where}: seeding… `);
    await runChild<{ lines: number }>(AUDIT_SCRIPT, ["--phase", "seed", "--target", targetText(target), "--lines", String(options.lines), "--seed", "1"]);
    const db = await openTarget(target);
    const logger = silentLogger();
    const server = await startServer({ app: createApp({ db, dataDir: os.tmpdir(), logger, sessionSecret: "load", councilName: "Load Council" }), port: 0, host: "127.0.0.1", logger });
    try {
      await createUser(db, { authorityId: 1, username: USER, password: PASSWORD, role: "finance_officer" }, "bench");
      const cookie = await signIn(server.url, USER, PASSWORD);
      process.stdout.write(`${options.rounds} round(s) of ${options.seconds} s, ${options.connections} connections\n`);
      const rounds: LoadRound[] = [];
      for (let n = 1; n <= options.rounds; n++) rounds.push(await round(db, server.url, cookie, n, options.seconds, options.connections));
      return rounds;
    } finally {
      await server.close();
      await db.close();
    }
  } finally {
    await drop();
  }
}

function describeRounds(rounds: readonly LoadRound[]): string[] {
  return [
    `  ${"round".padEnd(6)} ${"requests".padStart(9)} ${"errors".padStart(7)} ${"non-2xx".padStart(8)} ${"p99 ms".padStart(7)} ${"audit ms".padStart(9)} ${"RSS MB".padStart(7)}`,
    ...rounds.map(
      (r) =>
        `  ${String(r.round).padEnd(6)} ${String(r.requests).padStart(9)} ${String(r.errors).padStart(7)} ${String(r.non2xx).padStart(8)} ${String(r.p99Ms).padStart(7)} ${(r.auditError ? "failed" : r.auditMs.toFixed(0)).padStart(9)} ${String(r.rssMb).padStart(7)}`,
    ),
    ...rounds.filter((r) => r.auditError).map((r) => `  round ${r.round}: the audit failed: ${r.auditError ?? ""}`),
  ];
}

async function main(): Promise<void> {
  const serverUrl = argValue("--pg") ?? (process.env.DATABASE_URL || null);
  const db = (argValue("--db") ?? (serverUrl ? "postgres" : "embedded")) as "embedded" | "postgres";
  const bounded = (name: string, fallback: number, max: number): number => Math.min(max, Math.max(1, Number(argValue(name) ?? fallback)));
  const rounds = await benchLoad({
    db,
    serverUrl,
    lines: Number(argValue("--lines") ?? 20_000),
    rounds: bounded("--rounds", 4, MAX_ROUNDS),
    seconds: bounded("--seconds", 3, MAX_SECONDS),
    connections: bounded("--connections", 14, 70),
  });
  for (const line of describeRounds(rounds)) console.log(line);
  const failed = rounds.reduce((sum, r) => sum + r.errors + r.non2xx + (r.auditError ? 1 : 0), 0);
  console.log(`  ${failed === 0 ? "no errors" : `${failed} error(s)`} (expected none); RSS ${rounds.map((r) => r.rssMb).join(" → ")} MB`);
  if (failed > 0) process.exitCode = 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) await main();
