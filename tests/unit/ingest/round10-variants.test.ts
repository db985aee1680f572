import { describe, expect, it } from "vitest";
import { CHAR, item, read } from "../../support/drawn-page.js";
import { joinLetterSpacedItems, type PositionedText } from "../../../src/ingest/readers/pdf-layout.js";

/**
 * Round 10 of the reader (issue 16): what the layout variants of seeds 10 and 11 found once the
 * generator made round 9's classes at random. Each page drawn item by item; the expected values
 * are what the page prints.
 */

/** `text` drawn one character at a time at a Courier pitch of one character (as a legacy system sets "T A X  P O I N T"). */
function spaced(x: number, top: number, text: string): PositionedText[] {
  return [...text].flatMap((c, k) => (c === " " ? [] : [item(x + k * CHAR, top, c)]));
}

describe("labels set with their letters spaced", () => {
  it("a run of single letters at one pitch is read as its words, the value beside it left alone", () => {
    const items = [...spaced(40, 40, "T A X  P O I N T :"), item(200, 40, "03/11/2026")];
    expect(joinLetterSpacedItems(items).map((i) => i.text)).toEqual(["TAX POINT:", "03/11/2026"]);
  });

  it("a last letter printed in one item with the value after it goes to the label", () => {
    const items = [...spaced(40, 40, "P E R I O"), item(40 + 10 * CHAR, 40, "D October 2026")];
    expect(joinLetterSpacedItems(items).map((i) => i.text)).toEqual(["PERIOD", "October 2026"]);
  });

  it("single letters far apart (a sheet's column letters) and digits are left as printed", () => {
    const letters = [item(40, 20, "A"), item(90, 20, "B"), item(150, 20, "C"), item(210, 20, "D")];
    expect(joinLetterSpacedItems(letters).map((i) => i.text)).toEqual(["A", "B", "C", "D"]);
    const digits = [item(40, 20, "1"), item(40 + 2 * CHAR, 20, "2"), item(40 + 4 * CHAR, 20, "3")];
    expect(joinLetterSpacedItems(digits).map((i) => i.text)).toEqual(["1", "2", "3"]);
  });

  it("an invoice whose header labels are letter-spaced is read by them", () => {
    const draft = read([
      ...spaced(40, 40, "I N V O I C E  N O :"), item(200, 40, "SSF-2568"),
      ...spaced(40, 55, "T A X  P O I N T :"), item(200, 55, "03/12/2026"),
      item(40, 100, "Child"), item(100, 100, "Description"), item(300, 100, "Qty"), item(360, 100, "Rate"), item(440, 100, "Amount"),
      item(40, 115, "C6001"), item(100, 115, "Residential placement fee"), item(300, 115, "30 nights"), item(360, 115, "150.00"), item(440, 115, "4,500.00"),
      item(360, 140, "Total"), item(440, 140, "4,500.00"),
    ]);
    expect([draft.invoiceNumber, draft.invoiceDate]).toEqual(["SSF-2568", "2026-12-03"]);
    expect(draft.lines.map((l) => [l.childRef, l.amount?.toFixed(2)])).toEqual([["C6001", "4500.00"]]);
  });
});
