import { describe, expect, it } from "vitest";
import { item, read } from "../../support/drawn-page.js";

/**
 * Round 15 of the reader (issue 16): the thirteenth set's iText 5 table printed the child's
 * reference with the child's first name beside it in one narrow cell ("C1001 Jayden"), the
 * surname wrapped onto the printed line below, where the description's next words and the end of
 * a period wrapped at its dash stood too (and a count's unit under the quantity). The surname is
 * no reference and no line: the row below only goes on with the line's cells. A carer's name in a
 * column of its own is no field. Drawn here another way: other headings, names, figures and
 * positions; the expected values are what the page prints.
 */
const HEADINGS = [
  item(30, 100, "Child Ref/Name"), item(120, 100, "Carer"), item(200, 100, "Service"), item(330, 100, "Dates"),
  item(420, 100, "Qty"), item(460, 100, "Rate"), item(510, 100, "Amount"),
];

describe("a child's name beside its reference, wrapped onto the row below", () => {
  it("the surname under the reference is neither a line nor a reference: the row completes the description and the period", () => {
    const draft = read([
      item(40, 40, "Invoice No HX-3310"), item(40, 55, "Invoice Date 05/01/2027"),
      ...HEADINGS,
      item(30, 130, "Y-5521 Priya"), item(120, 130, "Mrs Dale"), item(200, 130, "Residential"), item(330, 130, "07/12/2026 -"), item(424, 130, "1.00"), item(460, 130, "1,250.00"), item(510, 130, "1,250.00"),
      item(30, 140, "Castellano"), item(200, 140, "care week"), item(330, 140, "13/12/2026"),
      item(30, 160, "Y-5521 Priya"), item(120, 160, "Mrs Dale"), item(200, 160, "Residential"), item(330, 160, "14/12/2026 -"), item(424, 160, "1.00"), item(460, 160, "1,250.00"), item(510, 160, "1,250.00"),
      item(30, 170, "Castellano"), item(200, 170, "care week"), item(330, 170, "20/12/2026"),
      item(460, 200, "Total"), item(510, 200, "2,500.00"),
    ]);
    expect(draft.lines.map((l) => [l.childRef, l.description, l.from, l.to, l.quantity?.toFixed(2), l.amount?.toFixed(2)])).toEqual([
      ["Y-5521", "Residential care week", "2026-12-07", "2026-12-13", "1.00", "1250.00"],
      ["Y-5521", "Residential care week", "2026-12-14", "2026-12-20", "1.00", "1250.00"],
    ]);
    expect(draft.uncertain).toEqual([]);
    expect(JSON.stringify(draft.lines)).not.toContain("Castellano");
    expect(JSON.stringify(draft.lines)).not.toContain("Dale");
  });

  it("with a count's unit wrapped under the quantity on the same row as the surname", () => {
    const draft = read([
      item(40, 40, "Invoice No HX-3311"), item(40, 55, "Invoice Date 05/01/2027"),
      ...HEADINGS,
      item(30, 130, "Y-5530 Tom"), item(120, 130, "Mr Ames"), item(200, 130, "Sessional"), item(330, 130, "01/12/2026 -"), item(428, 130, "12"), item(460, 130, "30.00"), item(510, 130, "360.00"),
      item(30, 140, "O'Hare"), item(200, 140, "mentoring"), item(330, 140, "31/12/2026"), item(420, 140, "hours"),
      item(460, 170, "Total"), item(510, 170, "360.00"),
    ]);
    expect(draft.lines.map((l) => [l.childRef, l.description, l.from, l.to, l.quantity?.toFixed(2), l.unit, l.unitRate?.toFixed(2), l.amount?.toFixed(2)])).toEqual([
      ["Y-5530", "Sessional mentoring", "2026-12-01", "2026-12-31", "12.00", "hour", "30.00", "360.00"],
    ]);
    expect(draft.uncertain).toEqual([]);
  });

  it("a row under the line whose child cell prints a reference of its own is still its own line", () => {
    const draft = read([
      item(40, 40, "Invoice No HX-3312"), item(40, 55, "Invoice Date 05/01/2027"),
      ...HEADINGS,
      item(30, 130, "Y-5540 Ava"), item(120, 130, "Ms Roe"), item(200, 130, "Day care"), item(330, 130, "01/12/2026 -"), item(424, 130, "1.00"), item(460, 130, "400.00"), item(510, 130, "400.00"),
      item(30, 140, "Y-5541 Eli"), item(120, 140, "Ms Roe"), item(200, 140, "Day care"), item(330, 140, "01/12/2026 -"), item(424, 140, "1.00"), item(460, 140, "400.00"), item(510, 140, "400.00"),
      item(200, 150, "week"), item(330, 150, "07/12/2026"),
      item(460, 180, "Total"), item(510, 180, "800.00"),
    ]);
    expect(draft.lines.map((l) => l.childRef)).toEqual(["Y-5540", "Y-5541"]);
  });
});
