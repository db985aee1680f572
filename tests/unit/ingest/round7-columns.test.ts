import { describe, expect, it } from "vitest";
import { item, read } from "../../support/drawn-page.js";
import { columnFieldOf } from "../../../src/ingest/text/labels.js";

/**
 * Round 7 of the reader (issue 16): the classes the sixth held-out set stored wrong without a mark,
 * each drawn here item by item; expected values are worked out from what the page prints.
 */

const facts = [item(40, 40, "Invoice No INV-7"), item(40, 55, "Invoice Date 01/12/2026")];

describe("round 7 headings", () => {
  it.each([
    ["£/hr", "rate"], ["£ per night", "rate"], ["GBP/wk", "rate"],
    ["Support Type", "description"], ["Type of Care", "description"],
    ["Foster Child", "child"], ["Charge Basis", "quantity"],
  ] as const)("%s names the %s column", (heading, field) => {
    expect(columnFieldOf(heading)).toBe(field);
  });

  it("'4 wks x £650.00' in a charge-basis cell is 4 weeks at £650.00 (4 × 650.00 = 2,600.00)", () => {
    const draft = read([
      ...facts,
      item(40, 100, "Child"), item(100, 100, "Details"), item(220, 100, "Basis"), item(340, 100, "Amount"),
      item(40, 115, "C2001"), item(100, 115, "Fostering fee"), item(220, 115, "4 wks x £650.00"), item(340, 115, "2,600.00"),
    ]);
    expect(draft.lines[0]?.quantity?.toFixed(2)).toBe("4.00");
    expect(draft.lines[0]?.unit).toBe("week");
    expect(draft.lines[0]?.unitRate?.toFixed(2)).toBe("650.00");
    expect(draft.uncertain).toEqual([]);
  });

  it("a bare £ is still no rate", () => {
    expect(columnFieldOf("£")).not.toBe("rate");
  });
});

describe("round 7 lines", () => {
  it("'Item' beside 'Description' numbers the lines: the description is the other column", () => {
    const draft = read([
      ...facts,
      item(40, 100, "Item"), item(80, 100, "Description"), item(260, 100, "Child"), item(330, 100, "Nights"), item(380, 100, "Rate"), item(440, 100, "Amount"),
      item(40, 115, "1"), item(80, 115, "Residential care"), item(260, 115, "C3001"), item(330, 115, "31"), item(380, 115, "780.00"), item(440, 115, "24,180.00"),
    ]);
    expect(draft.lines).toHaveLength(1);
    expect(draft.lines[0]?.description).toBe("Residential care");
    expect(draft.lines[0]?.amount?.toFixed(2)).toBe("24180.00");
  });

  it("reads '31 nights @ £124.00' under 'Charge basis' as quantity 31 night at £124.00 (31 × 124 = 3,844.00)", () => {
    const draft = read([
      ...facts,
      item(40, 100, "Foster child"), item(100, 100, "Placement"), item(170, 100, "Details"), item(300, 100, "Charge basis"), item(440, 100, "Amount"),
      item(40, 115, "C2001"), item(100, 115, "PO-420301"), item(170, 115, "Fostering fee"), item(300, 115, "31 nights @"), item(360, 115, "£124.00"), item(440, 115, "£3,844.00"),
    ]);
    const line = draft.lines[0];
    expect(line?.childRef).toBe("C2001");
    expect(line?.placementRef).toBe("PO-420301");
    expect(line?.quantity?.toFixed(2)).toBe("31.00");
    expect(line?.unit).toBe("night");
    expect(line?.unitRate?.toFixed(2)).toBe("124.00");
    expect(draft.arithmetic.find((c) => c.check === "line")).toEqual(expect.objectContaining({ expected: "3844.00", printed: "3844.00", closes: true }));
  });
});

