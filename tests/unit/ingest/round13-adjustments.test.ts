import { describe, expect, it } from "vitest";
import { item, read } from "../../support/drawn-page.js";

/**
 * Round 13 of the reader (issue 16): an adjustment titled "ADJUSTMENT" on a line of its own, that
 * says "(credit to your account)", points at its invoice with "Relates to Invoice" and prices each
 * unit as a "Difference / night" (impress-adjustment-ADJ-2612-004). The page here is drawn another
 * way: other words, positions, a weekly difference; the money is worked out by hand.
 */

function adjustment(favour: string): ReturnType<typeof read> {
  return read([
    item(40, 40, "Moorside Care Ltd"),
    item(380, 60, "Adjustment"),
    item(380, 74, favour),
    item(40, 100, "Adjustment No."), item(150, 100, "MC-ADJ-7"),
    item(40, 115, "Date"), item(150, 115, "11/12/2026"),
    item(40, 130, "Relates to Invoice"), item(150, 130, "MC-4410"),
    item(40, 170, "Child"), item(100, 170, "Reason"), item(300, 170, "Weeks"), item(360, 170, "Difference per week"), item(470, 170, "Amount"),
    item(40, 185, "C8100"), item(100, 185, "Weekly rate above contract"), item(300, 185, "4"), item(360, 185, "25.00"), item(470, 185, "(100.00)"),
    item(360, 215, "Total"), item(470, 215, "(100.00)"),
  ]);
}

describe("an adjustment titled on a line of its own", () => {
  it("is a credit note when it says the sum is credited to the buyer: its own number, the invoice it relates to, the difference as the rate", () => {
    const draft = adjustment("(credit to your account)");
    expect(draft.kind).toBe("credit_note");
    expect(draft.invoiceNumber).toBe("MC-ADJ-7");
    expect(draft.creditsInvoice).toBe("MC-4410");
    // 4 weeks × £25.00 = £100.00
    const line = draft.lines[0];
    expect([line?.quantity?.toFixed(2), line?.unitRate?.toFixed(2)]).toEqual(["4.00", "25.00"]);
  });

  it("is not a credit note when nothing says the sum is the buyer's", () => {
    const draft = adjustment("(charged to your account)");
    expect(draft.kind).toBe("invoice");
  });
});
