/**
 * The review pages and the JSON API under load: p50/p95 latency and requests per second with
 * autocannon on loopback, signed in as a finance officer, with an audited authority of many
 * lines in the database. The server runs in its own process (the embedded database lives in
 * the server's process, as under `serve`). Prints figures; asserts nothing.
 *
 *   npx tsx bench/web.bench.ts --lines 100000 [--db embedded|postgres] [--pg URL] [--seconds 5] [--connections 10]
 */
import { spawn, type ChildProcess } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import autocannon from "autocannon";
import { createUser } from "../src/services/users/users.js";
import { silentLogger } from "../src/logger.js";
import { createTarget, openTarget, parseTarget, safeUrl, targetText, type Target } from "./databases.js";
import { argValue, emitResult, formatRate, loadText, runChild, signIn } from "./support.js";

const SCRIPT = fileURLToPath(import.meta.url);
const AUDIT_SCRIPT = path.join(path.dirname(SCRIPT), "audit.bench.ts");
const USER = "bench-finance";
const PASSWORD = "bench password 1";

export interface EndpointFigures {
  name: string;
  path: string;
  /** One connection: the latency one reviewer sees. */
  single: { p50: number; p95: number; requestsPerSecond: number };
  /** Under load (`connections` at once): throughput, and latency including queueing. */
  requests: number;
  requestsPerSecond: number;
  p50: number;
  p95: number;
  p99: number;
  non2xx: number;
  errors: number;
}

export interface WebBenchResult {
  db: "embedded" | "postgres";
  connections: number;
  lines: number;
  findings: number;
  endpoints: EndpointFigures[];
  load: string;
  available: boolean;
  reason?: string;
}

