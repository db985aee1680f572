import { PDFDocument as LibDocument, StandardFonts, degrees } from "pdf-lib";
import { beforeAll, describe, expect, it } from "vitest";
import type { InvoiceLine } from "../../../src/domain/invoice.js";
import { extractInvoice } from "../../../src/ingest/extract/extractor.js";
import { readInvoiceFile, readLayout, type ReadOutcome } from "../../../src/ingest/read-invoice-file.js";
import { warmUpPdfReader } from "../../../src/ingest/readers/pdf.reader.js";
import { rowsFromItems, splitSpacedItems, type PositionedText } from "../../../src/ingest/readers/pdf-layout.js";
import { pdfkitLayout, pdfLibLayout, tableOps, type PdfLayout, type TableColumn, type TextOp } from "../../fixtures/invoices/pdf-builders.js";
import { FIXTURE_PROVIDERS } from "../../fixtures/invoices/providers.js";
import { csvText, xlsxWorkbook } from "../../fixtures/invoices/spreadsheet-builders.js";
import { LINE_KEYWORDS } from "../../support/line-keywords.js";

/**
 * Layout understanding (issue 16): page furniture, tables over pages, wrapped descriptions,
 * statement blocks, a `£` column, quantity and unit touching, labels above values, VAT printed
 * with its base, and certainty (two readings are never stored as one). Each layout is drawn by
 * both PDF producers; every expected figure is worked out by hand from what the layout prints.
 */
const PRODUCERS = [
  ["pdfkit", (layout: PdfLayout) => pdfkitLayout(layout)],
  ["pdf-lib", (layout: PdfLayout) => pdfLibLayout(layout)],
] as const;

const right = (x: number, width: number): TableColumn => ({ x, width, align: "right" });

function line(fields: Partial<InvoiceLine> & Pick<InvoiceLine, "lineNo" | "description" | "item" | "amount">): InvoiceLine {
  return { childRef: null, placementRef: null, from: null, to: null, quantity: null, unit: null, unitRate: null, ...fields };
}

async function outcomeOf(layout: PdfLayout, produce: (layout: PdfLayout) => Promise<Buffer>): Promise<ReadOutcome> {
  return readInvoiceFile("invoice.pdf", await produce(layout), { providers: FIXTURE_PROVIDERS, templates: [], lineKeywords: LINE_KEYWORDS });
}

async function read(layout: PdfLayout, produce: (layout: PdfLayout) => Promise<Buffer>): Promise<Extract<ReadOutcome, { status: "ok" }>> {
  const outcome = await outcomeOf(layout, produce);
  if (outcome.status !== "ok") throw new Error(`expected an invoice, got ${outcome.reason}: ${outcome.message}`);
  return outcome;
}

/** Two pages, a footer whose company number stands under the amount column, page numbers, a running header. */
function layoutTwoPagesWithFooter(): PdfLayout {
  const columns = [{ x: 40 }, { x: 100 }, right(330, 40), right(400, 60), right(480, 80)];
  const headings = ["Child Ref", "Description", "Nights", "Rate", "Amount"];
  const furniture = (page: number): TextOp[] => [
    { page, x: 40, y: 40, text: "Oakfield Fostering Ltd", size: 14, bold: true },
    { page, x: 380, y: 40, text: "Invoice No: OFP-2001" },
    { page, x: 40, y: 806, text: "Registered in England and Wales, company number", size: 7 },
    { page, x: 480, y: 806, width: 80, align: "right", text: "07654321", size: 7 },
    { page, x: 270, y: 818, text: `Page ${page} of 2`, size: 7 },
  ];
  return {
    pages: 2,
    ops: [
      ...furniture(1),
      { x: 40, y: 60, text: "VAT Reg No: GB123456789" },
      { x: 380, y: 60, text: "Invoice Date: 04/11/2026" },
      { x: 380, y: 74, text: "Period: October 2026" },
      ...tableOps(columns, [
        headings,
        ["C1001", "Foster placement", "31", "£131.00", "£4,061.00"],
        ["C1002", "Foster placement – enhanced rate including", "31", "£150.00", "£4,650.00"],
        ["", "therapeutic support", "", "", ""],
        ["C1003", "Foster placement", "10", "£131.00", "£1,310.00"],
      ], 120, 14),
      ...furniture(2),
      ...tableOps(columns, [
        headings,
        ["C1004", "Foster placement", "31", "£131.00", "£4,061.00"],
        ["C1005", "Foster placement", "20", "£131.00", "£2,620.00"],
      ], 80, 14, 2),
      { page: 2, x: 330, y: 130, text: "Subtotal" },
      { page: 2, x: 480, y: 130, width: 80, align: "right", text: "£16,702.00" },
      { page: 2, x: 330, y: 144, text: "VAT" },
      { page: 2, x: 480, y: 144, width: 80, align: "right", text: "£0.00" },
      { page: 2, x: 330, y: 158, text: "Total Due" },
      { page: 2, x: 480, y: 158, width: 80, align: "right", text: "£16,702.00" },
      // A remittance slip at the foot of the last page repeats a line-like row.
      { page: 2, x: 40, y: 700, text: "Remittance advice – please detach and return with your payment" },
      ...tableOps(columns, [["C1001", "Foster placement", "31", "£131.00", "£4,061.00"]], 716, 14, 2, []),
    ],
  };
}

