import { describe, expect, it } from "vitest";
import { item, read } from "../../support/drawn-page.js";
import { type PositionedText } from "../../../src/ingest/readers/pdf-layout.js";
import { matchHeaderLabel, totalsFieldOf } from "../../../src/ingest/text/labels.js";
import { findMoneyInText, parseMoneyText } from "../../../src/ingest/text/values.js";
import { placeUnlabelledReferences } from "../../../src/ingest/unlabelled-references.js";

/**
 * Round 9 of the reader (issue 16, part B): statements whose blocks print their references with
 * no label, items as records of labelled values, a space as the thousands separator, two count
 * columns, labels in two languages. Each drawn item by item; expected values worked out from
 * what the page prints.
 */

const facts = [item(40, 40, "Invoice No INV-9"), item(40, 55, "Invoice Date 04/01/2027")];
const headings = [item(40, 100, "Service"), item(300, 100, "Qty"), item(360, 100, "Rate"), item(440, 100, "Amount")];

describe("round 9 statement blocks with unlabelled references", () => {
  const statement = [
    ...facts,
    ...headings,
    item(30, 120, "C1001 · PO-410201"),
    item(40, 135, "Fostering fee – standard"), item(300, 135, "31 nights"), item(360, 135, "129.00"), item(440, 135, "3,999.00"),
    item(360, 148, "Subtotal C1001"), item(440, 148, "3,999.00"),
    item(30, 170, "C1002 · PO-410202"),
    item(40, 185, "Respite care (agreed)"), item(300, 185, "2 nights"), item(360, 185, "129.00"), item(440, 185, "258.00"),
    item(40, 196, "Dates: 27 Dec 2026 – 28 Dec 2026"),
    item(360, 212, "Subtotal C1002"), item(440, 212, "258.00"),
    item(360, 240, "Total Due"), item(440, 240, "£4,257.00"),
  ];

  it("a block's references with no label are never taken as either: each line's reference is uncertain", () => {
    const draft = read(statement);
    expect(draft.lines.map((l) => [l.childRef, l.placementRef, l.amount?.toFixed(2)])).toEqual([
      [null, null, "3999.00"],
      [null, null, "258.00"],
    ]);
    expect(draft.uncertain.map((u) => `${u.field} ${u.candidates[0]}`)).toEqual([
      "line 1 childRef C1001",
      "line 1 childRef PO-410201",
      "line 2 childRef C1002",
      "line 2 childRef PO-410202",
    ]);
  });

  it("the reference data places them as this provider's child and placement, line by line", () => {
    const reference = {
      placements: [
        { placementId: "PL-2001", childRef: "C1001", providerId: "BRF", poNumber: "PO-410201" },
        { placementId: "PL-2002", childRef: "C1002", providerId: "BRF", poNumber: "PO-410202" },
      ],
    };
    const placed = placeUnlabelledReferences(read(statement), "BRF", reference);
    expect(placed.lines.map((l) => [l.childRef, l.placementRef])).toEqual([
      ["C1001", "PO-410201"],
      ["C1002", "PO-410202"],
    ]);
    expect(placed.uncertain).toEqual([]);
    // Only the child known: the placement stays uncertain, not settled with it.
    const half = placeUnlabelledReferences(read(statement), "BRF", { placements: [{ placementId: "PL-2001", childRef: "C1001", providerId: "BRF", poNumber: null }] });
    expect(half.lines[0]?.childRef).toBe("C1001");
    expect(half.uncertain.map((u) => `${u.field} ${u.candidates[0]}`)).toContain("line 1 childRef PO-410201");
  });

  it("'Dates: 27 Dec 2026 – 28 Dec 2026' under a service is its dates, not more of its words", () => {
    const line = read(statement).lines[1];
    expect(line?.description).toBe("Respite care (agreed)");
    expect([line?.from, line?.to]).toEqual(["2026-12-27", "2026-12-28"]);
  });
});

