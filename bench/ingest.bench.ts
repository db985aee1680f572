/**
 * Invoice ingestion benchmark. Prints figures; asserts nothing.
 *
 *   npx tsx bench/ingest.bench.ts [--quick]
 *
 * 1. PDF invoices per second: the project's reader and extractor (warm, one thread) on generated
 *    two-page invoices drawn by pdfkit and pdf-lib, against `pdftotext -layout` (poppler-utils)
 *    spawned on the same files, which only turns the PDF into text; and the ratio.
 * 2. The same PDFs through the worker pool (parseFiles with 2 workers, start-up included).
 * 3. XLSX and CSV lines per second (one large invoice each).
 * 4. End to end on the embedded database: ingestFiles for the PDFs (hash, store, write).
 * --quick: fewer and smaller files.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openDatabase } from "../src/db/connection.js";
import { migrateLatest } from "../src/db/migrate.js";
import { readInvoiceFile, type ReadContext } from "../src/ingest/read-invoice-file.js";
import { readPdf, warmUpPdfReader } from "../src/ingest/readers/pdf.reader.js";
import { ingestFiles } from "../src/services/ingest/ingest-files.js";
import { parseFiles, readFilesAtOnce } from "../src/services/ingest/ingest-parse.js";
import { pdfkitLayout, pdfLibLayout, tableOps, type PdfLayout, type TextOp } from "../tests/fixtures/invoices/pdf-builders.js";
import { FIXTURE_PROVIDER_ROWS, FIXTURE_PROVIDERS } from "../tests/fixtures/invoices/providers.js";
import { csvText, xlsxWorkbook, type CellValue } from "../tests/fixtures/invoices/spreadsheet-builders.js";
import { LINE_KEYWORDS } from "../tests/support/line-keywords.js";

const quick = process.argv.includes("--quick");
const PDF_COUNT = quick ? 12 : 60;
const SHEET_LINES = quick ? 2_000 : 20_000;

/** A two-page invoice of 36 lines: repeated headings, carried and brought forward rows. */
function benchLayout(n: number): PdfLayout {
  const columns = [{ x: 40 }, { x: 100 }, { x: 260 }, { x: 320 }, { x: 380, width: 40, align: "right" as const }, { x: 430, width: 60, align: "right" as const }, { x: 500, width: 60, align: "right" as const }];
  const headings = ["Child Ref", "Description", "From", "To", "Nights", "Rate", "Amount"];
  const row = (i: number): string[] => [`C${1000 + i}`, "Standard foster placement", "01/10/2026", "31/10/2026", "31", "£131.00", "£4,061.00"];
  const ops: TextOp[] = [
    { x: 40, y: 50, text: "Oakfield Fostering Ltd", size: 14, bold: true },
    { x: 40, y: 66, text: "VAT Reg No: GB 123 4567 89" },
    { x: 350, y: 50, text: `Invoice No: OFP-${5000 + n}` },
    { x: 350, y: 62, text: "Invoice Date: 3 November 2026" },
    { x: 350, y: 74, text: "Period: October 2026" },
    ...tableOps(columns, [headings, ...Array.from({ length: 18 }, (_, i) => row(i))], 110, 14),
    { x: 100, y: 380, text: "Carried forward" },
    { x: 500, y: 380, width: 60, align: "right", text: "£73,098.00" },
    { page: 2, x: 40, y: 50, text: `Oakfield Fostering Ltd – Invoice No: OFP-${5000 + n} (continued)` },
    ...tableOps(columns, [headings, ["", "Brought forward", "", "", "", "", "£73,098.00"], ...Array.from({ length: 18 }, (_, i) => row(18 + i))], 80, 14, 2),
    { page: 2, x: 380, y: 380, text: "Total Due" },
    { page: 2, x: 500, y: 380, width: 60, align: "right", text: "£146,196.00" },
  ];
  return { pages: 2, ops };
}

