import { describe, expect, it } from "vitest";
import { item, read } from "../../support/drawn-page.js";
import { totalsFieldOf } from "../../../src/ingest/text/labels.js";

/**
 * Round 12 of the reader (issue 16): classes of layout the tenth held-out set printed that the
 * reader did not know (a totals row named by what is charged, …). Each page drawn item by item
 * with other words, positions and figures than the files tuned on; expected values read off the
 * drawn page by hand.
 */

describe("a net subtotal named by what was charged: \"Net charges\", \"Net fees\"", () => {
  it("names the subtotal row", () => {
    for (const label of ["Net charges", "Net Charges:", "Net fees", "Total net charges"]) expect(totalsFieldOf(label)).toBe("subtotal");
  });

  it("is read as the subtotal, not left out", () => {
    const draft = read([
      item(40, 40, "Invoice No FC-2041"), item(40, 55, "Invoice Date 02/12/2026"),
      item(40, 100, "Child"), item(100, 100, "Service"), item(300, 100, "Weeks"), item(360, 100, "Weekly Rate"), item(440, 100, "Amount"),
      item(40, 115, "C3101"), item(100, 115, "Foster placement"), item(300, 115, "4"), item(360, 115, "612.50"), item(440, 115, "2,450.00"),
      item(40, 130, "C3102"), item(100, 130, "Foster placement"), item(300, 130, "2"), item(360, 130, "612.50"), item(440, 130, "1,225.00"),
      item(280, 160, "Net fees"), item(440, 160, "3,675.00"),
      item(280, 175, "VAT exempt"), item(440, 175, "0.00"),
      item(280, 190, "Total payable"), item(440, 190, "3,675.00"),
    ]);
    expect(draft.lines.map((l) => [l.childRef, l.amount?.toFixed(2)])).toEqual([["C3101", "2450.00"], ["C3102", "1225.00"]]);
    expect([draft.subtotal?.toFixed(2), draft.vat?.toFixed(2), draft.total?.toFixed(2)]).toEqual(["3675.00", "0.00", "3675.00"]);
  });
});
