/**
 * Audit throughput, end to end: runAudit reads the invoices from the database, audits them and
 * writes the findings. The data is generated (bench/generate) and inserted straight into a
 * fresh database first, in its own process; the audit then runs in another process, so its
 * peak RSS is the audit's own. Beside it, on PostgreSQL, the floor: the time the server takes
 * just to hand over the same lines. Prints figures; asserts nothing.
 *
 *   npx tsx bench/audit.bench.ts --lines 100000 [--db embedded|postgres] [--pg URL] [--seed 1] [--rerun] [--hash]
 *
 * --pg (or DATABASE_URL) names a server where a database may be created; it is dropped after.
 * The audit runs as the app's role for authority 1 (row-level security applies); BENCH_AS_OWNER=1
 * runs it as the owner instead, which bypasses row-level security, to see what it costs.
 * BENCH_PROFILE=<dir> writes a CPU profile of the audit process there (node --cpu-prof).
 * --hash prints the findings-and-notes hash of the audited database (findings-db-hash.ts), taken
 * after the peak RSS (--no-floor skips the floor, for repeated audits of one seed); BENCH_MEMORY=1 samples process.memoryUsage() every 20 ms during the audit
 * and prints the largest of each figure (where the resident memory is: V8's heap or outside it).
 *
 * Phases (run by the above in child processes): --phase seed|audit --target T (the audit
 * phase measures the floor after the audit, in the same process).
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import pg from "pg";
import QueryStream from "pg-query-stream";
import { forAuthority, type Database } from "../src/db/connection.js";
import { migrateLatest } from "../src/db/migrate.js";
import { runAudit } from "../src/services/audit/run-audit.js";
import { databaseFindingsHash } from "./findings-db-hash.js";
import { createTarget, openTarget, parseTarget, safeUrl, targetText, type Target } from "./databases.js";
import { generateAuthority } from "./generate/authority.js";
import { insertInvoices, insertReference } from "./generate/insert.js";
import { invoiceStream } from "./generate/invoices.js";
import { placementsFor } from "./generate/sizing.js";
import { argValue, emitResult, formatRate, hasFlag, loadText, peakRssMb, runChild, seconds } from "./support.js";

const SCRIPT = fileURLToPath(import.meta.url);

/** The columns of invoice_lines that the audit reads (audit.repository.ts). */
const LINE_COLUMNS = "invoice_id, line_no, child_ref, placement_ref, description, item, from_date, to_date, quantity, unit, unit_rate, amount";

export interface SeedFigures {
  placements: number;
  invoices: number;
  lines: number;
  seconds: number;
  planted: Record<string, number>;
}

export interface AuditFigures {
  seconds: number;
  linesAudited: number;
  invoicesAudited: number;
  findingsRaised: number;
  linesPerSecond: number;
  peakRssMb: number;
  byRule: Record<string, number>;
  rerunSeconds: number | null;
  load: string;
  /** CPU seconds of the audit process over the run (user + system, all its threads). */
  cpuSeconds: number;
  /**
   * CPU seconds of the PostgreSQL server processes that served the run (its connections'
   * backends, read from /proc); null on the embedded database or where /proc cannot tell. On a
   * shared machine these two are steadier than the wall clock: with a core each, the run could
   * take as long as the larger of them.
   */
  serverCpuSeconds: number | null;
  /** The findings-and-notes hash of the database after the run (--hash), else null. */
  databaseHash: { findings: number; sha256: string } | null;
  /** The largest of each process.memoryUsage() figure during the run, MB (BENCH_MEMORY=1), else null. */
  memoryPeaksMb: MemoryPeaks | null;
}

