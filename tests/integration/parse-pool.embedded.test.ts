import { afterAll, describe, expect, it } from "vitest";
import { readInvoiceFile } from "../../src/ingest/read-invoice-file.js";
import { DEFAULT_FILES_AT_ONCE, filesAtOnce, parseFiles, readFilesAtOnce } from "../../src/services/ingest/ingest-parse.js";
import { pdfkitLayout, pdfLibLayout, scannedPdf } from "../fixtures/invoices/pdf-builders.js";
import { layoutCreditNote, layoutMultiPage, layoutSideBySide } from "../fixtures/invoices/pdf-layouts.js";
import { FIXTURE_PROVIDERS } from "../fixtures/invoices/providers.js";
import { csvText } from "../fixtures/invoices/spreadsheet-builders.js";
import { LINE_KEYWORDS } from "../support/line-keywords.js";

async function mixedInputs(): Promise<{ name: string; bytes: Uint8Array }[]> {
  return [
    { name: "a.pdf", bytes: await pdfkitLayout(layoutSideBySide()) },
    { name: "b.pdf", bytes: await pdfLibLayout(layoutMultiPage()) },
    { name: "c.pdf", bytes: await scannedPdf() },
    { name: "d.pdf", bytes: await pdfLibLayout(layoutCreditNote()) },
    {
      name: "e.csv",
      bytes: Buffer.from(csvText([["Invoice No", "OFP-5"], ["Date", "01/11/2026"], ["Oakfield Fostering Ltd"], ["Child Ref", "Description", "From", "To", "Amount"], ["C1", "Foster placement", "01/10/2026", "31/10/2026", "£10.00"]], ",")),
    },
  ];
}

const context = { providers: FIXTURE_PROVIDERS, templates: [], lineKeywords: LINE_KEYWORDS };
const EXPECTED = ["OFP-1046", "BCH/2026/0311", "ocr_failed", "OFP-CN-7", "OFP-5"];

describe("parsing in the sandbox's child processes", () => {
  // Modules are shared between test files here: leave the process's pool as it was found.
  afterAll(() => {
    readFilesAtOnce(DEFAULT_FILES_AT_ONCE);
  });

  it("gives the same outcomes, in input order, as reading in this thread", async () => {
    const inputs = await mixedInputs();
    const inThread = [];
    for (const input of inputs) inThread.push(await readInvoiceFile(input.name, input.bytes, context));
    const pooled = await parseFiles(inputs, context);
    expect(pooled).toEqual(inThread);
    expect(pooled.map((o) => (o.status === "ok" ? o.invoice.invoiceNumber : o.reason))).toEqual(EXPECTED);
  });

  it("reads one file at a time when told (`ingest --workers 1`), with the same outcomes in input order", async () => {
    expect(readFilesAtOnce(1)).toBe(1);
    expect(filesAtOnce()).toBe(1);
    const pooled = await parseFiles(await mixedInputs(), context);
    expect(pooled.map((o) => (o.status === "ok" ? o.invoice.invoiceNumber : o.reason))).toEqual(EXPECTED);
    expect(() => readFilesAtOnce(0)).toThrow(RangeError);
    expect(() => readFilesAtOnce(17)).toThrow(RangeError);
    expect(filesAtOnce()).toBe(1);
  });
});
