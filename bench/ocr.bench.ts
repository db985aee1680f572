/**
 * OCR cost (issue 17): seconds a page at 300 dpi on one core with tesseract.js (the product's
 * engine: one warm worker, sparse-text mode), beside Debian's native `tesseract` CLI on the same
 * page images and in the same mode, one thread (skipped, with a message, when it is not
 * installed: `apt-get install tesseract-ocr`; never a dependency); then the peak RSS of a pool of
 * 4 workers reading 4 pages at once; then the second readings of doubtful values (second-look.ts)
 * that reading the corpus's invoices in full adds, per page. Pages: every page of the scanned corpus
 * (tests/fixtures/scans), drawn at 300 dpi as the reader draws them. Asserts nothing.
 *
 *   npx tsx bench/ocr.bench.ts [--pages N]
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { imageFormatOf, pageImages, type PageImage } from "../src/ingest/ocr/page-images.js";
import { OcrEngine, sharedOcrEngine } from "../src/ingest/ocr/ocr-engine.js";
import { readInvoiceFile } from "../src/ingest/read-invoice-file.js";
import { sampleReadContext, scanFiles } from "../tests/fixtures/scans/score-scans.js";
import { argValue, loadText } from "./support.js";

const limit = Number(argValue("--pages") ?? 100);

async function corpusPages(): Promise<PageImage[]> {
  const pages: PageImage[] = [];
  for (const file of scanFiles()) {
    const bytes = fs.readFileSync(file.path);
    for await (const page of pageImages(bytes, imageFormatOf(bytes) ?? "pdf")) pages.push(page);
  }
  return pages.slice(0, limit);
}

function residentMb(): number {
  return process.memoryUsage().rss / (1024 * 1024);
}

async function main(): Promise<void> {
  console.log(`OCR bench (${loadText()}, ${os.availableParallelism()} cores)`);
  let t = performance.now();
  const pages = await corpusPages();
  console.log(`  ${pages.length} page images drawn in ${((performance.now() - t) / 1000).toFixed(1)} s (${pages.map((p) => `${Math.round(p.width)}×${Math.round(p.height)}`).slice(0, 3).join(", ")}…)`);

  // One worker, model loaded once: the sandbox child's engine.
  const one = new OcrEngine(1);
  t = performance.now();
  await one.recognize(pages[0]?.image ?? new Uint8Array());
  console.log(`  tesseract.js: first page (worker start + model load included) ${((performance.now() - t) / 1000).toFixed(1)} s`);
  const cpu = process.cpuUsage();
  t = performance.now();
  for (const page of pages) await one.recognize(page.image);
  const wall = (performance.now() - t) / 1000 / pages.length;
  const used = process.cpuUsage(cpu);
  await one.stop();
  console.log(`  tesseract.js, 1 worker: ${wall.toFixed(2)} s a page (wall), ${((used.user + used.system) / 1e6 / pages.length).toFixed(2)} s CPU a page`);
  const looks = await secondLookCost();
  const withLooks = wall + looks.secondsPerPage;
  const cpuWithLooks = (used.user + used.system) / 1e6 / pages.length + looks.cpuSecondsPerPage;
  console.log(`  second readings (read-invoice-file on the corpus): ${looks.lines} lines read again over ${looks.pages} pages, ${looks.secondsPerPage.toFixed(2)} s a page (wall), ${looks.cpuSecondsPerPage.toFixed(2)} s CPU a page; page + second readings ${withLooks.toFixed(2)} s wall, ${cpuWithLooks.toFixed(2)} s CPU a page`);

  const native = spawnSync("tesseract", ["--version"], { encoding: "utf8" });
  if (native.error || native.status !== 0) {
    console.log("  native tesseract: not installed here (apt-get install tesseract-ocr): comparison skipped");
  } else {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ocr-bench-"));
    try {
      const files = pages.map((page, i) => {
        const file = path.join(dir, `page-${i}.${imageFormatOf(page.image) === "jpeg" ? "jpg" : "png"}`);
        fs.writeFileSync(file, page.image);
        return file;
      });
      t = performance.now();
      // bash's `times` gives the CPU its children used: the fair figure on a shared machine.
      const script = `for f in "$@"; do tesseract "$f" - --psm 11 -l eng >/dev/null 2>&1; done; times`;
      const run = spawnSync("bash", ["-c", script, "bash", ...files], { env: { ...process.env, OMP_THREAD_LIMIT: "1" }, encoding: "utf8" });
      const nativeWall = (performance.now() - t) / 1000 / files.length;
      const children = (run.stdout.trim().split("\n")[1] ?? "").split(/\s+/).map((time) => {
        const m = /(\d+)m([\d.]+)s/.exec(time);
        return m ? Number(m[1]) * 60 + Number(m[2]) : 0;
      });
      const nativeCpu = children.reduce((a, b) => a + b, 0) / files.length;
      const jsCpu = (used.user + used.system) / 1e6 / pages.length;
      console.log(`  native ${native.stdout.split("\n")[0]?.trim()}, 1 thread, same mode: ${nativeWall.toFixed(2)} s a page (wall), ${nativeCpu.toFixed(2)} s CPU a page`);
      console.log(`  tesseract.js / native: ${(wall / nativeWall).toFixed(2)}× wall, ${(jsCpu / nativeCpu).toFixed(2)}× CPU; with second readings ${(withLooks / nativeWall).toFixed(2)}× wall, ${(cpuWithLooks / nativeCpu).toFixed(2)}× CPU`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  // Four workers reading four pages at once: the memory a 4-child OCR pool holds.
  const before = residentMb();
  let peak = before;
  const watch = setInterval(() => {
    peak = Math.max(peak, residentMb());
  }, 20);
  // A generous page limit: on a loaded shared machine four pages at once overran the 60 s one.
  const four = new OcrEngine(4, 300_000);
  t = performance.now();
  await Promise.all(pages.slice(0, 8).map((page) => four.recognize(page.image)));
  clearInterval(watch);
  await four.stop();
  console.log(`  4 workers, ${Math.min(8, pages.length)} pages: ${((performance.now() - t) / 1000).toFixed(1)} s; peak RSS ${Math.round(peak)} MB (${Math.round(before)} MB before the pool)`);
}

/**
 * The time the second readings add: every scan of the corpus read in full as the ingest reads
 * it, the shared engine's line reads timed (they run only for values left in doubt).
 */
async function secondLookCost(): Promise<{ lines: number; pages: number; secondsPerPage: number; cpuSecondsPerPage: number }> {
  const engine = sharedOcrEngine();
  const readLine = engine.readLine.bind(engine);
  let lines = 0;
  let seconds = 0;
  let cpuSeconds = 0;
  engine.readLine = async (image: Uint8Array): Promise<string> => {
    const started = performance.now();
    // Nothing else runs meanwhile (pages are read one after another), so the process's CPU is the line's.
    const cpu = process.cpuUsage();
    try {
      return await readLine(image);
    } finally {
      lines++;
      seconds += (performance.now() - started) / 1000;
      const used = process.cpuUsage(cpu);
      cpuSeconds += (used.user + used.system) / 1e6;
    }
  };
  let pages = 0;
  const context = sampleReadContext();
  for (const file of scanFiles()) {
    await readInvoiceFile(file.name, fs.readFileSync(file.path), context, { scan: { onPage: () => pages++ } });
  }
  await engine.stop();
  return { lines, pages, secondsPerPage: seconds / Math.max(1, pages), cpuSecondsPerPage: cpuSeconds / Math.max(1, pages) };
}

await main();
