import { beforeAll, describe, expect, it } from "vitest";
import { readInvoiceFile, type ReadOutcome } from "../../../src/ingest/read-invoice-file.js";
import { warmUpPdfReader } from "../../../src/ingest/readers/pdf.reader.js";
import { ambiguousFieldsOf, columnFieldOf } from "../../../src/ingest/text/labels.js";
import { pdfkitLayout, tableOps, type PdfLayout, type TableColumn, type TextOp } from "../../fixtures/invoices/pdf-builders.js";
import { FIXTURE_PROVIDERS } from "../../fixtures/invoices/providers.js";
import { LINE_KEYWORDS } from "../../support/line-keywords.js";

/**
 * Round 4 of issue 16: other accountants' words for line-table headings (and which column an
 * ambiguous word names), a description wrapping across a page break, and header labels a narrow
 * cell wraps onto two lines. Figures are worked out by hand from what each layout prints.
 */

describe("headings as other accountants and tools write them", () => {
  it.each([
    ["Reason", "description"], ["Reason for Credit", "description"], ["Particulars", "description"], ["Narrative", "description"],
    ["Care Package", "description"], ["Service Description", "description"],
    ["Credit", "amount"], ["Credit Amount", "amount"], ["Line Amount", "amount"], ["Net Amount", "amount"], ["Ex VAT", "amount"], ["Gross", "amount"], ["Total (£)", "amount"],
    ["Nights Stayed", "quantity"], ["No. Nights", "quantity"], ["Days Charged", "quantity"], ["No of Weeks", "quantity"], ["Hours Worked", "quantity"],
    ["Weekly Charge", "rate"], ["Cost per week", "rate"], ["Cost per night", "rate"], ["Charge p/w", "rate"], ["Daily Charge", "rate"], ["Price per night", "rate"],
    ["Service User", "child"], ["Resident", "child"], ["Name/Ref", "child"], ["Client", "child"],
    ["Your Ref", "placement"], ["Your Reference", "placement"],
    ["Period of care", "period"], ["Dates", "period"], ["W/E", "period"], ["Week Ending", "period"], ["Dates of Stay", "period"],
    ["Start Date", "from"], ["End Date", "to"], ["First Night", "from"], ["Last Night", "to"],
  ])("%s → %s", (heading, field) => {
    expect(columnFieldOf(heading)).toBe(field);
  });

  it("'Cost' alone is the amount, 'Cost per week' the rate: the longer label wins", () => {
    expect(columnFieldOf("Cost")).toBe("amount");
    expect(columnFieldOf("Cost per week")).toBe("rate");
    expect(columnFieldOf("Total Cost")).toBe("amount");
  });

  it("words that name two columns are left to the rest of the row, never guessed alone", () => {
    expect(columnFieldOf("Charge")).toBeNull();
    expect(ambiguousFieldsOf("Charge")).toEqual(["description", "amount"]);
    expect(columnFieldOf("Ref")).toBeNull();
    expect(ambiguousFieldsOf("Our Ref")).toEqual(["child", "placement"]);
    // Round 7: "Stay" is the description beside dates of stay, the dates beside a "Service" column.
    expect(columnFieldOf("Stay")).toBeNull();
    expect(ambiguousFieldsOf("Stay")).toEqual(["description", "period"]);
    expect(ambiguousFieldsOf("Placement")).toEqual(["placement", "description"]);
    expect(ambiguousFieldsOf("£")).toEqual(["amount"]);
    expect(ambiguousFieldsOf("#")).toBeNull(); // a line number column, not a currency
    expect(columnFieldOf("Items")).toBeNull(); // a bare plural is not a quantity by shape
  });
});

const right = (x: number, width: number): TableColumn => ({ x, width, align: "right" });

async function outcomeOf(layout: PdfLayout): Promise<ReadOutcome> {
  return readInvoiceFile("invoice.pdf", await pdfkitLayout(layout), { providers: FIXTURE_PROVIDERS, templates: [], lineKeywords: LINE_KEYWORDS });
}

function letterhead(page = 1): TextOp[] {
  return [
    { page, x: 40, y: 40, text: "Oakfield Fostering Ltd", size: 14, bold: true },
    { page, x: 40, y: 58, text: "VAT Reg No: GB123456789" },
  ];
}

const FACTS: TextOp[] = [
  { x: 380, y: 40, text: "Invoice No: OFP-4001" },
  { x: 380, y: 54, text: "Invoice Date: 02/11/2026" },
  { x: 380, y: 68, text: "Period: October 2026" },
];

function totals(top: number, amount: string, page = 1): TextOp[] {
  return [
    { page, x: 330, y: top, text: "Total Due" },
    { page, x: 480, y: top, width: 80, align: "right", text: amount },
  ];
}

