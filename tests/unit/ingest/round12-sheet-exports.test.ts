import { describe, expect, it } from "vitest";
import { readInvoiceFile, type ReadOutcome } from "../../../src/ingest/read-invoice-file.js";
import { FIXTURE_PROVIDERS } from "../../fixtures/invoices/providers.js";
import { csvText, utcDate, utf8WithBom, xlsxWorkbook, type CellValue } from "../../fixtures/invoices/spreadsheet-builders.js";
import { item, read as readDrawn } from "../../support/drawn-page.js";
import { LINE_KEYWORDS } from "../../support/line-keywords.js";

/**
 * Round 12 of the reader (issue 16), spreadsheet exports: classes the tenth held-out set showed in
 * two XlsxWriter exports (a bookings export, a ledger export with its totals on a second sheet),
 * made here another way (exceljs workbooks, CSV text, a drawn PDF page) with other words and
 * figures. Expected values are worked out by hand from what the sheet prints and DATA.md.
 */

async function read(name: string, bytes: Buffer): Promise<Extract<ReadOutcome, { status: "ok" }>> {
  const outcome = await readInvoiceFile(name, bytes, { providers: FIXTURE_PROVIDERS, templates: [], lineKeywords: LINE_KEYWORDS });
  if (outcome.status !== "ok") throw new Error(`expected an invoice, got ${outcome.reason}: ${outcome.message}`);
  return outcome;
}

/** Each line as [child, placement, description, from, to, quantity, unit, rate, amount]. */
function lineFacts(outcome: Extract<ReadOutcome, { status: "ok" }>): (string | null)[][] {
  return outcome.invoice.lines.map((l) => [l.childRef, l.placementRef, l.description, l.from, l.to, l.quantity, l.unit, l.unitRate, l.amount]);
}

describe("a bookings export: the buyer's order and a rate named by its unit", () => {
  it("an XLSX: 'Authority Order No' is the placement, 'Day Rate' the rate, 'Days Charged' the quantity", async () => {
    const bytes = await xlsxWorkbook([
      {
        name: "Day care Oct",
        rows: [
          ["Hillside Supported Living - day support invoiced"],
          ["Invoice No", "HSL-9120", null, "Tax Point", utcDate("2026-11-02")],
          [],
          ["Booking", "Client ID", "Authority Order No", "Key Worker", "Service", "Date From", "Date To", "Days Charged", "Day Rate", "Amount", "Cost Code"],
          ["B-881", "C5001", "LA-77001", "R. Amadi", "Day support", utcDate("2026-10-05"), utcDate("2026-10-09"), 5, 85, 425, "7710"],
          ["B-882", "C5002", "LA-77002", "R. Amadi", "Day support", utcDate("2026-10-12"), utcDate("2026-10-13"), 2, 92.5, 185, "7710"],
          [],
          [null, null, null, null, null, null, null, null, "Total", 610],
        ],
      },
    ]);
    const outcome = await read("hsl-9120.xlsx", bytes);
    expect(outcome.uncertain).toEqual([]);
    // 5 × 85.00 = 425.00; 2 × 92.50 = 185.00; 425.00 + 185.00 = 610.00.
    expect(lineFacts(outcome)).toEqual([
      ["C5001", "LA-77001", "Day support", "2026-10-05", "2026-10-09", "5", "day", "85", "425.00"],
      ["C5002", "LA-77002", "Day support", "2026-10-12", "2026-10-13", "2", "day", "92.5", "185.00"],
    ]);
    expect(outcome.invoice.total).toBe("610.00");
  });

  it("a CSV: 'Commissioner Order' and 'Session Fee' beside 'Sessions'; a 'Sales Order' is not the placement", async () => {
    const text = csvText(
      [
        ["Northern Lights Fostering"],
        ["Invoice No", "NLF-3310"],
        ["Invoice Date", "03/11/2026"],
        [],
        ["Child Ref", "Commissioner Order", "Sales Order", "Details", "Start", "End", "Sessions", "Session Fee", "Line Total"],
        ["C3001", "KV-5101", "SO-11", "Contact supervision", "06/10/2026", "27/10/2026", "4", "45.00", "180.00"],
        ["C3002", "KV-5102", "SO-12", "Contact supervision", "07/10/2026", "21/10/2026", "3", "45.00", "135.00"],
        [],
        ["", "", "", "", "", "", "", "Total Due", "315.00"],
      ],
      ",",
    );
    const outcome = await read("nlf-3310.csv", utf8WithBom(text));
    expect(outcome.uncertain).toEqual([]);
    // 4 × 45.00 = 180.00; 3 × 45.00 = 135.00; 180.00 + 135.00 = 315.00.
    expect(lineFacts(outcome)).toEqual([
      ["C3001", "KV-5101", "Contact supervision", "2026-10-06", "2026-10-27", "4", "session", "45", "180.00"],
      ["C3002", "KV-5102", "Contact supervision", "2026-10-07", "2026-10-21", "3", "session", "45", "135.00"],
    ]);
  });
});

