import { describe, expect, it } from "vitest";
import { extractInvoice } from "../../../src/ingest/extract/extractor.js";
import { readCsvInvoice } from "../../../src/ingest/readers/spreadsheet.reader.js";
import type { InvoiceDraft } from "../../../src/ingest/types.js";
import { item, read } from "../../support/drawn-page.js";

/**
 * Round 14 of the reader (issue 16): plausibility guards. Values that read cleanly yet cannot be
 * right as read are marked "to verify" (never changed): text of another column joined to a
 * description, a period printed on a line's row and lost, a week worked out from one date that
 * lies outside the invoice's period, an invoice period no line touches, a credit note read as an
 * invoice. Each page is drawn here, in words and positions no corpus file uses; each guard is
 * also shown silent on a page it must leave alone.
 */

const marked = (draft: InvoiceDraft): string[] => draft.uncertain.map((u) => u.field);

function header(title: string, period = "Period: 01/11/2026 to 30/11/2026"): ReturnType<typeof item>[] {
  return [item(40, 30, "Hollybank Children's Homes"), item(380, 30, title), item(40, 50, "Invoice No HB-5521"), item(40, 64, "Invoice Date 02/12/2026"), item(40, 78, period)];
}

describe("a description that ends with text of another column", () => {
  it("is marked when a year alone ends it (a dates cell wrapped over two rows)", () => {
    const draft = read([
      ...header("INVOICE"),
      item(40, 110, "Child"), item(95, 110, "Service"), item(260, 110, "Dates"), item(360, 110, "Nights"), item(410, 110, "Rate"), item(480, 110, "Amount"),
      item(40, 125, "C9101"), item(95, 125, "Residential respite"), item(260, 125, "2–15 Nov"), item(360, 125, "14"), item(410, 125, "210.00"), item(480, 125, "2,940.00"),
      item(95, 136, "2026"),
      item(410, 165, "Total"), item(480, 165, "2,940.00"),
    ]);
    const line = draft.lines[0];
    // 14 nights × £210.00 = £2,940.00, as printed: the arithmetic closes, only the words are doubtful.
    expect(line?.amount?.toFixed(2)).toBe("2940.00");
    if (line?.description !== "Residential respite") expect(marked(draft)).toContain("line 1 description");
  });

  it("is marked when it ends with the line's own period while the table prints periods in a column", () => {
    const draft = read([
      ...header("INVOICE"),
      item(40, 110, "Child"), item(95, 110, "Service"), item(260, 110, "W/E"), item(330, 110, "Qty"), item(400, 110, "Rate"), item(480, 110, "Amount"),
      item(40, 125, "C9102"), item(95, 125, "Core placement"), item(260, 125, "08/11/2026"), item(330, 125, "7"), item(400, 125, "150.00"), item(480, 125, "1,050.00"),
      item(40, 140, "C9102"), item(95, 140, "Escorted contact (03/11/2026 - 24/11/2026)"), item(330, 140, "6"), item(400, 140, "30.00"), item(480, 140, "180.00"),
      item(400, 170, "Total"), item(480, 170, "1,230.00"),
    ]);
    const contact = draft.lines[1];
    expect([contact?.from, contact?.to]).toEqual(["2026-11-03", "2026-11-24"]);
    expect(contact?.description).toBe("Escorted contact (03/11/2026 - 24/11/2026)");
    expect(marked(draft)).toContain("line 2 description");
    expect(marked(draft)).not.toContain("line 1 description");
  });

  it("is left alone when every line prints its period in its description (no period column)", () => {
    const draft = read([
      ...header("INVOICE"),
      item(40, 110, "Child"), item(95, 110, "Description"), item(360, 110, "Qty"), item(410, 110, "Price"), item(480, 110, "Amount"),
      item(40, 125, "C9103"), item(95, 125, "Foster placement 01/11/2026 - 30/11/2026"), item(360, 125, "30"), item(410, 125, "120.00"), item(480, 125, "3,600.00"),
      item(410, 155, "Total"), item(480, 155, "3,600.00"),
    ]);
    expect([draft.lines[0]?.from, draft.lines[0]?.to]).toEqual(["2026-11-01", "2026-11-30"]);
    expect(draft.uncertain).toEqual([]);
  });

  it("is marked when it ends with a quantity and its unit and the line read no quantity", () => {
    const draft = read([
      ...header("INVOICE"),
      item(40, 110, "Child"), item(95, 110, "Service"), item(300, 110, "Period"), item(420, 110, "Rate"), item(480, 110, "Amount"),
      item(40, 125, "C9104"), item(95, 125, "Sessional worker 9 hrs"), item(300, 125, "01/11/2026 - 30/11/2026"), item(420, 125, "25.00"), item(480, 125, "225.00"),
      item(420, 155, "Total"), item(480, 155, "225.00"),
    ]);
    expect(draft.lines[0]?.quantity).toBeNull();
    expect(marked(draft)).toContain("line 1 description");
  });

  it("is marked when it ends with the line's own amount", () => {
    const draft = read([
      ...header("INVOICE"),
      item(40, 110, "Child"), item(95, 110, "Service"), item(300, 110, "Period"), item(480, 110, "Amount"),
      item(40, 125, "C9105"), item(95, 125, "Therapy package £640.00"), item(300, 125, "01/11/2026 - 30/11/2026"), item(480, 125, "640.00"),
      item(420, 155, "Total"), item(480, 155, "640.00"),
    ]);
    expect(draft.lines[0]?.amount?.toFixed(2)).toBe("640.00");
    expect(marked(draft)).toContain("line 1 description");
  });

  it("is left alone when a date or money is the description's own words", () => {
    const draft = read([
      ...header("INVOICE"),
      item(40, 110, "Child"), item(95, 110, "Service"), item(300, 110, "Period"), item(360, 110, "Nights"), item(410, 110, "Rate"), item(480, 110, "Amount"),
      item(40, 125, "C9106"), item(95, 125, "Placement (agreement of 4 March 2026)"), item(300, 125, "November 2026"), item(360, 125, "30"), item(410, 125, "130.00"), item(480, 125, "3,900.00"),
      item(40, 140, "C9106"), item(95, 140, "Rate review: charged £135.00, agreed £130.00"), item(300, 140, "November 2026"), item(360, 140, "30"), item(410, 140, "5.00"), item(480, 140, "150.00"),
      item(410, 170, "Total"), item(480, 170, "4,050.00"),
    ]);
    expect(draft.lines.map((l) => l.description)).toEqual(["Placement (agreement of 4 March 2026)", "Rate review: charged £135.00, agreed £130.00"]);
    expect(draft.uncertain).toEqual([]);
  });
});

