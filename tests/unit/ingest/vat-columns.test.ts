import { describe, expect, it } from "vitest";
import { extractInvoice } from "../../../src/ingest/extract/extractor.js";
import { rowsFromItems, type PositionedText } from "../../../src/ingest/readers/pdf-layout.js";

/**
 * The classes the second held-out set was misread on (issue 16, round 3): a spreadsheet's
 * left-aligned headings over right-aligned figures with a VAT rate per line, quantity and unit
 * touching, a VAT analysis below the totals; "Per Night" as a rate heading; mileage under a nights
 * heading; a cell the reader cannot read; a period printed alone under a description. Every
 * figure expected is worked by hand from what the rows print.
 */

// Proportional text, 5 pt a character; `end` sets a right-aligned figure by its right edge.
const at = (text: string, x: number, top: number): PositionedText => ({ text, x, top, width: text.length * 5, height: 9 });
const end = (text: string, right: number, top: number): PositionedText => at(text, right - text.length * 5, top);

describe("a spreadsheet printed to PDF: headings at the cells' left edges, figures at their right edges", () => {
  // Cells: Child 40–90, Description 90–250, From 250–310, To 310–370, Qty 370–430, Rate 430–490, VAT Rate 490–560, Net Amount 560–640.
  const headings = [at("Child ID", 40, 100), at("Description", 90, 100), at("From", 250, 100), at("To", 310, 100), at("Qty", 370, 100), at("Rate", 430, 100), at("VAT Rate", 490, 100), at("Net Amount", 560, 100)];
  const row = (top: number, child: string, description: string, qty: string, rate: string, vat: string, amount: string): PositionedText[] => [
    at(child, 40, top), at(description, 90, top), end("01/10/26", 308, top), end("31/10/26", 368, top), end(qty, 428, top), end(rate, 488, top), at(vat, 492, top), end(amount, 638, top),
  ];

  it("puts each figure under its own heading, keeps the VAT rate out of rate and amount, and reads a VAT analysis as neither lines nor totals", () => {
    const items = [
      at("Invoice Ref", 40, 40), at("CED-9001", 110, 40), at("Date", 430, 40), at("02/11/26", 490, 40),
      ...headings,
      ...row(114, "C4001", "Residential care", "31nights", "705.00", "Exempt", "21,855.00"),
      ...row(128, "C4003", "Equine therapy", "4sessions", "95.00", "20%", "380.00"),
      at("Sub Total", 490, 160), end("22,235.00", 638, 160),
      at("VAT", 490, 174), end("76.00", 638, 174),
      at("Invoice Total", 490, 188), end("22,311.00", 638, 188),
      at("VAT Analysis", 40, 220),
      at("VAT Rate", 40, 234), at("Net", 120, 234), at("VAT", 200, 234),
      at("Exempt", 40, 248), end("21,855.00", 170, 248), end("0.00", 240, 248),
      at("Standard 20%", 40, 262), end("380.00", 170, 262), end("76.00", 240, 262),
      at("Total", 40, 276), end("22,235.00", 170, 276), end("76.00", 240, 276),
    ];
    const draft = extractInvoice({ format: "pdf", pageCount: 1, notes: [], rows: rowsFromItems(items, 1) });
    expect(draft.lines.map((l) => [l.childRef, l.from, l.to, l.quantity?.toString(), l.unit, l.unitRate?.toFixed(2), l.amount?.toFixed(2)])).toEqual([
      ["C4001", "2026-10-01", "2026-10-31", "31", "night", "705.00", "21855.00"],
      ["C4003", "2026-10-01", "2026-10-31", "4", "session", "95.00", "380.00"],
    ]);
    // 31 × 705 = 21,855; 4 × 95 = 380; lines 22,235 = subtotal; + VAT 76 (20% of 380) = 22,311.
    expect([draft.subtotal?.toFixed(2), draft.vat?.toFixed(2), draft.total?.toFixed(2)]).toEqual(["22235.00", "76.00", "22311.00"]);
    expect(draft.uncertain).toEqual([]);
  });

  it("marks a figure it cannot read under a heading as uncertain, never leaves it silently empty", () => {
    const items = [
      at("Invoice Ref", 40, 40), at("CED-9002", 110, 40),
      ...headings,
      ...row(114, "C4001", "Residential care", "31 nts approx", "705.00", "Exempt", "21,855.00"),
      at("Invoice Total", 490, 160), end("21,855.00", 638, 160),
    ];
    const draft = extractInvoice({ format: "pdf", pageCount: 1, notes: [], rows: rowsFromItems(items, 1) });
    expect(draft.lines[0]?.quantity).toBeNull();
    expect(draft.uncertain).toEqual([expect.objectContaining({ code: "uncertain_value", field: "line 1 quantity", candidates: ["31 nts approx"] })]);
  });
});

