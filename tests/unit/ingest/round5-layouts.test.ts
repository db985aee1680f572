import { describe, expect, it } from "vitest";
import { extractInvoice } from "../../../src/ingest/extract/extractor.js";
import { joinTouchingItems, rowsFromItems, type PositionedText } from "../../../src/ingest/readers/pdf-layout.js";
import { parseMoneyText, parsePeriodText } from "../../../src/ingest/text/values.js";
import type { InvoiceDraft, LayoutDocument } from "../../../src/ingest/types.js";

/**
 * Round 5 of the reader (issue 16): the classes the fourth held-out set and the round-5 tune
 * layouts showed, each on a page drawn here item by item as a PDF producer places text (left edge,
 * baseline, width), with every expected value worked out from what the page prints.
 */

const SIZE = 9;
const CHAR = 4.5; // the drawn width of one character at SIZE: placement only needs to be consistent

function item(x: number, top: number, text: string, width = text.length * CHAR): PositionedText {
  return { text, x, top, width, height: SIZE };
}

/** A right-aligned item ending at `right`. */
function itemRight(right: number, top: number, text: string): PositionedText {
  return item(right - text.length * CHAR, top, text);
}

function page(items: PositionedText[]): LayoutDocument {
  return { format: "pdf", pageCount: 1, pageHeights: [842], rows: rowsFromItems(items, 1), notes: [] };
}

function read(items: PositionedText[]): InvoiceDraft {
  return extractInvoice(page(items));
}

describe("one word drawn as several text items", () => {
  it("joins a ligature run set flush between the letters of its word ('sta' 'ffi' 'ng')", () => {
    const joined = joinTouchingItems([item(100, 50, "Short break (2:1 sta", 90), item(190, 50, "ffi", 9.2), item(199.2, 50, "ng)", 13)], SIZE);
    expect(joined.map((i) => i.text)).toEqual(["Short break (2:1 staffing)"]);
  });

  it("joins a ligature run across a thin gap, and writes a ligature character as its letters", () => {
    const joined = joinTouchingItems([item(100, 50, "sta", 13), item(113.8, 50, "\uFB03", 9), item(123.4, 50, "ng", 9)], SIZE);
    expect(joined.map((i) => i.text)).toEqual(["staffing"]);
  });

  it("keeps words apart that a visible gap separates, and never joins across a space", () => {
    const apart = joinTouchingItems([item(100, 50, "Foster", 27), item(130, 50, "care", 18)], SIZE);
    expect(apart.map((i) => i.text)).toEqual(["Foster", "care"]);
    const spaced = joinTouchingItems([item(100, 50, "Invoice", 31.5), item(131.5, 50, " No", 13.5)], SIZE);
    expect(spaced.map((i) => i.text)).toEqual(["Invoice", " No"]);
    const figures = joinTouchingItems([item(100, 50, "150.00", 27), item(127, 50, "1,050.00", 36)], SIZE);
    expect(figures.map((i) => i.text)).toEqual(["150.00", "1,050.00"]);
  });
});

describe("values", () => {
  it("reads two dd/mm/yy dates joined by a bare hyphen as a period", () => {
    expect(parsePeriodText("01/11/26-30/11/26")).toEqual({ from: "2026-11-01", to: "2026-11-30" });
    expect(parsePeriodText("01.11.26-30.11.26")).toEqual({ from: "2026-11-01", to: "2026-11-30" });
    expect(parsePeriodText("01-11-26-30-11-26")).toBeNull();
  });

  it("reads a trailing minus as a negative amount, only on pounds and pence", () => {
    expect(parseMoneyText("450.00-")?.toFixed(2)).toBe("-450.00");
    expect(parseMoneyText("1,234.56 -")?.toFixed(2)).toBe("-1234.56");
    expect(parseMoneyText("12-")).toBeNull();
    expect(parseMoneyText("2026-")).toBeNull();
  });
});

/** Header block and a line table's headings: Child, Description, Period, Nights, Rate, Amount. */
function header(period: string | null): PositionedText[] {
  return [
    item(40, 40, "Oakleaf Family Placements CIC"),
    item(40, 60, "Invoice No: OFP-7001"),
    item(40, 72, "Invoice Date: 02/12/2026"),
    ...(period ? [item(40, 84, period)] : []),
  ];
}

const HEADINGS = (top: number): PositionedText[] => [
  item(40, top, "Child"),
  item(100, top, "Description"),
  item(260, top, "Period"),
  itemRight(390, top, "Nights"),
  itemRight(450, top, "Rate"),
  itemRight(530, top, "Amount"),
];

