import { describe, expect, it } from "vitest";
import { item, read } from "../../support/drawn-page.js";

/**
 * Round 12 of the reader (issue 16): an adjustment note, as an AbiWord table in equal-width
 * columns printed one (abiword-adjustment-note-OFP-ADJ-0081). Each page here is drawn another way
 * (other words, positions, labels); the expected values are what the page prints, the money
 * worked out by hand.
 */

function adjustmentNote(favour: "credited to" | "charged to"): ReturnType<typeof read> {
  return read([
    item(40, 40, "Harbour Lights Fostering Ltd"),
    item(40, 70, "ADJUSTMENT NOTE"),
    item(40, 85, "Adjustment Note Number: HLF-A-12"),
    item(40, 100, "Date: 03/12/2026"),
    item(40, 120, "This adjustment note is against invoice HLF-2290 for placements in"),
    item(40, 131, `October 2026. The sums below are ${favour} your account.`),
    item(40, 160, "Child Ref"), item(110, 160, "Details"), item(300, 160, "Nights"), item(360, 160, "Rate"), item(440, 160, "Amount"),
    item(40, 175, "C7001"), item(110, 175, "Rate above the agreed rate"), item(300, 175, "31"), item(360, 175, "10.00"), item(440, 175, "310.00"),
    item(240, 200, favour === "credited to" ? "Total adjustment in your favour" : "Total adjustment"), item(440, 200, "310.00"),
  ]);
}

describe("an adjustment note that credits the buyer", () => {
  it("is a credit note: its own number, the invoice its sentence names, its total in the buyer's favour", () => {
    const draft = adjustmentNote("credited to");
    expect(draft.kind).toBe("credit_note");
    expect(draft.invoiceNumber).toBe("HLF-A-12");
    expect(draft.creditsInvoice).toBe("HLF-2290");
    expect(draft.total?.toFixed(2)).toBe("310.00");
    // "…against invoice HLF-2290 for placements in October 2026": that invoice's period, not the note's.
    expect([draft.periodFrom, draft.periodTo]).toEqual([null, null]);
    expect(draft.uncertain.filter((u) => u.field === "period")).toEqual([]);
  });

  it("is not a credit note when the adjustment is charged to the buyer", () => {
    const draft = adjustmentNote("charged to");
    expect(draft.kind).toBe("invoice");
    expect(draft.invoiceNumber).toBe("HLF-A-12");
    expect(draft.total?.toFixed(2)).toBe("310.00");
  });
});

/** A credit note whose "Calculation" cells print a count at its rate, or a share of one. */
function calculationTable(shareAmount: string): ReturnType<typeof read> {
  return read([
    item(40, 40, "Credit Note No CN-55"), item(40, 55, "Date 10/12/2026"), item(40, 70, "Credit for Invoice INV-900"),
    item(40, 100, "Child"), item(100, 100, "PO"), item(170, 100, "Reason for adjustment"), item(300, 100, "Calculation"), item(380, 100, "Credit"),
    // One run of text across the calculation and credit columns.
    item(40, 115, "C3101"), item(100, 115, "PO-7781"), item(170, 115, "Rate overcharged"), item(300, 115, "4 wks x £25.00 £100.00"),
    // A calculation cell wrapped after its "@", a period after its dash.
    item(40, 135, "C3102"), item(100, 135, "PO-7782"), item(170, 135, "Missed nights"), item(300, 135, "2 nights @"), item(380, 135, "£180.00"),
    item(170, 146, "not provided"), item(300, 146, "£90.00"),
    item(170, 157, "01/11/2026 -"),
    item(170, 168, "07/11/2026"),
    // A share of a product, wrapped before its "x".
    item(40, 188, "C3103"), item(100, 188, "PO-7783"), item(170, 188, "Sibling discount"), item(300, 188, "10% of 4 wks"), item(380, 188, shareAmount),
    item(300, 199, "x £210.00"),
    item(300, 225, "Total"), item(380, 225, "£364.00"),
  ]);
}

describe("calculation cells (\"4 wks x £25.00\", \"10% of 4 wks x £210.00\")", () => {
  it("give a line's count and rate, read across a run into the amount, a wrapped cell and a period wrapped at its dash", () => {
    const draft = calculationTable("£84.00");
    const lines = draft.lines.map((l) => [l.childRef, l.description, l.from, l.to, l.quantity?.toFixed(2) ?? null, l.unit, l.unitRate?.toFixed(2) ?? null, l.amount?.toFixed(2)]);
    expect(lines).toEqual([
      ["C3101", "Rate overcharged", null, null, "4.00", "week", "25.00", "100.00"],
      ["C3102", "Missed nights not provided", "2026-11-01", "2026-11-07", "2.00", "night", "90.00", "180.00"],
      // 10% of 4 × £210.00 = £84.00: a share, no count of anything.
      ["C3103", "Sibling discount", null, null, null, null, null, "84.00"],
    ]);
    expect(draft.uncertain).toEqual([]);
    expect(draft.total?.toFixed(2)).toBe("364.00");
  });

  it("leave a share the amount does not bear out marked, not read", () => {
    // 10% of 4 × £210.00 is £84.00, not £85.00.
    const draft = calculationTable("£85.00");
    expect(draft.lines[2]?.quantity).toBeNull();
    expect(draft.uncertain.map((u) => u.field)).toContain("line 3 quantity");
  });
});
