import { describe, expect, it } from "vitest";
import { rowsFromItems } from "../../../src/ingest/readers/pdf-layout.js";
import { item, read } from "../../support/drawn-page.js";
import { readDrawnPdf, type DrawnText } from "../../support/drawn-pdf.js";
import type { InvoiceDraft } from "../../../src/ingest/types.js";

/**
 * Round 12 of the reader (issue 16): the classes of page the ninth held-out set left refused.
 * Each page is drawn here another way than the corpus file that showed the class (other words,
 * positions, fonts and producer); the expected values are what the page prints.
 */

type Drawn = DrawnText;

async function readDrawn(pieces: readonly Drawn[]): Promise<InvoiceDraft> {
  return readDrawnPdf(pieces, 8);
}

describe("a count and its unit set in a fixed-pitch font, one space apart", () => {
  it("are one quantity under the quantity heading, not a count under the column before and a unit alone", async () => {
    // The dates end just short of the count: read apart, "2" would run into the period.
    const draft = await readDrawn([
      { x: 40, top: 40, text: "Invoice No HB-2207" }, { x: 40, top: 54, text: "Invoice Date 01/12/2026" },
      { x: 40, top: 100, text: "Child" }, { x: 90, top: 100, text: "Service" }, { x: 230, top: 100, text: "Period" }, { x: 345, top: 100, text: "Qty" }, { x: 400, top: 100, text: "Rate" }, { x: 470, top: 100, text: "Charge" },
      { x: 40, top: 116, text: "C8104" }, { x: 90, top: 116, text: "Respite care" }, { x: 230, top: 116, text: "03/11/2026 - 16/11/2026" },
      { x: 334, top: 116, text: "2 wks", font: "mono" }, { x: 396, top: 116, text: "910.00", font: "mono" }, { x: 462, top: 116, text: "1,820.00", font: "mono" },
      { x: 40, top: 130, text: "C8105" }, { x: 90, top: 130, text: "Day support" }, { x: 230, top: 130, text: "05/11/2026" },
      { x: 334, top: 130, text: "6 hrs", font: "mono" }, { x: 401, top: 130, text: "28.75", font: "mono" }, { x: 467, top: 130, text: "172.50", font: "mono" },
      { x: 380, top: 160, text: "Total" }, { x: 462, top: 160, text: "1,992.50", font: "mono" },
    ]);
    expect(draft.lines.map((l) => [l.childRef, l.quantity?.toFixed(2), l.unit, l.unitRate?.toFixed(2), l.amount?.toFixed(2)])).toEqual([
      ["C8104", "2.00", "week", "910.00", "1820.00"],
      ["C8105", "6.00", "hour", "28.75", "172.50"],
    ]);
    expect(draft.total?.toFixed(2)).toBe("1992.50");
  });
});

describe("a VAT analysis by band below the lines (\"Exempt\", \"Standard-rated @ 20%\")", () => {
  it("is the net at each rate, neither further lines nor a total", () => {
    // The band figures stand left of the amount column, under the rate heading.
    const draft = read([
      item(40, 40, "Invoice No OK-5120"), item(40, 55, "Invoice Date 28/11/2026"),
      item(40, 100, "Child"), item(100, 100, "Details"), item(300, 100, "Units"), item(350, 100, "Price"), item(400, 100, "Tax"), item(470, 100, "Line Total"),
      item(40, 115, "C3101"), item(100, 115, "Supported lodgings"), item(300, 115, "4 weeks"), item(350, 115, "420.00"), item(400, 115, "E"), item(470, 115, "1,680.00"),
      item(40, 130, "C3101"), item(100, 130, "Mentoring hours"), item(300, 130, "10 hours"), item(350, 130, "31.00"), item(400, 130, "S"), item(470, 130, "310.00"),
      item(200, 160, "Exempt"), item(350, 160, "1,680.00"),
      item(200, 175, "Standard-rated @ 20%"), item(350, 175, "310.00"),
      item(200, 190, "Subtotal"), item(470, 190, "1,990.00"),
      item(200, 205, "VAT"), item(470, 205, "62.00"),
      item(200, 220, "Total"), item(470, 220, "2,052.00"),
    ]);
    expect(draft.lines.map((l) => [l.childRef, l.description, l.amount?.toFixed(2)])).toEqual([
      ["C3101", "Supported lodgings", "1680.00"],
      ["C3101", "Mentoring hours", "310.00"],
    ]);
    expect([draft.subtotal?.toFixed(2), draft.vat?.toFixed(2), draft.total?.toFixed(2)]).toEqual(["1990.00", "62.00", "2052.00"]);
  });
});

describe("fixed-pitch items a little more than a space apart", () => {
  it("stay two cells: columns placed by their producer, not a space inside one run", () => {
    // Courier at 10 pt: a 6 pt pitch. "ORD-1187" ends at 98; the next column starts 7.5 pt on.
    const mono = (x: number, text: string): Parameters<typeof rowsFromItems>[0][number] => ({ text, x, top: 200, width: text.length * 6, height: 10, monospaced: true });
    const [row] = rowsFromItems([mono(50, "ORD-1187"), mono(105.5, "RESPITE CARE"), mono(300, "3 NTS"), mono(340, "4"), mono(346 + 6, "DAYS")], 1);
    expect(row?.cells.map((c) => c.text)).toEqual(["ORD-1187", "RESPITE CARE", "3 NTS", "4 DAYS"]);
  });
});

/** A row of cells set one after another with a run of spaces between them, as plain text is. */
function spacedRow(top: number, cells: readonly string[], x = 36, spaces = 3): ReturnType<typeof item>[] {
  let left = x;
  return cells.map((text) => {
    const drawn = item(left, top, text);
    left += drawn.width + spaces * 4.5;
    return drawn;
  });
}

describe("columns set by runs of spaces, so that no cell stands under its heading", () => {
  it("are read in the headings' order when each row prints one cell per heading, each of its kind", () => {
    const draft = read([
      item(36, 40, "Invoice No:   BK-7781"), item(36, 55, "Invoice Date:   27/11/2026"),
      ...spacedRow(100, ["Young Person", "Purchase Order", "Service", "Start", "End", "Hours", "Hourly Rate", "Net"]),
      ...spacedRow(118, ["C2210", "PO-88120", "Outreach support", "02/11/2026", "27/11/2026", "40", "£24.50", "£980.00"]),
      ...spacedRow(132, ["C2211", "PO-88121", "Sleep-in support at the flat", "02/11/2026", "15/11/2026", "14", "£61.00", "£854.00"]),
      item(36, 160, "Total:"), item(80, 160, "£1,834.00"),
    ]);
    expect(draft.lines.map((l) => [l.childRef, l.placementRef, l.description, l.from, l.to, l.quantity?.toFixed(2), l.unitRate?.toFixed(2), l.amount?.toFixed(2)])).toEqual([
      ["C2210", "PO-88120", "Outreach support", "2026-11-02", "2026-11-27", "40.00", "24.50", "980.00"],
      ["C2211", "PO-88121", "Sleep-in support at the flat", "2026-11-02", "2026-11-15", "14.00", "61.00", "854.00"],
    ]);
    expect(draft.total?.toFixed(2)).toBe("1834.00");
    expect(draft.uncertain).toEqual([]);
  });
});
