/**
 * Hostile files while the web server answers (issue 22). Each generated file is ingested in
 * this process, as an upload or the inbox would, while a client asks the same process's web
 * server for /api/session every 50 ms. Prints, per file: how long until it was in "needs
 * attention", this process's peak RSS, the largest parser child's RSS, and /api/session's
 * median and worst latency meanwhile. Asserts nothing (a benchmark is never a test).
 *
 *   npx tsx bench/hostile.bench.ts
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openDatabase } from "../src/db/connection.js";
import { migrateLatest } from "../src/db/migrate.js";
import { silentLogger } from "../src/logger.js";
import { ingestFiles } from "../src/services/ingest-files.js";
import { createApp, startServer } from "../src/web/app.js";
import { cyclicPageTreePdf, forgedDirectoryXlsx, hugeXlsx, nulTextPdf, streamBombPdf, textOperatorBombPdf } from "../tests/fixtures/hostile-files.js";

const FILES: [string, () => Promise<Buffer> | Buffer][] = [
  ["forged-directory.xlsx (inflates to 1 GiB)", () => forgedDirectoryXlsx(1024)],
  ["huge-within-limits.xlsx", () => hugeXlsx()],
  ["stream-bomb.pdf (inflates to 1 GiB)", () => streamBombPdf(1024)],
  ["text-operator-bomb.pdf (2M operators)", () => textOperatorBombPdf()],
  ["nul-text.pdf", () => nulTextPdf()],
  ["cyclic-page-tree.pdf", () => cyclicPageTreePdf()],
];

function childrenRssMb(): number {
  try {
    const pids = fs.readFileSync(`/proc/${process.pid}/task/${process.pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean);
    let max = 0;
    for (const pid of pids) {
      const pages = Number(fs.readFileSync(`/proc/${pid}/statm`, "utf8").split(" ")[1]);
      max = Math.max(max, (pages * 4096) / (1024 * 1024));
    }
    return max;
  } catch {
    return 0;
  }
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "pa-hostile-bench-"));
const db = await openDatabase({ databaseUrl: null, dataDir });
await migrateLatest(db.knex);
const logger = silentLogger();
const server = await startServer({
  app: createApp({ db, dataDir, logger, sessionSecret: "bench", councilName: "Bench", anonymousRequestsPerMinute: 1_000_000 }),
  port: 0,
  host: "127.0.0.1",
  logger,
});
console.log(`hostile files while the web server answers (load ${os.loadavg()[0]?.toFixed(1)}, ${os.availableParallelism()} cores)`);
console.log("file | seconds | outcome | this process peak RSS MB | largest parser child RSS MB | /api/session p50 / max ms");
try {
  for (const [label, make] of FILES) {
    const bytes = await make();
    const latencies: number[] = [];
    let peakRss = process.memoryUsage().rss;
    let peakChild = 0;
    let running = true;
    const sampler = (async () => {
      while (running) {
        const started = performance.now();
        await fetch(`${server.url}/api/session`).then((r) => r.arrayBuffer());
        latencies.push(performance.now() - started);
        peakRss = Math.max(peakRss, process.memoryUsage().rss);
        peakChild = Math.max(peakChild, childrenRssMb());
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    const started = performance.now();
    const report = await ingestFiles(db, [{ name: label.split(" ")[0] ?? "file", bytes }], { dataDir, logger });
    const elapsed = (performance.now() - started) / 1000;
    running = false;
    await sampler;
    const file = report.files[0];
    console.log(
      `${label} | ${elapsed.toFixed(1)} | ${file?.status ?? "?"} (${file?.reasonCode ?? ""}) | ${(peakRss / (1024 * 1024)).toFixed(0)} | ${peakChild.toFixed(0)} | ${percentile(latencies, 0.5).toFixed(0)} / ${Math.max(...latencies).toFixed(0)}`,
    );
  }
} finally {
  await server.close();
  await db.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