/** The server phase: open the database, add the user, listen on loopback, print the URL, serve until killed. */
async function servePhase(targetText: string): Promise<void> {
  let appModule: typeof import("../src/web/app.js");
  try {
    appModule = await import("../src/web/app.js");
  } catch (error) {
    emitResult({ url: null, reason: `web app not available (${(error as Error).message})` });
    return;
  }
  const db = await openTarget(parseTarget(targetText));
  await createUser(db, { authorityId: 1, username: USER, password: PASSWORD, role: "finance_officer" }, "bench").catch(() => undefined);
  const logger = silentLogger();
  const app = appModule.createApp({ db, dataDir: os.tmpdir(), logger, sessionSecret: "bench", councilName: "Benchmark Council" });
  const server = await appModule.startServer({ app, port: 0, host: "127.0.0.1", logger });
  emitResult({ url: server.url });
  const stop = (): void => {
    // Let requests cut off by the end of the load finish before the database closes.
    void server
      .close()
      .then(() => new Promise((resolve) => setTimeout(resolve, 500)))
      .then(() => db.close())
      .then(() => process.exit(0));
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

/** Starts the server child and waits for its URL. */
function startServer(target: string): Promise<{ child: ChildProcess; url: string | null; reason?: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", SCRIPT, "--phase", "serve", "--target", target], { stdio: ["ignore", "pipe", "inherit"] });
    let buffer = "";
    child.stdout?.setEncoding("utf8");
    child.stdout?.on("data", (chunk: string) => {
      buffer += chunk;
      const match = /BENCH_RESULT (.*)\n/.exec(buffer);
      if (match) {
        const result = JSON.parse(match[1] as string) as { url: string | null; reason?: string };
        resolve({ child, url: result.url, ...(result.reason ? { reason: result.reason } : {}) });
      }
    });
    child.on("error", reject);
    child.on("exit", (code) => reject(new Error(`web server exited with ${code} before listening`)));
  });
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

async function load(url: string, cookie: string, name: string, pathName: string, seconds: number, connections: number): Promise<EndpointFigures> {
  const single = await loadWith(url, cookie, name, pathName, seconds, 1);
  const loaded = await loadWith(url, cookie, name, pathName, seconds, connections);
  return { ...loaded, single: { p50: single.p50, p95: single.p95, requestsPerSecond: single.requestsPerSecond } };
}

async function loadWith(url: string, cookie: string, name: string, pathName: string, seconds: number, connections: number): Promise<Omit<EndpointFigures, "single">> {
  const times: number[] = [];
  const instance = autocannon({ url: `${url}${pathName}`, connections, duration: seconds, headers: { cookie } });
  instance.on("response", (_client: unknown, _status: number, _bytes: number, responseTime: number) => times.push(responseTime));
  const result = await instance;
  times.sort((a, b) => a - b);
  return {
    name,
    path: pathName,
    requests: result.requests.total,
    requestsPerSecond: result.requests.total / result.duration,
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    p99: percentile(times, 99),
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

export interface WebBenchOptions {
  db: "embedded" | "postgres";
  lines: number;
  seed: number;
  serverUrl: string | null;
  seconds: number;
  connections: number;
  /** An audited database to use (e.g. kept by the audit benchmark); made, seeded and audited here when absent. */
  audited?: { target: Target; lines: number; findings: number };
  /** Only these endpoints (by name), e.g. for a quick run. */
  endpoints?: readonly string[];
}

export async function benchWeb(options: WebBenchOptions): Promise<WebBenchResult> {
  const made = options.audited ? null : await createTarget(options.db, options.serverUrl, `web_${options.lines}`);
  const target = options.audited?.target ?? (made as { target: Target }).target;
  let server: ChildProcess | null = null;
  try {
    const where = target.kind === "embedded" ? "embedded (PGlite)" : `PostgreSQL ${safeUrl(target.url)}`;
    let seeded = { lines: options.audited?.lines ?? 0 };
    let audited = { findingsRaised: options.audited?.findings ?? 0 };
    if (!options.audited) {
      process.stdout.write(`web with ${formatRate(options.lines)} lines on ${where}: seeding and auditing… `);
      seeded = await runChild<{ lines: number }>(AUDIT_SCRIPT, ["--phase", "seed", "--target", targetText(target), "--lines", String(options.lines), "--seed", String(options.seed)]);
      audited = (await runChild<{ audit: { findingsRaised: number } }>(AUDIT_SCRIPT, ["--phase", "audit", "--target", targetText(target)])).audit;
    } else {
      process.stdout.write(`web with ${formatRate(seeded.lines)} lines on ${where}: `);
    }
    const started = await startServer(targetText(target));
    server = started.child;
    if (started.url === null) {
      process.stdout.write("web app not available\n");
      return { db: options.db, connections: options.connections, lines: seeded.lines, findings: audited.findingsRaised, endpoints: [], load: loadText(), available: false, reason: started.reason ?? "web app not available" };
    }
    const url = started.url;
    const cookie = await signIn(url, USER, PASSWORD);
    const get = async <T>(p: string): Promise<T> => (await fetch(`${url}${p}`, { headers: { cookie } })).json() as Promise<T>;
    const invoices = await get<{ items: { id: string }[]; pageCount: number }>("/api/invoices?has_findings=yes");
    const findings = await get<{ items: { id: string }[]; pageCount: number }>("/api/findings?status=open");
    const invoiceId = invoices.items[0]?.id ?? "1";
    const findingId = findings.items[0]?.id ?? "1";
    const lastFindingsPage = Math.max(1, findings.pageCount);
    const lastInvoicesPage = Math.max(1, invoices.pageCount);
    process.stdout.write(`${formatRate(seeded.lines)} lines, ${formatRate(audited.findingsRaised)} findings; loading…\n`);
    const all: [string, string][] = [
      ["dashboard page", "/"],
      ["invoices page", "/invoices"],
      ["invoices page, by flagged amount", "/invoices?sort=flagged&dir=desc"],
      ["invoices page, last page", `/invoices?has_findings=yes&page=${lastInvoicesPage}`],
      ["invoice page", `/invoices/${invoiceId}`],
      ["findings page", "/findings"],
      ["findings page, open, last page", `/findings?status=open&page=${lastFindingsPage}`],
      ["finding page", `/findings/${findingId}`],
      ["API invoices", "/api/invoices"],
      ["API invoice", `/api/invoices/${invoiceId}`],
      ["API findings, open", "/api/findings?status=open"],
      ["API finding", `/api/findings/${findingId}`],
    ];
    const endpoints = options.endpoints ? all.filter(([name]) => options.endpoints?.includes(name)) : all;
    const figures: EndpointFigures[] = [];
    const loadAverage = loadText();
    for (const [name, p] of endpoints) figures.push(await load(url, cookie, name, p, options.seconds, options.connections));
    return { db: options.db, connections: options.connections, lines: seeded.lines, findings: audited.findingsRaised, endpoints: figures, load: loadAverage, available: true };
  } finally {
    if (server && server.exitCode === null) {
      const exited = new Promise((resolve) => server?.once("exit", resolve));
      server.kill("SIGTERM");
      await exited;
    }
    await made?.drop();
  }
}

export function describeWebResult(r: WebBenchResult): string[] {
  if (!r.available) return [`  ${r.db}: ${r.reason ?? "web app not available"}`];
  return [
    `  ${r.db}, ${formatRate(r.lines)} lines, ${formatRate(r.findings)} findings; ${r.load}`,
    `    ${"".padEnd(34)} ${"1 connection".padStart(22)}   ${`${r.connections} connections`.padStart(30)}`,
    `    ${"endpoint".padEnd(34)} ${"p50 ms".padStart(7)} ${"p95 ms".padStart(7)} ${"req/s".padStart(6)}   ${"p50 ms".padStart(7)} ${"p95 ms".padStart(7)} ${"p99 ms".padStart(7)} ${"req/s".padStart(6)}  non-2xx`,
    ...r.endpoints.map(
      (e) =>
        `    ${e.name.padEnd(34)} ${e.single.p50.toFixed(0).padStart(7)} ${e.single.p95.toFixed(0).padStart(7)} ${e.single.requestsPerSecond.toFixed(0).padStart(6)}   ` +
        `${e.p50.toFixed(0).padStart(7)} ${e.p95.toFixed(0).padStart(7)} ${e.p99.toFixed(0).padStart(7)} ${e.requestsPerSecond.toFixed(0).padStart(6)}  ${e.non2xx + e.errors}`,
    ),
  ];
}

async function describeAudited(target: Target): Promise<{ target: Target; lines: number; findings: number }> {
  const opened = await openTarget(target);
  try {
    const lines: { count: string }[] = await opened.knex("invoice_lines").count("* as count");
    const findings: { count: string }[] = await opened.knex("findings").whereNot("status", "superseded").count("* as count");
    return { target, lines: Number(lines[0]?.count ?? 0), findings: Number(findings[0]?.count ?? 0) };
  } finally {
    await opened.close();
  }
}

async function main(): Promise<void> {
  const phase = argValue("--phase");
  if (phase === "serve") {
    await servePhase(argValue("--target") ?? "");
    return;
  }
  const serverUrl = argValue("--pg") ?? process.env.DATABASE_URL ?? null;
  const db = (argValue("--db") ?? (serverUrl ? "postgres" : "embedded")) as "embedded" | "postgres";
  // --target: a database already seeded and audited (e.g. by audit.bench.ts --phase seed/audit), served as it is.
  const given = argValue("--target");
  const audited = given ? await describeAudited(parseTarget(given)) : undefined;
  const result = await benchWeb({
    ...(audited ? { audited } : {}),
    db: audited ? audited.target.kind : db,
    lines: Number(argValue("--lines") ?? 10_000),
    seed: Number(argValue("--seed") ?? 1),
    serverUrl,
    seconds: Number(argValue("--seconds") ?? 5),
    connections: Number(argValue("--connections") ?? 10),
  });
  for (const line of describeWebResult(result)) console.log(line);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) await main();