/** Labels above values, "VAT Invoice No.", a `£` column, "4 sessions" across Qty and Unit, VAT with its base. */
function layoutGridAndPoundColumn(): PdfLayout {
  const columns = [{ x: 40 }, { x: 100 }, { x: 262 }, { x: 330 }, right(370, 50), { x: 450 }, right(470, 80)];
  return {
    pages: 1,
    ops: [
      { x: 40, y: 40, text: "Hillside Supported Living", size: 14, bold: true },
      { x: 40, y: 56, text: "VAT Reg: GB 987 6543 21" },
      { x: 40, y: 90, text: "Period", bold: true },
      { x: 300, y: 90, text: "VAT Invoice No.", bold: true },
      { x: 430, y: 90, text: "Tax Point", bold: true },
      { x: 40, y: 104, text: "1–31 October 2026" },
      { x: 300, y: 104, text: "HSL-5512" },
      { x: 430, y: 104, text: "05/11/2026" },
      ...tableOps(columns, [
        ["Client Ref", "Service", "Qty", "Unit", "Rate", "£", "Amount"],
        ["C2001", "Supported living – core", "31", "nights", "95.00", "£", "2,945.00"],
        ["C2001", "Key work", "4 sessions", "", "45.00", "£", "180.00"],
      ], 140, 14),
      { x: 300, y: 200, text: "Subtotal" },
      { x: 450, y: 200, text: "£" },
      { x: 470, y: 200, width: 80, align: "right", text: "3,125.00" },
      { x: 300, y: 214, text: "VAT @ 20% on £3,125.00" },
      { x: 450, y: 214, text: "£" },
      { x: 470, y: 214, width: 80, align: "right", text: "625.00" },
      { x: 300, y: 228, text: "Invoice Total" },
      { x: 450, y: 228, text: "£" },
      { x: 470, y: 228, width: 80, align: "right", text: "3,750.00" },
    ],
  };
}

/** A statement: the child and PO printed once above each block, the first just above the headings. */
function layoutStatement(): PdfLayout {
  const columns = [{ x: 40 }, { x: 200 }, right(330, 40), right(400, 60), right(480, 80)];
  return {
    pages: 1,
    ops: [
      { x: 40, y: 40, text: "Northern Lights Fostering", size: 14, bold: true },
      { x: 380, y: 40, text: "INVOICE 10482", size: 12, bold: true },
      { x: 380, y: 56, text: "Date: Oct 31st, 2026" },
      { x: 40, y: 110, text: "Young Person: C3001", bold: true },
      { x: 200, y: 110, text: "PO Number: PO-9001", bold: true },
      ...tableOps(columns, [["Description", "Period", "Nights", "Rate", "Amount"]], 126, 14),
      ...tableOps(columns, [
        ["Foster placement", "01/10/26 - 31/10/26", "31", "£120.00", "£3,720.00"],
        ["Respite", "w/c 05/10/2026", "7", "£60.00", "£420.00"],
      ], 140, 14, 1, []),
      { x: 40, y: 176, text: "Young Person: C3002", bold: true },
      ...tableOps(columns, [["Foster placement", "1-Oct-26 to 15-Oct-26", "15", "£120.00", "£1,800.00"]], 190, 14, 1, []),
      { x: 330, y: 220, text: "Total" },
      { x: 480, y: 220, width: 80, align: "right", text: "£5,940.00" },
    ],
  };
}

beforeAll(async () => {
  await warmUpPdfReader();
});