describe("a ledger export: the buyer's system's words for a supplier's invoice", () => {
  const facts: CellValue[][] = [
    ["Hillside Supported Living - export for Kestrel Vale Council"],
    ["Provider Invoice Number", null, "HSL-9300"],
    ["Invoice date", null, utcDate("2026-11-04")],
    ["Billing period", null, "01/10/2026 - 31/10/2026"],
    ["Vendor VAT Reg No", null, "GB 987 6543 21"],
    [],
  ];
  const table: CellValue[][] = [
    ["Ledger Code", "Cost Centre", "Child Reference", "Charge Component", "Start", "Finish Date", "Quantity Invoiced", "Unit", "Unit Cost", "Line Fee", "VAT Code"],
    ["5410", "CS-SIL", "C5001", "Supported living - core", utcDate("2026-10-01"), utcDate("2026-10-31"), 31, "Night", 95, 2945, "EX"],
    ["5462", "CS-SIL", "C5001", "Mileage - school run", utcDate("2026-10-05"), utcDate("2026-10-23"), 210, "Mile", 0.45, 94.5, "EX"],
    ["5419", "CS-SIL", "C5001", "Loyalty discount", utcDate("2026-10-01"), utcDate("2026-10-31"), null, null, null, -100, "EX"],
  ];
  // 31 × 95.00 = 2,945.00; 210 × 0.45 = 94.50; 2,945.00 + 94.50 − 100.00 = 2,939.50 net, VAT nil.
  const expectedLines = [
    ["C5001", null, "Supported living - core", "2026-10-01", "2026-10-31", "31", "night", "95", "2945.00"],
    ["C5001", null, "Mileage - school run", "2026-10-05", "2026-10-23", "210", "mile", "0.45", "94.50"],
    ["C5001", null, "Loyalty discount", "2026-10-01", "2026-10-31", null, null, null, "-100.00"],
  ];

  it("reads 'Charge Component', 'Finish Date', 'Quantity Invoiced', 'Line Fee', and the supplier's own number and VAT number, totals under the lines", async () => {
    const bytes = await xlsxWorkbook([{ name: "Lines", rows: [...facts, ...table, [], [null, null, null, null, null, null, null, null, "Net", 2939.5], [null, null, null, null, null, null, null, null, "VAT (T2 - exempt)", 0], [null, null, null, null, null, null, null, null, "Gross", 2939.5]] }]);
    const outcome = await read("hsl-9300.xlsx", bytes);
    expect(outcome.uncertain).toEqual([]);
    expect([outcome.invoice.providerId, outcome.invoice.invoiceNumber, outcome.invoice.invoiceDate, outcome.invoice.periodFrom, outcome.invoice.periodTo]).toEqual(["HSL", "HSL-9300", "2026-11-04", "2026-10-01", "2026-10-31"]);
    expect(lineFacts(outcome)).toEqual(expectedLines);
    expect([outcome.invoice.subtotal, outcome.invoice.vat, outcome.invoice.total]).toEqual(["2939.50", "0.00", "2939.50"]);
  });

  it("totals on a sheet after the lines: 'Net', 'VAT (EX - exempt)', 'Gross' read as the invoice's totals", async () => {
    const bytes = await xlsxWorkbook([
      { name: "Lines", rows: [...facts, ...table] },
      { name: "Totals", rows: [["Invoice HSL-9300 totals"], [], ["Net", 2939.5], ["VAT (EX - exempt)", 0], ["Gross", 2939.5]] },
    ]);
    const outcome = await read("hsl-9300-two-sheets.xlsx", bytes);
    expect(outcome.uncertain).toEqual([]);
    expect(outcome.invoice.invoiceNumber).toBe("HSL-9300");
    expect(lineFacts(outcome)).toEqual(expectedLines);
    expect([outcome.invoice.subtotal, outcome.invoice.vat, outcome.invoice.total]).toEqual(["2939.50", "0.00", "2939.50"]);
    expect(outcome.notes.some((n) => /No total was printed/.test(n))).toBe(false);
  });

  it("totals on a summary sheet before the sheet of lines: the net / VAT / gross ladder is the invoice's totals", async () => {
    const bytes = await xlsxWorkbook([
      { name: "Summary", rows: [...facts, ["Net", 2939.5], ["VAT", 0], ["Gross", 2939.5]] },
      { name: "Lines", rows: table },
    ]);
    const outcome = await read("hsl-9300-summary-first.xlsx", bytes);
    expect(outcome.uncertain).toEqual([]);
    expect(lineFacts(outcome)).toEqual(expectedLines);
    expect([outcome.invoice.subtotal, outcome.invoice.vat, outcome.invoice.total]).toEqual(["2939.50", "0.00", "2939.50"]);
    expect(outcome.notes.some((n) => /No total was printed/.test(n))).toBe(false);
  });

  it("a summary ladder that does not add up keeps the gross printed, and the arithmetic says so (not the lines' sum in its place)", async () => {
    const bytes = await xlsxWorkbook([
      { name: "Summary", rows: [...facts, ["Net", 2939.5], ["VAT", 0], ["Gross", 2993.5]] },
      { name: "Lines", rows: table },
    ]);
    const outcome = await read("hsl-9300-summary-off.xlsx", bytes);
    expect([outcome.invoice.subtotal, outcome.invoice.total]).toEqual(["2939.50", "2993.50"]);
    expect(outcome.notes).toContain("Arithmetic: subtotal + VAT is £2939.50, the total printed is £2993.50.");
  });

  it("facts on a sheet after the lines are read as the invoice's", async () => {
    const bytes = await xlsxWorkbook([
      { name: "Lines", rows: [...table, [], [null, null, null, null, null, null, null, null, "Net", 2939.5], [null, null, null, null, null, null, null, null, "VAT", 0], [null, null, null, null, null, null, null, null, "Gross", 2939.5]] },
      { name: "Invoice", rows: facts },
    ]);
    const outcome = await read("hsl-9300-facts-last.xlsx", bytes);
    expect(outcome.uncertain).toEqual([]);
    expect([outcome.invoice.invoiceNumber, outcome.invoice.invoiceDate, outcome.invoice.periodFrom, outcome.invoice.periodTo]).toEqual(["HSL-9300", "2026-11-04", "2026-10-01", "2026-10-31"]);
    expect(lineFacts(outcome)).toEqual(expectedLines);
    expect(outcome.invoice.total).toBe("2939.50");
  });
});

