import { describe, expect, it } from "vitest";
import { item, read } from "../../support/drawn-page.js";

/**
 * Round 13 of the reader (issue 16): the eleventh set's LibreOffice Draw page, its text boxes
 * placed by hand, headed a stay's dates "Arrive" / "Depart" and drew the "Nights" and "Nightly
 * Rate" boxes touching, so the two came out as one run "NightsNightly Rate". Drawn here another
 * way: other words, positions and figures; the expected values are what the page prints.
 */
describe("headings in touching boxes, a stay's dates named by the verb", () => {
  it("splits a run where a heading's capital follows the last one's small letter, and reads Arrived/Departed", () => {
    const draft = read([
      item(40, 40, "Invoice No TB-3307"), item(40, 55, "Invoice Date 03/12/2026"),
      item(30, 100, "Child"), item(90, 100, "Service"), item(220, 100, "Arrived"), item(280, 100, "Departed"), item(350, 100, "HoursHourly Rate"), item(470, 100, "Amount"),
      item(30, 118, "K-4410"), item(90, 118, "Sitting service"), item(220, 118, "03/11/2026"), item(280, 118, "05/11/2026"), item(360, 118, "12"), item(415, 118, "18.50"), item(470, 118, "222.00"),
      item(400, 150, "Total"), item(470, 150, "222.00"),
    ]);
    expect(draft.lines.map((l) => [l.childRef, l.from, l.to, l.quantity?.toFixed(2), l.unit, l.unitRate?.toFixed(2), l.amount?.toFixed(2)])).toEqual([
      ["K-4410", "2026-11-03", "2026-11-05", "12.00", "hour", "18.50", "222.00"],
    ]);
    expect(draft.uncertain).toEqual([]);
  });
});
