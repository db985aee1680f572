/**
 * The reader on layouts it was not written for (issue 16): every file of the unseen-layout
 * corpus (tests/fixtures/layouts) read through ingestFiles on a fresh embedded database holding
 * samples/reference, scored field by field against its expected JSON. Prints figures for both
 * halves; asserts nothing.
 *
 *   npx tsx bench/layouts.ts            both halves; the tune half's mismatches in detail
 *   npx tsx bench/layouts.ts --quiet    figures only
 *   npx tsx bench/layouts.ts --half tune    one half only (while tuning, the held-out half is not run)
 *   npx tsx bench/layouts.ts --half tune --only 'variant-1[01]-*' --no-speed
 *                                       only the files whose name matches the glob (`*` any run of
 *                                       characters, `?` one, `[01]` one of a set), to measure one batch of new layouts;
 *   npx tsx bench/layouts.ts --half tune --only credit    with no wildcard, the files whose name contains it
 *
 * The held-out half is reported by file and figure only, never by field: it is for measuring
 * the reader, not for tuning it.
 *
 * Then the speed of reading: read + extract (readLayout and extractInvoice, warm, one thread) on
 * every PDF of the tune half against `pdftotext -layout` spawned on the same files (which only
 * turns the PDF into text); `--no-speed` leaves it out.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openDatabase } from "../src/db/connection.js";
import { migrateLatest } from "../src/db/migrate.js";
import { extractInvoice, readLayout } from "../src/ingest/index.js";
import { corpusFiles, loadSampleReference, scoreCorpus, summarise, type FileScore, type Half, type HalfSummary } from "../tests/fixtures/layouts/score.js";
import { argValue, hasFlag, loadText } from "./support.js";

function ratio(s: HalfSummary): string {
  return s.total === 0 ? "n/a" : (s.right / s.total).toFixed(3);
}

/**
 * A file-name glob as a regular expression: `*` any run of characters, `?` one, `[01]` one of a
 * set, the rest literal; a glob with no wildcard matches the names that contain it.
 */
function globMatcher(given: string): RegExp {
  const glob = /[*?[]/.test(given) ? given : `*${given}*`;
  const body = glob.replace(/[.+^${}()|\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${body}$`);
}

async function scoreHalf(half: Half, only: RegExp | null): Promise<{ scores: FileScore[]; summary: HalfSummary }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `pa-bench-layouts-${half}-`));
  const db = await openDatabase({ databaseUrl: null, dataDir });
  try {
    await migrateLatest(db.knex);
    await loadSampleReference(db);
    const scores = await scoreCorpus(db, dataDir, corpusFiles(half).filter((f) => only === null || only.test(f.name)));
    return { scores, summary: summarise(scores) };
  } finally {
    await db.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

const ROUNDS = 5;

/**
 * Read + extract against pdftotext -layout on the tune half's PDFs: each file timed both ways in
 * turn, five rounds, the best time of each file kept (the machine is shared: the best time is the
 * work, the rest is waiting), then the mean per file.
 */
async function speed(): Promise<void> {
  const pdfs = corpusFiles("tune").filter((f) => f.name.endsWith(".pdf")).map((f) => ({ ...f, bytes: fs.readFileSync(f.path) }));
  const first = pdfs[0];
  if (!first) return;
  await readLayout(first.name, first.bytes); // warm the reader once, as a running process is
  const hasPoppler = !spawnSync("pdftotext", ["-v"], { encoding: "utf8" }).error;
  const ours = pdfs.map(() => Number.POSITIVE_INFINITY);
  const poppler = pdfs.map(() => Number.POSITIVE_INFINITY);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [index, pdf] of pdfs.entries()) {
      let started = performance.now();
      extractInvoice(await readLayout(pdf.name, pdf.bytes));
      ours[index] = Math.min(ours[index] ?? Number.POSITIVE_INFINITY, performance.now() - started);
      if (!hasPoppler) continue;
      started = performance.now();
      spawnSync("pdftotext", ["-layout", pdf.path, "-"], { encoding: "utf8" });
      poppler[index] = Math.min(poppler[index] ?? Number.POSITIVE_INFINITY, performance.now() - started);
    }
  }
  const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;
  const line = `\nspeed (${pdfs.length} tune PDFs, best of ${ROUNDS} per file): read + extract ${mean(ours).toFixed(1)} ms per file`;
  if (!hasPoppler) console.log(`${line}; pdftotext not installed, no comparison`);
  else console.log(`${line}; pdftotext -layout ${mean(poppler).toFixed(1)} ms per file; ratio ${(mean(ours) / mean(poppler)).toFixed(2)} × (target ≤ 1.5 ×)`);
}

async function main(): Promise<void> {
  const quiet = hasFlag("--quiet");
  console.log(`Unseen layouts (${loadText()})`);
  const oneHalf = argValue("--half");
  const onlyGlob = argValue("--only");
  const halves = (["tune", "heldout"] as const).filter((h) => oneHalf === undefined || oneHalf === h);
  for (const half of halves) {
    const { scores, summary } = await scoreHalf(half, onlyGlob === undefined ? null : globMatcher(onlyGlob));
    console.log(`\n${half}: ${summary.files} files, ${summary.stored} stored; fields right ${summary.right}/${summary.total} = ${ratio(summary)}; silent wrong ${summary.silentWrong}; read exactly yet marked to verify ${summary.markedExact}`);
    for (const s of scores) {
      console.log(`  ${s.name.padEnd(44)} ${(s.marked ? "to verify" : s.status).padEnd(16)} ${String(s.right).padStart(4)}/${String(s.total).padEnd(4)} silent ${s.silentWrong}${s.reasonCode ? `  (${s.reasonCode})` : ""}`);
      if (half === "tune" && !quiet) for (const m of s.mismatches.slice(0, 12)) console.log(`      ${m}`);
    }
  }
  if (!hasFlag("--no-speed")) await speed();
}

await main();