describe.each(PRODUCERS)("layouts drawn by %s", (_producer, produce) => {
  it("a table over two pages: footers, page numbers, running header and remittance slip are not lines; a wrapped description is one", async () => {
    const { invoice, notes } = await read(layoutTwoPagesWithFooter(), produce);
    expect(invoice.invoiceNumber).toBe("OFP-2001");
    expect(invoice.lines.map((l) => [l.childRef, l.description, l.amount])).toEqual([
      ["C1001", "Foster placement", "4061.00"],
      ["C1002", "Foster placement – enhanced rate including therapeutic support", "4650.00"],
      ["C1003", "Foster placement", "1310.00"],
      ["C1004", "Foster placement", "4061.00"],
      ["C1005", "Foster placement", "2620.00"],
    ]);
    expect([invoice.subtotal, invoice.vat, invoice.total]).toEqual(["16702.00", "0.00", "16702.00"]);
    expect(notes.some((n) => /page furniture/.test(n))).toBe(true);
  });

  it("labels above values, 'VAT Invoice No.' as the number, a £ column, '4 sessions' across Qty and Unit, VAT read without its base", async () => {
    const { invoice } = await read(layoutGridAndPoundColumn(), produce);
    expect(invoice).toMatchObject({ providerId: "HSL", invoiceNumber: "HSL-5512", invoiceDate: "2026-11-05", periodFrom: "2026-10-01", periodTo: "2026-10-31" });
    expect([invoice.subtotal, invoice.vat, invoice.total]).toEqual(["3125.00", "625.00", "3750.00"]);
    expect(invoice.lines).toEqual([
      line({ lineNo: 1, childRef: "C2001", description: "Supported living – core", item: "placement", quantity: "31", unit: "night", unitRate: "95", amount: "2945.00" }),
      line({ lineNo: 2, childRef: "C2001", description: "Key work", item: invoice.lines[1]?.item ?? "", quantity: "4", unit: "session", unitRate: "45", amount: "180.00" }),
    ]);
  });

  it("a statement gives each block's child and PO to its lines; a title numbers the invoice; w/c and two-digit years are periods", async () => {
    const { invoice } = await read(layoutStatement(), produce);
    expect(invoice).toMatchObject({ providerId: "NLF", invoiceNumber: "10482", invoiceDate: "2026-10-31", total: "5940.00" });
    expect(invoice.lines.map((l) => [l.childRef, l.placementRef, l.from, l.to, l.amount])).toEqual([
      ["C3001", "PO-9001", "2026-10-01", "2026-10-31", "3720.00"],
      ["C3001", "PO-9001", "2026-10-05", "2026-10-11", "420.00"],
      ["C3002", null, "2026-10-01", "2026-10-15", "1800.00"],
    ]);
  });
});