describe("a net / VAT / gross ladder printed above the table of a PDF page", () => {
  const page = (terms: boolean) => [
    item(40, 30, "Oakfield Fostering Ltd"),
    item(40, 45, "Invoice No"), item(140, 45, "OAK-7781"),
    item(40, 60, "Invoice Date"), item(140, 60, "02/11/2026"),
    ...(terms ? [item(40, 75, "Terms"), item(140, 75, "Net"), item(170, 75, "30")] : []),
    item(380, 45, "Net"), item(470, 45, "1,240.00"),
    item(380, 60, "VAT"), item(470, 60, "248.00"),
    item(380, 75, "Gross"), item(470, 75, "1,488.00"),
    item(40, 110, "Child Ref"), item(110, 110, "Description"), item(250, 110, "Nights"), item(310, 110, "Rate"), item(380, 110, "Amount"),
    item(40, 125, "C1001"), item(110, 125, "Foster placement"), item(255, 125, "8"), item(310, 125, "155.00"), item(380, 125, "1,240.00"),
  ];

  it("reads 'Net' as the subtotal and 'Gross' as the total", () => {
    const draft = readDrawn(page(false));
    // 8 × 155.00 = 1,240.00; 20% VAT 248.00; 1,240.00 + 248.00 = 1,488.00.
    expect([draft.subtotal?.toFixed(2), draft.vat?.toFixed(2), draft.total?.toFixed(2)]).toEqual(["1240.00", "248.00", "1488.00"]);
    expect(draft.uncertain).toEqual([]);
  });

  it("but 'Net 30' beside 'Terms' is not a subtotal", () => {
    const draft = readDrawn(page(true).filter((i) => !["Gross", "1,488.00"].includes(i.text)));
    expect(draft.subtotal).toBeNull();
  });
});
