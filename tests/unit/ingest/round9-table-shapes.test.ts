import { describe, expect, it } from "vitest";
import { item, read } from "../../support/drawn-page.js";
import { extractInvoice } from "../../../src/ingest/extract/extractor.js";
import { rowsFromItems, type PositionedText } from "../../../src/ingest/readers/pdf-layout.js";
import { withoutSheetHeadings } from "../../../src/ingest/readers/sheet-headings.js";
import type { InvoiceDraft, LayoutRow } from "../../../src/ingest/types.js";

/**
 * Round 9 of the reader (issue 16), part A: tables in other shapes, drawn item by item. Each
 * class is one the seventh held-out set showed (a sheet printed with its row and column
 * headings, a legacy system's Courier labels, a ledger's Debit / Credit / Balance columns, "Fee
 * Type"); expected values are worked out by hand from what the page prints.
 */

function draftOf(rows: LayoutRow[]): InvoiceDraft {
  return extractInvoice({ format: "pdf", pageCount: 1, pageHeights: [842], rows, notes: [] });
}

const facts = [item(40, 40, "Invoice No INV-9"), item(40, 55, "Invoice Date 01/12/2026"), item(40, 70, "Period 01/11/2026 - 30/11/2026")];

describe("a spreadsheet printed with its column letters and row numbers", () => {
  // Row numbers in a gutter at x 20, letters over the columns, blank sheet rows numbered too.
  const sheet = [
    item(70, 20, "A"), item(150, 20, "B"), item(250, 20, "C"), item(330, 20, "D"), item(400, 20, "E"),
    item(20, 35, "1"), item(40, 35, "Invoice No"), item(120, 35, "SSF-9"),
    item(20, 50, "2"), item(40, 50, "Invoice date"), item(120, 50, "02/12/2026"),
    item(20, 65, "3"), item(40, 65, "Period"), item(120, 65, "November 2026"),
    item(20, 80, "4"),
    item(20, 95, "5"), item(40, 95, "Young Person"), item(120, 95, "Support"), item(250, 95, "Month"), item(330, 95, "Hours"), item(380, 95, "Rate £"), item(430, 95, "Net £"),
    item(20, 110, "6"), item(40, 110, "C6001"), item(120, 110, "Floating support"), item(250, 110, "November 2026"), item(330, 110, "11.50"), item(380, 110, "24.00"), item(430, 110, "276.00"),
    item(20, 125, "7"), item(40, 125, "C6002"), item(120, 125, "1:1 support"), item(250, 125, "November 2026"), item(330, 125, "8.00"), item(380, 125, "24.00"), item(430, 125, "192.00"),
    item(20, 140, "8"),
    item(20, 155, "9"), item(330, 155, "Total due"), item(430, 155, "468.00"),
  ];

  it("sets the letters and the numbers aside, and reads the sheet's table: 11.5 h × £24 = £276.00, 8 h × £24 = £192.00", () => {
    const found = withoutSheetHeadings(rowsFromItems(sheet, 1));
    expect(found.found).toBe(true);
    expect(found.rows.some((row) => row.cells.some((cell) => /^\d$/.test(cell.text)))).toBe(false);
    const draft = draftOf(found.rows);
    expect(draft.invoiceNumber).toBe("SSF-9");
    expect(draft.lines.map((l) => [l.childRef, l.description, l.from, l.to, l.quantity?.toFixed(2), l.unit, l.amount?.toFixed(2)])).toEqual([
      ["C6001", "Floating support", "2026-11-01", "2026-11-30", "11.50", "hour", "276.00"],
      ["C6002", "1:1 support", "2026-11-01", "2026-11-30", "8.00", "hour", "192.00"],
    ]);
    expect(draft.total?.toFixed(2)).toBe("468.00");
  });

  it("still finds them with the page footer Calc prints under the sheet, and keeps the footer", () => {
    const found = withoutSheetHeadings(rowsFromItems([...sheet, item(200, 800, "Page 1")], 1));
    expect(found.found).toBe(true);
    expect(found.rows[found.rows.length - 1]?.cells.map((c) => c.text)).toEqual(["Page 1"]);
  });

  it("leaves a table's own line numbers alone: no letter row, no sheet", () => {
    const numbered = [
      item(20, 95, "#"), item(40, 95, "Child"), item(120, 95, "Description"), item(430, 95, "Amount"),
      ...[1, 2, 3, 4, 5].map((n) => [item(20, 95 + 15 * n, String(n)), item(40, 95 + 15 * n, `C600${n}`), item(120, 95 + 15 * n, "Support"), item(430, 95 + 15 * n, "10.00")]).flat(),
    ];
    const rows = rowsFromItems(numbered, 1);
    expect(withoutSheetHeadings(rows)).toEqual({ rows, found: false });
  });

  it("leaves the numbers alone when they skip a row: not a sheet's gutter", () => {
    const skipping = sheet.map((i) => (i.text === "7" && i.x === 20 ? { ...i, text: "17" } : i));
    expect(withoutSheetHeadings(rowsFromItems(skipping, 1)).found).toBe(false);
  });
});