describe("headings and units in other words", () => {
  it("reads 'Per Night' as the rate, mileage under 'No. of nights' in miles, and a period alone under a description as the line's dates", () => {
    const items = [
      at("Invoice No", 40, 40), at("BFC-9003", 110, 40), at("Period", 300, 40), at("October 2026", 360, 40),
      at("Child", 40, 100), at("Description", 90, 100), at("No. of nights", 300, 100), at("Per Night", 380, 100), at("Amount", 460, 100),
      at("C1001", 40, 114), at("Foster care", 90, 114), end("31", 365, 114), end("129.00", 425, 114), end("3,999.00", 500, 114),
      at("C1001", 40, 128), at("Mileage – school transport", 90, 128), end("210", 365, 128), end("0.45", 425, 128), end("94.50", 500, 128),
      at("C1002", 40, 142), at("Respite weekend", 90, 142), end("2", 365, 142), end("95.00", 425, 142), end("190.00", 500, 142),
      at("17/10/2026 – 18/10/2026", 90, 152),
      at("Total", 400, 180), end("4,283.50", 500, 180),
    ];
    const draft = extractInvoice({ format: "pdf", pageCount: 1, notes: [], rows: rowsFromItems(items, 1) });
    expect(draft.lines.map((l) => [l.description, l.from, l.to, l.quantity?.toString(), l.unit, l.unitRate?.toFixed(2), l.amount?.toFixed(2)])).toEqual([
      ["Foster care", null, null, "31", "night", "129.00", "3999.00"],
      ["Mileage – school transport", null, null, "210", "mile", "0.45", "94.50"],
      ["Respite weekend", "2026-10-17", "2026-10-18", "2", "night", "95.00", "190.00"],
    ]);
    // 3,999.00 + 94.50 + 190.00 = 4,283.50.
    expect(draft.total?.toFixed(2)).toBe("4283.50");
    expect(draft.uncertain).toEqual([]);
  });
});

describe("a VAT amount per line beside a gross amount", () => {
  it("marks the line's amount uncertain when it is quantity × rate plus the line's VAT, naming both", () => {
    const items = [
      at("Invoice No", 40, 40), at("RSL-9004", 110, 40),
      at("Client Ref", 40, 100), at("Service", 100, 100), at("Qty", 300, 100), at("Rate", 350, 100), at("VAT", 410, 100), at("Total", 470, 100),
      at("C5001", 40, 114), at("Supported living", 100, 114), end("31", 315, 114), end("105.00", 380, 114), end("0.00", 430, 114), end("3,255.00", 500, 114),
      // 4 × 45.00 = 180.00; VAT 36.00; 216.00 printed under "Total" is the gross.
      at("C5002", 40, 128), at("Life-skills coaching", 100, 128), end("4", 315, 128), end("45.00", 380, 128), end("36.00", 430, 128), end("216.00", 500, 128),
      at("Total Due", 400, 160), end("3,471.00", 500, 160),
    ];
    const draft = extractInvoice({ format: "pdf", pageCount: 1, notes: [], rows: rowsFromItems(items, 1) });
    expect(draft.lines.map((l) => l.amount?.toFixed(2))).toEqual(["3255.00", "216.00"]);
    expect(draft.uncertain).toEqual([expect.objectContaining({ field: "line 2 amount", candidates: ["216.00", "180.00"] })]);
  });
});