describe("a line's period", () => {
  it("is marked lost when the line's row prints a date the line did not read (a week cell wrapped)", () => {
    const draft = read([
      ...header("INVOICE", "Period Covered: 2 November 2026 to 29 November 2026"),
      item(40, 110, "W/C"), item(110, 110, "Child"), item(170, 110, "Service"), item(360, 110, "Qty"), item(420, 110, "Rate"), item(490, 110, "Amount"),
      item(40, 125, "02/11/2026"), item(110, 125, "C9107"), item(170, 125, "Residential care"), item(360, 125, "1 wk"), item(420, 125, "4,200.00"), item(490, 125, "4,200.00"),
      item(40, 140, "09/11/2026 until"), item(110, 140, "C9107"), item(170, 140, "Escort to school"), item(360, 140, "8"), item(420, 140, "22.50"), item(490, 140, "180.00"),
      item(40, 151, "20/11/2026"), item(360, 151, "trips"),
      item(420, 180, "Total"), item(490, 180, "4,380.00"),
    ]);
    const escort = draft.lines[1];
    if (escort?.from !== "2026-11-09" || escort.to !== "2026-11-20") expect(marked(draft)).toContain("line 2 period");
  });

  it("is not marked lost for the invoice's date and period that an export repeats on every row", () => {
    const csv = [
      "Supplier,Invoice Number,Invoice Date,Billing Period,Client,Order No,Item,Start,End,Qty,Unit Cost,Net",
      "Brookside Fostering,BF-3310,30/11/2026,01/11/2026 - 30/11/2026,C9113,PO-913,Foster fee,01/11/2026,30/11/2026,30,118.00,3540.00",
      "Brookside Fostering,BF-3310,30/11/2026,01/11/2026 - 30/11/2026,C9113,,Sibling reduction 5%,,,,,-177.00",
    ].join("\n");
    const draft = extractInvoice(readCsvInvoice(Buffer.from(csv, "utf8")));
    expect(draft.lines.map((l) => [l.description, l.from, l.amount?.toFixed(2)])).toEqual([
      ["Foster fee", "2026-11-01", "3540.00"],
      ["Sibling reduction 5%", null, "-177.00"],
    ]);
    expect(draft.uncertain).toEqual([]);
  });

  it("is marked when a week worked out from one date lies wholly outside the invoice's period", () => {
    const draft = read([
      ...header("INVOICE", "Billing Period: October 2026"),
      item(40, 110, "Week Commencing"), item(140, 110, "Child"), item(200, 110, "Service"), item(360, 110, "Weeks"), item(420, 110, "Rate"), item(490, 110, "Amount"),
      item(40, 125, "05/10/2026"), item(140, 125, "C9108"), item(200, 125, "Foster fee"), item(360, 125, "1"), item(420, 125, "850.00"), item(490, 125, "850.00"),
      item(40, 140, "12/10/2026"), item(140, 140, "C9108"), item(200, 140, "Foster fee"), item(360, 140, "1"), item(420, 140, "850.00"), item(490, 140, "850.00"),
      item(40, 155, "10/12/2026"), item(140, 155, "C9108"), item(200, 155, "Foster fee"), item(360, 155, "1"), item(420, 155, "850.00"), item(490, 155, "850.00"),
      item(420, 185, "Total"), item(490, 185, "2,550.00"),
    ]);
    // 10/12/2026 read day first: the week of 10 to 16 December, a month after October.
    expect([draft.lines[2]?.from, draft.lines[2]?.to]).toEqual(["2026-12-10", "2026-12-16"]);
    expect(marked(draft)).toEqual(["line 3 period"]);
  });

  it("is not doubted for where it lies when it is printed (nights beyond the period are the audit's to find)", () => {
    const draft = read([
      ...header("INVOICE", "Billing Period: October 2026"),
      item(40, 110, "Child"), item(100, 110, "Service"), item(240, 110, "From"), item(300, 110, "To"), item(360, 110, "Nights"), item(420, 110, "Rate"), item(490, 110, "Amount"),
      item(40, 125, "C9109"), item(100, 125, "Foster fee"), item(240, 125, "01/10/2026"), item(300, 125, "31/10/2026"), item(360, 125, "31"), item(420, 125, "120.00"), item(490, 125, "3,720.00"),
      item(40, 140, "C9109"), item(100, 140, "Foster fee"), item(240, 140, "01/11/2026"), item(300, 140, "07/11/2026"), item(360, 140, "7"), item(420, 140, "120.00"), item(490, 140, "840.00"),
      item(420, 170, "Total"), item(490, 170, "4,560.00"),
    ]);
    expect(draft.uncertain).toEqual([]);
  });

  it("marks the invoice's period when no line's own period touches it", () => {
    const draft = read([
      ...header("INVOICE", "Period: 01/08/2026 to 31/08/2026"),
      item(40, 110, "Child"), item(100, 110, "Service"), item(240, 110, "From"), item(300, 110, "To"), item(360, 110, "Nights"), item(420, 110, "Rate"), item(490, 110, "Amount"),
      item(40, 125, "C9110"), item(100, 125, "Foster fee"), item(240, 125, "01/11/2026"), item(300, 125, "30/11/2026"), item(360, 125, "30"), item(420, 125, "120.00"), item(490, 125, "3,600.00"),
      item(420, 155, "Total"), item(490, 155, "3,600.00"),
    ]);
    expect(marked(draft)).toEqual(["period"]);
  });
});

