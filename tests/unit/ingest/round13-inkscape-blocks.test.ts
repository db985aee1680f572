import { describe, expect, it } from "vitest";
import { item, read } from "../../support/drawn-page.js";

/**
 * Round 13 of the reader (issue 16): statement blocks whose heading prints the child's name or
 * initials before the labelled references ("A. R. — Child ID C3001 · PO PO-430401"); a details
 * row under each description, a reference and the line's dates ("PO-460701 · Nov 1–30, 2026");
 * a quantity heading naming two units ("Weeks / Hrs"). Each page drawn item by item in other
 * words than the files; the expected values are what the page prints.
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

describe("a details row under a description: a reference with no label and the line's dates", () => {
  it("gives the line its dates, keeps its description, and leaves the reference for the reference data", () => {
    const draft = read([
      item(40, 40, "Invoice No OW-3312"), item(40, 55, "Invoice Date 02/11/2026"), item(40, 70, "Period October 2026"),
      item(40, 100, "Child Ref"), item(100, 100, "Service"), item(260, 100, "Nights"), item(330, 100, "Rate"), item(440, 100, "Amount"),
      item(40, 120, "K61"), item(100, 120, "Respite care"), item(260, 120, "7"), item(330, 120, "80.00"), item(440, 120, "560.00"),
      item(100, 132, "ORD-771 | 3 Oct 2026 – 9 Oct 2026"),
      item(40, 150, "K62"), item(100, 150, "Day care"), item(260, 150, "1"), item(330, 150, "90.00"), item(440, 150, "90.00"),
      item(100, 162, "ORD-772 • 14/10/2026"),
      item(330, 190, "Total"), item(440, 190, "650.00"),
    ]);
    expect(draft.lines.map((l) => [l.childRef, l.placementRef, l.description, l.from, l.to])).toEqual([
      ["K61", null, "Respite care", "2026-10-03", "2026-10-09"],
      ["K62", null, "Day care", "2026-10-14", "2026-10-14"],
    ]);
    expect(draft.unlabelledReferences).toEqual([{ line: 1, text: "ORD-771" }, { line: 2, text: "ORD-772" }]);
    expect(draft.uncertain.map((u) => [u.field, u.candidates])).toEqual([["line 1 childRef", ["ORD-771"]], ["line 2 childRef", ["ORD-772"]]]);
  });
});

describe("a quantity heading naming two units", () => {
  it("takes weeks where the quantity is the period's nights in weeks, the other unit where weeks cannot fit, and marks the rest", () => {
    const draft = read([
      item(40, 40, "Invoice No OW-3313"), item(40, 55, "Invoice Date 02/11/2026"), item(40, 70, "Period October 2026"),
      item(40, 100, "Child Ref"), item(100, 100, "Service"), item(200, 100, "From"), item(260, 100, "To"), item(320, 100, "Wks / Hours"), item(380, 100, "Rate"), item(440, 100, "Amount"),
      item(40, 120, "K71"), item(100, 120, "Residential"), item(200, 120, "01/10/2026"), item(260, 120, "31/10/2026"), item(320, 120, "4.43"), item(380, 120, "700.00"), item(440, 120, "3,101.00"),
      item(40, 135, "K71"), item(100, 135, "Escort"), item(200, 135, "09/10/2026"), item(260, 135, "09/10/2026"), item(320, 135, "3"), item(380, 135, "25.00"), item(440, 135, "75.00"),
      item(40, 150, "K72"), item(100, 150, "Outreach"), item(200, 150, "01/10/2026"), item(260, 150, "31/10/2026"), item(320, 150, "2"), item(380, 150, "40.00"), item(440, 150, "80.00"),
      item(380, 180, "Total"), item(440, 180, "3,256.00"),
    ]);
    expect(draft.lines.map((l) => [l.description, l.quantity?.toString(), l.unit])).toEqual([
      ["Residential", "4.43", "week"],
      ["Escort", "3", "hour"],
      ["Outreach", "2", null],
    ]);
    expect(draft.uncertain.map((u) => [u.field, u.candidates])).toEqual([["line 3 unit", ["week", "hour"]]]);
  });
});
