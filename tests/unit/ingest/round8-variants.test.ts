import { describe, expect, it } from "vitest";
import { item, read, SIZE } from "../../support/drawn-page.js";
import { joinTouchingItems, type PositionedText } from "../../../src/ingest/readers/pdf-layout.js";
import { parseMoneyText } from "../../../src/ingest/text/values.js";
import type { InvoiceDraft } from "../../../src/ingest/types.js";
import { placeUnlabelledReferences } from "../../../src/ingest/unlabelled-references.js";

/**
 * Round 8 of the reader (issue 16): the classes the seeded layout variants
 * (tests/fixtures/layouts/generate/variants.ts) found, each drawn here item by item; expected
 * values are worked out from what the page prints.
 */

const facts = [item(40, 40, "Invoice No INV-8"), item(40, 55, "Invoice Date 01/12/2026")];

describe("round 8 headings", () => {
  it("a heading wrapped round one-line headings ('YP' above, 'Ref' below) names the child column", () => {
    const draft = read([
      ...facts,
      item(40, 100, "YP"),
      item(80, 106, "Description"), item(260, 106, "Nights"), item(320, 106, "Rate"), item(400, 106, "Amount"),
      item(40, 112, "Ref"),
      item(40, 130, "C2001"), item(80, 130, "Residential care"), item(260, 130, "30"), item(320, 130, "140.00"), item(400, 130, "4,200.00"),
    ]);
    expect(draft.lines).toHaveLength(1);
    expect(draft.lines[0]?.childRef).toBe("C2001");
    expect(draft.lines[0]?.description).toBe("Residential care");
    expect(draft.lines[0]?.quantity?.toFixed(2)).toBe("30.00");
  });

  it("a count under a heading the reader could not read is marked, never dropped as 'no quantity'", () => {
    const draft = read([
      ...facts,
      item(40, 100, "Child"), item(80, 100, "Description"), item(240, 100, "WEEK COMMENCINGWEEKS"), item(360, 100, "Rate"), item(420, 100, "Amount"),
      item(40, 115, "C6001"), item(80, 115, "Weekly fee"), item(240, 115, "07/09/2026"), item(350, 115, "1"), item(360, 115, "850.00"), item(420, 115, "850.00"),
    ]);
    expect(draft.lines[0]?.quantity).toBeNull();
    expect(draft.uncertain.map((u) => u.field)).toContain("line 1 quantity");
  });
});

describe("round 8 wrapped cells", () => {
  it("a date broken at its hyphen ('01-09-' over '2026') is one date: 1 to 30 September 2026", () => {
    const draft = read([
      ...facts,
      item(40, 100, "Child"), item(80, 100, "Description"), item(200, 100, "From"), item(250, 100, "To"), item(300, 100, "Weeks"), item(350, 100, "Rate"), item(420, 100, "Amount"),
      item(40, 115, "C7001"), item(80, 115, "Core support"), item(200, 115, "01-09-"), item(250, 115, "30-09-"), item(300, 115, "4.2857"), item(350, 115, "700.00"), item(420, 115, "2,999.99"),
      item(200, 126, "2026"), item(250, 126, "2026"),
    ]);
    expect(draft.lines[0]?.from).toBe("2026-09-01");
    expect(draft.lines[0]?.to).toBe("2026-09-30");
    expect(draft.uncertain).toEqual([]);
  });

  it("a reference broken at its hyphen ('PO-' over '410201') is one reference, and the wrapped words join the description", () => {
    const draft = read([
      ...facts,
      item(40, 100, "Child"), item(80, 100, "PO"), item(130, 100, "Description"), item(300, 100, "Nights"), item(350, 100, "Rate"), item(420, 100, "Amount"),
      item(40, 115, "C1001"), item(80, 115, "PO-"), item(130, 115, "Placement fee (carer"), item(300, 115, "31"), item(350, 115, "180.00"), item(420, 115, "5,580.00"),
      item(80, 126, "410201"), item(130, 126, "allowance)"),
    ]);
    expect(draft.lines).toHaveLength(1);
    expect(draft.lines[0]?.placementRef).toBe("PO-410201");
    expect(draft.lines[0]?.description).toBe("Placement fee (carer allowance)");
  });

  it.each([
    ["out-", "of-hours support)", "agency fee and out-of-hours support)"],
    ["self-", "care support", "agency fee and self-care support"],
    ["ed-", "ucation support", "agency fee and education support"],
  ])("'%s' over '%s' joins as '%s'", (end, next, joined) => {
    const draft = read([
      ...facts,
      item(40, 100, "Child"), item(80, 100, "Description"), item(300, 100, "Amount"),
      item(40, 115, "C1001"), item(80, 115, `agency fee and ${end}`), item(300, 115, "100.00"),
      item(80, 126, next),
    ]);
    expect(draft.lines[0]?.description).toBe(joined);
  });

  it("a closing bracket drawn flush after its word is part of it", () => {
    const joined = joinTouchingItems([item(80, 100, "staff", 22.5), item(102.5, 100, ")", 3)], SIZE);
    expect(joined.map((i) => i.text)).toEqual(["staff)"]);
  });

  it("'(5,115.00) GBP' is a credit of 5,115.00", () => {
    expect(parseMoneyText("(5,115.00) GBP")?.toFixed(2)).toBe("-5115.00");
  });
});