function lineRow(top: number, cells: { child?: string; description?: string; period?: string; nights?: string; rate?: string; amount?: string }): PositionedText[] {
  return [
    ...(cells.child ? [item(40, top, cells.child)] : []),
    ...(cells.description ? [item(100, top, cells.description)] : []),
    ...(cells.period ? [item(260, top, cells.period)] : []),
    ...(cells.nights ? [itemRight(390, top, cells.nights)] : []),
    ...(cells.rate ? [itemRight(450, top, cells.rate)] : []),
    ...(cells.amount ? [itemRight(530, top, cells.amount)] : []),
  ];
}

describe("cells wrapped onto several printed lines", () => {
  it("joins a period cell wrapped onto the next line ('01/11/2026 to' / '30/11/2026') with the words beside it", () => {
    const draft = read([
      ...header(null),
      ...HEADINGS(120),
      ...lineRow(136, { child: "C2001", description: "Foster placement –", period: "01/11/2026 to", nights: "30", rate: "132.00", amount: "3,960.00" }),
      ...lineRow(146, { description: "standard", period: "30/11/2026" }),
      ...lineRow(160, { child: "C2002", description: "Foster placement", period: "16/11/2026 to", nights: "15", rate: "151.00", amount: "2,265.00" }),
      ...lineRow(170, { period: "30/11/2026" }),
      item(400, 190, "Total Due"),
      itemRight(530, 190, "6,225.00"),
    ]);
    expect(draft.lines.map((l) => [l.childRef, l.description, l.from, l.to])).toEqual([
      ["C2001", "Foster placement – standard", "2026-11-01", "2026-11-30"],
      ["C2002", "Foster placement", "2026-11-16", "2026-11-30"],
    ]);
    expect(draft.uncertain).toEqual([]);
  });

  it("reads a table whose cells are middle-aligned: words above a line's figures and as many below are that line's", () => {
    const draft = read([
      ...header("Period: November 2026"),
      ...HEADINGS(120),
      ...lineRow(136, { description: "Residential placement –", period: "2026-11-01 to" }),
      ...lineRow(141.5, { child: "C3001", nights: "30", rate: "117.00", amount: "3,510.00" }),
      ...lineRow(147, { description: "standard", period: "2026-11-30" }),
      ...lineRow(162, { description: "Residential placement –", period: "2026-11-09 to" }),
      ...lineRow(167.5, { child: "C3002", nights: "22", rate: "164.00", amount: "3,608.00" }),
      ...lineRow(173, { description: "complex needs", period: "2026-11-30" }),
      ...lineRow(188, { child: "C3005", description: "Education support", period: "2026-11-20", nights: "1", rate: "95.00", amount: "95.00" }),
      item(400, 210, "Total Due"),
      itemRight(530, 210, "7,213.00"),
    ]);
    expect(draft.lines.map((l) => [l.childRef, l.description, l.from, l.to])).toEqual([
      ["C3001", "Residential placement – standard", "2026-11-01", "2026-11-30"],
      ["C3002", "Residential placement – complex needs", "2026-11-09", "2026-11-30"],
      ["C3005", "Education support", "2026-11-20", "2026-11-20"],
    ]);
  });

  it("leaves a title row above a top-aligned table out of the first line", () => {
    const draft = read([
      ...header("Period: November 2026"),
      ...HEADINGS(120),
      ...lineRow(134, { description: "Placement fees" }),
      ...lineRow(148, { child: "C3001", description: "Residential placement", period: "01/11/2026 - 30/11/2026", nights: "30", rate: "117.00", amount: "3,510.00" }),
      ...lineRow(162, { child: "C3002", description: "Residential placement", period: "01/11/2026 - 30/11/2026", nights: "30", rate: "164.00", amount: "4,920.00" }),
      item(400, 180, "Total Due"),
      itemRight(530, 180, "8,430.00"),
    ]);
    expect(draft.lines.map((l) => l.description)).toEqual(["Residential placement", "Residential placement"]);
  });

  it("gives 'Child ref: C4001' printed under a line's description to that line, not to the lines below", () => {
    const headings = [item(40, 120, "Description"), item(200, 120, "Period"), itemRight(390, 120, "Amount"), itemRight(440, 120, "Nights"), itemRight(500, 120, "Rate")];
    const row = (top: number, description: string, amount: string, nights: string, rate: string): PositionedText[] => [
      item(40, top, description),
      item(200, top, "01.11.2026 – 30.11.2026"),
      itemRight(390, top, amount),
      itemRight(440, top, nights),
      itemRight(500, top, rate),
    ];
    const draft = read([
      ...header("Billing Period: 1 November 2026 to 30 November 2026"),
      ...headings,
      ...row(136, "Residential care placement", "9,300.00", "30", "310.00"),
      item(40, 146, "Child ref: C4001"),
      ...row(164, "Residential care placement", "10,650.00", "30", "355.00"),
      item(40, 174, "Child ref: C4002"),
      item(300, 200, "Total Due:"),
      itemRight(390, 200, "19,950.00"),
    ]);
    expect(draft.lines.map((l) => [l.childRef, l.amount?.toFixed(2), l.unitRate?.toFixed(2)])).toEqual([
      ["C4001", "9300.00", "310.00"],
      ["C4002", "10650.00", "355.00"],
    ]);
  });
});