describe("certainty: how every value was found, and two readings never stored as one", () => {
  it("records evidence and the invoice's own arithmetic on the draft", async () => {
    const doc = await readLayout("invoice.pdf", await pdfkitLayout(layoutGridAndPoundColumn()));
    const draft = extractInvoice(doc);
    expect(draft.uncertain).toEqual([]);
    expect(draft.evidence.invoiceNumber).toEqual({ via: "label_above", label: "VAT Invoice No", where: expect.stringMatching(/^row \d+$/) as string });
    expect(draft.evidence.invoiceDate?.label).toBe("Tax Point");
    expect(draft.evidence.vat).toMatchObject({ via: "totals_row" });
    expect(draft.lines[1]?.evidence.quantity).toMatchObject({ via: "heading" });
    // 31 × 95.00 = 2,945.00; 4 × 45.00 = 180.00; lines 3,125.00 = subtotal; 3,125.00 + 625.00 = 3,750.00.
    expect(draft.arithmetic).toEqual([
      { check: "line", lineNo: 1, expected: "2945.00", printed: "2945.00", closes: true },
      { check: "line", lineNo: 2, expected: "180.00", printed: "180.00", closes: true },
      { check: "lines_to_subtotal", expected: "3125.00", printed: "3125.00", closes: true },
      { check: "subtotal_vat_total", expected: "3750.00", printed: "3750.00", closes: true },
    ]);
  });

  it("a statement line's child carries the block it came from", async () => {
    const draft = extractInvoice(await readLayout("s.pdf", await pdfLibLayout(layoutStatement())));
    expect(draft.lines[2]?.evidence.childRef).toMatchObject({ via: "statement_block" });
    expect(draft.evidence.invoiceNumber).toMatchObject({ via: "title", label: "INVOICE" });
  });

  function withHeader(extra: TextOp[], totals: Array<[string, string]>): PdfLayout {
    const columns = [{ x: 40 }, { x: 100 }, right(330, 40), right(400, 60), right(480, 80)];
    return {
      pages: 1,
      ops: [
        { x: 40, y: 40, text: "Oakfield Fostering Ltd", size: 14, bold: true },
        { x: 40, y: 56, text: "VAT Reg No: GB123456789" },
        { x: 380, y: 70, text: "Invoice Date: 04/11/2026" },
        { x: 380, y: 84, text: "Period: October 2026" },
        ...extra,
        ...tableOps(columns, [
          ["Child Ref", "Description", "Nights", "Rate", "Amount"],
          ["C1001", "Foster placement", "31", "£131.00", "£4,061.00"],
          ["C1002", "Foster placement", "10", "£131.00", "£1,310.00"],
        ], 120, 14),
        ...totals.flatMap(([label, value], i): TextOp[] => [
          { x: 330, y: 180 + 14 * i, text: label },
          { x: 480, y: 180 + 14 * i, width: 80, align: "right", text: value },
        ]),
      ],
    };
  }

  // Issue 18: an invoice whose only problem is an uncertain value is stored "to verify" (never
  // audited before a person confirms it), the field marked with both readings.
  it("two invoice numbers under equally strong labels: stored to verify, naming both", async () => {
    const layout = withHeader(
      [{ x: 380, y: 42, text: "Invoice No: OFP-3001" }, { x: 40, y: 300, text: "Invoice Number: OFP-3002" }],
      [["Total", "£5,371.00"]],
    );
    const outcome = await outcomeOf(layout, pdfkitLayout);
    expect(outcome.status).toBe("ok");
    if (outcome.status !== "ok") return;
    expect(outcome.uncertain).toEqual([expect.objectContaining({ field: "invoiceNumber", candidates: ["OFP-3001", "OFP-3002"] })]);
  });

  it("a weaker label does not compete: 'Invoice No' beats 'Our Ref'", async () => {
    const layout = withHeader([{ x: 380, y: 42, text: "Invoice No: OFP-3001" }, { x: 40, y: 90, text: "Our Ref: OAK/77" }], [["Total", "£5,371.00"]]);
    const { invoice } = await read(layout, pdfkitLayout);
    expect(invoice.invoiceNumber).toBe("OFP-3001");
  });

  it("totals printed two ways: the arithmetic picks the reading that closes (4,061 + 1,310 = 5,371; + VAT 0)", async () => {
    const layout = withHeader(
      [{ x: 380, y: 42, text: "Invoice No: OFP-3003" }, { x: 40, y: 300, text: "Amount Due: £5,371.00" }],
      [["Sub Total", "£5,371.00"], ["VAT", "£0.00"], ["Total", "£5,731.00"]],
    );
    const { invoice, notes } = await read(layout, pdfkitLayout);
    expect(invoice.total).toBe("5371.00");
    expect(notes.some((n) => /total was read as .*5371\.00.*arithmetic/.test(n))).toBe(true);
  });

  it("totals printed two ways and neither closes: the total is uncertain, not guessed", async () => {
    const layout = withHeader(
      [{ x: 380, y: 42, text: "Invoice No: OFP-3004" }, { x: 40, y: 300, text: "Amount Due: £5,400.00" }],
      [["Sub Total", "£5,371.00"], ["VAT", "£0.00"], ["Total", "£5,731.00"]],
    );
    const outcome = await outcomeOf(layout, pdfkitLayout);
    expect(outcome.status).toBe("ok");
    if (outcome.status === "ok") expect(outcome.uncertain.map((u) => `${u.field}: ${u.reason}`).join("; ")).toMatch(/total: .*5731\.00.*5400\.00/);
  });

  it("one reading that does not close is the provider's arithmetic: stored, and the sum recorded for the audit", async () => {
    const layout = withHeader([{ x: 380, y: 42, text: "Invoice No: OFP-3005" }], [["Sub Total", "£5,371.00"], ["VAT", "£0.00"], ["Total", "£5,471.00"]]);
    const { invoice, notes } = await read(layout, pdfkitLayout);
    expect(invoice.total).toBe("5471.00");
    expect(notes).toContain("Arithmetic: subtotal + VAT is £5371.00, the total printed is £5471.00.");
  });
});

