import { describe, expect, it } from "vitest";
import { extractInvoice } from "../../../src/ingest/extract/extractor.js";
import { rowsFromItems, type PositionedText } from "../../../src/ingest/readers/pdf-layout.js";
import { parsePeriodText } from "../../../src/ingest/text/values.js";
import { item, read } from "../../support/drawn-page.js";

/**
 * Round 12 of the reader (issue 16): a fostering fee split into its elements, one line each, the
 * child and order printed on the child's first line only and the cells left blank below, carried
 * over a page ("Carried forward" / "Brought forward"), under "Element" headings, for a period
 * printed month first ("Nov 1–30, 2026") after a label naming what is billed ("Fostering period").
 * Each page drawn item by item in other words than the file; the expected values are what the
 * page prints.
 */

const header = (period: string): PositionedText[] => [
  item(40, 40, "Invoice No KF-2207"), item(40, 55, "Invoice Date 03/11/2026"), item(40, 70, `Care period   ${period}`),
  item(40, 100, "Child ID"), item(100, 100, "Placement No"), item(170, 100, "Cost Element"), item(320, 100, "Days"), item(370, 100, "Daily Rate"), item(450, 100, "Amount"),
];

describe("references printed once per child, the cells below left blank", () => {
  it("are the references of the lines below, a discount inside a child's lines too", () => {
    const draft = read([
      ...header("Oct 1st – 31st, 2026"),
      item(40, 115, "K11"), item(100, 115, "PL-901"), item(170, 115, "Allowance"), item(320, 115, "31"), item(370, 115, "40.00"), item(450, 115, "1,240.00"),
      item(170, 130, "Agency charge"), item(320, 130, "31"), item(370, 130, "55.00"), item(450, 130, "1,705.00"),
      item(170, 145, "Multiple placement discount"), item(450, 145, "-100.00"),
      item(40, 160, "K12"), item(100, 160, "PL-902"), item(170, 160, "Allowance"), item(320, 160, "31"), item(370, 160, "45.00"), item(450, 160, "1,395.00"),
      item(170, 175, "Agency charge"), item(320, 175, "31"), item(370, 175, "55.00"), item(450, 175, "1,705.00"),
      item(370, 205, "Total"), item(450, 205, "5,945.00"),
    ]);
    expect(draft.lines.map((l) => [l.childRef, l.placementRef, l.description, l.amount?.toFixed(2)])).toEqual([
      ["K11", "PL-901", "Allowance", "1240.00"],
      ["K11", "PL-901", "Agency charge", "1705.00"],
      ["K11", "PL-901", "Multiple placement discount", "-100.00"],
      ["K12", "PL-902", "Allowance", "1395.00"],
      ["K12", "PL-902", "Agency charge", "1705.00"],
    ]);
    expect([draft.periodFrom, draft.periodTo]).toEqual(["2026-10-01", "2026-10-31"]);
    expect(draft.lines[1]?.evidence.childRef).toEqual({ via: "statement_block", label: null, where: "row 5" });
    expect(draft.uncertain).toEqual([]);
  });

  it("a discount with blank cells after the last child's lines is marked: that child's or the whole invoice's", () => {
    const draft = read([
      ...header("Oct 1–31, 2026"),
      item(40, 115, "K11"), item(100, 115, "PL-901"), item(170, 115, "Allowance"), item(320, 115, "31"), item(370, 115, "40.00"), item(450, 115, "1,240.00"),
      item(170, 130, "Agency charge"), item(320, 130, "31"), item(370, 130, "55.00"), item(450, 130, "1,705.00"),
      item(170, 145, "Prompt payment discount"), item(450, 145, "-50.00"),
      item(370, 175, "Total"), item(450, 175, "2,895.00"),
    ]);
    expect(draft.lines.map((l) => [l.childRef, l.description])).toEqual([["K11", "Allowance"], ["K11", "Agency charge"], [null, "Prompt payment discount"]]);
    expect(draft.uncertain.map((u) => [u.field, u.candidates])).toEqual([["line 3 childRef", ["K11", "none (the whole invoice)"]]]);
  });

  it("in a table printing the references on every charge, a blank discount after the lines stays the whole invoice's", () => {
    const draft = read([
      ...header("Oct 1–31, 2026"),
      item(40, 115, "K11"), item(100, 115, "PL-901"), item(170, 115, "Allowance"), item(320, 115, "31"), item(370, 115, "40.00"), item(450, 115, "1,240.00"),
      item(40, 130, "K11"), item(100, 130, "PL-901"), item(170, 130, "Agency charge"), item(320, 130, "31"), item(370, 130, "55.00"), item(450, 130, "1,705.00"),
      item(170, 145, "Prompt payment discount"), item(450, 145, "-50.00"),
      item(370, 175, "Total"), item(450, 175, "2,895.00"),
    ]);
    expect(draft.lines.map((l) => [l.childRef, l.description])).toEqual([["K11", "Allowance"], ["K11", "Agency charge"], [null, "Prompt payment discount"]]);
    expect(draft.uncertain).toEqual([]);
  });

  it("a child's lines carried over a page break keep the child above the break", () => {
    const first = rowsFromItems([
      ...header("Oct 1–31, 2026"),
      item(40, 115, "K11"), item(100, 115, "PL-901"), item(170, 115, "Allowance"), item(320, 115, "31"), item(370, 115, "40.00"), item(450, 115, "1,240.00"),
      item(40, 135, "Balance c/f"), item(450, 135, "1,240.00"),
      item(280, 815, "Page 1 of 2"),
    ], 1);
    const second = rowsFromItems([
      item(40, 40, "Child ID"), item(100, 40, "Placement No"), item(170, 40, "Cost Element"), item(320, 40, "Days"), item(370, 40, "Daily Rate"), item(450, 40, "Amount"),
      item(40, 55, "Balance b/f"), item(450, 55, "1,240.00"),
      item(170, 70, "Agency charge"), item(320, 70, "31"), item(370, 70, "55.00"), item(450, 70, "1,705.00"),
      item(40, 85, "K12"), item(100, 85, "PL-902"), item(170, 85, "Allowance"), item(320, 85, "31"), item(370, 85, "45.00"), item(450, 85, "1,395.00"),
      item(370, 115, "Total"), item(450, 115, "4,340.00"),
      item(280, 815, "Page 2 of 2"),
    ], 2);
    const draft = extractInvoice({ format: "pdf", pageCount: 2, pageHeights: [842, 842], rows: [...first, ...second], notes: [] });
    expect(draft.lines.map((l) => [l.childRef, l.placementRef, l.description, l.amount?.toFixed(2)])).toEqual([
      ["K11", "PL-901", "Allowance", "1240.00"],
      ["K11", "PL-901", "Agency charge", "1705.00"],
      ["K12", "PL-902", "Allowance", "1395.00"],
    ]);
    expect(draft.total?.toFixed(2)).toBe("4340.00");
    expect(draft.uncertain).toEqual([]);
  });
});