export interface MemoryPeaks {
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

/** Samples process.memoryUsage() every 20 ms until stopped; the largest of each figure, in MB. */
function sampleMemory(): () => MemoryPeaks {
  const peaks: MemoryPeaks = { rss: 0, heapTotal: 0, heapUsed: 0, external: 0, arrayBuffers: 0 };
  const sample = (): void => {
    const usage = process.memoryUsage();
    for (const key of Object.keys(peaks) as (keyof MemoryPeaks)[]) peaks[key] = Math.max(peaks[key], Math.round(usage[key] / 1048576));
  };
  const timer = setInterval(sample, 20);
  return () => {
    clearInterval(timer);
    sample();
    return peaks;
  };
}

export interface FloorFigures {
  psqlCopySeconds: number | null;
  streamSeconds: number;
  streamRows: number;
  how: string;
}

export interface AuditBenchResult {
  db: "embedded" | "postgres";
  seed: SeedFigures;
  audit: AuditFigures;
  floor: FloorFigures;
}

async function seedPhase(target: Target, lines: number, seed: number): Promise<void> {
  const started = performance.now();
  const db = await openTarget(target);
  try {
    await migrateLatest(db.knex);
    const authority = generateAuthority(placementsFor(lines), seed);
    await insertReference(db.knex, authority.reference);
    const stream = invoiceStream(authority, lines, seed);
    const inserted = await insertInvoices(db.knex, stream.invoices);
    emitResult({ placements: authority.placements.length, invoices: inserted.invoices, lines: inserted.lines, seconds: seconds(started), planted: stream.planted } satisfies SeedFigures);
  } finally {
    await db.close();
  }
}

async function auditPhase(target: Target, rerun: boolean, hashAfter: boolean): Promise<void> {
  const owner = await openTarget(target);
  // As the app audits: the council's scoped handle, row-level security on (BENCH_AS_OWNER=1: the owner's, which bypasses it, to compare).
  const db = process.env.BENCH_AS_OWNER === "1" ? owner : forAuthority(owner, 1);
  try {
    const load = loadText();
    const serverBefore = await serverCpu(db);
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    const stopSampling = process.env.BENCH_MEMORY === "1" ? sampleMemory() : null;
    const result = await runAudit(db, { authorityId: 1, scope: { kind: "all" } });
    const elapsed = seconds(started);
    const cpu = process.cpuUsage(cpuStarted);
    const memoryPeaksMb = stopSampling === null ? null : stopSampling();
    const serverAfter = await serverCpu(db);
    let rerunSeconds: number | null = null;
    if (rerun) {
      const again = performance.now();
      await runAudit(db, { authorityId: 1, scope: { kind: "all" } });
      rerunSeconds = seconds(again);
    }
    const rows: { rule: string; count: string }[] = await db.knex("findings").whereNot("status", "superseded").groupBy("rule").select("rule").count("* as count");
    const rss = peakRssMb();
    // The floor is measured in this process after the audit (one process start fewer); the audit's peak RSS is taken before it.
    const floor = hasFlag("--no-floor") ? { psqlCopySeconds: null, streamSeconds: 0, streamRows: 0, how: "not measured (--no-floor)" } : await measureFloor(target, db);
    const databaseHash = hashAfter ? await databaseFindingsHash(owner.knex) : null;
    const audit: AuditFigures = {
      seconds: elapsed,
      linesAudited: result.linesAudited,
      invoicesAudited: result.invoicesAudited,
      findingsRaised: result.findingsRaised,
      linesPerSecond: result.linesAudited / elapsed,
      peakRssMb: rss,
      byRule: Object.fromEntries(rows.map((r) => [r.rule, Number(r.count)])),
      rerunSeconds,
      load,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      serverCpuSeconds: serverBefore === null || serverAfter === null ? null : serverCpuDelta(serverBefore, serverAfter),
      databaseHash,
      memoryPeaksMb,
    };
    emitResult({ audit, floor });
  } finally {
    await db.close();
  }
}

/** CPU seconds so far of each server process connected to this database, by pid (from /proc; null when it cannot be read). */
async function serverCpu(db: Database): Promise<Map<number, number> | null> {
  if (db.kind !== "postgres") return null;
  const rows: { rows: { pid: number }[] } = await db.knex.raw("select pid from pg_stat_activity where datname = current_database()");
  const ticks = 100; // USER_HZ: what /proc counts in on Linux
  const byPid = new Map<number, number>();
  for (const { pid } of rows.rows) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      byPid.set(pid, (Number(fields[11]) + Number(fields[12])) / ticks);
    } catch {
      return null;
    }
  }
  return byPid;
}

