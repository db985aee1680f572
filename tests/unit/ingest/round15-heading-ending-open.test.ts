import { describe, expect, it } from "vitest";
import { item, read } from "../../support/drawn-page.js";

/**
 * Round 15 of the reader (issue 16): the thirteenth set's dblatex invoice set a second table,
 * "Additional support", under its own heading of three rows, one heading wrapped over the first
 * and third ("Rate per" over "hour") beside headings of one row. "Rate per" was split into two
 * headings, "Rate" and "per" (a unit's heading), the third row was read as a line ("Ref Number
 * hour", no amount: the invoice refused) and the line's rate fell under "per". A heading that ends
 * on "per" asks for the row below: it is one heading, wrapped. Drawn here another way (other
 * words, units and positions); the expected values are what the page prints.
 */
describe("a heading ending in 'per' over its unit on the row below", () => {
  it("is one rate heading over three rows, in a second table under its own heading, and no line of heading words is read", () => {
    const draft = read([
      item(40, 30, "Heronsgate Support"), item(40, 50, "Invoice No HS-2204"), item(40, 64, "Invoice Date 04/12/2026"), item(40, 78, "Period: 01/11/2026 to 30/11/2026"),
      item(30, 110, "Resident"), item(100, 110, "Order"),
      item(160, 116, "Service"), item(330, 116, "Nights"), item(400, 116, "Rate"), item(480, 116, "Amount"),
      item(30, 122, "ID"), item(100, 122, "No"),
      item(30, 138, "YP-7701"), item(100, 138, "PO-9901"), item(160, 138, "Supported lodgings"), item(339, 138, "30"), item(400, 138, "45.00"), item(480, 138, "1,350.00"),
      item(30, 170, "Extra sessions"),
      item(30, 190, "Resident"), item(100, 190, "Order"), item(400, 190, "Price per"),
      item(160, 196, "Service"), item(330, 196, "Sessions"), item(480, 196, "Amount"),
      item(30, 202, "ID"), item(100, 202, "No"), item(400, 202, "session"),
      item(30, 218, "YP-7701"), item(100, 218, "PO-9901"), item(160, 218, "Mentoring"), item(343.5, 218, "6"), item(409, 218, "35.00"), item(480, 218, "210.00"),
      item(400, 250, "Total"), item(480, 250, "1,560.00"),
    ]);
    expect(draft.lines.map((l) => [l.childRef, l.placementRef, l.description, l.quantity?.toFixed(2), l.unit, l.unitRate?.toFixed(2), l.amount?.toFixed(2)])).toEqual([
      ["YP-7701", "PO-9901", "Supported lodgings", "30.00", "night", "45.00", "1350.00"],
      ["YP-7701", "PO-9901", "Mentoring", "6.00", "session", "35.00", "210.00"],
    ]);
    expect(draft.uncertain).toEqual([]);
  });

  it("set tight beside a count's heading with no word under it to complete it, 'Per' stays a unit's column of its own", () => {
    const draft = read([
      item(40, 30, "Heronsgate Support"), item(40, 50, "Invoice No HS-2205"), item(40, 64, "Invoice Date 04/12/2026"), item(40, 78, "Period: 01/11/2026 to 30/11/2026"),
      item(30, 110, "Resident"), item(90, 110, "Purchase"), item(160, 110, "Service"), item(320, 110, "Qty Per"), item(420, 110, "Rate"), item(490, 110, "Amount"),
      item(90, 119, "Order"),
      item(30, 135, "YP-7702"), item(90, 135, "PO-9902"), item(160, 135, "Supported lodgings"), item(329, 135, "30"), item(356, 135, "nights"), item(420, 135, "45.00"), item(490, 135, "1,350.00"),
      item(420, 165, "Total"), item(490, 165, "1,350.00"),
    ]);
    expect(draft.lines.map((l) => [l.childRef, l.placementRef, l.quantity?.toFixed(2), l.unit, l.unitRate?.toFixed(2), l.amount?.toFixed(2)])).toEqual([["YP-7702", "PO-9902", "30.00", "night", "45.00", "1350.00"]]);
    expect(draft.uncertain).toEqual([]);
  });
});