describe("rows a producer set with spaces, titles and separators in cells of their own", () => {
  // A monospaced report (6 pt a character): the whole row is one text item, columns made of spaces.
  const mono = (text: string, top: number): PositionedText => ({ text, x: 40, top, width: text.length * 6, height: 10 });

  it("splits an item at runs of two spaces or more, each part where its characters stand", () => {
    const parts = splitSpacedItems([mono("C1001     Foster care     31", 100)]);
    expect(parts.map((p) => [p.text, p.x, p.width])).toEqual([["C1001", 40, 30], ["Foster care", 100, 66], ["31", 196, 12]]);
  });

  it("reads a whole invoice printed as spaced text, with 'INVOICE' and its number in separate cells and 'Date' ':' value", () => {
    const items = [
      mono("INVOICE     OFP-5001", 40),
      mono("Date     :     04/11/2026", 54),
      mono("Period   :     October 2026", 68),
      mono("Child Ref   Description         Nights        Amount", 100),
      mono("C1001       Foster placement        31      4,061.00", 114),
      mono("C1002       Foster placement        10      1,310.00", 128),
      mono("                                 Total      5,371.00", 150),
    ];
    const draft = extractInvoice({ format: "pdf", pageCount: 1, notes: [], rows: rowsFromItems(items, 1) });
    expect(draft).toMatchObject({ invoiceNumber: "OFP-5001", invoiceDate: "2026-11-04", periodFrom: "2026-10-01", periodTo: "2026-10-31", uncertain: [] });
    expect(draft.total?.toFixed(2)).toBe("5371.00");
    expect(draft.lines.map((l) => [l.childRef, l.description, l.quantity?.toString(), l.amount?.toFixed(2)])).toEqual([
      ["C1001", "Foster placement", "31", "4061.00"],
      ["C1002", "Foster placement", "10", "1310.00"],
    ]);
    expect(draft.evidence.invoiceNumber).toMatchObject({ via: "title", label: "INVOICE" });
  });
});

describe("figures of neighbouring cells printed as one run of text (Chromium)", () => {
  // Proportional text, 5 pt a character: one item per run as the producer printed it.
  const run = (text: string, x: number, top: number): PositionedText => ({ text, x, top, width: text.length * 5, height: 8 });

  it("splits a run across headings back into its columns, headings and figures alike, but never a description", () => {
    const items = [
      run("Invoice No: RSL-9001", 40, 40),
      run("Client Ref", 40, 80), run("Description", 100, 80), run("Qty Unit", 300, 80), run("Unit Rate", 360, 80), run("Line Total", 420, 80),
      // "7 nights" starts under "Qty" and ends under "Unit"; "150.00 1,050.00" spans Unit Rate and Line Total.
      run("C5001", 40, 100), run("Supported accommodation", 100, 100), run("7 nights", 305, 100), run("150.00 1,050.00", 365, 100),
      run("C5002", 40, 116), run("Supported accommodation – enhanced care", 100, 116), run("3 nights", 305, 116), run("210.00", 370, 116), run("630.00", 425, 116),
      run("Total", 360, 140), run("1,680.00", 420, 140),
    ];
    const draft = extractInvoice({ format: "pdf", pageCount: 1, notes: [], rows: rowsFromItems(items, 1) });
    expect(draft.lines.map((l) => [l.childRef, l.description, l.quantity?.toString(), l.unit, l.unitRate?.toFixed(2), l.amount?.toFixed(2)])).toEqual([
      ["C5001", "Supported accommodation", "7", "night", "150.00", "1050.00"],
      ["C5002", "Supported accommodation – enhanced care", "3", "night", "210.00", "630.00"],
    ]);
    expect(draft.total?.toFixed(2)).toBe("1680.00");
  });
});