/** The server CPU the run used: backends that were there before count from then, new ones from zero. */
function serverCpuDelta(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, cpu] of after) total += cpu - (before.get(pid) ?? 0);
  return total;
}

/** The floor: how long the database takes to hand over the lines, with no audit at all. */
async function measureFloor(target: Target, db: Database): Promise<FloorFigures> {
  const sql = `select ${LINE_COLUMNS} from invoice_lines`;
  if (target.kind === "embedded") {
    const started = performance.now();
    let rows = 0;
    // One connection and no streaming cursor: read in pages of 5,000 invoices' lines.
    const max: { rows: { max: string | null }[] } = await db.knex.raw(`select max(invoice_id) as max from invoice_lines`);
    const last = Number(max.rows[0]?.max ?? 0);
    for (let from = 0; from < last; from += 5_000) {
      const page: { rows: unknown[] } = await db.knex.raw(`${sql} where invoice_id > ? and invoice_id <= ?`, [from, from + 5_000]);
      rows += page.rows.length;
    }
    return { psqlCopySeconds: null, streamSeconds: seconds(started), streamRows: rows, how: "embedded: a plain select of the line columns through knex, 5,000 invoices a page" };
  }
  let psqlCopySeconds: number | null = null;
  try {
    const started = performance.now();
    await promisify(execFile)("psql", [target.url, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", `\\copy (${sql}) to '/dev/null'`]);
    psqlCopySeconds = seconds(started);
  } catch {
    // No psql on this machine: the streamed select is the only floor.
  }
  const client = new pg.Client({ connectionString: target.url });
  await client.connect();
  try {
    const started = performance.now();
    let rows = 0;
    const stream = client.query(new QueryStream(sql, [], { batchSize: 10_000 }));
    for await (const _row of stream) rows++;
    return {
      psqlCopySeconds,
      streamSeconds: seconds(started),
      streamRows: rows,
      how: "PostgreSQL: psql \\copy (select …) to /dev/null (spawned), and a plain select streamed with pg-query-stream through pg",
    };
  } finally {
    await client.end();
  }
}

export interface AuditBenchOptions {
  db: "embedded" | "postgres";
  lines: number;
  seed: number;
  serverUrl: string | null;
  rerun: boolean;
  /** Hash the findings and notes the audit left (findings-db-hash.ts) after the figures are taken. */
  hash?: boolean;
  /** Node flags for the audit process (e.g. --max-semi-space-size=32). */
  nodeFlags?: readonly string[];
  /** Keep the audited database for another benchmark: the caller must call `drop`. */
  keep?: boolean;
}

/** One size on one database: seed, audit and floor, each in a child process; the database is dropped after unless kept. */
export async function benchAudit(options: AuditBenchOptions): Promise<AuditBenchResult & { target?: Target; drop?: () => Promise<void> }> {
  const { target, drop } = await createTarget(options.db, options.serverUrl, `audit_${options.lines}`);
  let kept = false;
  try {
    const where = target.kind === "embedded" ? "embedded (PGlite)" : `PostgreSQL ${safeUrl(target.url)}`;
    process.stdout.write(`audit ${formatRate(options.lines)} lines on ${where}: seeding… `);
    const seed = await runChild<SeedFigures>(SCRIPT, ["--phase", "seed", "--target", targetText(target), "--lines", String(options.lines), "--seed", String(options.seed)]);
    process.stdout.write(`${formatRate(seed.lines)} lines in ${seed.invoices} invoices (${seed.placements} placements) in ${seed.seconds.toFixed(1)} s; auditing… `);
    const profileDir = process.env.BENCH_PROFILE;
    const nodeArgs = [...(options.nodeFlags ?? []), ...(profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [])];
    const { audit, floor } = await runChild<{ audit: AuditFigures; floor: FloorFigures }>(SCRIPT, ["--phase", "audit", "--target", targetText(target), ...(options.rerun ? ["--rerun"] : []), ...(options.hash ? ["--hash"] : [])], { nodeArgs });
    process.stdout.write(`${audit.seconds.toFixed(2)} s\n`);
    if (options.keep) {
      kept = true;
      return { db: options.db, seed, audit, floor, target, drop };
    }
    return { db: options.db, seed, audit, floor };
  } finally {
    if (!kept) await drop();
  }
}

export function describeAuditResult(r: AuditBenchResult): string[] {
  const a = r.audit;
  const perLineUs = (1e6 * a.seconds) / Math.max(1, a.linesAudited);
  const floorSeconds = r.floor.psqlCopySeconds ?? r.floor.streamSeconds;
  const out = [
    `  ${r.db.padEnd(9)} ${formatRate(a.linesAudited).padStart(9)} lines  ${a.seconds.toFixed(2).padStart(7)} s  ${formatRate(a.linesPerSecond).padStart(7)} lines/s  ` +
      `${perLineUs.toFixed(1).padStart(6)} µs/line  peak RSS ${String(a.peakRssMb).padStart(4)} MB  ${formatRate(a.findingsRaised)} findings` +
      (a.rerunSeconds === null ? "" : `  re-run ${a.rerunSeconds.toFixed(2)} s`),
    `            CPU: audit process ${a.cpuSeconds.toFixed(2)} s (${((1e6 * a.cpuSeconds) / Math.max(1, a.linesAudited)).toFixed(1)} µs/line)` +
      (a.serverCpuSeconds === null ? "" : `, PostgreSQL ${a.serverCpuSeconds.toFixed(2)} s; with a core each ≈ ${formatRate(a.linesAudited / Math.max(a.cpuSeconds, a.serverCpuSeconds))} lines/s`),
    `            floor: ${r.floor.psqlCopySeconds === null ? "" : `psql \\copy ${r.floor.psqlCopySeconds.toFixed(2)} s, `}streamed select ${r.floor.streamSeconds.toFixed(2)} s ` +
      `(${formatRate(r.floor.streamRows)} rows); audit = ${(a.seconds / Math.max(floorSeconds, 1e-6)).toFixed(1)} × floor; ${a.load}`,
  ];
  const m = a.memoryPeaksMb;
  if (m) out.push(`            memory peaks: rss ${m.rss} MB, V8 heap ${m.heapUsed} used / ${m.heapTotal} MB total, external ${m.external} MB (array buffers ${m.arrayBuffers} MB)`);
  if (a.databaseHash) out.push(`            database findings and notes: ${a.databaseHash.findings} findings, sha256 ${a.databaseHash.sha256}`);
  return out;
}

export function describeFindings(r: AuditBenchResult): string[] {
  const rules = [...new Set([...Object.keys(r.audit.byRule), ...Object.keys(r.seed.planted)])].sort();
  return [`  ${"rule".padEnd(30)} ${"found".padStart(8)} ${"planted".padStart(8)}`, ...rules.map((rule) => `  ${rule.padEnd(30)} ${String(r.audit.byRule[rule] ?? 0).padStart(8)} ${String(r.seed.planted[rule] ?? 0).padStart(8)}`)];
}

async function main(): Promise<void> {
  const phase = argValue("--phase");
  const seed = Number(argValue("--seed") ?? 1);
  const lines = Number(argValue("--lines") ?? 10_000);
  if (phase) {
    const target = parseTarget(argValue("--target") ?? "");
    if (phase === "seed") await seedPhase(target, lines, seed);
    else if (phase === "audit") await auditPhase(target, hasFlag("--rerun"), hasFlag("--hash"));
    else throw new Error(`unknown phase ${phase}`);
    return;
  }
  const serverUrl = argValue("--pg") ?? process.env.DATABASE_URL ?? null;
  const db = (argValue("--db") ?? (serverUrl ? "postgres" : "embedded")) as "embedded" | "postgres";
  const result = await benchAudit({ db, lines, seed, serverUrl, rerun: hasFlag("--rerun"), hash: hasFlag("--hash") });
  for (const line of [...describeAuditResult(result), ...describeFindings(result)]) console.log(line);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) await main();