describe("hours named by the description under a nights heading", () => {
  it("are hours; hours as a time of day are not", () => {
    const draft = read([
      item(40, 40, "Invoice No KF-2208"), item(40, 55, "Invoice Date 03/11/2026"), item(40, 70, "Period October 2026"),
      item(40, 100, "Child"), item(100, 100, "Service"), item(300, 100, "Nights"), item(360, 100, "Rate"), item(440, 100, "Amount"),
      item(40, 115, "K21"), item(100, 115, "Foster placement"), item(300, 115, "31"), item(360, 115, "60.00"), item(440, 115, "1,860.00"),
      item(40, 130, "K21"), item(100, 130, "Additional carer hours"), item(300, 130, "12"), item(360, 130, "20.00"), item(440, 130, "240.00"),
      item(40, 145, "K21"), item(100, 145, "Out of hours cover"), item(300, 145, "2"), item(360, 145, "35.00"), item(440, 145, "70.00"),
      item(360, 175, "Total"), item(440, 175, "2,170.00"),
    ]);
    expect(draft.lines.map((l) => [l.description, l.quantity?.toFixed(2), l.unit])).toEqual([
      ["Foster placement", "31.00", "night"],
      ["Additional carer hours", "12.00", "hour"],
      ["Out of hours cover", "2.00", "night"],
    ]);
  });
});

describe("a period printed month first", () => {
  it("one month's days, or two months with the year once at the end", () => {
    expect(parsePeriodText("Oct 1–31, 2026")).toEqual({ from: "2026-10-01", to: "2026-10-31" });
    expect(parsePeriodText("October 1st - 31st 2026")).toEqual({ from: "2026-10-01", to: "2026-10-31" });
    expect(parsePeriodText("Sept 28 – Oct 4, 2026")).toEqual({ from: "2026-09-28", to: "2026-10-04" });
    expect(parsePeriodText("Oct 31–1, 2026")).toBeNull();
  });
});

