import { describe, expect, it } from "vitest";
import { joinedReferenceHeading } from "../../../src/ingest/text/labels.js";
import { splitJoinedReference } from "../../../src/ingest/extract/joined-references.js";
import { item, read } from "../../support/drawn-page.js";
import { readDrawnPdf } from "../../support/drawn-pdf.js";

/**
 * Round 12 of the reader (issue 16): a heading naming the child's and the placement's references
 * joined by a mark ("Client / Order" in the tenth set's FPDF credit memo, set in Courier) over
 * cells printing both joined the same way ("C8004 / PO-480906"). Drawn here another way: other
 * words, marks, orders and fonts (Times-Roman through the PDF reader, or item by item); the
 * expected values are what each page prints.
 */

describe("a heading naming both references joined by a mark", () => {
  it("names each half's field, in the heading's order, with its mark", () => {
    expect(joinedReferenceHeading("Child/PO")).toMatchObject({ fields: ["child", "placement"], mark: "/" });
    expect(joinedReferenceHeading("Young person – placement ref")).toMatchObject({ fields: ["child", "placement"], mark: "dash" });
    expect(joinedReferenceHeading("Purchase Order | Service User")).toMatchObject({ fields: ["placement", "child"], mark: "|" });
    // An ambiguous "Ref" beside a child names the placement.
    expect(joinedReferenceHeading("Resident — Ref")).toMatchObject({ fields: ["child", "placement"], mark: "dash" });
  });

  it("is no joined heading when the whole names one field, or the halves are not the two references", () => {
    for (const heading of ["Service / Description", "Name/Ref", "Child/YP", "PO/Ref", "Qty / Rate", "Child / Description", "Child", "Order No"]) {
      expect(joinedReferenceHeading(heading), heading).toBeNull();
    }
  });

  it("splits a cell at the same mark only into references of each half's kind", () => {
    expect(splitJoinedReference("K-77/PO 5521", "/", ["child", "placement"])).toBeNull(); // "PO 5521" is two words
    expect(splitJoinedReference("K-77/PO5521", "/", ["child", "placement"])).toEqual({ child: "K-77", placement: "PO5521" });
    expect(splitJoinedReference("K-77 /", "/", ["child", "placement"])).toEqual({ child: "K-77", placement: null });
    // Another mark, a child's part shaped as a purchase order, a word with no digit, one part only.
    expect(splitJoinedReference("K-77 | PO5521", "/", ["child", "placement"])).toBeNull();
    expect(splitJoinedReference("PO5521 / K-77", "/", ["child", "placement"])).toBeNull();
    expect(splitJoinedReference("Kim / PO5521", "/", ["child", "placement"])).toBeNull();
    expect(splitJoinedReference("K-77", "/", ["child", "placement"])).toBeNull();
    // A hyphen inside a reference is no dash between two.
    expect(splitJoinedReference("YP-31 – PL-4", "dash", ["child", "placement"])).toEqual({ child: "YP-31", placement: "PL-4" });
    expect(splitJoinedReference("YP-31-PL-4", "dash", ["child", "placement"])).toBeNull();
  });
});

