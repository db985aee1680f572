import { describe, expect, it } from "vitest";
import { item, read } from "../../support/drawn-page.js";

/**
 * Round 15 of the reader (issue 16): the thirteenth set's iText 5 table set its purchase order
 * in a column so narrow that the order touches the next cell's text ("PO-410201 Standard
 * fostering" is one run in pdftotext's text layer). A producer that draws such cells as one run
 * puts the reference and the service in one item: split at the reference's end, the rest given
 * to the column it lies under. Drawn here another way: other headings, words and positions; the
 * expected values are what the page prints.
 */
const HEADINGS = [
  item(30, 100, "Child"), item(90, 100, "Order"), item(140, 100, "Service"), item(330, 100, "Dates"),
  item(420, 100, "Qty"), item(460, 100, "Rate"), item(510, 100, "Amount"),
];

describe("a reference run into the next column's text", () => {
  it("an order number touching the service beside it is the order, and the rest is the description", () => {
    const draft = read([
      item(40, 40, "Invoice No HX-3320"), item(40, 55, "Invoice Date 05/01/2027"),
      ...HEADINGS,
      item(30, 130, "Y-5550"), item(90, 130, "PO-77120 Respite care"), item(330, 130, "01/12/2026 - 07/12/2026"), item(424, 130, "1.00"), item(460, 130, "300.00"), item(510, 130, "300.00"),
      item(30, 145, "Y-5551"), item(90, 145, "LA/88213 Supported lodgings"), item(330, 145, "01/12/2026 - 07/12/2026"), item(424, 145, "1.00"), item(460, 145, "410.00"), item(510, 145, "410.00"),
      item(460, 170, "Total"), item(510, 170, "710.00"),
    ]);
    expect(draft.lines.map((l) => [l.childRef, l.placementRef, l.description, l.from, l.to, l.amount?.toFixed(2)])).toEqual([
      ["Y-5550", "PO-77120", "Respite care", "2026-12-01", "2026-12-07", "300.00"],
      ["Y-5551", "LA/88213", "Supported lodgings", "2026-12-01", "2026-12-07", "410.00"],
    ]);
    expect(draft.uncertain).toEqual([]);
  });

  it("a child's reference touching the service is split the same way", () => {
    const draft = read([
      item(40, 40, "Invoice No HX-3321"), item(40, 55, "Invoice Date 05/01/2027"),
      item(30, 100, "Child"), item(62, 100, "Service"), item(330, 100, "Dates"), item(420, 100, "Qty"), item(460, 100, "Rate"), item(510, 100, "Amount"),
      item(30, 130, "K-4410 Day care"), item(330, 130, "01/12/2026 - 07/12/2026"), item(424, 130, "1.00"), item(460, 130, "300.00"), item(510, 130, "300.00"),
      item(460, 160, "Total"), item(510, 160, "300.00"),
    ]);
    expect(draft.lines.map((l) => [l.childRef, l.description])).toEqual([["K-4410", "Day care"]]);
  });

  it("a child's name beside the reference is never given to the next column", () => {
    const draft = read([
      item(40, 40, "Invoice No HX-3322"), item(40, 55, "Invoice Date 05/01/2027"),
      item(30, 100, "Child"), item(62, 100, "Service"), item(330, 100, "Dates"), item(420, 100, "Qty"), item(460, 100, "Rate"), item(510, 100, "Amount"),
      item(30, 130, "K-4411 Mia Lund"), item(140, 130, "Day care"), item(330, 130, "01/12/2026 - 07/12/2026"), item(424, 130, "1.00"), item(460, 130, "300.00"), item(510, 130, "300.00"),
      item(460, 160, "Total"), item(510, 160, "300.00"),
    ]);
    expect(draft.lines.map((l) => [l.childRef, l.description])).toEqual([["K-4411", "Day care"]]);
  });
});