describe("a date printed under a heading not read", () => {
  it("marks the line's period rather than letting the line take the invoice's", () => {
    const draft = read([
      item(40, 40, "Invoice No KF-2209"), item(40, 55, "Invoice Date 03/11/2026"), item(40, 70, "Period October 2026"),
      item(40, 100, "Child"), item(100, 100, "Service"), item(260, 100, "Happened On"), item(340, 100, "Qty"), item(380, 100, "Rate"), item(440, 100, "Amount"),
      item(40, 115, "K31"), item(100, 115, "Foster placement"), item(260, 115, "Oct 1–31, 2026"), item(340, 115, "31"), item(380, 115, "60.00"), item(440, 115, "1,860.00"),
      item(40, 130, "K31"), item(100, 130, "Contact supervision"), item(260, 130, "Oct 9, 2026"), item(340, 130, "1"), item(380, 130, "45.00"), item(440, 130, "45.00"),
      item(380, 160, "Total"), item(440, 160, "1,905.00"),
    ]);
    expect(draft.lines.map((l) => [l.description, l.from, l.to])).toEqual([["Foster placement", null, null], ["Contact supervision", null, null]]);
    expect(draft.uncertain.map((u) => [u.field, u.candidates])).toEqual([["line 1 period", ["Oct 1–31, 2026"]], ["line 2 period", ["Oct 9, 2026"]]]);
  });
});

describe("a statement block's heading of two labelled references set apart by spaces", () => {
  it("gives its references to the block's lines, its labels are not taken for column headings", () => {
    const draft = read([
      item(40, 40, "Invoice No KF-2210"), item(40, 55, "Invoice Date 03/11/2026"), item(40, 70, "Period October 2026"),
      item(40, 100, "Service User: S77"), item(160, 100, "Order: ORD-5521"),
      item(40, 115, "Service"), item(220, 115, "Units"), item(280, 115, "Per"), item(340, 115, "Price"), item(440, 115, "Line Total"),
      item(40, 130, "Supported living"), item(220, 130, "31"), item(280, 130, "night"), item(340, 130, "90.00"), item(440, 130, "2,790.00"),
      item(40, 160, "Service User: S78"), item(160, 160, "Order: ORD-5522"),
      item(40, 175, "Service"), item(220, 175, "Units"), item(280, 175, "Per"), item(340, 175, "Price"), item(440, 175, "Line Total"),
      item(40, 190, "Supported living"), item(220, 190, "31"), item(280, 190, "night"), item(340, 190, "95.00"), item(440, 190, "2,945.00"),
      item(340, 220, "Total"), item(440, 220, "5,735.00"),
    ]);
    expect(draft.lines.map((l) => [l.childRef, l.placementRef, l.amount?.toFixed(2)])).toEqual([
      ["S77", "ORD-5521", "2790.00"],
      ["S78", "ORD-5522", "2945.00"],
    ]);
    expect(draft.uncertain).toEqual([]);
  });
});

describe("blank reference cells under a statement block heading", () => {
  it("never take the reference of a line above the heading", () => {
    const draft = read([
      item(40, 40, "Invoice No KF-2211"), item(40, 55, "Invoice Date 03/11/2026"), item(40, 70, "Period October 2026"),
      item(40, 100, "Child"), item(100, 100, "Service"), item(300, 100, "Nights"), item(360, 100, "Rate"), item(440, 100, "Amount"),
      item(40, 115, "K41"), item(100, 115, "Foster placement"), item(300, 115, "31"), item(360, 115, "60.00"), item(440, 115, "1,860.00"),
      item(100, 130, "Agency fee"), item(300, 130, "31"), item(360, 130, "20.00"), item(440, 130, "620.00"),
      item(40, 150, "Young Person: K42"),
      item(100, 165, "Foster placement"), item(300, 165, "31"), item(360, 165, "62.00"), item(440, 165, "1,922.00"),
      item(360, 195, "Total"), item(440, 195, "4,402.00"),
    ]);
    expect(draft.lines.map((l) => [l.childRef, l.description])).toEqual([["K41", "Foster placement"], ["K41", "Agency fee"], [null, "Foster placement"]]);
  });
});
