import { describe, expect, it } from "vitest";
import { item, read } from "../../support/drawn-page.js";
import { totalsFieldOf } from "../../../src/ingest/text/labels.js";

/**
 * Round 12 of the reader (issue 16): totals rows the tenth held-out set printed in words no list
 * held ("Total zero-rated supplies", "Amount now due", "Total net charges", "VAT – exempt supply
 * of welfare services"), so that the subtotal was stored as none and the total was worked out from
 * the lines, or the net total was read as one more line. Read by shape; each page drawn item by
 * item in other words than the files; the expected values are what the page prints.
 */

describe("totals labels read by their shape", () => {
  it("the supplies before VAT, the sum due now and a VAT row explaining its nil", () => {
    expect(totalsFieldOf("Total exempt supplies")).toBe("subtotal");
    expect(totalsFieldOf("Total standard-rated supplies")).toBe("subtotal");
    expect(totalsFieldOf("Net fees total")).toBe("subtotal");
    expect(totalsFieldOf("Balance due now")).toBe("total");
    expect(totalsFieldOf("Total now payable")).toBe("total");
    expect(totalsFieldOf("Tax: nil rated")).toBe("vat");
    expect(totalsFieldOf("VAT - outside the scope of VAT")).toBe("vat");
  });

  it("a VAT label before the base it is charged on is not the VAT row", () => {
    expect(totalsFieldOf("VAT exempt supplies")).toBeNull();
    expect(totalsFieldOf("VAT: exempt sales")).toBeNull();
    expect(totalsFieldOf("VAT – zero-rated goods value")).toBeNull();
    expect(totalsFieldOf("Total nights")).toBeNull();
  });

  it("\"Total exempt supplies\" and \"Balance now due\" under a weekly table are the subtotal and total, not a partial total", () => {
    const draft = read([
      item(40, 40, "Invoice No WK-88"), item(40, 55, "Invoice Date 07/12/2026"),
      item(40, 100, "YP Ref"), item(110, 100, "Support"), item(280, 100, "W/C"), item(360, 100, "Units"), item(420, 100, "Price"), item(490, 100, "Net"),
      item(40, 115, "Y501"), item(110, 115, "Supported lodgings"), item(280, 115, "w/c 07/12/26"), item(360, 115, "1 wk"), item(420, 115, "400.00"), item(490, 115, "400.00"),
      item(40, 130, "Y502"), item(110, 130, "Floating support"), item(280, 130, "w/c 07/12/26"), item(360, 130, "6 hrs"), item(420, 130, "30.00"), item(490, 130, "180.00"),
      item(300, 160, "Total exempt supplies"), item(490, 160, "580.00"),
      item(300, 175, "VAT at 0%"), item(490, 175, "0.00"),
      item(300, 190, "Balance now due"), item(490, 190, "580.00"),
    ]);
    expect(draft.lines.map((l) => [l.childRef, l.quantity?.toFixed(2), l.unit, l.amount?.toFixed(2)])).toEqual([
      ["Y501", "1.00", "week", "400.00"],
      ["Y502", "6.00", "hour", "180.00"],
    ]);
    expect([draft.subtotal?.toFixed(2), draft.vat?.toFixed(2), draft.total?.toFixed(2)]).toEqual(["580.00", "0.00", "580.00"]);
    expect(draft.uncertain).toEqual([]);
  });

  it("a section per child: \"Net fees total\" is the subtotal, not a line, and \"Tax: nil rated\" its VAT", () => {
    const draft = read([
      item(40, 40, "Invoice Number OAK-301"), item(40, 55, "Invoice Date 02/12/2026"), item(40, 70, "Period November 2026"),
      item(40, 100, "Young Person: Y601, Order No. PO-6601"),
      item(40, 115, "Details"), item(200, 115, "Qty"), item(260, 115, "Unit"), item(340, 115, "Rate"), item(440, 115, "Value"),
      item(40, 130, "Residential care"), item(200, 130, "30"), item(260, 130, "nights"), item(340, 130, "500.00"), item(440, 130, "15,000.00"),
      item(40, 145, "Subtotal Y601"), item(440, 145, "15,000.00"),
      item(40, 175, "Young Person: Y602, Order No. PO-6602"),
      item(40, 190, "Details"), item(200, 190, "Qty"), item(260, 190, "Unit"), item(340, 190, "Rate"), item(440, 190, "Value"),
      item(40, 205, "Residential care"), item(200, 205, "30"), item(260, 205, "nights"), item(340, 205, "600.00"), item(440, 205, "18,000.00"),
      item(40, 220, "Subtotal Y602"), item(440, 220, "18,000.00"),
      item(40, 250, "Net fees total"), item(200, 250, "£33,000.00"),
      item(40, 265, "Tax: nil rated"), item(200, 265, "£0.00"),
      item(40, 280, "Total Due"), item(200, 280, "£33,000.00"),
    ]);
    expect(draft.lines.map((l) => [l.childRef, l.placementRef, l.amount?.toFixed(2)])).toEqual([
      ["Y601", "PO-6601", "15000.00"],
      ["Y602", "PO-6602", "18000.00"],
    ]);
    expect([draft.subtotal?.toFixed(2), draft.vat?.toFixed(2), draft.total?.toFixed(2)]).toEqual(["33000.00", "0.00", "33000.00"]);
    expect(draft.uncertain).toEqual([]);
  });
});
