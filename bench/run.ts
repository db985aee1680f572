/**
 * All the benchmarks, one after another, with the figures and the targets of issue 9 at the end.
 * Prints figures; asserts nothing (a benchmark is never a test).
 *
 *   npm run bench                        full: audit at 10k, 100k and 1M lines (takes a while)
 *   npm run bench -- --quick             about a minute: 10k lines, smaller ingest and import runs
 *   npm run bench -- --pg postgres://postgres@127.0.0.1:5432/test   also on real PostgreSQL
 *   npm run bench -- --only audit,web    some of: engine, audit, scaleout, ingest, layouts, cli, import, web
 *   npm run bench -- --only scaleout --pg URL --scale-lines 100000   the scale-out figure alone, at 100k lines
 *
 * PostgreSQL is used when --pg or DATABASE_URL names a server where databases may be created:
 * each benchmark creates a fresh database and drops it after. Figures depend on the machine
 * and on what else it is doing: each section prints the load average when it ran.
 */
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { benchAudit, describeAuditResult, describeFindings, type AuditBenchResult } from "./audit.bench.js";
import type { Target } from "./databases.js";
import { auditInMemory, cpuMicrosPerLine, generateInMemory, medianWarmPass } from "./engine.bench.js";
import { argValue, formatRate, hasFlag, loadText, peakRssMb, seconds } from "./support.js";
import { benchWeb, describeWebResult, type EndpointFigures, type WebBenchResult } from "./web.bench.js";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const quick = hasFlag("--quick");
const serverUrl = argValue("--pg") ?? process.env.DATABASE_URL ?? null;
const only = argValue("--only")?.split(",");
const wanted = (section: string): boolean => only === undefined || only.includes(section);
const seed = Number(argValue("--seed") ?? 1);

function heading(title: string): void {
  console.log(`\n== ${title} (${loadText()})`);
}

/** Runs another benchmark script as it is, passing its output through. */
async function runScript(script: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<void> {
  const { spawn } = await import("node:child_process");
  await new Promise<void>((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(HERE, script), ...args], { stdio: "inherit", env: { ...process.env, ...env } });
    child.on("close", (code) => {
      if (code !== 0) console.log(`  ${script} exited with ${code}`);
      resolve();
    });
    child.on("error", (error) => {
      console.log(`  ${script} could not run: ${error.message}`);
      resolve();
    });
  });
}

interface Verdict {
  target: string;
  figure: string;
  met: boolean | null;
}