describe("round 7 certainty: a description that is no words or only a number is not stored silently", () => {
  it("marks the description when words stand under a heading not read ('Kind of help') and the description column is missing", () => {
    const draft = read([
      ...facts,
      item(40, 100, "Child"), item(100, 100, "Kind of help"), item(220, 100, "Hours"), item(280, 100, "Rate"), item(340, 100, "Amount"),
      item(40, 115, "C6001"), item(100, 115, "Floating support"), item(220, 115, "3"), item(280, 115, "24.00"), item(340, 115, "72.00"),
    ]);
    expect(draft.lines).toHaveLength(1);
    expect(draft.lines[0]?.description).toBe("");
    expect(draft.uncertain).toEqual([expect.objectContaining({ code: "uncertain_value", field: "line 1 description", candidates: ["Floating support"] })]);
  });

  it("marks a description that is only a number", () => {
    const draft = read([
      ...facts,
      item(40, 100, "Child"), item(100, 100, "Description"), item(220, 100, "Amount"),
      item(40, 115, "C6001"), item(100, 115, "3"), item(220, 115, "72.00"),
    ]);
    expect(draft.uncertain).toEqual([expect.objectContaining({ field: "line 1 description", candidates: ["3"] })]);
  });

  it("leaves a description of words alone", () => {
    const draft = read([
      ...facts,
      item(40, 100, "Child"), item(100, 100, "Description"), item(220, 100, "Amount"),
      item(40, 115, "C6001"), item(100, 115, "Residential care"), item(220, 115, "72.00"),
    ]);
    expect(draft.uncertain).toEqual([]);
  });
});

describe("round 7 short-break stays", () => {
  it("'Stay' beside 'Service' is the stay's dates; 'Please pay' under the lines is the total (2 × 310.00 = 620.00)", () => {
    const draft = read([
      ...facts,
      item(40, 100, "Stay"), item(120, 100, "Young person"), item(200, 100, "Service"), item(300, 100, "Nights"), item(350, 100, "Per night"), item(420, 100, "Charge"),
      item(40, 115, "9–10 Oct 2026"), item(120, 115, "C8002"), item(200, 115, "Short break"), item(300, 115, "2"), item(350, 115, "310.00"), item(420, 115, "620.00"),
      item(40, 135, "Please pay"), item(420, 135, "£620.00"),
    ]);
    expect(draft.lines).toHaveLength(1);
    expect(draft.lines[0]).toEqual(expect.objectContaining({ description: "Short break", from: "2026-10-09", to: "2026-10-10", childRef: "C8002" }));
    expect(draft.total?.toFixed(2)).toBe("620.00");
  });
});

describe("round 7 weeks until", () => {
  it("reads 'No. BFC-10921' under the title 'INVOICE' as the number, and '4.2857' 'wks' drawn apart as one quantity (4.2857 × 903.00 = 3,869.99)", () => {
    const draft = read([
      item(400, 20, "INVOICE"), item(40, 35, "No. BFC-10921"), item(40, 50, "Date of Issue 2nd Dec 2026"),
      item(40, 100, "Child ID"), item(100, 100, "Service"), item(200, 100, "Period"), item(330, 100, "Qty"), item(390, 100, "Weekly Rate"), item(460, 100, "Cost"),
      item(40, 115, "C1001"), item(100, 115, "Fostering fee"), item(200, 115, "01/11/26 until 30/11/26"), item(300, 115, "4.2857"), item(331, 115, "wks"), item(390, 115, "903.00"), item(460, 115, "3,869.99"),
    ]);
    expect(draft.invoiceNumber).toBe("BFC-10921");
    const line = draft.lines[0];
    expect(line).toEqual(expect.objectContaining({ from: "2026-11-01", to: "2026-11-30", unit: "week" }));
    expect(line?.quantity?.toString()).toBe("4.2857");
    expect(draft.arithmetic.find((c) => c.check === "line")).toEqual(expect.objectContaining({ expected: "3869.99", printed: "3869.99", closes: true }));
    expect(draft.uncertain).toEqual([]);
  });

  it("a bare 'No. 123' with no title above it is no invoice number", () => {
    const draft = read([item(40, 35, "No. BFC-10921"), item(40, 100, "Child"), item(100, 100, "Description"), item(220, 100, "Amount"), item(40, 115, "C1"), item(100, 115, "Care"), item(220, 115, "10.00")]);
    expect(draft.invoiceNumber).toBeNull();
  });
});