describe("a credit read as an invoice", () => {
  const page = (title: string, words: string, total: string): InvoiceDraft =>
    read([
      ...header(title),
      item(40, 110, "Child"), item(100, 110, "Service"), item(300, 110, "Period"), item(490, 110, "Amount"),
      item(40, 125, "C9111"), item(100, 125, "Overcharged nights returned"), item(300, 125, "November 2026"), item(490, 125, total),
      item(420, 155, "Total"), item(490, 155, total),
      item(40, 185, words),
    ]);

  it("is marked when its total is below nil", () => {
    const draft = page("STATEMENT OF ACCOUNT", "Please quote our reference.", "-310.00");
    expect(draft.kind).toBe("invoice");
    expect(marked(draft)).toContain("kind");
  });

  it("is marked when it says the sum is the buyer's, though it prints it without a sign", () => {
    const draft = page("STATEMENT OF ACCOUNT", "Balance in your favour: this sum will be offset against your next payment.", "310.00");
    expect(draft.kind).toBe("invoice");
    expect(marked(draft)).toContain("kind");
  });

  it("is left alone on an invoice with a ledger's Debit / Credit columns", () => {
    const draft = read([
      ...header("INVOICE"),
      item(40, 110, "Child"), item(100, 110, "Service"), item(260, 110, "Period"), item(380, 110, "Debit"), item(440, 110, "Credit"), item(500, 110, "Balance"),
      item(40, 125, "C9112"), item(100, 125, "Foster fee"), item(260, 125, "November 2026"), item(380, 125, "3,600.00"), item(500, 125, "3,600.00"),
      item(380, 155, "Total"), item(500, 155, "3,600.00"),
    ]);
    expect(draft.kind).toBe("invoice");
    expect(marked(draft)).not.toContain("kind");
  });
});
