import { describe, expect, it } from "vitest";
import { columnFieldOf, joinedReferenceHeading } from "../../../src/ingest/text/labels.js";
import { item, read } from "../../support/drawn-page.js";

/**
 * Round 14 of the reader (issue 16): the twelfth set printed a line's two references around its
 * row instead of on it. A PDFBox remittance headed them "Family / Order" (a heading for who is
 * placed that the reader did not know, so the whole heading passed for a translation of "Order")
 * with the child on the line's row and its order on the row below; an xhtml2pdf invoice centred
 * the "Child / PO" cell on rows of one printed line, the child above the figures and the order
 * below. Drawn here other ways: other words, marks, references, positions and figures; the
 * expected values are what the page prints.
 */

describe("headings naming who is placed when it is more than one child", () => {
  it("reads a family, a household or a sibling group as the child's reference heading", () => {
    for (const heading of ["Family", "Family Ref", "Household ID", "Sibling Group", "Parent & Child No", "Mother and Baby Ref"]) expect(columnFieldOf(heading)).toBe("child");
    // Not words that merely start so: what the family is billed for is no reference.
    for (const heading of ["Family Time", "Family Support", "Household Items"]) expect(columnFieldOf(heading)).not.toBe("child");
  });

  it("reads such a heading joined to the order's as the two references, never as a translation", () => {
    expect(columnFieldOf("Household | PO No")).toBeNull();
    expect(joinedReferenceHeading("Household | PO No")?.fields).toEqual(["child", "placement"]);
    expect(joinedReferenceHeading("Sibling group – Order")?.fields).toEqual(["child", "placement"]);
  });
});

describe("the child on the line's row and its order on the row below, under such a heading", () => {
  it("reads both references of every line", () => {
    const draft = read([
      item(40, 40, "Invoice No HW-2207"), item(40, 55, "Invoice Date 05/01/2027"),
      item(30, 100, "Household | PO No"), item(140, 100, "Service"), item(300, 100, "Nights"), item(360, 100, "Rate"), item(450, 100, "Amount"),
      item(30, 120, "H-5521"), item(140, 120, "Mother and baby unit"), item(300, 120, "31"), item(360, 120, "310.00"), item(450, 120, "9,610.00"),
      item(30, 131, "PO77120"),
      item(30, 150, "H-5530"), item(140, 150, "Assessment"), item(300, 150, "10"), item(360, 150, "150.00"), item(450, 150, "1,500.00"),
      item(30, 161, "PO77131"),
      item(380, 190, "Total"), item(450, 190, "11,110.00"),
    ]);
    expect(draft.lines.map((l) => [l.childRef, l.placementRef, l.description, l.amount?.toFixed(2)])).toEqual([
      ["H-5521", "PO77120", "Mother and baby unit", "9610.00"],
      ["H-5530", "PO77131", "Assessment", "1500.00"],
    ]);
    expect(draft.uncertain).toEqual([]);
  });
});

describe("a joined heading's cell centred on a line of one printed line", () => {
  const page = (below: number) => [
    item(40, 40, "Invoice No MB-8812"), item(40, 55, "Invoice Date 02/02/2027"),
    item(30, 100, "Description"), item(200, 100, "Young person – placement"), item(330, 100, "Qty"), item(390, 100, "Price"), item(470, 100, "Total"),
    item(210, 118, "YP-410"),
    item(30, 125, "Residential care"), item(330, 125, "28"), item(390, 125, "400.00"), item(470, 125, "11,200.00"),
    item(210, below, "PL-9001"),
    item(210, 148, "YP-422"),
    item(30, 155, "Respite"), item(330, 155, "2"), item(390, 155, "180.00"), item(470, 155, "360.00"),
    item(210, 162, "PL-9007"),
    item(400, 190, "Total"), item(470, 190, "11,560.00"),
  ];

  it("reads the reference above the line's figures and the one below as its two", () => {
    const draft = read(page(132));
    expect(draft.lines.map((l) => [l.childRef, l.placementRef, l.description, l.amount?.toFixed(2)])).toEqual([
      ["YP-410", "PL-9001", "Residential care", "11200.00"],
      ["YP-422", "PL-9007", "Respite", "360.00"],
    ]);
    expect(draft.uncertain).toEqual([]);
  });

  it("a pair not centred on the row is not taken for its cell, and the references left over are marked", () => {
    const draft = read(page(136));
    expect(draft.lines[0]?.placementRef).not.toBe("PL-9001");
    // Neither word is a purchase order's shape: both marked on the line's reference, quoted.
    expect(draft.uncertain.find((u) => u.field === "line 1 childRef")?.candidates).toEqual(["YP-410", "PL-9001"]);
  });
});

describe("the guard: references no line took, or taken into the other's field", () => {
  it("marks a reference printed inside the table that no rule placed, on the line nearest it", () => {
    // Separate columns, and an order printed under the line's child in the child's column: no
    // rule reads a row of one reference under "Child" as the line's order, and none guesses it.
    const draft = read([
      item(40, 40, "Invoice No GD-1001"), item(40, 55, "Invoice Date 02/02/2027"),
      item(30, 100, "Child"), item(100, 100, "PO"), item(200, 100, "Service"), item(390, 100, "Weeks"), item(470, 100, "Amount"),
      item(30, 120, "R-3301"), item(200, 120, "Supported lodgings"), item(390, 120, "4"), item(470, 120, "1,200.00"),
      item(30, 131, "PO-88231"),
      item(400, 170, "Total"), item(470, 170, "1,200.00"),
    ]);
    const mark = draft.uncertain.find((u) => u.field === "line 1 placementRef");
    expect(mark?.candidates).toEqual(["PO-88231"]);
    expect(mark?.reason).toContain('"PO-88231"');
  });

  it("marks a purchase order read as the child's, and a child's reference read as another line's order", () => {
    const draft = read([
      item(40, 40, "Invoice No GD-1002"), item(40, 55, "Invoice Date 02/02/2027"),
      item(30, 100, "Client"), item(110, 100, "Order No"), item(200, 100, "Service"), item(390, 100, "Weeks"), item(470, 100, "Amount"),
      item(30, 120, "PO-5100"), item(200, 120, "Outreach"), item(390, 120, "2"), item(470, 120, "300.00"),
      item(30, 135, "K-7001"), item(110, 135, "K-7002"), item(200, 135, "Outreach"), item(390, 135, "2"), item(470, 135, "300.00"),
      item(30, 150, "K-7002"), item(110, 150, "PL-7"), item(200, 150, "Outreach"), item(390, 150, "2"), item(470, 150, "300.00"),
      item(400, 180, "Total"), item(470, 180, "900.00"),
    ]);
    expect(draft.lines.map((l) => [l.childRef, l.placementRef])).toEqual([["PO-5100", null], ["K-7001", "K-7002"], ["K-7002", "PL-7"]]);
    expect(draft.uncertain.map((u) => u.field)).toEqual(expect.arrayContaining(["line 1 childRef", "line 2 placementRef"]));
    expect(draft.uncertain.map((u) => u.field)).not.toContain("line 3 placementRef");
  });
});
