import { describe, expect, it } from "vitest";
import { readInvoiceFile } from "../../src/ingest/read-invoice-file.js";
import { POOL_THRESHOLD, parseFiles, poolSize } from "../../src/services/ingest/ingest-parse.js";
import { pdfkitLayout, pdfLibLayout, scannedPdf } from "../fixtures/invoices/pdf-builders.js";
import { layoutCreditNote, layoutMultiPage, layoutSideBySide } from "../fixtures/invoices/pdf-layouts.js";
import { FIXTURE_PROVIDERS } from "../fixtures/invoices/providers.js";
import { csvText } from "../fixtures/invoices/spreadsheet-builders.js";
import { LINE_KEYWORDS } from "../support/line-keywords.js";

describe("parsing in the sandbox's child processes", () => {
  it("gives the same outcomes, in input order, as reading in this thread", async () => {
    const inputs = [
      { name: "a.pdf", bytes: await pdfkitLayout(layoutSideBySide()) },
      { name: "b.pdf", bytes: await pdfLibLayout(layoutMultiPage()) },
      { name: "c.pdf", bytes: await scannedPdf() },
      { name: "d.pdf", bytes: await pdfLibLayout(layoutCreditNote()) },
      {
        name: "e.csv",
        bytes: Buffer.from(csvText([["Invoice No", "OFP-5"], ["Date", "01/11/2026"], ["Oakfield Fostering Ltd"], ["Child Ref", "Description", "From", "To", "Amount"], ["C1", "Foster placement", "01/10/2026", "31/10/2026", "£10.00"]], ",")),
      },
    ];
    const context = { providers: FIXTURE_PROVIDERS, templates: [], lineKeywords: LINE_KEYWORDS };
    const inThread = [];
    for (const input of inputs) inThread.push(await readInvoiceFile(input.name, input.bytes, context));
    const pooled = await parseFiles(inputs, context, { workers: 2 });
    expect(pooled).toEqual(inThread);
    expect(pooled.map((o) => (o.status === "ok" ? o.invoice.invoiceNumber : o.reason))).toEqual(["OFP-1046", "BCH/2026/0311", "ocr_failed", "OFP-CN-7", "OFP-5"]);
  });

  it("uses a pool only for a batch, never more workers than files", () => {
    expect(poolSize(POOL_THRESHOLD - 1, undefined)).toBe(0);
    expect(poolSize(POOL_THRESHOLD, undefined)).toBeGreaterThanOrEqual(1);
    expect(poolSize(3, 8)).toBe(3);
    expect(poolSize(30, 0)).toBe(0);
  });
});
