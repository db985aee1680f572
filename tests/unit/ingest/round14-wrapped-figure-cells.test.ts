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
});