function rate(count: number, ms: number): string {
  return (count / (ms / 1000)).toFixed(1);
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pa-bench-ingest-"));
  console.log(`Ingest benchmark (${quick ? "quick" : "full"}), ${os.availableParallelism()} CPU(s), Node ${process.version}`);

  // Files
  const pdfs: Array<{ name: string; bytes: Buffer; file: string }> = [];
  for (let i = 0; i < PDF_COUNT; i++) {
    const bytes = i % 2 === 0 ? await pdfkitLayout(benchLayout(i)) : await pdfLibLayout(benchLayout(i));
    const name = `invoice-${String(i).padStart(3, "0")}.pdf`;
    const file = path.join(dir, name);
    fs.writeFileSync(file, bytes);
    pdfs.push({ name, bytes, file });
  }
  const context: ReadContext = { providers: FIXTURE_PROVIDERS, templates: [], lineKeywords: LINE_KEYWORDS };

  // 1. The project's reader, warm
  let started = performance.now();
  await warmUpPdfReader();
  await readPdf(pdfs[0]!.bytes);
  console.log(`\nPDF reader warm-up (first file in a process): ${(performance.now() - started).toFixed(0)} ms`);
  started = performance.now();
  let lines = 0;
  for (const pdf of pdfs) {
    const outcome = await readInvoiceFile(pdf.name, pdf.bytes, context);
    if (outcome.status !== "ok") throw new Error(`${pdf.name}: ${outcome.message}`);
    lines += outcome.invoice.lines.length;
  }
  const projectMs = performance.now() - started;
  console.log(`project (read + extract + classify), ${PDF_COUNT} two-page invoices, ${lines} lines: ${projectMs.toFixed(0)} ms = ${rate(PDF_COUNT, projectMs)} invoices/s`);
  started = performance.now();
  for (const pdf of pdfs) await readPdf(pdf.bytes);
  const readOnlyMs = performance.now() - started;
  console.log(`project text layer only (pdfjs positioned items → rows):            ${readOnlyMs.toFixed(0)} ms = ${rate(PDF_COUNT, readOnlyMs)} invoices/s`);

  // pdftotext -layout on the same files
  const probe = spawnSync("pdftotext", ["-v"], { encoding: "utf8" });
  if (probe.error) {
    console.log("pdftotext: not installed (apt-get install -y poppler-utils); no comparison");
  } else {
    started = performance.now();
    for (const pdf of pdfs) {
      const result = spawnSync("pdftotext", ["-layout", pdf.file, "-"], { encoding: "utf8" });
      if (result.status !== 0) throw new Error(`pdftotext failed on ${pdf.name}`);
    }
    const popplerMs = performance.now() - started;
    console.log(`pdftotext -layout (spawned, text only, no extraction):               ${popplerMs.toFixed(0)} ms = ${rate(PDF_COUNT, popplerMs)} invoices/s`);
    console.log(`ratio project / pdftotext (invoices per second): ${(popplerMs / projectMs).toFixed(2)} (text layer only: ${(popplerMs / readOnlyMs).toFixed(2)})`);
  }

  // 2. Worker pool
  started = performance.now();
  readFilesAtOnce(2);
  const pooled = await parseFiles(pdfs, context);
  const poolMs = performance.now() - started;
  console.log(`worker pool, 2 workers (start-up included): ${poolMs.toFixed(0)} ms = ${rate(PDF_COUNT, poolMs)} invoices/s (${pooled.filter((o) => o.status === "ok").length} read)`);

  // 3. Spreadsheets
  const sheetRows: CellValue[][] = [["Oakfield Fostering Ltd"], ["Invoice No", "OFP-9999"], ["Invoice Date", "01/11/2026"], ["Period", "October 2026"], [], ["Child Ref", "Description", "From", "To", "Nights", "Rate", "Amount"]];
  for (let i = 0; i < SHEET_LINES; i++) sheetRows.push([`C${i}`, "Standard foster placement", new Date(Date.UTC(2026, 9, 1)), new Date(Date.UTC(2026, 9, 31)), 31, 131, 4061]);
  sheetRows.push([null, null, null, null, null, "Total", 4061 * SHEET_LINES]);
  const xlsx = await xlsxWorkbook([{ name: "Invoice", rows: sheetRows }]);
  started = performance.now();
  const fromXlsx = await readInvoiceFile("big.xlsx", xlsx, context);
  const xlsxMs = performance.now() - started;
  console.log(`\nXLSX, ${SHEET_LINES} lines (${(xlsx.byteLength / 1024).toFixed(0)} KiB): ${xlsxMs.toFixed(0)} ms = ${rate(SHEET_LINES, xlsxMs)} lines/s (${fromXlsx.status})`);
  const csvCell = (v: CellValue): string => (v instanceof Date ? v.toISOString().slice(0, 10) : v === null ? "" : typeof v === "object" ? String(v.result) : String(v));
  const csvRows = sheetRows.map((r) => r.map(csvCell));
  const csv = Buffer.from(csvText(csvRows, ","), "utf8");
  started = performance.now();
  const fromCsv = await readInvoiceFile("big.csv", csv, context);
  const csvMs = performance.now() - started;
  console.log(`CSV, ${SHEET_LINES} lines (${(csv.byteLength / 1024).toFixed(0)} KiB): ${csvMs.toFixed(0)} ms = ${rate(SHEET_LINES, csvMs)} lines/s (${fromCsv.status})`);

  // 4. End to end on the embedded database
  const dataDir = path.join(dir, "data");
  const db = await openDatabase({ databaseUrl: null, dataDir });
  try {
    await migrateLatest(db.knex);
    await db.knex("providers").insert(FIXTURE_PROVIDER_ROWS);
    started = performance.now();
    const report = await ingestFiles(db, pdfs.map((p) => ({ name: p.name, path: p.file })), { authorityId: 1, dataDir });
    const e2eMs = performance.now() - started;
    console.log(`\ningestFiles on the embedded database, ${PDF_COUNT} PDFs in this thread: ${e2eMs.toFixed(0)} ms = ${rate(PDF_COUNT, e2eMs)} invoices/s (${report.stored} stored)`);
  } finally {
    await db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
