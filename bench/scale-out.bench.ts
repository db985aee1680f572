/**
 * Scale-out on the work queue (issue 24): one audit of a month shared out as partition jobs
 * (src/services/audit/audit-queue.ts) to 1, 2 and 4 `worker` processes, each with its own empty
 * DATA_DIR and nothing shared but the PostgreSQL database; then 2 workers with one killed -9
 * halfway through (its part is retried by the other once its expiry passes). Prints each time,
 * the ratios to one worker, and the findings hash of every run, which must be identical.
 *
 *   npx tsx bench/scale-out.bench.ts --pg postgres://postgres@127.0.0.1:5432/test [--lines 1000000] [--seed 1]
 *                                     [--workers 1,2,4] [--part-lines N] [--no-kill]
 *
 * The month is generated once into a template database (bench/generate) and each run audits a
 * fresh copy of it (CREATE DATABASE … TEMPLATE), so every run starts from the same state. The
 * time is from queuing the run to its completion, workers already started (they are services).
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { fileURLToPath, pathToFileURL } from "node:url";
import { runAudit } from "../src/services/audit/run-audit.js";
import { WorkQueue, queueSettingsFromEnv, type QueueSettings } from "../src/services/queue/work-queue.js";
import { adminQuery, openTarget, safeUrl } from "./databases.js";
import { databaseFindingsHash } from "./findings-db-hash.js";
import { argValue, formatRate, hasFlag, loadText, runChild, seconds } from "./support.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const AUDIT_SCRIPT = path.join(ROOT, "bench", "audit.bench.ts");

interface Worker {
  child: ChildProcess;
  log: () => string;
  exited: Promise<void>;
  dataDir: string;
}

function startWorker(url: string, env: Record<string, string>): Worker {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "pa-scale-worker-"));
  const child = spawn(process.execPath, [path.join(ROOT, "bin", "placement-audit.js"), "worker", "--jobs", "monthly-audit"], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: url, DATA_DIR: dataDir, AUDIT_SCHEDULE: "0 6 1 1 *", LOG_FORMAT: "json", LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  return { child, log: () => output, exited, dataDir };
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

interface RunFigures {
  workers: number;
  killed: boolean;
  seconds: number;
  lines: number;
  parts: number;
  retried: number;
  findings: number;
  hash: string;
  load: string;
}

async function auditWith(templateUrl: string, serverUrl: string, workers: number, kill: boolean, partLines: number, env: Record<string, string>, settings: QueueSettings): Promise<RunFigures> {
  const name = `pa_bench_scale_${workers}${kill ? "k" : ""}_${randomBytes(3).toString("hex")}`;
  const template = new URL(templateUrl).pathname.slice(1);
  await adminQuery(serverUrl, `create database ${name} template ${template}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const spawned: Worker[] = [];
  try {
    for (let i = 0; i < workers; i++) spawned.push(startWorker(url.toString(), env));
    await until("the workers to start", () => spawned.every((w) => /taking work from the queue/.test(w.log())), 120_000);
    const db = await openTarget({ kind: "postgres", url: url.toString() });
    const queue = await WorkQueue.open(url.toString(), { settings });
    try {
      const load = loadText();
      const started = performance.now();
      const audit = runAudit(db, { authorityId: 1, scope: { kind: "all" }, queue, partLines });
      let killedAt: number | null = null;
      if (kill) {
        // Halfway: once half the parts are recorded, the worker holding a part is killed -9.
        await until("half the parts", async () => {
          const [row] = await db.knex("audit_run_parts").where({ status: "done" }).count<{ n: string }[]>({ n: "*" });
          const [all] = await db.knex("audit_run_parts").count<{ n: string }[]>({ n: "*" });
          return Number(all?.n ?? 0) > 0 && Number(row?.n ?? 0) >= Number(all?.n ?? 0) / 2;
        }, 600_000);
        const victim = spawned.find((w) => (w.log().match(/audit part started/g) ?? []).length > (w.log().match(/audit part done/g) ?? []).length) ?? spawned[0];
        victim?.child.kill("SIGKILL");
        killedAt = seconds(started);
      }
      const result = await audit;
      const elapsed = seconds(started);
      const jobs: { rows: { retried: string; parts: string }[] } = await db.knex.raw(
        "select count(*) filter (where retry_count > 0) as retried, count(*) as parts from (select retry_count from pgboss.job where name = 'audit-part' union all select retry_count from pgboss.archive where name = 'audit-part') j",
      );
      const hash = await databaseFindingsHash(db.knex);
      if (killedAt !== null) process.stdout.write(`    (one worker killed -9 at ${killedAt.toFixed(1)} s)\n`);
      return {
        workers, killed: kill, seconds: elapsed, lines: result.linesAudited, parts: Number(jobs.rows[0]?.parts ?? 0), retried: Number(jobs.rows[0]?.retried ?? 0),
        findings: hash.findings, hash: hash.sha256, load,
      };
    } finally {
      await queue.stop();
      await db.close();
    }
  } finally {
    for (const w of spawned) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill("SIGTERM");
    await Promise.all(spawned.map((w) => w.exited));
    for (const w of spawned) fs.rmSync(w.dataDir, { recursive: true, force: true });
    await adminQuery(serverUrl, `drop database if exists ${name} with (force)`);
  }
}

export async function benchScaleOut(options: { serverUrl: string; lines: number; seed: number; workers: readonly number[]; kill: boolean; partLines?: number }): Promise<RunFigures[]> {
  const partLines = options.partLines ?? Math.max(2_000, Math.min(20_000, Math.round(options.lines / 48)));
  // Killed work is noticed when its expiry passes: long enough for any part on a loaded machine.
  const env = { QUEUE_EXPIRE_SECONDS: "45", QUEUE_MAINTENANCE_SECONDS: "2", QUEUE_POLL_SECONDS: "0.5", QUEUE_RETRY_DELAY_SECONDS: "1" };
  const settings = queueSettingsFromEnv(env);
  const templateName = `pa_bench_scale_template_${randomBytes(3).toString("hex")}`;
  await adminQuery(options.serverUrl, `create database ${templateName}`);
  const templateUrl = new URL(options.serverUrl);
  templateUrl.pathname = `/${templateName}`;
  const figures: RunFigures[] = [];
  try {
    process.stdout.write(`  seeding ${formatRate(options.lines)} lines into a template database on ${safeUrl(options.serverUrl)}… `);
    const seeded = await runChild<{ lines: number; invoices: number; seconds: number }>(AUDIT_SCRIPT, ["--phase", "seed", "--target", templateUrl.toString(), "--lines", String(options.lines), "--seed", String(options.seed)]);
    process.stdout.write(`${formatRate(seeded.lines)} lines in ${seeded.invoices} invoices, ${seeded.seconds.toFixed(1)} s; partitions of about ${formatRate(partLines)} lines\n`);
    const plans = [...options.workers.map((w) => ({ workers: w, kill: false })), ...(options.kill ? [{ workers: 2, kill: true }] : [])];
    for (const plan of plans) {
      const run = await auditWith(templateUrl.toString(), options.serverUrl, plan.workers, plan.kill, partLines, env, settings);
      figures.push(run);
      process.stdout.write(
        `  ${plan.workers} worker(s)${plan.kill ? ", one killed -9 halfway" : ""}: ${run.seconds.toFixed(2)} s = ${formatRate(run.lines / run.seconds)} lines/s; ${run.parts} parts, ${run.retried} retried; ${formatRate(run.findings)} findings, hash ${run.hash.slice(0, 16)} (${run.load})\n`,
      );
    }
  } finally {
    await adminQuery(options.serverUrl, `drop database if exists ${templateName} with (force)`);
  }
  return figures;
}

export function describeScaleOut(figures: readonly RunFigures[]): string[] {
  const one = figures.find((f) => f.workers === 1 && !f.killed);
  const out: string[] = [];
  if (one) {
    for (const f of figures.filter((x) => !x.killed && x.workers > 1)) out.push(`  ${f.workers} workers against 1: ${(one.seconds / f.seconds).toFixed(2)} × faster`);
  }
  const hashes = new Set(figures.map((f) => f.hash));
  out.push(`  findings hash ${hashes.size === 1 ? "identical" : "DIFFERENT"} across ${figures.map((f) => `${f.workers}${f.killed ? " (one killed)" : ""}`).join(", ")} worker runs: ${[...hashes].map((h) => h.slice(0, 16)).join(", ")}`);
  const lines = new Set(figures.map((f) => f.lines));
  out.push(`  lines audited ${lines.size === 1 ? "identical" : "DIFFERENT"} in every run (${[...lines].map((l) => formatRate(l)).join(", ")}): nothing counted twice`);
  return out;
}

async function main(): Promise<void> {
  const serverUrl = argValue("--pg") ?? process.env.DATABASE_URL ?? null;
  if (!serverUrl) throw new Error("give --pg URL (a PostgreSQL server where databases may be created): the queue needs one");
  const lines = Number(argValue("--lines") ?? 1_000_000);
  const workers = (argValue("--workers") ?? "1,2,4").split(",").map(Number);
  const partLines = argValue("--part-lines");
  console.log(`scale-out: ${formatRate(lines)} lines, workers ${workers.join(", ")}${hasFlag("--no-kill") ? "" : ", then 2 with one killed -9 halfway"}; ${os.cpus().length} CPUs (${loadText()})`);
  const figures = await benchScaleOut({ serverUrl, lines, seed: Number(argValue("--seed") ?? 1), workers, kill: !hasFlag("--no-kill"), ...(partLines ? { partLines: Number(partLines) } : {}) });
  for (const line of describeScaleOut(figures)) console.log(line);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) await main();
