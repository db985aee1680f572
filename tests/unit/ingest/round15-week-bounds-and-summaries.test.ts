import { describe, expect, it } from "vitest";
import type { InvoiceDraft } from "../../../src/ingest/types.js";
import { item, read } from "../../support/drawn-page.js";

/**
 * Round 15 of the reader (issue 16): a week's first and last day printed in two columns under
 * abbreviated headings ("W/C" | "W/E", "Wk Start" | "Wk End") are the line's From and To; a lone
 * "Wk Ending" date ends its week. A statement's "Summary" under its blocks, and a "Charges this
 * statement" row, are totals, never one more line of the last block. Each page is drawn here in
 * words and positions no corpus file uses.
 */

const periods = (draft: InvoiceDraft): [string | null, string | null][] => draft.lines.map((l) => [l.from, l.to]);

function header(): ReturnType<typeof item>[] {
  return [item(40, 30, "Moorside Care Partnership"), item(400, 30, "INVOICE"), item(40, 50, "Invoice No MCP-7710"), item(40, 64, "Invoice Date 03/12/2026"), item(40, 78, "Period 02/11/2026 to 29/11/2026")];
}

describe("a week's start and end in two columns", () => {
  it("reads W/C and W/E as the line's From and To, a month-long reduction included", () => {
    const draft = read([
      ...header(),
      item(40, 110, "Ref"), item(80, 110, "W/C"), item(140, 110, "W/E"), item(200, 110, "Client"), item(250, 110, "Details"), item(420, 110, "Rate"), item(480, 110, "Net"),
      item(40, 125, "1"), item(80, 125, "02/11/2026"), item(140, 125, "08/11/2026"), item(200, 125, "K7001"), item(250, 125, "Residential care"), item(420, 125, "900.00"), item(480, 125, "900.00"),
      item(40, 140, "2"), item(80, 140, "09/11/2026"), item(140, 140, "15/11/2026"), item(200, 140, "K7001"), item(250, 140, "Residential care"), item(420, 140, "900.00"), item(480, 140, "900.00"),
      item(40, 155, "3"), item(80, 155, "02/11/2026"), item(140, 155, "15/11/2026"), item(200, 155, "K7001"), item(250, 155, "Framework rebate 1%"), item(480, 155, "-18.00"),
      item(420, 185, "Total"), item(480, 185, "1,782.00"),
    ]);
    // 900.00 + 900.00 − 18.00 = 1,782.00; the rebate spans both weeks as printed.
    expect(periods(draft)).toEqual([
      ["2026-11-02", "2026-11-08"],
      ["2026-11-09", "2026-11-15"],
      ["2026-11-02", "2026-11-15"],
    ]);
    expect(draft.total?.toFixed(2)).toBe("1782.00");
  });

  it("reads abbreviated 'Wk Start' and 'Wk End' headings the same way", () => {
    const draft = read([
      ...header(),
      item(40, 110, "Wk Start"), item(110, 110, "Wk End"), item(180, 110, "Child"), item(240, 110, "Service"), item(400, 110, "Qty"), item(440, 110, "Price"), item(500, 110, "Net"),
      item(40, 125, "16-Nov-26"), item(110, 125, "22-Nov-26"), item(180, 125, "K7002"), item(240, 125, "Supported lodgings"), item(400, 125, "1"), item(440, 125, "560.00"), item(500, 125, "560.00"),
      item(40, 140, "23-Nov-26"), item(110, 140, "29-Nov-26"), item(180, 140, "K7002"), item(240, 140, "Supported lodgings"), item(400, 140, "1"), item(440, 140, "560.00"), item(500, 140, "560.00"),
      item(440, 170, "Total"), item(500, 170, "1,120.00"),
    ]);
    expect(periods(draft)).toEqual([
      ["2026-11-16", "2026-11-22"],
      ["2026-11-23", "2026-11-29"],
    ]);
  });

  it("reads a lone 'Wk Ending' date as the seven nights up to it", () => {
    const draft = read([
      ...header(),
      item(40, 110, "Child"), item(100, 110, "Wk Ending"), item(180, 110, "Description"), item(400, 110, "Qty"), item(440, 110, "Rate"), item(500, 110, "Amount"),
      item(40, 125, "K7003"), item(100, 125, "08/11/2026"), item(180, 125, "Foster placement"), item(400, 125, "7"), item(440, 125, "70.00"), item(500, 125, "490.00"),
      item(440, 155, "Total"), item(500, 155, "490.00"),
    ]);
    expect(periods(draft)).toEqual([["2026-11-02", "2026-11-08"]]);
  });
});

describe("a statement's summary under its blocks", () => {
  function blocks(): ReturnType<typeof item>[] {
    return [
      ...header(),
      item(40, 100, "Client ID: K7101   PO Ref: ORD-88101"),
      item(40, 115, "From"), item(100, 115, "To"), item(160, 115, "Care Provided"), item(400, 115, "Rate"), item(480, 115, "Amount"),
      item(40, 130, "02/11/2026"), item(100, 130, "29/11/2026"), item(160, 130, "Residential placement"), item(400, 130, "3,080.00"), item(480, 130, "3,080.00"),
      item(160, 145, "Total for K7101"), item(480, 145, "3,080.00"),
      item(40, 170, "Client ID: K7102   PO Ref: ORD-88102"),
      item(40, 185, "From"), item(100, 185, "To"), item(160, 185, "Care Provided"), item(400, 185, "Rate"), item(480, 185, "Amount"),
      item(40, 200, "02/11/2026"), item(100, 200, "15/11/2026"), item(160, 200, "Respite"), item(400, 200, "1,540.00"), item(480, 200, "1,540.00"),
      item(160, 215, "Total for K7102"), item(480, 215, "1,540.00"),
    ];
  }

  it("reads no line from the rows under a 'Summary' heading, whatever their labels", () => {
    const draft = read([
      ...blocks(),
      item(40, 245, "Account Summary"),
      item(40, 265, "Fees billed in this statement"), item(480, 265, "4,620.00"),
      item(40, 280, "Amount Due"), item(480, 280, "4,620.00"),
    ]);
    // 3,080.00 + 1,540.00 = 4,620.00: two lines, one per block.
    expect(draft.lines.map((l) => [l.childRef, l.amount?.toFixed(2)])).toEqual([
      ["K7101", "3080.00"],
      ["K7102", "1540.00"],
    ]);
    expect(draft.total?.toFixed(2)).toBe("4620.00");
  });

  it("reads 'Charges this statement (VAT exempt supply)' as the total, not a line", () => {
    const draft = read([
      ...blocks(),
      item(40, 245, "Charges this statement (VAT exempt supply)"), item(480, 245, "4,620.00"),
    ]);
    expect(draft.lines).toHaveLength(2);
    expect(draft.total?.toFixed(2)).toBe("4620.00");
  });

  it("leaves the total due the invoice's total when VAT follows 'Charges this statement'", () => {
    const draft = read([
      ...blocks(),
      item(40, 245, "Charges this statement"), item(480, 245, "4,620.00"),
      item(40, 260, "VAT at 20%"), item(480, 260, "924.00"),
      item(40, 275, "Total Due"), item(480, 275, "5,544.00"),
    ]);
    // 4,620.00 + 20% VAT 924.00 = 5,544.00: the charges are the net, not the figure to pay.
    expect(draft.lines).toHaveLength(2);
    expect(draft.vat?.toFixed(2)).toBe("924.00");
    expect(draft.total?.toFixed(2)).toBe("5544.00");
  });
});
