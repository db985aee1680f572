import { describe, expect, it } from "vitest";
import { splitStackedReference } from "../../../src/ingest/extract/joined-references.js";
import { item, read } from "../../support/drawn-page.js";

/**
 * Round 13 of the reader (issue 16): under a heading naming both references joined by a mark and
 * itself wrapped at the mark ("Client Ref /" over "Order" in the eleventh set's asciidoctor-pdf
 * statement), each line's cell prints the child on the line's row and the order on the row below.
 * Drawn here another way: other words, mark, references and positions; the expected values are
 * what the page prints.
 */

describe("a joined heading's cell printed on two lines", () => {
  it("reads the two lines as the heading's halves in order, by the joined cell's rules", () => {
    expect(splitStackedReference("YP-31", "PL-4", "dash", ["child", "placement"])).toEqual({ child: "YP-31", placement: "PL-4" });
    // A purchase order on the child's line, a word with no digit, two words on a line, one line blank.
    expect(splitStackedReference("PO-77", "K-12", "/", ["child", "placement"])).toBeNull();
    expect(splitStackedReference("K-12", "pending", "/", ["child", "placement"])).toBeNull();
    expect(splitStackedReference("K-12", "PO 77", "/", ["child", "placement"])).toBeNull();
    expect(splitStackedReference("K-12", "", "/", ["child", "placement"])).toBeNull();
  });

  it("a heading wrapped at its mark, the child over the order in each line's cell", () => {
    const draft = read([
      item(40, 40, "Invoice No LM-9021"), item(40, 55, "Invoice Date 04/03/2027"),
      item(30, 100, "Young person –"), item(150, 100, "Service"), item(330, 100, "Nights"), item(390, 100, "Rate"), item(470, 100, "Amount"),
      item(30, 112, "placement"),
      item(30, 130, "YP-2231"), item(150, 130, "Short breaks at"), item(330, 130, "3"), item(390, 130, "210.00"), item(470, 130, "630.00"),
      item(30, 142, "PL-0407"), item(150, 142, "Willow Lodge"),
      item(30, 160, "YP-2240"), item(150, 160, "Short breaks"), item(330, 160, "2"), item(390, 160, "210.00"), item(470, 160, "420.00"),
      item(30, 172, "PL-0412"),
      item(400, 200, "Total"), item(470, 200, "1,050.00"),
    ]);
    expect(draft.lines.map((l) => [l.childRef, l.placementRef, l.description, l.amount?.toFixed(2)])).toEqual([
      ["YP-2231", "PL-0407", "Short breaks at Willow Lodge", "630.00"],
      ["YP-2240", "PL-0412", "Short breaks", "420.00"],
    ]);
    expect(draft.lines[0]?.evidence.placementRef?.label).toBe("Young person – placement");
    expect(draft.uncertain).toEqual([]);
  });

  it("a second line that is not the other reference leaves the child marked, never a guessed pair", () => {
    const draft = read([
      item(40, 40, "Invoice No LM-9022"), item(40, 55, "Invoice Date 04/03/2027"),
      item(30, 100, "Client Ref /"), item(150, 100, "Service"), item(330, 100, "Nights"), item(390, 100, "Rate"), item(470, 100, "Amount"),
      item(30, 112, "Order"),
      item(30, 130, "PO-551"), item(150, 130, "Short breaks"), item(330, 130, "3"), item(390, 130, "210.00"), item(470, 130, "630.00"),
      item(30, 142, "K-2231"),
      item(400, 200, "Total"), item(470, 200, "630.00"),
    ]);
    expect(draft.lines.some((l) => l.placementRef === "PO-551")).toBe(false);
    expect(draft.uncertain.map((u) => u.field)).toContain("line 1 childRef");
  });

  it("the row under also carries on the count's unit and the period the narrow cells wrapped", () => {
    const draft = read([
      item(40, 40, "Invoice No LM-9023"), item(40, 55, "Invoice Date 04/03/2027"),
      item(30, 100, "Child |"), item(110, 100, "Item"), item(250, 100, "Period"), item(340, 100, "Quantity"), item(400, 100, "Price"), item(470, 100, "Total"),
      item(30, 112, "PO"),
      item(30, 130, "R-5510"), item(110, 130, "Escort to school"), item(250, 130, "01/02/2027"), item(340, 130, "14"), item(400, 130, "5.00"), item(470, 130, "70.00"),
      item(30, 142, "PO7781"), item(250, 142, "to 26/02/2027"), item(340, 142, "hrs"),
      item(400, 180, "Total"), item(470, 180, "70.00"),
    ]);
    expect(draft.lines.map((l) => [l.childRef, l.placementRef, l.from, l.to, l.quantity?.toFixed(2), l.unit, l.amount?.toFixed(2)])).toEqual([
      ["R-5510", "PO7781", "2027-02-01", "2027-02-26", "14.00", "hour", "70.00"],
    ]);
    expect(draft.uncertain).toEqual([]);
  });

  it("a single date whose cell wraps into a period from it is the period (any table, no joined heading)", () => {
    const draft = read([
      item(40, 40, "Invoice No LM-9024"), item(40, 55, "Invoice Date 04/03/2027"),
      item(30, 100, "Child"), item(110, 100, "Description"), item(250, 100, "Dates"), item(340, 100, "Days"), item(400, 100, "Rate"), item(470, 100, "Amount"),
      item(30, 130, "R-5510"), item(110, 130, "Day care"), item(250, 130, "1 Feb 2027"), item(340, 130, "20"), item(400, 130, "90.00"), item(470, 130, "1,800.00"),
      item(110, 142, "(term time)"), item(250, 142, "– 26 Feb"), item(250, 154, "2027"),
      item(400, 180, "Total"), item(470, 180, "1,800.00"),
    ]);
    expect(draft.lines.map((l) => [l.childRef, l.description, l.from, l.to])).toEqual([["R-5510", "Day care (term time)", "2027-02-01", "2027-02-26"]]);
    expect(draft.uncertain).toEqual([]);
  });
});

