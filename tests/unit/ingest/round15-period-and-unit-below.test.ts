import { describe, expect, it } from "vitest";
import type { InvoiceDraft } from "../../../src/ingest/types.js";
import { item, read } from "../../support/drawn-page.js";

/**
 * Round 15 of the reader (issue 16): the thirteenth set's texinfo table printed a short stay's
 * dates on the row under its description, with the count's unit beside them under the quantity
 * column ("Respite carer  2  65.00  130.00" over "21/11/2026 - 22/11/2026  days"). Round 14 read
 * a row holding only a period, and a unit carried below, but not both at once: the dates were
 * kept in the description and the line given the invoice's period, three values stored wrong
 * without a mark. Drawn here another way (other headings, words, units, brackets and positions);
 * the expected values are what the page prints.
 */

const marked = (draft: InvoiceDraft): string[] => draft.uncertain.map((u) => u.field);

function page(rows: ReturnType<typeof item>[], total: string): InvoiceDraft {
  return read([
    item(40, 30, "Larchfield Fostering"), item(40, 50, "Invoice No LF-0772"), item(40, 64, "Invoice Date 03/12/2026"), item(40, 78, "Period: 01/11/2026 to 30/11/2026"),
    item(30, 110, "Child"), item(90, 110, "Service"), item(300, 110, "Qty"), item(360, 110, "Price"), item(450, 110, "Total"),
    ...rows,
    item(360, 230, "Total due"), item(450, 230, total),
  ]);
}

describe("a row under a line printing its period under the description and its unit under the count", () => {
  it("gives the line both: the dates are its period, none of its words, and the unit its own", () => {
    const draft = page([
      item(30, 125, "YP-3301"), item(90, 125, "Foster care"), item(304.5, 125, "30"), item(360, 125, "118.00"), item(450, 125, "3,540.00"),
      item(30, 140, "YP-3302"), item(90, 140, "Emergency bed"), item(309, 140, "3"), item(360, 140, "95.00"), item(450, 140, "285.00"),
      item(90, 150, "14/11/2026 - 16/11/2026"), item(300, 150, "nights"),
    ], "3,825.00");
    expect(draft.lines.map((l) => [l.childRef, l.description, l.from, l.to, l.quantity?.toFixed(2), l.unit, l.amount?.toFixed(2)])).toEqual([
      ["YP-3301", "Foster care", null, null, "30.00", null, "3540.00"],
      ["YP-3302", "Emergency bed", "2026-11-14", "2026-11-16", "3.00", "night", "285.00"],
    ]);
    expect(draft.uncertain).toEqual([]);
  });

  it("reads a period in brackets beside the unit the same way", () => {
    const draft = page([
      item(30, 125, "YP-3303"), item(90, 125, "Sitting service"), item(309, 125, "6"), item(360, 125, "18.50"), item(450, 125, "111.00"),
      item(90, 135, "(7 Nov 2026 - 8 Nov 2026)"), item(300, 135, "hours"),
    ], "111.00");
    expect(draft.lines.map((l) => [l.description, l.from, l.to, l.quantity?.toFixed(2), l.unit, l.unitRate?.toFixed(2)])).toEqual([
      ["Sitting service", "2026-11-07", "2026-11-08", "6.00", "hour", "18.50"],
    ]);
    expect(draft.uncertain).toEqual([]);
  });

  it("under a line that prints its own period, another one beside the unit is marked, never taken or kept in the words", () => {
    const draft = page([
      item(30, 125, "YP-3304"), item(90, 125, "Respite 02/11/2026 - 03/11/2026"), item(309, 125, "2"), item(360, 125, "70.00"), item(450, 125, "140.00"),
      item(90, 135, "09/11/2026 - 10/11/2026"), item(300, 135, "days"),
    ], "140.00");
    const line = draft.lines[0];
    expect([line?.from, line?.to, line?.unit]).toEqual(["2026-11-02", "2026-11-03", "day"]);
    expect(line?.description).not.toContain("09/11/2026");
    expect(marked(draft)).toContain("line 1 period");
  });
});