async function main(): Promise<void> {
  const started = performance.now();
  console.log(`placement-audit benchmarks (${quick ? "quick" : "full"}), Node ${process.version}, ${os.cpus().length} CPUs, ${Math.round(os.totalmem() / 2 ** 30)} GB`);
  console.log(`PostgreSQL: ${serverUrl ? "yes" : "no (give --pg URL or DATABASE_URL)"}`);
  const verdicts: Verdict[] = [];
  const audits: AuditBenchResult[] = [];
  let webResult: WebBenchResult | null = null;

  if (wanted("engine")) {
    heading("audit engine alone, in memory");
    const lines = quick ? 10_000 : 100_000;
    const { invoices, authority } = generateInMemory(lines, seed);
    // Four times: the first pass includes warming up the JIT; the median of the warm passes'
    // CPU time per line is judged (the machine is shared: CPU time is steadier than the wall clock).
    const passes: ReturnType<typeof auditInMemory>[] = [];
    for (let pass = 1; pass <= 4; pass++) {
      const figures = auditInMemory(authority, invoices);
      passes.push(figures);
      const label = pass === 1 ? "pass 1 (cold)" : `pass ${pass} (warm)`;
      console.log(`  ${label.padEnd(14)} ${formatRate(figures.lines)} lines: CPU ${cpuMicrosPerLine(figures).toFixed(2)} µs/line = ${formatRate(figures.linesPerCpuSecond)} lines/s; wall ${figures.seconds.toFixed(2)} s; ${formatRate(figures.findings)} findings, peak RSS ${peakRssMb()} MB; ${loadText()}`);
    }
    const median = medianWarmPass(passes);
    if (median !== null) {
      verdicts.push({
        target: "engine alone ≥ 150,000 lines/s on one core (warm)",
        figure: `${formatRate(median.linesPerCpuSecond)} lines per CPU second (${cpuMicrosPerLine(median).toFixed(2)} µs/line, median of 3 warm passes) at ${formatRate(median.lines)} lines`,
        met: median.linesPerCpuSecond >= 150_000,
      });
    }
  }

  let kept: { target: Target; drop: () => Promise<void>; lines: number; findings: number } | null = null;
  if (wanted("audit") || wanted("web")) {
    heading("audit end to end: runAudit reads, audits and writes findings");
    const sizes = quick ? [10_000] : [10_000, 100_000, 1_000_000];
    const pgSizes = sizes;
    const webLines = quick ? 10_000 : 1_000_000;
    const plans: { db: "embedded" | "postgres"; lines: number }[] = [];
    if (wanted("audit")) for (const lines of sizes) plans.push({ db: "embedded", lines });
    if (serverUrl && wanted("audit")) for (const lines of pgSizes) plans.push({ db: "postgres", lines });
    // The web benchmark reuses the audited database of its size (PostgreSQL when there is one).
    const webDb: "embedded" | "postgres" = serverUrl ? "postgres" : "embedded";
    if (wanted("web") && !plans.some((p) => p.db === webDb && p.lines === webLines)) plans.push({ db: webDb, lines: webLines });
    for (const plan of plans) {
      const keep = wanted("web") && plan.db === webDb && plan.lines === webLines;
      try {
        const result = await benchAudit({ db: plan.db, lines: plan.lines, seed, serverUrl, rerun: false, keep });
        if (result.target && result.drop) kept = { target: result.target, drop: result.drop, lines: result.seed.lines, findings: result.audit.findingsRaised };
        audits.push(result);
        for (const line of describeAuditResult(result)) console.log(line);
      } catch (error) {
        console.log(`  ${plan.db} ${formatRate(plan.lines)} lines failed: ${(error as Error).message}`);
      }
    }
    const largest = audits[audits.length - 1];
    if (largest && wanted("audit")) {
      console.log(`  findings by rule at ${formatRate(largest.audit.linesAudited)} lines (${largest.db}), beside the errors planted:`);
      for (const line of describeFindings(largest)) console.log(`  ${line}`);
    }
  }

  if (wanted("scaleout")) {
    heading("scale-out on the work queue: 1, 2 and 4 worker processes, each its own empty DATA_DIR (bench/scale-out.bench.ts)");
    if (serverUrl) {
      const lines = argValue("--scale-lines") ?? (quick ? "100000" : "1000000");
      await runScript("scale-out.bench.ts", ["--lines", lines, "--seed", String(seed)], { DATABASE_URL: serverUrl });
    } else {
      console.log("  needs PostgreSQL (--pg URL): the queue and the originals live there");
    }
  }

  if (wanted("ingest")) {
    heading("ingestion (bench/ingest.bench.ts)");
    await runScript("ingest.bench.ts", quick ? ["--quick"] : []);
  }

  if (wanted("layouts")) {
    heading("unseen layouts: fields right, tune and held-out halves (bench/layouts.ts)");
    await runScript("layouts.ts", ["--quiet"]);
  }

  if (wanted("cli")) {
    heading("command line: --help from a cold start (bench/cli-help.bench.ts)");
    await runScript("cli-help.bench.ts", []);
  }

  if (wanted("import")) {
    heading(`reference import of ${quick ? "5,000" : "50,000"} placements (bench/import.bench.ts)`);
    await runScript("import.bench.ts", quick ? ["--quick"] : [], serverUrl ? { DATABASE_URL: serverUrl } : {});
  }

  if (wanted("web")) {
    heading("review pages and JSON API under autocannon (loopback; 1 connection, then 10)");
    if (kept) {
      try {
        webResult = await benchWeb({
          db: kept.target.kind,
          lines: kept.lines,
          seed,
          serverUrl,
          seconds: quick ? 1 : 5,
          connections: 10,
          audited: { target: kept.target, lines: kept.lines, findings: kept.findings },
          ...(quick ? { endpoints: ["invoices page", "findings page", "API findings, open", "API invoice"] } : {}),
        });
        for (const line of describeWebResult(webResult)) console.log(line);
      } catch (error) {
        console.log(`  web benchmark failed: ${(error as Error).message}`);
      } finally {
        await kept.drop();
      }
    } else {
      console.log("  no audited database to serve (the audit benchmark of its size failed)");
    }
  }

  // Issue 24's targets for the audit, judged on what ran.
  const pg = audits.filter((a) => a.db === "postgres");
  const biggestPg = pg.reduce<AuditBenchResult | null>((best, a) => (best === null || a.audit.linesAudited > best.audit.linesAudited ? a : best), null);
  const smallestPg = pg.reduce<AuditBenchResult | null>((best, a) => (best === null || a.audit.linesAudited < best.audit.linesAudited ? a : best), null);
  if (biggestPg) {
    const a = biggestPg.audit;
    verdicts.push({ target: "audit on PostgreSQL ≥ 80,000 lines/s end to end, one process", figure: `${formatRate(a.linesPerSecond)} lines/s at ${formatRate(a.linesAudited)} lines (${a.load})`, met: a.linesPerSecond >= 80_000 });
    const floor = biggestPg.floor.psqlCopySeconds ?? biggestPg.floor.streamSeconds;
    verdicts.push({ target: "within 10 × the COPY floor (same run)", figure: `${(a.seconds / floor).toFixed(1)} × (${a.seconds.toFixed(1)} s against ${floor.toFixed(2)} s)`, met: a.seconds <= 10 * floor });
    verdicts.push({ target: "peak RSS ≤ 400 MB", figure: `${a.peakRssMb} MB at ${formatRate(a.linesAudited)} lines`, met: a.peakRssMb <= 400 });
    if (smallestPg && smallestPg !== biggestPg) {
      const ratio = (a.seconds / a.linesAudited) / (smallestPg.audit.seconds / smallestPg.audit.linesAudited);
      verdicts.push({ target: "per-line cost at the largest size ≤ 1.2 × at the smallest", figure: `${ratio.toFixed(2)} × (${formatRate(a.linesAudited)} against ${formatRate(smallestPg.audit.linesAudited)} lines)`, met: ratio <= 1.2 });
    }
  }
  if (webResult?.available) {
    const worstSingle = webResult.endpoints.reduce((w, e) => (e.single.p95 > w.single.p95 ? e : w), webResult.endpoints[0] as EndpointFigures);
    const worst = webResult.endpoints.reduce((w, e) => (e.p95 > w.p95 ? e : w), webResult.endpoints[0] as EndpointFigures);
    verdicts.push({ target: "page/API p95 < 100 ms (1 connection)", figure: `worst p95 ${worstSingle.single.p95.toFixed(0)} ms (${worstSingle.name}) at ${formatRate(webResult.lines)} lines`, met: worstSingle.single.p95 < 100 });
    verdicts.push({ target: `page/API p95 < 100 ms (${webResult.connections} connections)`, figure: `worst p95 ${worst.p95.toFixed(0)} ms (${worst.name}) at ${formatRate(webResult.lines)} lines`, met: worst.p95 < 100 });
  } else if (webResult) {
    verdicts.push({ target: "page/API p95 < 100 ms", figure: webResult.reason ?? "web app not available", met: null });
  }
  if (verdicts.length > 0) {
    heading("targets (2 cores); quick runs are smaller than the targets' 1M lines");
    for (const v of verdicts) console.log(`  ${(v.met === null ? "n/a " : v.met ? "MET " : "MISS").padEnd(5)} ${v.target.padEnd(58)} ${v.figure}`);
  }
  console.log(`\nall benchmarks: ${seconds(started).toFixed(0)} s`);
}

await main();