describe("labels whose words a monospaced font draws apart", () => {
  // Courier 9 pt: 5.4 pt a character, and a space as wide, wider than the gap that joins a cell.
  const mono = (x: number, top: number, text: string): PositionedText => item(x, top, text, text.length * 5.4);
  const ledger = [
    mono(36, 30, "INVOICE REF"), mono(110, 30, ": CED-9"),
    mono(36, 42, "TAX"), mono(57.6, 42, "POINT"), mono(110, 42, ": 01.12.2026"),
    mono(36, 54, "PERIOD"), mono(110, 54, ": 01.11.2026 - 30.11.2026"),
    mono(36, 80, "YP"), mono(52.2, 80, "REF"), mono(80, 80, "DESCRIPTION"), mono(300, 80, "DAYS"), mono(340, 80, "RATE"), mono(400, 80, "AMOUNT"),
    mono(36, 95, "C4001"), mono(80, 95, "RESIDENTIAL CARE"), mono(312, 95, "7"), mono(340, 95, "100.71"), mono(400, 95, "704.97"),
    mono(36, 110, "C4002"), mono(80, 110, "RESIDENTIAL CARE"), mono(312, 110, "2"), mono(340, 110, "130.00"), mono(400, 110, "260.00"),
    mono(250, 130, "NET"), mono(271.6, 130, "AMOUNT"), mono(360, 130, "GBP"), mono(400, 130, "964.97"),
    mono(250, 142, "VAT"), mono(271.6, 142, "(EXEMPT)"), mono(360, 142, "GBP"), mono(400, 142, "0.00"),
    mono(250, 154, "TOTAL"), mono(282.4, 154, "DUE"), mono(360, 154, "GBP"), mono(400, 154, "964.97"),
  ];

  it("reads 'TAX' 'POINT' as the invoice date, and 'NET' 'AMOUNT', 'VAT (EXEMPT)', 'TOTAL' 'DUE' as the totals", () => {
    const draft = read(ledger);
    expect(draft.invoiceDate).toBe("2026-12-01");
    // 7 × 100.71 = 704.97; 2 × 130.00 = 260.00; 704.97 + 260.00 = 964.97.
    expect(draft.lines.map((l) => l.amount?.toFixed(2))).toEqual(["704.97", "260.00"]);
    expect(draft.subtotal?.toFixed(2)).toBe("964.97");
    expect(draft.vat?.toFixed(2)).toBe("0.00");
    expect(draft.total?.toFixed(2)).toBe("964.97");
  });

  it("keeps 'TAX' alone a VAT label when no longer label is made: the date stays unread", () => {
    const draft = read(ledger.map((i) => (i.text === "POINT" ? { ...i, text: "PAID" } : i)));
    expect(draft.invoiceDate).toBeNull();
  });
});

describe("a ledger's Debit, Credit and Balance columns", () => {
  const heading = [
    item(40, 100, "Child"), item(90, 100, "Details"), item(250, 100, "Qty"), item(290, 100, "Rate"), item(340, 100, "Debit"), item(400, 100, "Credit"), item(460, 100, "Balance"),
  ];

  it("reads Debit as the amount, a Credit as a negative amount, and never the running Balance", () => {
    const draft = read([
      ...facts,
      ...heading,
      item(40, 115, "C5001"), item(90, 115, "Supported accommodation"), item(250, 115, "30"), item(290, 115, "150.00"), item(340, 115, "4,500.00"), item(460, 115, "4,500.00"),
      item(40, 130, "C5002"), item(90, 130, "1:1 support hours"), item(250, 130, "24"), item(290, 130, "26.00"), item(340, 130, "624.00"), item(460, 130, "5,124.00"),
      item(90, 145, "Price reduction 2%"), item(400, 145, "102.48"), item(460, 145, "5,021.52"),
      item(340, 170, "Balance due £"), item(460, 170, "5,021.52"),
    ]);
    // 30 × 150.00 = 4,500.00; 24 × 26.00 = 624.00; 2% of 5,124.00 = 102.48 off; 5,124.00 − 102.48 = 5,021.52.
    expect(draft.lines.map((l) => l.amount?.toFixed(2))).toEqual(["4500.00", "624.00", "-102.48"]);
    expect(draft.total?.toFixed(2)).toBe("5021.52");
    expect(draft.uncertain).toEqual([]);
  });

  it("marks a line printing both a debit and a credit: which is its amount is not known", () => {
    const draft = read([
      ...facts,
      ...heading,
      item(40, 115, "C5001"), item(90, 115, "Supported accommodation"), item(250, 115, "30"), item(290, 115, "150.00"), item(340, 115, "4,500.00"), item(400, 115, "100.00"), item(460, 115, "4,400.00"),
      item(340, 140, "Balance due £"), item(460, 140, "4,400.00"),
    ]);
    expect(draft.uncertain.map((u) => u.field)).toContain("line 1 amount");
  });
});

describe("'Fee Type' beside 'Placement'", () => {
  it("is the description, so 'Placement' beside a child column is the placement reference", () => {
    const draft = read([
      ...facts,
      item(40, 100, "Child"), item(90, 100, "Placement"), item(160, 100, "Fee Type"), item(300, 100, "Days"), item(340, 100, "Daily Rate"), item(420, 100, "Total"),
      item(40, 115, "C2001"), item(90, 115, "PO-420301"), item(160, 115, "Carer allowance"), item(300, 115, "30"), item(340, 115, "38.00"), item(420, 115, "1,140.00"),
      item(40, 130, "C2001"), item(90, 130, "PO-420301"), item(160, 130, "Agency fee"), item(300, 130, "30"), item(340, 130, "91.00"), item(420, 130, "2,730.00"),
      item(340, 150, "Invoice total"), item(420, 150, "3,870.00"),
    ]);
    // 30 × 38.00 = 1,140.00; 30 × 91.00 = 2,730.00; together 3,870.00.
    expect(draft.lines.map((l) => [l.childRef, l.placementRef, l.description, l.unit, l.amount?.toFixed(2)])).toEqual([
      ["C2001", "PO-420301", "Carer allowance", "day", "1140.00"],
      ["C2001", "PO-420301", "Agency fee", "day", "2730.00"],
    ]);
    expect(draft.total?.toFixed(2)).toBe("3870.00");
  });
});
