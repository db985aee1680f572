import { describe, expect, it } from "vitest";
import { item, read } from "../../support/drawn-page.js";
import { totalsFieldOf } from "../../../src/ingest/text/labels.js";

/**
 * Round 11 of the reader (issue 16): totals rows the ninth held-out set printed in words the reader
 * did not know, so that they were read as further lines (and the total worked out from them) or
 * left out. Each page drawn item by item; the expected values are what the page prints.
 */

describe("a VAT treatment in brackets after the VAT label", () => {
  it("names the VAT row as a printed rate does", () => {
    expect(totalsFieldOf("VAT (exempt)")).toBe("vat");
    expect(totalsFieldOf("VAT (Zero-rated):")).toBe("vat");
    expect(totalsFieldOf("Tax (outside the scope)")).toBe("vat");
  });

  it("a nil VAT row labelled \"VAT (zero rated)\", its \"£\" apart from the figures, is the VAT", () => {
    const draft = read([
      item(40, 40, "Invoice No INV-311"), item(40, 55, "Invoice Date 04/12/2026"),
      item(40, 100, "Child"), item(100, 100, "Description"), item(300, 100, "Qty"), item(360, 100, "Rate"), item(440, 100, "Amount"),
      item(40, 115, "C6001"), item(100, 115, "Foster care fee"), item(300, 115, "30 nights"), item(360, 115, "52.00"), item(440, 115, "1,560.00"),
      item(40, 130, "C6002"), item(100, 130, "Foster care fee"), item(300, 130, "10 nights"), item(360, 130, "52.00"), item(440, 130, "520.00"),
      item(300, 160, "Net Total"), item(400, 160, "£"), item(440, 160, "2,080.00"),
      item(300, 175, "VAT (zero rated)"), item(400, 175, "£"), item(440, 175, "0.00"),
      item(300, 190, "Amount Due"), item(400, 190, "£"), item(440, 190, "2,080.00"),
    ]);
    expect(draft.lines.map((l) => [l.childRef, l.amount?.toFixed(2)])).toEqual([["C6001", "1560.00"], ["C6002", "520.00"]]);
    expect([draft.subtotal?.toFixed(2), draft.vat?.toFixed(2), draft.total?.toFixed(2)]).toEqual(["2080.00", "0.00", "2080.00"]);
  });
});

describe("totals named as values: \"Goods Value\" and \"Invoice Value\"", () => {
  it("are the net subtotal and the total, not two more lines", () => {
    const draft = read([
      item(40, 40, "Invoice No INV-312"), item(40, 55, "Invoice Date 04/12/2026"),
      item(40, 100, "Child"), item(100, 100, "Service"), item(300, 100, "Days"), item(360, 100, "Daily Rate"), item(440, 100, "Amount"),
      item(40, 115, "C7001"), item(100, 115, "Day care"), item(300, 115, "12"), item(360, 115, "85.50"), item(440, 115, "1,026.00"),
      item(300, 145, "Goods Value"), item(440, 145, "1,026.00"),
      item(300, 160, "VAT"), item(440, 160, "205.20"),
      item(300, 175, "Invoice Value"), item(440, 175, "1,231.20"),
    ]);
    expect(draft.lines.map((l) => [l.childRef, l.quantity?.toFixed(2), l.amount?.toFixed(2)])).toEqual([["C7001", "12.00", "1026.00"]]);
    expect([draft.subtotal?.toFixed(2), draft.vat?.toFixed(2), draft.total?.toFixed(2)]).toEqual(["1026.00", "205.20", "1231.20"]);
  });
});