describe("ambiguous headings decided by the row", () => {
  beforeAll(async () => {
    await warmUpPdfReader();
  });

  it("'Ref' beside a child column is the placement; 'Charge' beside 'Particulars' is the amount", async () => {
    const columns = [{ x: 40 }, { x: 100 }, { x: 170 }, right(380, 40), right(440, 60), right(480, 80)];
    const outcome = await outcomeOf({
      pages: 1,
      ops: [
        ...letterhead(),
        ...FACTS,
        ...tableOps(columns, [
          ["Resident", "Ref", "Particulars", "Nights", "Rate", "Charge"],
          ["C1001", "PO-1", "Foster placement", "31", "131.00", "4,061.00"],
          ["C1002", "PO-2", "Foster placement", "10", "150.00", "1,500.00"],
        ], 120),
        ...totals(180, "£5,561.00"),
      ],
    });
    expect(outcome.status).toBe("ok");
    if (outcome.status !== "ok") return;
    expect(outcome.invoice.lines.map((l) => [l.childRef, l.placementRef, l.quantity, l.unitRate, l.amount])).toEqual([
      ["C1001", "PO-1", "31", "131", "4061.00"],
      ["C1002", "PO-2", "10", "150", "1500.00"],
    ]);
  });

  it("'Ref' with no child or placement column is not guessed: the file is refused, quoting the heading row", async () => {
    const columns = [{ x: 40 }, { x: 120 }, right(480, 80)];
    const outcome = await outcomeOf({
      pages: 1,
      ops: [
        ...letterhead(),
        ...FACTS,
        ...tableOps(columns, [["Ref", "Description", "Amount"], ["C1001", "Foster placement", "4,061.00"]], 120),
        ...totals(160, "£4,061.00"),
      ],
    });
    expect(outcome.status).toBe("needs_attention");
    if (outcome.status !== "needs_attention") return;
    const problem = outcome.problems.find((p) => p.code === "no_line_table");
    expect(problem?.evidence).toContain("Ref");
  });
});

describe("a description wrapping across a page break", () => {
  const columns = [{ x: 40 }, { x: 100 }, right(380, 40), right(440, 60), right(480, 80)];
  const headings = ["Child Ref", "Description", "Nights", "Rate", "Amount"];

  function twoPages(carried: string): PdfLayout {
    return {
      pages: 2,
      ops: [
        ...letterhead(1),
        ...FACTS,
        ...tableOps(columns, [headings, ["C1001", "Foster placement", "31", "131.00", "4,061.00"], ["C1002", "Foster placement – enhanced rate (see", "31", "150.00", "4,650.00"]], 120),
        { page: 1, x: 270, y: 800, text: "Page 1 of 2", size: 7 },
        ...letterhead(2),
        ...tableOps(columns, [headings, ["", carried, "", "", ""], ["C1003", "Foster placement", "10", "131.00", "1,310.00"]], 90, 14, 2),
        ...totals(150, "£10,021.00", 2),
        { page: 2, x: 270, y: 800, text: "Page 2 of 2", size: 7 },
      ],
    };
  }

  it("the words that plainly go on (an open bracket closed on the next page) are joined", async () => {
    const outcome = await outcomeOf(twoPages("agreement of 9 June 2026)"));
    expect(outcome.status).toBe("ok");
    if (outcome.status !== "ok") return;
    expect(outcome.invoice.lines.map((l) => l.description)).toEqual(["Foster placement", "Foster placement – enhanced rate (see agreement of 9 June 2026)", "Foster placement"]);
    expect(outcome.uncertain).toEqual([]);
  });

  it("text that may be a caption instead is not joined by a guess: the line's description is marked", async () => {
    const layout = twoPages("Respite");
    const op = layout.ops.find((o) => o.text === "Foster placement – enhanced rate (see");
    if (op) op.text = "Foster placement – enhanced rate";
    const outcome = await outcomeOf(layout);
    expect(outcome.status).toBe("ok");
    if (outcome.status !== "ok") return;
    expect(outcome.uncertain.map((u) => u.field)).toEqual(["line 2 description"]);
    expect(outcome.uncertain[0]?.candidates).toEqual(["Foster placement – enhanced rate", "Respite"]);
  });
});

describe("a header label wrapped onto two lines in a narrow cell", () => {
  it("'Invoice' over 'Number' and 'Invoice' over 'Date' are read as the longer labels", async () => {
    const columns = [{ x: 40 }, { x: 100 }, right(380, 40), right(440, 60), right(480, 80)];
    const outcome = await outcomeOf({
      pages: 1,
      ops: [
        ...letterhead(),
        { x: 380, y: 40, text: "Invoice", bold: true },
        { x: 380, y: 50, text: "Number", bold: true },
        { x: 440, y: 45, text: "OFP-4002" },
        { x: 380, y: 66, text: "Invoice", bold: true },
        { x: 380, y: 76, text: "Date", bold: true },
        { x: 440, y: 66, text: "03/11/2026" },
        { x: 40, y: 90, text: "Period: October 2026" },
        ...tableOps(columns, [["Child Ref", "Description", "Nights", "Rate", "Amount"], ["C1001", "Foster placement", "31", "131.00", "4,061.00"]], 120),
        ...totals(160, "£4,061.00"),
      ],
    });
    expect(outcome.status).toBe("ok");
    if (outcome.status !== "ok") return;
    expect(outcome.invoice.invoiceNumber).toBe("OFP-4002");
    expect(outcome.invoice.invoiceDate).toBe("2026-11-03");
  });
});