describe("justified descriptions and one-date periods", () => {
  const word = (text: string, x: number, top: number): PositionedText => ({ text, x, top, width: text.length * 4.5, height: 9 });

  it("keeps a justified description's words spread under no heading on the description, and reads one date under 'Dates' as that day", () => {
    const items = [
      word("Credit Note No", 40, 40), word("OFP-CR-9", 120, 40),
      word("Child", 40, 80), word("Description", 100, 80), word("Dates", 300, 80), word("Nights", 400, 80), word("Amount", 470, 80),
      // groff spreads the words of a justified T{ T} block: "–" and "over-" stand under no heading, "over-" nearer "Dates".
      word("C2003", 40, 100), word("Foster", 100, 100), word("placement", 135, 100), word("fee", 188, 100), word("–", 212, 100), word("over-", 228, 100),
      word("25/10/2026 - 31/10/2026", 300, 100), word("7", 420, 100), word("945.00", 475, 100),
      word("charged nights", 100, 111),
      word("C2006", 40, 130), word("Move-on package", 100, 130), word("20/11/2026", 300, 130), word("1", 420, 130), word("350.00", 475, 130),
      word("Total", 400, 160), word("1,295.00", 470, 160),
    ];
    const draft = extractInvoice({ format: "pdf", pageCount: 1, notes: [], rows: rowsFromItems(items, 1) });
    expect(draft.lines.map((l) => [l.childRef, l.description, l.from, l.to, l.amount?.toFixed(2)])).toEqual([
      ["C2003", "Foster placement fee – overcharged nights", "2026-10-25", "2026-10-31", "945.00"],
      ["C2006", "Move-on package", "2026-11-20", "2026-11-20", "350.00"],
    ]);
  });
});

describe("a gap between the lines and the totals that one row explains", () => {
  const word = (text: string, x: number, top: number): PositionedText => ({ text, x, top, width: text.length * 4.5, height: 9 });
  const head = [
    word("Invoice No", 40, 40), word("OFP-7001", 120, 40), word("Invoice Date", 40, 52), word("01/11/2026", 120, 52), word("Period", 40, 64), word("October 2026", 120, 64),
    word("Child Ref", 40, 100), word("Description", 100, 100), word("Nights", 330, 100), word("Rate", 400, 100), word("Amount", 470, 100),
  ];

  it("marks the lines uncertain when a row with the missing amount was not read as a line", () => {
    const items = [
      ...head,
      word("C1001", 40, 120), word("Foster placement", 100, 120), word("31", 340, 120), word("124.00", 400, 120), word("3,844.00", 470, 120),
      // Printed with no child and no description: not a line, yet its amount is exactly what the lines lack.
      word("31", 340, 150), word("20.00", 400, 150), word("620.00", 470, 150),
      word("Subtotal", 400, 180), word("4,464.00", 470, 180), word("Total", 400, 192), word("4,464.00", 470, 192),
    ];
    const draft = extractInvoice({ format: "pdf", pageCount: 1, notes: [], rows: rowsFromItems(items, 1) });
    expect(draft.lines).toHaveLength(1);
    expect(draft.uncertain).toEqual([
      expect.objectContaining({ code: "uncertain_value", field: "lines", candidates: ["£3844.00 without row 6", "£4464.00 with it"] }),
    ]);
  });

  it("marks a line uncertain when it is exactly the lines' excess over the subtotal, and nothing when the gap is the provider's", () => {
    const items = [
      ...head,
      word("C1001", 40, 120), word("Foster placement", 100, 120), word("31", 340, 120), word("124.00", 400, 120), word("3,844.00", 470, 120),
      word("C1002", 40, 132), word("Foster placement", 100, 132), word("10", 340, 132), word("124.00", 400, 132), word("1,240.00", 470, 132),
      word("Amount this page", 100, 144), word("5,084.00", 470, 144),
      word("Subtotal", 400, 180), word("5,084.00", 470, 180), word("Total", 400, 192), word("5,084.00", 470, 192),
    ];
    const draft = extractInvoice({ format: "pdf", pageCount: 1, notes: [], rows: rowsFromItems(items, 1) });
    expect(draft.uncertain.map((u) => u.field)).toEqual(["line 3"]);

    // A total £39.00 above the lines, explained by no row: the provider's arithmetic, left to the audit.
    const provider = [
      ...head,
      word("C1001", 40, 120), word("Foster placement", 100, 120), word("31", 340, 120), word("131.00", 400, 120), word("4,061.00", 470, 120),
      word("Total", 400, 192), word("4,100.00", 470, 192),
    ];
    const own = extractInvoice({ format: "pdf", pageCount: 1, notes: [], rows: rowsFromItems(provider, 1) });
    expect(own.uncertain).toEqual([]);
    expect(own.total?.toFixed(2)).toBe("4100.00");
  });
});

