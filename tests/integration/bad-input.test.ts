import fs from "node:fs";
import path from "node:path";
import JSZip from "jszip";
import { PDFDocument, StandardFonts } from "pdf-lib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { warmUpPdfReader } from "../../src/ingest/readers/pdf.reader.js";
import { ingestFiles, type IngestFileInput, type IngestFileResult } from "../../src/services/ingest/ingest-files.js";
import { sha256Of } from "../../src/services/ingest/ingest-storage.js";
import { zipClaiming } from "../fixtures/invoices/odd-files.js";
import { pdfkitLayout, pdfLibLayout, scannedPdf } from "../fixtures/invoices/pdf-builders.js";
import { layoutSimple } from "../fixtures/invoices/pdf-layouts.js";
import { FIXTURE_PROVIDER_ROWS } from "../fixtures/invoices/providers.js";
import { csvText, xlsxWorkbook } from "../fixtures/invoices/spreadsheet-builders.js";
import { openTestDatabase, tempDir, type TestDatabase } from "../support/db.js";
import { readXlsxInvoice } from "../../src/ingest/readers/spreadsheet.reader.js";
import { expectedStoredPath, keptOriginal } from "../support/originals.js";

/**
 * The bad-input corpus (issue 10) through the whole ingest service, database and storage
 * included: every file is kept under DATA_DIR/files by its hash, each bad one is recorded as
 * needs_attention with a reason a person can act on, no invoice row is written without its
 * lines, the test process (which does the reading) stays alive and its memory stays bounded.
 * Small files are committed in tests/fixtures/bad; big ones are made here, in a temp dir.
 */

const BAD = path.join(import.meta.dirname, "..", "fixtures", "bad");
const MB = 1024 * 1024;
const RSS_GROWTH_LIMIT = 400 * MB;

interface Measured {
  result: IngestFileResult;
  rssGrowth: number;
}

interface FileRow {
  id: string;
  original_name: string;
  stored_path: string;
  status: string;
  reason: string | null;
  size_bytes: string;
}

const FEE_LINE = ["C1001", "Foster placement", "01/10/2026", "31/10/2026", "31", "£131.00", "£4,061.00"];

/** Oakfield's CSV invoice (the provider is in FIXTURE_PROVIDER_ROWS). */
function oakfieldCsv(number: string): string {
  return csvText(
    [
      ["Supplier", "Oakfield Fostering Ltd"],
      ["Invoice No", number],
      ["Invoice Date", "01/11/2026"],
      ["Period", "October 2026"],
      [],
      ["Child Ref", "Description", "Nights", "Rate", "Amount"],
      ["C1001", "Foster placement", "31", "£131.00", "£4,061.00"],
      ["", "", "", "Total", "£4,061.00"],
    ],
    ",",
  );
}

async function longPdf(pages: number): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 1; i <= pages; i++) {
    doc.addPage([595, 842]).drawText(`Oakfield Fostering Ltd statement page ${i}`, { x: 50, y: 800, size: 10, font });
  }
  return doc.save();
}

/** Writes `bytes` of one repeated byte in 1 MB chunks, so the test itself never holds it whole. */
function writeRepeated(file: string, bytes: number, byte: number): void {
  const chunk = Buffer.alloc(MB, byte);
  const fd = fs.openSync(file, "w");
  try {
    for (let written = 0; written < bytes; written += MB) fs.writeSync(fd, chunk, 0, Math.min(MB, bytes - written));
  } finally {
    fs.closeSync(fd);
  }
}