describe("headings over two and three rows", () => {
  it("keeps the lower headings' fields under a group heading ('Dates of stay' over 'First Night' and 'Last Night')", () => {
    const draft = read([
      ...header("Period: November 2026"),
      item(40, 120, "Resident"),
      item(100, 120, "Care Package"),
      item(222, 120, "Dates of stay"),
      item(352, 120, "Nights"),
      item(398, 120, "Nightly"),
      item(455, 120, "Total (£)"),
      item(222, 133, "First Night"),
      item(287, 133, "Last Night"),
      item(352, 133, "Stayed"),
      item(398, 133, "Charge"),
      item(40, 148, "C3003"),
      item(100, 148, "Individually agreed package"),
      item(235, 148, "01/11/2026"),
      item(300, 148, "21/11/2026"),
      itemRight(396, 148, "21"),
      itemRight(452, 148, "140.00"),
      itemRight(520, 148, "2,940.00"),
      item(398, 170, "Net"),
      itemRight(520, 170, "2,940.00"),
      item(398, 182, "Total Due"),
      itemRight(520, 182, "2,940.00"),
    ]);
    expect(draft.lines.map((l) => [l.from, l.to, l.quantity?.toString(), l.unitRate?.toFixed(2)])).toEqual([["2026-11-01", "2026-11-21", "21", "140.00"]]);
    expect(draft.subtotal?.toFixed(2)).toBe("2940.00");
    expect(draft.uncertain).toEqual([]);
  });

  it("reads headings middle-aligned over three rows ('PLACEMENT' / 'ID', 'AMOUNT' / 'GBP')", () => {
    const draft = read([
      ...header("PERIOD November 2026"),
      item(40, 120, "PLACEMENT"),
      itemRight(530, 120, "AMOUNT"),
      item(120, 124.5, "DESCRIPTION"),
      itemRight(390, 124.5, "QTY"),
      itemRight(450, 124.5, "RATE"),
      item(40, 129, "ID"),
      itemRight(530, 129, "GBP"),
      item(40, 146, "PL-8002"),
      item(120, 146, "Supervised contact"),
      itemRight(390, 146, "3 hours"),
      itemRight(450, 146, "32.50"),
      itemRight(530, 146, "97.50"),
      item(400, 170, "TOTAL GBP"),
      itemRight(530, 170, "97.50"),
    ]);
    expect(draft.lines.map((l) => [l.placementRef, l.description, l.amount?.toFixed(2)])).toEqual([["PL-8002", "Supervised contact", "97.50"]]);
  });
});

describe("a billing period said under no period label", () => {
  const table = (period: string | null): PositionedText[] => [
    ...HEADINGS(120),
    ...lineRow(136, { child: "C4001", description: "Residential care", ...(period ? { period } : {}), nights: "30", rate: "310.00", amount: "9,300.00" }),
    item(400, 160, "Total Due"),
    itemRight(530, 160, "9,300.00"),
  ];

  it("is the invoice's period when the lines' own dates lie inside it", () => {
    const draft = read([...header("Fostering placements for November 2026"), ...table("01/11/2026 - 30/11/2026")]);
    expect([draft.periodFrom, draft.periodTo]).toEqual(["2026-11-01", "2026-11-30"]);
    expect(draft.evidence.period?.via).toBe("sentence");
    expect(draft.uncertain).toEqual([]);
  });

  it("is not taken when a line's dates fall outside it", () => {
    const draft = read([...header("Fostering placements for November 2026"), ...table("01/10/2026 - 31/10/2026")]);
    expect([draft.periodFrom, draft.periodTo]).toEqual([null, null]);
  });

  it("is marked for a person when no line prints dates to confirm it", () => {
    const draft = read([...header("Reference  Nov 2026 placements"), ...table(null)]);
    expect([draft.periodFrom, draft.periodTo]).toEqual(["2026-11-01", "2026-11-30"]);
    expect(draft.uncertain.map((u) => [u.code, u.field])).toEqual([["uncertain_value", "period"]]);
  });
});