describe("a header block whose values are set larger than their labels", () => {
  const at = (text: string, x: number, top: number, size: number): PositionedText => ({ text, x, top, width: text.length * size * 0.5, height: size });

  it("reads a value a few points below its label and to its right as the label's", () => {
    const items = [
      at("Nestwood Parent and Child Centre Ltd", 40, 40, 13),
      // Top-aligned cells: the 12 pt value's baseline is 4 pt below the 7 pt label's.
      at("Orchard Lodge, 9 Nest Lane", 40, 60, 9), at("Invoice Number", 280, 60, 7), at("NPC-0171", 380, 64, 12),
      at("VAT Reg No GB738264190", 40, 80, 9), at("Invoice Date", 280, 80, 7), at("2nd Dec 2026", 380, 84, 12),
      at("Placement ID", 40, 120, 9), at("Service", 110, 120, 9), at("Nights", 330, 120, 9), at("Total (£)", 450, 120, 9),
      at("PL-8002", 40, 136, 9), at("Residential assessment", 110, 136, 9), at("30", 340, 136, 9), at("12,600.00", 450, 136, 9),
      at("Total Due", 380, 160, 9), at("£12,600.00", 450, 160, 9),
    ];
    const draft = extractInvoice({ format: "pdf", pageCount: 1, notes: [], rows: rowsFromItems(items, 1) });
    expect(draft).toMatchObject({ invoiceNumber: "NPC-0171", invoiceDate: "2026-12-02", uncertain: [] });
    expect(draft.evidence.invoiceNumber).toMatchObject({ via: "label", label: "Invoice Number" });
  });
});

describe("a landscape invoice made by rotating a portrait page (/Rotate 90)", () => {
  /** pdf-lib draws each op rotated onto a portrait page turned a quarter: upright as a reader sees it. */
  async function rotatedPdf(layout: PdfLayout): Promise<Buffer> {
    const doc = await LibDocument.create();
    const font = await doc.embedFont(StandardFonts.Helvetica);
    const page = doc.addPage([595.28, 841.89]);
    page.setRotation(degrees(90));
    for (const op of layout.ops) {
      const size = op.size ?? 9;
      const width = font.widthOfTextAtSize(op.text, size);
      const x = op.align === "right" && op.width ? op.x + op.width - width : op.x;
      // Viewer (x from the left, y from the top) of the turned page = (y, x) of the portrait one.
      page.drawText(op.text, { x: op.y, y: x, size, font, rotate: degrees(90) });
    }
    return Buffer.from(await doc.save());
  }

  it("reads its text upright, rows and columns as printed", async () => {
    const outcome = await readInvoiceFile("landscape.pdf", await rotatedPdf(layoutStatement()), { providers: FIXTURE_PROVIDERS, templates: [], lineKeywords: LINE_KEYWORDS });
    expect(outcome).toMatchObject({ status: "ok", invoice: { invoiceNumber: "10482", total: "5940.00" } });
    if (outcome.status === "ok") expect(outcome.invoice.lines.map((l) => l.amount)).toEqual(["3720.00", "420.00", "1800.00"]);
  });
});

describe("a VAT analysis table", () => {
  function layoutVatAnalysis(analysisFirst: boolean): PdfLayout {
    const columns = [{ x: 40 }, { x: 100 }, right(330, 40), right(400, 60), right(480, 80)];
    const analysisTop = analysisFirst ? 160 : 230;
    const totalsTop = analysisFirst ? 230 : 160;
    return {
      pages: 1,
      ops: [
        { x: 40, y: 40, text: "Hillside Supported Living", size: 14, bold: true },
        { x: 40, y: 56, text: "VAT Reg No: GB987654321" },
        { x: 380, y: 40, text: "Invoice No: HSL-6001" },
        { x: 380, y: 54, text: "Invoice Date: 04/11/2026" },
        { x: 380, y: 68, text: "Period: October 2026" },
        ...tableOps(columns, [
          ["Client Ref", "Description", "Hours", "Rate", "Amount"],
          ["C2001", "Outreach support", "40", "£25.00", "£1,000.00"],
        ], 110, 14),
        { x: 40, y: analysisTop, text: "VAT analysis", bold: true },
        ...tableOps([{ x: 40 }, right(160, 70), right(250, 60)], [
          ["VAT Rate", "Net", "VAT"],
          ["Standard 20%", "1,000.00", "200.00"],
          ["Total", "1,000.00", "200.00"],
        ], analysisTop + 14, 14, 1, [0]),
        ...tableOps([{ x: 330 }, right(480, 80)], [["Sub Total", "£1,000.00"], ["VAT", "£200.00"], ["Total", "£1,200.00"]], totalsTop, 14, 1, []),
      ],
    };
  }

  it.each([["after the totals", false], ["before the totals", true]])("%s: its rows are not lines, its base is not the VAT, its total not the invoice's", async (_where, first) => {
    const { invoice } = await read(layoutVatAnalysis(first), pdfkitLayout);
    expect(invoice.lines.map((l) => [l.childRef, l.amount])).toEqual([["C2001", "1000.00"]]);
    // 40 × £25.00 = £1,000.00; VAT 20% = £200.00; total £1,200.00.
    expect([invoice.subtotal, invoice.vat, invoice.total]).toEqual(["1000.00", "200.00", "1200.00"]);
  });
});

