import { describe, expect, it } from "vitest";
import { item, read } from "../../support/drawn-page.js";

/**
 * Round 13 of the reader (issue 16): statement blocks whose heading prints the child's name or
 * initials before the labelled references ("A. R. — Child ID C3001 · PO PO-430401"). Each page
 * drawn item by item in other words than the file; the expected values are what the page prints.
 */

describe("a statement block's heading that names the child before its labelled references", () => {
  it("gives the block's references to its lines", () => {
    const draft = read([
      item(40, 40, "Invoice No OW-3310"), item(40, 55, "Invoice Date 02/12/2026"), item(40, 70, "Period November 2026"),
      item(40, 100, "Service"), item(260, 100, "Nights"), item(330, 100, "Rate"), item(440, 100, "Amount"),
      item(40, 120, "Jamie Taylor | Young Person: K51 · Order: ORD-61"),
      item(40, 135, "Foster placement"), item(260, 135, "30"), item(330, 135, "60.00"), item(440, 135, "1,800.00"),
      item(40, 160, "S. B. – YP Ref K52 – PO Ref ORD-62"),
      item(40, 175, "Foster placement"), item(260, 175, "30"), item(330, 175, "70.00"), item(440, 175, "2,100.00"),
      item(330, 205, "Total"), item(440, 205, "3,900.00"),
    ]);
    expect(draft.lines.map((l) => [l.childRef, l.placementRef, l.description, l.amount?.toFixed(2)])).toEqual([
      ["K51", "ORD-61", "Foster placement", "1800.00"],
      ["K52", "ORD-62", "Foster placement", "2100.00"],
    ]);
  });

  it("a line's own words before a dash are not a name: the row stays a line", () => {
    const draft = read([
      item(40, 40, "Invoice No OW-3311"), item(40, 55, "Invoice Date 02/12/2026"), item(40, 70, "Period November 2026"),
      item(40, 100, "Child Ref"), item(100, 100, "Service"), item(260, 100, "Nights"), item(330, 100, "Rate"), item(440, 100, "Amount"),
      item(40, 120, "K51"), item(100, 120, "Respite 2 – Order ORD-7 extension"), item(260, 120, "3"), item(330, 120, "60.00"), item(440, 120, "180.00"),
      item(330, 150, "Total"), item(440, 150, "180.00"),
    ]);
    expect(draft.lines.map((l) => [l.childRef, l.placementRef, l.amount?.toFixed(2)])).toEqual([["K51", null, "180.00"]]);
  });
});