describe("cells under a joined heading give each reference to its field", () => {
  it("a proportional font, the heading and each cell one run with no spaces at the mark", async () => {
    const draft = await readDrawnPdf([
      { x: 40, top: 40, text: "Invoice No RS-3310" }, { x: 40, top: 54, text: "Invoice Date 07/01/2027" },
      { x: 40, top: 100, text: "Child/PO" }, { x: 120, top: 100, text: "Service" }, { x: 300, top: 100, text: "Weeks" }, { x: 360, top: 100, text: "Weekly Fee" }, { x: 460, top: 100, text: "Net" },
      { x: 40, top: 116, text: "A2207/LA-99120" }, { x: 120, top: 116, text: "Residential care" }, { x: 300, top: 116, text: "2" }, { x: 360, top: 116, text: "3,100.00" }, { x: 460, top: 116, text: "6,200.00" },
      { x: 40, top: 130, text: "A2210/LA-99131" }, { x: 120, top: 130, text: "Residential care" }, { x: 300, top: 130, text: "1" }, { x: 360, top: 130, text: "3,250.00" }, { x: 460, top: 130, text: "3,250.00" },
      { x: 380, top: 160, text: "Total" }, { x: 460, top: 160, text: "9,450.00" },
    ]);
    expect(draft.lines.map((l) => [l.childRef, l.placementRef, l.description, l.amount?.toFixed(2)])).toEqual([
      ["A2207", "LA-99120", "Residential care", "6200.00"],
      ["A2210", "LA-99131", "Residential care", "3250.00"],
    ]);
    expect(draft.lines[0]?.evidence.placementRef?.label).toBe("Child/PO");
    expect(draft.uncertain).toEqual([]);
  });

  it("other words and a dash, the placement first, the heading's words drawn apart", () => {
    const draft = read([
      item(40, 40, "Invoice No WH-551"), item(40, 55, "Invoice Date 12/02/2027"),
      item(30, 100, "Placement ref –"), item(30 + 15 * 4.5 + 2, 100, "young person"), item(200, 100, "Details"), item(380, 100, "Nights"), item(430, 100, "Rate"), item(490, 100, "Amount"),
      item(30, 115, "PL-0407 – YP-2231"), item(200, 115, "Short breaks"), item(380, 115, "3"), item(430, 115, "210.00"), item(490, 115, "630.00"),
      item(30, 130, "PL-0412 – YP-2240"), item(200, 130, "Short breaks"), item(380, 130, "2"), item(430, 130, "210.00"), item(490, 130, "420.00"),
      item(400, 160, "Total"), item(490, 160, "1,050.00"),
    ]);
    expect(draft.lines.map((l) => [l.childRef, l.placementRef, l.amount?.toFixed(2)])).toEqual([
      ["YP-2231", "PL-0407", "630.00"],
      ["YP-2240", "PL-0412", "420.00"],
    ]);
    expect(draft.uncertain).toEqual([]);
  });

  it("a cell that does not split so keeps the child uncertain, never a guessed pair", () => {
    const draft = read([
      item(40, 40, "Invoice No WH-560"), item(40, 55, "Invoice Date 12/02/2027"),
      item(40, 100, "Client | Order"), item(160, 100, "Description"), item(380, 100, "Days"), item(430, 100, "Rate"), item(490, 100, "Amount"),
      item(40, 115, "M-310 | ORD-88"), item(160, 115, "Day care"), item(380, 115, "4"), item(430, 115, "90.00"), item(490, 115, "360.00"),
      // Alone: a child's or an order's reference, the heading cannot say.
      item(40, 130, "M-311"), item(160, 130, "Day care"), item(380, 130, "2"), item(430, 130, "90.00"), item(490, 130, "180.00"),
      // In the other order: the order's mark on the child's side.
      item(40, 145, "PO-91 | M-312"), item(160, 145, "Day care"), item(380, 145, "1"), item(430, 145, "90.00"), item(490, 145, "90.00"),
      // The mark with nothing after it: the child, no order printed.
      item(40, 160, "M-313 |"), item(160, 160, "Day care"), item(380, 160, "1"), item(430, 160, "90.00"), item(490, 160, "90.00"),
      item(400, 190, "Total"), item(490, 190, "720.00"),
    ]);
    expect(draft.lines.map((l) => [l.childRef, l.placementRef])).toEqual([
      ["M-310", "ORD-88"],
      ["M-311", null],
      ["PO-91 | M-312", null],
      ["M-313", null],
    ]);
    expect(draft.uncertain.map((u) => u.field).sort()).toEqual(["line 2 childRef", "line 3 childRef"]);
    expect(draft.uncertain.find((u) => u.field === "line 2 childRef")?.reason).toContain('"Client | Order"');
  });

  it("a heading naming one field with a slash is not split, nor are its cells", () => {
    const draft = read([
      item(40, 40, "Invoice No WH-570"), item(40, 55, "Invoice Date 12/02/2027"),
      item(40, 100, "Child"), item(100, 100, "Service / Description"), item(380, 100, "Nights"), item(430, 100, "Rate"), item(490, 100, "Amount"),
      item(40, 115, "C4410"), item(100, 115, "Respite / overnight"), item(380, 115, "2"), item(430, 115, "150.00"), item(490, 115, "300.00"),
      item(400, 145, "Total"), item(490, 145, "300.00"),
    ]);
    expect(draft.lines.map((l) => [l.childRef, l.placementRef, l.description])).toEqual([["C4410", null, "Respite / overnight"]]);
    expect(draft.uncertain).toEqual([]);
  });
});