describe("spreadsheets in the wider vocabulary", () => {
  it("a CSV with 'Product', 'Hrs/Qty', 'UoM', 'Rate/Price', 'Line Amount', 'Sub Total', 'VAT @ 20% on …' and two-digit years", async () => {
    const csv = csvText([
      ["Hillside Supported Living", "", "", "", "", ""],
      ["VAT Reg No", "GB987654321", "", "", "", ""],
      ["Tax Invoice No", "HSL-7001", "", "Invoice Date", "04/11/26", ""],
      ["Period", "01/10/26 - 31/10/26", "", "", "", ""],
      [],
      ["YP Ref", "Product", "Hrs/Qty", "UoM", "Rate/Price", "Line Amount"],
      ["C2001", "Supported living – core", "4.43", "wk", "665.00", "2,945.95"],
      ["C2001", "Key work", "4 sessions", "", "45.00", "180.00"],
      ["", "", "", "", "Sub Total", "3,125.95"],
      ["", "", "", "", "VAT @ 20% on £3,125.95", "625.19"],
      ["", "", "", "", "Total", "3,751.14"],
    ], ",");
    const outcome = await readInvoiceFile("hsl.csv", Buffer.from(csv), { providers: FIXTURE_PROVIDERS, templates: [], lineKeywords: LINE_KEYWORDS });
    if (outcome.status !== "ok") throw new Error(outcome.message);
    expect(outcome.invoice).toMatchObject({ providerId: "HSL", invoiceNumber: "HSL-7001", invoiceDate: "2026-11-04", periodFrom: "2026-10-01", periodTo: "2026-10-31" });
    expect([outcome.invoice.subtotal, outcome.invoice.vat, outcome.invoice.total]).toEqual(["3125.95", "625.19", "3751.14"]);
    expect(outcome.invoice.lines.map((l) => [l.childRef, l.description, l.quantity, l.unit, l.unitRate, l.amount])).toEqual([
      ["C2001", "Supported living – core", "4.43", "week", "665", "2945.95"],
      ["C2001", "Key work", "4", "session", "45", "180.00"],
    ]);
    // 4.43 × 665.00 = 2,945.95; 4 × 45.00 = 180.00: every sum closes.
    expect(outcome.notes.filter((n) => n.startsWith("Arithmetic"))).toEqual([]);
  });

  it("an XLSX statement: the child and PO printed once above each block of lines", async () => {
    const bytes = await xlsxWorkbook([{
      name: "Invoice",
      rows: [
        ["Northern Lights Fostering"],
        ["Invoice No", "NLF-88"],
        ["Invoice Date", new Date(Date.UTC(2026, 10, 4))],
        ["Period", "October 2026"],
        [],
        ["Description", "Nights", "Rate", "Amount"],
        ["Child: C3001   PO: PO-9001"],
        ["Foster placement", 31, 120, 3720],
        ["Respite", 2, 60, 120],
        ["Child: C3002"],
        ["Foster placement", 15, 120, 1800],
        ["", "", "Total", 5640],
      ],
    }]);
    const outcome = await readInvoiceFile("nlf.xlsx", bytes, { providers: FIXTURE_PROVIDERS, templates: [], lineKeywords: LINE_KEYWORDS });
    if (outcome.status !== "ok") throw new Error(outcome.message);
    expect(outcome.invoice.lines.map((l) => [l.childRef, l.placementRef, l.amount])).toEqual([
      ["C3001", "PO-9001", "3720.00"],
      ["C3001", "PO-9001", "120.00"],
      ["C3002", null, "1800.00"],
    ]);
    expect(outcome.invoice.total).toBe("5640.00");
  });
});