describe("round 9 records of labelled values", () => {
  const record = (top: number, child: string, service: string, quantity: string, rate: string, amount: string): PositionedText[] => [
    item(40, top, "Young person:"), item(120, top, child), item(300, top, "Placement:"), item(370, top, "PO-480903"),
    item(40, top + 14, "Service:"), item(120, top + 14, service), item(300, top + 14, "Period:"), item(370, top + 14, "01.11.2026 - 30.11.2026"),
    item(40, top + 28, "Quantity:"), item(120, top + 28, quantity), item(300, top + 28, "Rate:"), item(370, top + 28, rate),
    item(460, top + 46, `Amount: ${amount}`),
  ];

  it("each record of labels with no column headings is a line", () => {
    const draft = read([
      ...facts,
      ...record(200, "C8003", "Emergency placement", "30 nights", "£450.00 per night", "£13,500.00"),
      ...record(290, "C8003", "1:1 support", "12 hours", "£28.50 per hour", "£342.00"),
      item(380, 400, "Total due"), item(480, 400, "£13,842.00"),
    ]);
    expect(draft.lines.map((l) => [l.childRef, l.placementRef, l.description, l.from, l.to, l.quantity?.toFixed(2), l.unit, l.unitRate?.toFixed(2), l.amount?.toFixed(2)])).toEqual([
      ["C8003", "PO-480903", "Emergency placement", "2026-11-01", "2026-11-30", "30.00", "night", "450.00", "13500.00"],
      ["C8003", "PO-480903", "1:1 support", "2026-11-01", "2026-11-30", "12.00", "hour", "28.50", "342.00"],
    ]);
    expect(draft.uncertain).toEqual([]);
  });

  it("a label read as no field is quoted as uncertain, never dropped", () => {
    const draft = read([
      ...facts,
      ...record(200, "C8003", "Emergency placement", "30 nights", "£450.00 per night", "£13,500.00"),
      item(40, 232, "Keyworker:"), item(120, 232, "J. Smith"),
      ...record(290, "C8003", "1:1 support", "12 hours", "£28.50 per hour", "£342.00"),
    ]);
    expect(draft.uncertain.map((u) => u.field)).toContain("line 1 description");
  });
});

describe("round 9 spellings", () => {
  it("a space between groups of three digits before pence is a thousands separator", () => {
    expect(parseMoneyText("3 869.99")?.toFixed(2)).toBe("3869.99");
    expect(parseMoneyText("£17 598.00")?.toFixed(2)).toBe("17598.00");
    expect(parseMoneyText("1 036 000.50")?.toFixed(2)).toBe("1036000.50");
    expect(findMoneyInText("Total payable £17 598.00")?.toFixed(2)).toBe("17598.00");
    // Two figures a space apart are not one number.
    expect(parseMoneyText("30 100")).toBeNull();
    expect(parseMoneyText("30 4.2857")).toBeNull();
  });

  it("Days beside Weeks under a 'Per week' rate: the weeks are the quantity", () => {
    const draft = read([
      ...facts,
      item(40, 100, "Child"), item(90, 100, "Service"), item(250, 100, "Days"), item(290, 100, "Weeks"), item(350, 100, "Per week"), item(440, 100, "Amount"),
      item(40, 115, "C1001"), item(90, 115, "Fostering fee"), item(255, 115, "30"), item(290, 115, "4.2857"), item(350, 115, "903.00"), item(440, 115, "3 869.99"),
      item(350, 140, "Total payable"), item(430, 140, "£3 869.99"),
    ]);
    const line = draft.lines[0];
    expect([line?.quantity?.toFixed(4), line?.unit, line?.unitRate?.toFixed(2), line?.amount?.toFixed(2)]).toEqual(["4.2857", "week", "903.00", "3869.99"]);
    expect(draft.total?.toFixed(2)).toBe("3869.99");
  });

  it("labels in two languages are read by their known half", () => {
    expect(matchHeaderLabel("Rhif Anfoneb / Invoice No")).toMatchObject({ field: "invoiceNumber", rest: "" });
    expect(matchHeaderLabel("Invoice No / Rhif Anfoneb")).toMatchObject({ field: "invoiceNumber", rest: "" });
    expect(matchHeaderLabel("Dyddiad / Date 02/12/2026")).toMatchObject({ field: "invoiceDate", rest: "02/12/2026" });
    expect(totalsFieldOf("Is-gyfanswm / Subtotal")).toBe("subtotal");
    expect(totalsFieldOf("Cyfanswm sy'n ddyledus / Total due")).toBe("total");
    // A slash inside a word or a figure is not two languages.
    expect(matchHeaderLabel("Hrs/Qty")).toBeNull();
  });
});

describe("round 9 unlabelled references just under a line", () => {
  it("with no block running, 'C1001' right under a line is not a block heading for the lines below", () => {
    const draft = read([
      ...facts,
      ...headings,
      item(40, 120, "Fostering fee – standard"), item(300, 120, "31 nights"), item(360, 120, "129.00"), item(440, 120, "3,999.00"),
      item(40, 131, "C1001"),
      item(40, 146, "Respite care"), item(300, 146, "2 nights"), item(360, 146, "129.00"), item(440, 146, "258.00"),
    ]);
    expect(draft.lines).toHaveLength(2);
    expect(draft.lines[1]?.childRef).toBeNull();
    expect(draft.uncertain.map((u) => u.field)).not.toContain("line 2 childRef");
  });
});
