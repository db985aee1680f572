import { beforeAll, describe, expect, it } from "vitest";
import { readInvoiceFile, type ReadOutcome } from "../../../src/ingest/read-invoice-file.js";
import { warmUpPdfReader } from "../../../src/ingest/readers/pdf.reader.js";
import { pdfkitLayout, pdfLibLayout, scannedPdf } from "../../fixtures/invoices/pdf-builders.js";
import { layoutNoTable, layoutSideBySide, layoutSimple } from "../../fixtures/invoices/pdf-layouts.js";
import { encryptedWorkbook, oldStyleXls, zipClaiming } from "../../fixtures/invoices/odd-files.js";
import { FIXTURE_PROVIDERS } from "../../fixtures/invoices/providers.js";
import { LINE_KEYWORDS } from "../../support/line-keywords.js";

async function attention(name: string, bytes: Uint8Array): Promise<Extract<ReadOutcome, { status: "needs_attention" }>> {
  const outcome = await readInvoiceFile(name, bytes, { providers: FIXTURE_PROVIDERS, templates: [], lineKeywords: LINE_KEYWORDS });
  if (outcome.status !== "needs_attention") throw new Error(`expected needs attention, got invoice ${outcome.invoice.invoiceNumber}`);
  return outcome;
}

const FEE_LINE = ["C1001", "Foster placement", "01/10/2026", "31/10/2026", "31", "£131.00", "£4,061.00"];

beforeAll(async () => {
  await warmUpPdfReader();
});

describe("files that go to 'needs attention', each with its reason", () => {
  it("a scanned PDF with no text layer whose page holds no text (read by OCR)", async () => {
    const outcome = await attention("scan.pdf", await scannedPdf());
    expect(outcome.reason).toBe("ocr_failed");
    expect(outcome.message).toMatch(/No text was found/);
  });

  it("a password-protected PDF", async () => {
    const outcome = await attention("locked.pdf", await pdfkitLayout(layoutSideBySide(), { userPassword: "secret" }));
    expect(outcome.reason).toBe("encrypted");
  });

  it("a damaged PDF, an empty file and bytes that are no PDF at all", async () => {
    const good = await pdfLibLayout(layoutSideBySide());
    expect((await attention("cut.pdf", good.subarray(0, 200))).reason).toBe("corrupt");
    expect((await attention("empty.pdf", Buffer.alloc(0))).reason).toBe("corrupt");
    expect((await attention("fake.pdf", Buffer.from("this is not a PDF\n"))).reason).toBe("corrupt");
  });

  it("a cut-off image, and formats that are not invoices: a Word document, an old .xls", async () => {
    // A scan is read by OCR (DATA.md "Scans"); six bytes of a JPEG are a damaged one, refused before decoding.
    const cut = await attention("photo.jpg", Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16]));
    expect(cut.reason).toBe("corrupt");
    expect(cut.message).toMatch(/JPEG image is incomplete or damaged/);
    expect((await attention("letter.docx", zipClaiming(100))).reason).toBe("unsupported_format");
    const xls = await attention("old.xls", oldStyleXls());
    expect(xls.reason).toBe("unsupported_format");
    expect(xls.message).toMatch(/old-style \.xls/);
  });

  it("a password-protected workbook and a workbook whose zip directory claims 300 MB", async () => {
    expect((await attention("locked.xlsx", encryptedWorkbook())).reason).toBe("encrypted");
    const bomb = await attention("bomb.xlsx", zipClaiming(300 * 1024 * 1024));
    expect(bomb.reason).toBe("suspicious_archive");
  });

  it("a provider that matches no name, alias or VAT number", async () => {
    const bytes = await pdfLibLayout(layoutSimple({ provider: "Unheard Of Care Ltd", number: "U-1", date: "01/11/2026", lines: [FEE_LINE] }));
    const outcome = await attention("unknown.pdf", bytes);
    expect(outcome.reason).toBe("unknown_provider");
    expect(outcome.message).toContain('the name "Unheard Of Care Ltd" printed on this file');
    expect(outcome.evidence).toBe('name "Unheard Of Care Ltd"');
    expect(outcome.invoiceNumber).toBe("U-1");
  });

  it("two providers named and no VAT number to decide", async () => {
    const layout = layoutSimple({ provider: "Northern Lights Fostering", number: "N-1", date: "01/11/2026", period: "October 2026", lines: [FEE_LINE] });
    layout.ops.push({ x: 40, y: 64, text: "in partnership with Hillside Supported Living" });
    const outcome = await attention("two.pdf", await pdfLibLayout(layout));
    expect(outcome.reason).toBe("ambiguous_provider");
    expect(outcome.message).toContain("NLF, HSL");
  });

  it("no line table", async () => {
    const outcome = await attention("prose.pdf", await pdfkitLayout(layoutNoTable()));
    expect(outcome.reason).toBe("no_line_table");
    expect(outcome.providerId).toBe("OAK");
  });

  it("no invoice number, no invoice date", async () => {
    const noNumber = await attention("n.pdf", await pdfLibLayout(layoutSimple({ provider: "Oakfield Fostering Ltd", date: "01/11/2026", lines: [FEE_LINE] })));
    expect(noNumber.reason).toBe("no_invoice_number");
    const noDate = await attention("d.pdf", await pdfLibLayout(layoutSimple({ provider: "Oakfield Fostering Ltd", number: "OFP-9", lines: [FEE_LINE] })));
    expect(noDate.reason).toBe("no_invoice_date");
  });

  it("a line that prints no amount", async () => {
    const lines = [FEE_LINE, ["C1002", "Foster placement", "01/10/2026", "31/10/2026", "31", "£131.00", ""]];
    const outcome = await attention("a.pdf", await pdfLibLayout(layoutSimple({ provider: "Oakfield Fostering Ltd", number: "OFP-9", date: "01/11/2026", lines })));
    expect(outcome.reason).toBe("line_missing_amount");
    expect(outcome.message).toMatch(/^The amount of line 2 "Foster placement"/);
  });

  it("a line with no period when the invoice prints none (a discount line needs none)", async () => {
    const lines = [FEE_LINE, ["C1001", "Sibling discount", "", "", "", "", "-£40.00"], ["C1002", "Foster placement", "", "", "31", "£131.00", "£4,061.00"]];
    const outcome = await attention("p.pdf", await pdfLibLayout(layoutSimple({ provider: "Oakfield Fostering Ltd", number: "OFP-9", date: "01/11/2026", lines })));
    expect(outcome.reason).toBe("line_missing_period");
    expect(outcome.message).toMatch(/^Line 3 "Foster placement"/);

    const withPeriod = await readInvoiceFile(
      "p2.pdf",
      await pdfLibLayout(layoutSimple({ provider: "Oakfield Fostering Ltd", number: "OFP-9", date: "01/11/2026", period: "October 2026", lines })),
      { providers: FIXTURE_PROVIDERS, templates: [], lineKeywords: LINE_KEYWORDS },
    );
    expect(withPeriod.status).toBe("ok");
  });
});

