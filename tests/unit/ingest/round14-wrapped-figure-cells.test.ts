import { describe, expect, it } from "vitest";
import { item, read } from "../../support/drawn-page.js";

/**
 * Round 14 of the reader (issue 16): the twelfth set's Apache FOP and rst2pdf tables wrap narrow
 * cells beside the figures. Under a "Week commencing" heading a line's cell printed a range
 * wrapped at its dash ("02/11/2026 –" over "27/11/2026") while its quantity cell printed the count
 * over its unit ("20" over "items"); a "Dates" cell wrapped its year ("1–31 October" over "2026")
 * on the row where the description wrapped too, the year standing left of the heading but right
 * under the cell's first line. Drawn here another way: other headings, words, figures and
 * positions; the expected values are what the page prints.
 */
describe("a line's cells wrapped onto the row below its figures", () => {
  it("a range under a week heading wrapped at its dash gives both ends, and the unit under the count is the line's", () => {
    const draft = read([
      item(40, 40, "Invoice No WB-5120"), item(40, 55, "Invoice Date 31/12/2026"),
      item(30, 100, "Week"), item(110, 100, "Child"), item(170, 100, "Service"), item(330, 100, "Qty"), item(390, 100, "Rate"), item(460, 100, "Amount"),
      item(30, 110, "beginning"),
      item(30, 130, "07/12/2026"), item(110, 130, "K-7001"), item(170, 130, "Day care"), item(339, 130, "1"), item(390, 130, "450.00"), item(460, 130, "450.00"),
      item(30, 146, "14/12/2026"), item(110, 146, "K-7001"), item(170, 146, "Day care"), item(339, 146, "1"), item(390, 146, "450.00"), item(460, 146, "450.00"),
      item(30, 162, "07/12/2026 -"), item(110, 162, "K-7001"), item(170, 162, "Tutoring"), item(334.5, 162, "10"), item(390, 162, "13.00"), item(460, 162, "130.00"),
      item(30, 172, "18/12/2026"), item(307.5, 172, "sessions"),
      item(400, 200, "Total"), item(460, 200, "1,030.00"),
    ]);
    expect(draft.lines.map((l) => [l.description, l.from, l.to, l.quantity?.toFixed(2), l.unit, l.amount?.toFixed(2)])).toEqual([
      ["Day care", "2026-12-07", "2026-12-13", "1.00", null, "450.00"],
      ["Day care", "2026-12-14", "2026-12-20", "1.00", null, "450.00"],
      ["Tutoring", "2026-12-07", "2026-12-18", "10.00", "session", "130.00"],
    ]);
    expect(draft.uncertain).toEqual([]);
  });

  it("a unit under the count with only the description's next words beside it", () => {
    const draft = read([
      item(40, 40, "Invoice No WB-5121"), item(40, 55, "Invoice Date 31/12/2026"),
      item(30, 100, "Child"), item(110, 100, "Description"), item(330, 100, "Qty"), item(390, 100, "Rate"), item(460, 100, "Amount"),
      item(30, 130, "K-7002"), item(110, 130, "Escort to"), item(339, 130, "3"), item(390, 130, "24.00"), item(460, 130, "72.00"),
      item(110, 140, "school"), item(327.75, 140, "hours"),
      item(400, 170, "Total"), item(460, 170, "72.00"),
    ]);
    expect(draft.lines.map((l) => [l.description, l.quantity?.toFixed(2), l.unit, l.unitRate?.toFixed(2)])).toEqual([["Escort to school", "3.00", "hour", "24.00"]]);
    expect(draft.uncertain).toEqual([]);
  });

  it("a year wrapped under a dates cell that starts left of its heading completes the period, not the description", () => {
    const draft = read([
      item(40, 40, "Invoice No WB-5122"), item(40, 55, "Invoice Date 02/12/2026"),
      item(30, 100, "Child"), item(110, 100, "Service"), item(300, 100, "Dates"), item(370, 100, "Nights"), item(420, 100, "Rate"), item(470, 100, "Amount"),
      item(30, 130, "K-7003"), item(110, 130, "Short break"), item(262, 130, "1–30 November"), item(380, 130, "30"), item(420, 130, "98.00"), item(470, 130, "2,940.00"),
      item(110, 140, "care"), item(262, 140, "2026"),
      item(30, 160, "K-7003"), item(110, 160, "Loyalty discount 5%"), item(262, 160, "1–30 November"), item(470, 160, "(147.00)"),
      item(262, 170, "2026"),
      item(30, 190, "K-7004"), item(110, 190, "Short break"), item(262, 190, "3rd Nov 2026 –"), item(380, 190, "12"), item(420, 190, "98.00"), item(470, 190, "1,176.00"),
      item(110, 200, "care"), item(262, 200, "14th Nov 2026"),
      item(400, 230, "Total"), item(470, 230, "3,969.00"),
    ]);
    expect(draft.lines.map((l) => [l.childRef, l.description, l.from, l.to, l.amount?.toFixed(2)])).toEqual([
      ["K-7003", "Short break care", "2026-11-01", "2026-11-30", "2940.00"],
      ["K-7003", "Loyalty discount 5%", "2026-11-01", "2026-11-30", "-147.00"],
      ["K-7004", "Short break care", "2026-11-03", "2026-11-14", "1176.00"],
    ]);
    expect(draft.uncertain).toEqual([]);
  });

  it("a dates cell that prints part of a period and nothing completes it is marked, never the invoice's period in silence", () => {
    const draft = read([
      item(40, 40, "Invoice No WB-5123"), item(40, 55, "Invoice Date 02/12/2026"), item(40, 70, "Period: November 2026"),
      item(30, 100, "Child"), item(110, 100, "Service"), item(300, 100, "Dates"), item(370, 100, "Nights"), item(420, 100, "Rate"), item(470, 100, "Amount"),
      item(30, 130, "K-7005"), item(110, 130, "Short break care"), item(262, 130, "09/11/2026 –"), item(380, 130, "12"), item(420, 130, "98.00"), item(470, 130, "1,176.00"),
      item(400, 160, "Total"), item(470, 160, "1,176.00"),
    ]);
    expect(draft.lines[0]?.amount?.toFixed(2)).toBe("1176.00");
    expect(draft.uncertain.map((u) => u.field)).toContain("line 1 period");
  });
});