describe("bad input corpus through ingestFiles", () => {
  let t: TestDatabase;
  let scratch: string;

  beforeAll(async () => {
    t = await openTestDatabase();
    scratch = tempDir("bad-input");
    await t.db.knex("providers").insert(FIXTURE_PROVIDER_ROWS);
    await warmUpPdfReader();
  });
  afterAll(async () => {
    await t.dispose();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  /** Ingests one file in this process, sampling RSS while it is read and recorded. */
  async function ingestOne(input: IngestFileInput): Promise<Measured> {
    const before = process.memoryUsage().rss;
    let peak = before;
    const timer = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 5);
    try {
      const report = await ingestFiles(t.db, [input], { authorityId: 1, dataDir: t.dataDir });
      peak = Math.max(peak, process.memoryUsage().rss);
      expect(report.files).toHaveLength(1);
      return { result: report.files[0]!, rssGrowth: peak - before };
    } finally {
      clearInterval(timer);
    }
  }

  async function fileRow(id: string | null): Promise<FileRow> {
    expect(id).not.toBeNull();
    return (await t.db.knex("received_files").where({ id }).first()) as FileRow;
  }

  /** The file needs attention for `reason`, is kept byte for byte under its hash, and has no invoice. */
  async function expectNeedsAttention(measured: Measured, original: Uint8Array | string, reason: string, message: RegExp): Promise<void> {
    const { result } = measured;
    expect([result.status, result.reasonCode]).toEqual(["needs_attention", reason]);
    expect(result.reason).toMatch(message);
    expect(measured.rssGrowth).toBeLessThan(RSS_GROWTH_LIMIT);
    const row = await fileRow(result.fileId);
    expect([row.status, row.reason]).toEqual(["needs_attention", result.reason]);
    const bytes = typeof original === "string" ? fs.readFileSync(original) : Buffer.from(original);
    const sha = sha256Of(bytes);
    expect(row.stored_path.startsWith(t.db.kind === "embedded" ? `files/${sha.slice(0, 2)}/${sha}/` : `database:${sha}`)).toBe(true);
    const stored = await keptOriginal(t.db, t.dataDir, row.stored_path);
    expect(stored.byteLength).toBe(bytes.byteLength);
    expect(sha256Of(stored)).toBe(sha);
    const invoices = (await t.db.knex("invoices").where({ file_id: row.id })) as unknown[];
    expect(invoices).toEqual([]);
  }

  it("a truncated PDF and a PDF with no cross-reference table are corrupt", async () => {
    const good = await pdfLibLayout(layoutSimple({ provider: "Oakfield Fostering Ltd", number: "OFP-CUT", date: "01/11/2026", lines: [FEE_LINE] }));
    const cut = good.subarray(0, Math.floor(good.byteLength / 2));
    await expectNeedsAttention(await ingestOne({ name: "truncated.pdf", bytes: cut }), cut, "corrupt", /could not be read/);
    const broken = path.join(BAD, "not-a-pdf.pdf");
    await expectNeedsAttention(await ingestOne({ name: "not-a-pdf.pdf", path: broken }), broken, "corrupt", /PDF could not be read/);
  });

  it("an encrypted PDF, and a PDF with no text layer whose page OCR finds no text on", async () => {
    const locked = await pdfkitLayout(layoutSimple({ provider: "Oakfield Fostering Ltd", number: "OFP-LOCK", date: "01/11/2026", lines: [FEE_LINE] }), { userPassword: "secret" });
    await expectNeedsAttention(await ingestOne({ name: "locked.pdf", bytes: locked }), locked, "encrypted", /password-protected/);
    const scan = await scannedPdf();
    await expectNeedsAttention(await ingestOne({ name: "scan.pdf", bytes: scan }), scan, "ocr_failed", /No text was found/);
  });

  it("a 2,000-page PDF is kept but not read page by page", async () => {
    const long = await longPdf(2000);
    const measured = await ingestOne({ name: "statement.pdf", bytes: long });
    await expectNeedsAttention(measured, long, "too_large", /2000 pages, more than the 500/);
  }, 60_000);

  it("an XLSX zip bomb (4 GB declared in a file of a few hundred bytes) is refused unopened", async () => {
    const bomb = zipClaiming(0xffff_fff0);
    expect(bomb.byteLength).toBeLessThan(200);
    await expectNeedsAttention(await ingestOne({ name: "bomb.xlsx", bytes: bomb }), bomb, "suspicious_archive", /zip bomb|expand to more than 200 MB/);
  });

  it("an XLSX with formulas and a macro project: read by the formulas' saved results, the macros never run", async () => {
    const workbook = await xlsxWorkbook([
      {
        name: "Invoice",
        rows: [
          ["Brookside Care Homes Limited"],
          ["Invoice Number", "BCH-9001"],
          ["Invoice Date", "02/11/2026"],
          [],
          ["Placement ID", "Service", "From", "To", "Weeks", "Weekly Fee", "Value"],
          ["PL-77", "Residential placement", "01/10/2026", "31/10/2026", 4, 2100, { formula: "E6*F6", result: 8400 }],
          [null, null, null, null, null, "Total", { formula: "SUM(G6:G6)", result: 8400 }],
        ],
      },
    ]);
    const zip = await JSZip.loadAsync(workbook);
    zip.file("xl/vbaProject.bin", 'Attribute VB_Name = "ThisWorkbook"\nSub Workbook_Open()\nShell "calc.exe"\nEnd Sub\n');
    const xlsm = await zip.generateAsync({ type: "nodebuffer", compression: "DEFLATE" });
    const { result } = await ingestOne({ name: "macro.xlsm", bytes: xlsm });
    expect([result.status, result.providerId, result.invoiceNumber, result.lines]).toEqual(["stored", "BRK", "BCH-9001", 1]);
    expect(result.notes).toContain("Formula cells read by their saved result, not recalculated (unverified): G6, G7.");
    expect(result.notes).toContain("The workbook holds macros (a VBA project); they were not run: only cell values were read.");
    // The same workbook without the macro project says nothing of macros.
    const plain = await readXlsxInvoice(new Uint8Array(workbook));
    expect(plain.notes.some((note) => note.includes("macros"))).toBe(false);
    const line = (await t.db.knex("invoice_lines").where({ invoice_id: result.invoiceId }).first()) as Record<string, unknown>;
    // 4 weeks at £2,100: the cached 8400 of E6*F6.
    expect([line.quantity, line.unit, line.unit_rate, line.amount]).toEqual(["4.000000", "week", "2100.000000", "8400.00"]);
  });

  it("CSV invoices in Windows-1252 and in UTF-16 read the pound sign and the accents right", async () => {
    for (const [name, number] of [["windows-1252.csv", "OFP-1252"], ["utf-16.csv", "OFP-1616"]] as const) {
      const { result } = await ingestOne({ name, path: path.join(BAD, name) });
      expect([result.status, result.providerId, result.invoiceNumber, result.lines]).toEqual(["stored", "OAK", number, 1]);
      const invoice = (await t.db.knex("invoices").where({ id: result.invoiceId }).first()) as Record<string, unknown>;
      expect(invoice.total).toBe("4061.00");
      const line = (await t.db.knex("invoice_lines").where({ invoice_id: result.invoiceId }).first()) as Record<string, unknown>;
      // 31 nights at £131.00 = £4,061.00; the description keeps its en dash and é.
      expect([line.description, line.quantity, line.unit_rate, line.amount]).toEqual(["Foster placement – café", "31.000000", "131.000000", "4061.00"]);
    }
  });

  it("a binary file renamed .csv and an empty file", async () => {
    const image = path.join(BAD, "image-renamed.csv");
    await expectNeedsAttention(await ingestOne({ name: "image-renamed.csv", path: image }), image, "unsupported_format", /binary data, not text/);
    const empty = path.join(BAD, "empty.csv");
    await expectNeedsAttention(await ingestOne({ name: "empty.csv", path: empty }), empty, "corrupt", /The file is empty/);
  });

  it("a 100 MB file is kept but not read, in bounded memory", async () => {
    const big = path.join(scratch, "huge.csv");
    writeRepeated(big, 100 * MB, 0x41);
    const measured = await ingestOne({ name: "huge.csv", path: big });
    await expectNeedsAttention(measured, big, "too_large", /100 MB, more than the 20 MB/);
  }, 60_000);

  it("a CSV of 60,000 rows is not an invoice: kept but not read", async () => {
    const rows = path.join(scratch, "ledger.csv");
    fs.writeFileSync(rows, "C1001,Foster placement,31,131.00,4061.00\r\n".repeat(60_000));
    await expectNeedsAttention(await ingestOne({ name: "ledger.csv", path: rows }), rows, "too_large", /60000 rows, more than the 50000/);
  }, 60_000);

  it("a file name with ../ and control characters is recorded by its cleaned base name and stored inside DATA_DIR", async () => {
    const bytes = Buffer.from(oakfieldCsv("OFP-3003"), "utf8");
    const { result } = await ingestOne({ name: "../../etc/evil\u0007\nname\u001b[31m.csv", bytes });
    expect([result.status, result.name, result.invoiceNumber]).toEqual(["stored", "evil__name_[31m.csv", "OFP-3003"]);
    const row = await fileRow(result.fileId);
    expect(row.original_name).toBe("evil__name_[31m.csv");
    const sha = sha256Of(bytes);
    expect(row.stored_path).toBe(expectedStoredPath(t.db, sha, "evil_name_31m.csv"));
    if (t.db.kind === "embedded") expect(path.resolve(t.dataDir, row.stored_path).startsWith(path.join(t.dataDir, "files") + path.sep)).toBe(true);
    expect((await keptOriginal(t.db, t.dataDir, row.stored_path)).equals(bytes)).toBe(true);
  });

  it("after the whole corpus: every invoice has its lines and every received file its stored original", async () => {
    const withoutLines = (await t.db
      .knex("invoices as i")
      .leftJoin("invoice_lines as l", "l.invoice_id", "i.id")
      .whereNull("l.id")
      .select("i.id")) as unknown[];
    expect(withoutLines).toEqual([]);
    const files = await t.db.knex("received_files").select<Pick<FileRow, "stored_path" | "size_bytes" | "status">[]>("stored_path", "size_bytes", "status");
    // Stored: the macro workbook, the two encoded CSVs, the oddly named CSV. Needs attention: two
    // corrupt PDFs, the locked and the scanned one, the long one, the bomb, the binary, the empty
    // file, the 100 MB file and the ledger.
    expect(files.filter((f) => f.status === "processed")).toHaveLength(4);
    expect(files.filter((f) => f.status === "needs_attention")).toHaveLength(10);
    for (const file of files) expect((await keptOriginal(t.db, t.dataDir, file.stored_path)).byteLength).toBe(Number(file.size_bytes));
  });
});
