import { describe, expect, it } from "vitest";
import { item, read } from "../../support/drawn-page.js";
import { columnFieldOf } from "../../../src/ingest/text/labels.js";

/**
 * Round 11 of the reader (issue 16): two classes of headings whose words named no field, so a
 * reference or a unit printed under them was stored as missing with nothing said. A block heading
 * labelling its placement reference with the bare word "Placement:" (each child's block on a page
 * of its own); a case system's column names qualifying "PO" with whose order it is ("Funding PO")
 * and naming the unit column by its type ("Unit Type"). Pages drawn item by item with other words
 * than the files tuned on; expected values read off the page by hand.
 */

const facts = [item(40, 40, "Invoice No INV-11"), item(40, 55, "Invoice Date 04/01/2027")];

describe("a block heading that labels the placement with the bare word 'Placement:'", () => {
  it("reads the placement reference for every line of the block", () => {
    const draft = read([
      ...facts,
      item(40, 90, "Young Person: YP-7101   Placement: PL-88001"),
      item(40, 110, "Service"), item(200, 110, "Nights"), item(280, 110, "Rate"), item(360, 110, "Amount"),
      item(40, 125, "Residential care"), item(200, 125, "14"), item(280, 125, "310.00"), item(360, 125, "4,340.00"),
      item(40, 140, "Education day rate"), item(200, 140, "10"), item(280, 140, "85.00"), item(360, 140, "850.00"),
      item(40, 170, "Young Person: YP-7102   Placement: PL-88002"),
      item(40, 185, "Residential care"), item(200, 185, "7"), item(280, 185, "310.00"), item(360, 185, "2,170.00"),
      item(280, 215, "Total"), item(360, 215, "7,360.00"),
    ]);
    expect(draft.lines.map((l) => [l.childRef, l.placementRef, l.amount?.toFixed(2)])).toEqual([
      ["YP-7101", "PL-88001", "4340.00"],
      ["YP-7101", "PL-88001", "850.00"],
      ["YP-7102", "PL-88002", "2170.00"],
    ]);
    expect(draft.uncertain).toEqual([]);
  });
});

describe("a case system's column names", () => {
  it("'PO' qualified by whose order it is names the placement reference column", () => {
    for (const heading of ["Funding PO", "Commissioner PO", "Authority PO No", "Referral PO Number"]) expect(columnFieldOf(heading)).toBe("placement");
    // A PO's date or value is not the reference.
    for (const heading of ["PO Date", "PO Value"]) expect(columnFieldOf(heading)).not.toBe("placement");
  });

  it("'Unit Type', 'Charge Unit', 'Type of Unit' name the unit column; 'Unit Cost' stays the rate", () => {
    for (const heading of ["Unit Type", "Type of Unit", "Charge Unit", "Billing Unit"]) expect(columnFieldOf(heading)).toBe("unit");
    expect(columnFieldOf("Unit Cost")).toBe("rate");
    expect(columnFieldOf("Units")).toBe("quantity");
  });

  it("reads the placement and unit under them on a drawn page", () => {
    const draft = read([
      ...facts,
      item(40, 100, "Client No"), item(100, 100, "Funding PO"), item(170, 100, "Service"), item(290, 100, "Units"), item(330, 100, "Unit Type"), item(390, 100, "Unit Cost"), item(460, 100, "Value"),
      item(40, 120, "C9001"), item(100, 120, "PO-55101"), item(170, 120, "Outreach"), item(290, 120, "6"), item(330, 120, "Hours"), item(390, 120, "27.00"), item(460, 120, "162.00"),
      item(40, 140, "C9002"), item(100, 140, "PO-55102"), item(170, 140, "Mileage"), item(290, 140, "40"), item(330, 140, "Miles"), item(390, 140, "0.45"), item(460, 140, "18.00"),
      item(390, 170, "Total"), item(460, 170, "180.00"),
    ]);
    expect(draft.lines.map((l) => [l.childRef, l.placementRef, l.unit, l.amount?.toFixed(2)])).toEqual([
      ["C9001", "PO-55101", "hour", "162.00"],
      ["C9002", "PO-55102", "mile", "18.00"],
    ]);
    expect(draft.uncertain).toEqual([]);
  });
});