describe("round 8 item lists with no column headings", () => {
  const cards = (details: [string, string]): PositionedText[] => [
    ...facts,
    item(40, 100, "Foster care fee – standard"), item(500, 100, "£3,999.00"),
    item(40, 112, details[0]),
    item(40, 130, "Therapy sessions"), item(500, 130, "£340.00"),
    item(40, 142, details[1]),
    item(400, 170, "Total due"), item(500, 170, "£4,339.00"),
  ];

  it("reads each block's description, amount, period and count at its rate (31 × 129.00 = 3,999.00; 4 × 85.00 = 340.00)", () => {
    const draft = read(cards(["C1001 · 1 Dec 2026 – 31 Dec 2026 · 31 nights × £129.00", "C1001 · 1 Dec 2026 – 31 Dec 2026 · 4 sessions × £85.00"]));
    expect(draft.tableFound).toBe(true);
    expect(draft.lines.map((l) => [l.description, l.from, l.to, l.quantity?.toFixed(2), l.unit, l.unitRate?.toFixed(2), l.amount?.toFixed(2)])).toEqual([
      ["Foster care fee – standard", "2026-12-01", "2026-12-31", "31.00", "night", "129.00", "3999.00"],
      ["Therapy sessions", "2026-12-01", "2026-12-31", "4.00", "session", "85.00", "340.00"],
    ]);
    expect(draft.total?.toFixed(2)).toBe("4339.00");
    // "C1001" with no label: a child's or a placement's, for the reference data to say.
    expect(draft.lines[0]?.childRef).toBeNull();
    expect(draft.uncertain.map((u) => u.field)).toEqual(["line 1 childRef", "line 2 childRef"]);
    expect(draft.unlabelledReferences).toEqual([{ line: 1, text: "C1001" }, { line: 2, text: "C1001" }]);
  });

  it("reads labelled details ('Child: C1001   Period: …   Qty: 31 nights   Rate: £129.00') with no doubt", () => {
    const draft = read(cards(["Child: C1001   Period: 01/12/2026 to 31/12/2026   Qty: 31 nights   Rate: £129.00", "Child: C1001   Period: 01/12/2026 to 31/12/2026   Qty: 4 sessions   Rate: £85.00"]));
    expect(draft.lines.map((l) => [l.childRef, l.from, l.quantity?.toFixed(2), l.unit, l.unitRate?.toFixed(2)])).toEqual([
      ["C1001", "2026-12-01", "31.00", "night", "129.00"],
      ["C1001", "2026-12-01", "4.00", "session", "85.00"],
    ]);
    expect(draft.uncertain).toEqual([]);
  });

  it("labelled details a browser set with single spaces are split at their labels", () => {
    const draft = read(cards(["Child: C1001 PO: PO-410201 Qty: 31 nights Rate: £129.00", "Child: C1001 PO: PO-410201 Qty: 4 sessions Rate: £85.00"]));
    expect(draft.lines.map((l) => [l.childRef, l.placementRef, l.quantity?.toFixed(2), l.unitRate?.toFixed(2)])).toEqual([
      ["C1001", "PO-410201", "31.00", "129.00"],
      ["C1001", "PO-410201", "4.00", "85.00"],
    ]);
    expect(draft.uncertain).toEqual([]);
  });

  it("one item alone is read only when a later row repeats its amount (the total of a one-line invoice)", () => {
    const one = (total: string): InvoiceDraft =>
      read([...facts, item(40, 100, "Therapy sessions"), item(500, 100, "£340.00"), item(40, 112, "Child: C1001   Qty: 4 sessions   Rate: £85.00"), item(400, 140, "Total due"), item(500, 140, total)]);
    expect(one("£340.00").lines.map((l) => l.amount?.toFixed(2))).toEqual(["340.00"]);
    expect(one("£680.00").tableFound).toBe(false);
  });

  it("a detail it cannot read makes the line uncertain, quoting it", () => {
    const draft = read(cards(["C1001 · 1 Dec 2026 – 31 Dec 2026 · see schedule B", "C1001 · 1 Dec 2026 – 31 Dec 2026 · 4 sessions × £85.00"]));
    expect(draft.uncertain.find((u) => u.field === "line 1 description")?.reason).toContain('"see schedule B"');
  });

  it("the reference data settles an unlabelled reference only when it is this provider's child or placement", () => {
    const draft = read(cards(["C1001 · 1 Dec 2026 – 31 Dec 2026 · 31 nights × £129.00", "PO-410201 · 1 Dec 2026 – 31 Dec 2026 · 4 sessions × £85.00"]));
    const reference = { placements: [{ placementId: "PL-2001", childRef: "C1001", providerId: "BRF", poNumber: "PO-410201" }] };
    const placed = placeUnlabelledReferences(draft, "BRF", reference);
    expect(placed.lines.map((l) => [l.childRef, l.placementRef])).toEqual([["C1001", null], [null, "PO-410201"]]);
    expect(placed.uncertain).toEqual([]);
    // Another provider's child is never taken for this one's.
    const other = placeUnlabelledReferences(draft, "OAK", reference);
    expect(other.lines[0]?.childRef).toBeNull();
    expect(other.uncertain.map((u) => u.field)).toEqual(["line 1 childRef", "line 2 childRef"]);
  });
});
