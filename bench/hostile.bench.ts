/**
 * Hostile files while the web server answers (issue 22). Each generated file is ingested in
 * this process, as an upload or the inbox would, while a client asks the same process's web
 * server for /api/session every 50 ms. Prints, per file: how long until it was in "needs
 * attention", the peak resident memory of the whole process tree (this process, its parser
 * children and theirs, sampled every 20 ms from /proc by a sampler process of its own), of this process alone and of the
 * children together, and /api/session's median and worst latency meanwhile. Asserts nothing
 * (a benchmark is never a test).
 *
 *   npx tsx bench/hostile.bench.ts                 # the embedded database, opened as `serve` opens it
 *   npx tsx bench/hostile.bench.ts --pg postgres://postgres@127.0.0.1:5432/test
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { migrateLatest } from "../src/db/migrate.js";
import { silentLogger } from "../src/logger.js";
import { ingestFiles } from "../src/services/ingest/ingest-files.js";
import { createApp, startServer } from "../src/web/app.js";
import { cyclicPageTreePdf, forgedDirectoryXlsx, heavyContentPdf, hugeXlsx, nulTextPdf, streamBombPdf, textOperatorBombPdf } from "../tests/fixtures/hostile-files.js";
import { createTarget, openTarget, parseTarget, safeUrl, targetText } from "./databases.js";
import { startTreeSampler, treeMemory } from "./process-tree.js";
import { argValue } from "./support.js";

const FILES: [string, () => Promise<Buffer> | Buffer][] = [
  ["forged-directory.xlsx (inflates to 1 GiB)", () => forgedDirectoryXlsx(1024)],
  ["huge-within-limits.xlsx", () => hugeXlsx()],
  ["stream-bomb.pdf (inflates to 1 GiB)", () => streamBombPdf(1024)],
  ["text-operator-bomb.pdf (2M operators)", () => textOperatorBombPdf()],
  ["heavy-content.pdf (4 × 60 MiB streams, within the caps)", () => heavyContentPdf()],
  ["nul-text.pdf", () => nulTextPdf()],
  ["cyclic-page-tree.pdf", () => cyclicPageTreePdf()],
];

const mb = (bytes: number): string => (bytes / (1024 * 1024)).toFixed(0);

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
}

// The files are generated, and the database made and migrated, by a child run of this script
// first: generating them (a GiB deflated in memory) and PGlite's initdb (which grows its memory
// to ~850 MB, never given back) are not what a running `serve` carries.
const prepareInto = argValue("--prepare");
const prepareTarget = argValue("--target");
if (prepareInto && prepareTarget) {
  for (const [i, [, make]] of FILES.entries()) fs.writeFileSync(path.join(prepareInto, String(i)), await make());
  const db = await openTarget(parseTarget(prepareTarget));
  await migrateLatest(db.knex);
  await db.close();
  process.exit(0);
}

const serverUrl = argValue("--pg") ?? null;
const { target, drop } = await createTarget(serverUrl ? "postgres" : "embedded", serverUrl, "hostile");
const filesDir = fs.mkdtempSync(path.join(os.tmpdir(), "pa-hostile-files-"));
const dataDir = target.kind === "embedded" ? target.dataDir : fs.mkdtempSync(path.join(os.tmpdir(), "pa-hostile-data-"));
const prepared = spawnSync(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), "--prepare", filesDir, "--target", targetText(target)], { stdio: "inherit" });
if (prepared.status !== 0) throw new Error("preparing the hostile files and the database failed");

const started = treeMemory();
const db = await openTarget(target);
const opened = treeMemory();
const logger = silentLogger();
const server = await startServer({
  app: createApp({ db, dataDir, logger, sessionSecret: "bench", councilName: "Bench", anonymousRequestsPerMinute: 1_000_000 }),
  port: 0,
  host: "127.0.0.1",
  logger,
});
await fetch(`${server.url}/api/session`).then((r) => r.arrayBuffer());
const serving = treeMemory();
console.log(`hostile files while the web server answers (${target.kind === "embedded" ? "embedded database" : `PostgreSQL ${safeUrl(serverUrl ?? "")}`}; load ${os.loadavg()[0]?.toFixed(1)}, ${os.availableParallelism()} cores)`);
console.log(`this process: ${mb(started.selfBytes)} MB with the code loaded, ${mb(opened.selfBytes)} MB with the database open, ${mb(serving.selfBytes)} MB serving`);
console.log("Memory is resident MB, peaks sampled every 20 ms; \"tree\" is this process and every descendant together.");
console.log("file | seconds | outcome | tree before → peak | this process peak | parser children peak (largest one) | /api/session p50 / p95 / max ms | this process's event loop delay max ms");
let treePeak = 0;
const sampler = await startTreeSampler(process.pid, 20);
try {
  for (const [i, [label]] of FILES.entries()) {
    const bytes = fs.readFileSync(path.join(filesDir, String(i)));
    const latencies: number[] = [];
    let failures = 0;
    await sampler.reset();
    const before = (await sampler.peaks()).treePeakBytes;
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    let running = true;
    const asking = (async () => {
      while (running) {
        const asked = performance.now();
        try {
          await fetch(`${server.url}/api/session`).then((r) => r.arrayBuffer());
          latencies.push(performance.now() - asked);
        } catch {
          failures++; // a kept-alive connection the server had just closed: counted, not timed
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    const begun = performance.now();
    const report = await ingestFiles(db, [{ name: label.split(" ")[0] ?? "file", bytes }], { dataDir, logger, authorityId: 1 });
    const elapsed = (performance.now() - begun) / 1000;
    running = false;
    await asking;
    const peaks = await sampler.peaks();
    loopDelay.disable();
    treePeak = Math.max(treePeak, peaks.treePeakBytes);
    const file = report.files[0];
    console.log(
      `${label} | ${elapsed.toFixed(1)} | ${file?.status ?? "?"} (${file?.reasonCode ?? ""}) | ${mb(before)} → ${mb(peaks.treePeakBytes)} | ${mb(peaks.selfPeakBytes)} | ${mb(peaks.descendantsPeakBytes)} (${mb(peaks.largestDescendantPeakBytes)}) | ${percentile(latencies, 0.5).toFixed(0)} / ${percentile(latencies, 0.95).toFixed(0)} / ${Math.max(...latencies).toFixed(0)} (${latencies.length} requests${failures ? `, ${failures} reset` : ""}) | ${(loopDelay.max / 1e6).toFixed(0)}`,
    );
  }
  // maxRSS is the kernel's high-water mark of this process (not sampled, so nothing is missed).
  console.log(`peak of the whole tree over every file: ${mb(treePeak)} MB; this process's high-water mark: ${mb(process.resourceUsage().maxRSS * 1024)} MB`);
} finally {
  sampler.stop();
  await server.close();
  await db.close();
  await drop();
  if (target.kind === "postgres") fs.rmSync(dataDir, { recursive: true, force: true });
  fs.rmSync(filesDir, { recursive: true, force: true });
}
