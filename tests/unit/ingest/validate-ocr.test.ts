import { describe, expect, it } from "vitest";
import { Dec } from "../../../src/domain/money.js";
import { checkChildRef, checkPlacementRef, separatorRepairs, validateOcrDraft, withinOneEdit, type OcrReference } from "../../../src/ingest/ocr/validate-ocr.js";
import type { DraftLine, InvoiceDraft, LayoutDocument, LayoutRow } from "../../../src/ingest/types.js";

/**
 * DATA.md "Scans": an OCR value stands only when the invoice's arithmetic confirms it, or its
 * confidence is high and a reference cross-check agrees; the two repairs (a child reference
 * snapped, a separator repaired) are made only when a check proves them.
 */
const REFERENCE: OcrReference = {
  placements: [
    { placementId: "PL-1", childRef: "WB30201", providerId: "HAR", poNumber: "PO-77" },
    { placementId: "PL-2", childRef: "C1001", providerId: "HAR", poNumber: null },
    { placementId: "PL-3", childRef: "C2001", providerId: "OTH", poNumber: "PO-99" },
    { placementId: "PL-4", childRef: "C1008", providerId: "HAR", poNumber: null },
    { placementId: "PL-5", childRef: "C1009", providerId: "HAR", poNumber: null },
  ],
};

describe("child references: snapped only when the placement or provider agrees", () => {
  it("a known reference of the provider read with high confidence stands; with low confidence it is to verify", () => {
    expect(checkChildRef("C1001", 93, "HAR", null, REFERENCE)).toEqual({ status: "confirmed" });
    expect(checkChildRef("C1001", 61, "HAR", null, REFERENCE)).toMatchObject({ status: "doubt", reason: expect.stringContaining("confidence 61") as string });
  });

  it("WEB30201, one character from the provider's WB30201, is snapped to it", () => {
    expect(checkChildRef("WEB30201", 90, "HAR", null, REFERENCE)).toEqual({ status: "snapped", to: "WB30201", why: "WB30201 is placed with provider HAR" });
  });

  it("one character from another provider's child is not snapped, unless the line's placement is that child's", () => {
    expect(checkChildRef("C2007", 95, "HAR", null, REFERENCE)).toEqual({ status: "doubt", reason: "is not a child reference in the reference data" });
    expect(checkChildRef("C2007", 95, "HAR", "PO-99", REFERENCE)).toEqual({ status: "snapped", to: "C2001", why: "its placement PO-99 is C2001's" });
  });

  it("one character from two known references is never decided", () => {
    expect(checkChildRef("C1000", 95, "HAR", null, REFERENCE)).toEqual({ status: "doubt", reason: "is one character from C1001 and C1008 and C1009: which one is meant is not known" });
  });

  it("a known child of another provider is to verify", () => {
    expect(checkChildRef("C2001", 97, "HAR", null, REFERENCE)).toEqual({ status: "doubt", reason: "is known, but not placed with provider HAR" });
  });

  it("edit distance one: a character changed, added or dropped", () => {
    expect([withinOneEdit("WB30201", "WEB30201"), withinOneEdit("C1001", "C1O01"), withinOneEdit("C1001", "C101"), withinOneEdit("C1001", "C1100")]).toEqual([true, true, true, false]);
  });
});

describe("placement references: as child references, within the provider's placements", () => {
  it("P0-77 (a zero for an O) is snapped to the provider's PO-77; another provider's PO is never taken", () => {
    expect(checkPlacementRef("P0-77", 70, "HAR", null, REFERENCE)).toEqual({ status: "snapped", to: "PO-77", why: "PO-77 is a placement of provider HAR" });
    expect(checkPlacementRef("PO-99", 97, "HAR", null, REFERENCE)).toEqual({ status: "doubt", reason: "is known, but not a placement of provider HAR" });
    expect(checkPlacementRef("PO-77", 97, "HAR", "C1001", REFERENCE)).toEqual({ status: "doubt", reason: "is known, but not a placement of provider HAR for C1001" });
    expect(checkPlacementRef("PL-1", 92, "HAR", "WB30201", REFERENCE)).toEqual({ status: "confirmed" });
  });
});

describe("separators", () => {
  it("reads 3.419.99 and 3,419,99 as 3419.99, and leaves well-formed amounts alone", () => {
    expect(separatorRepairs("£3.419.99").map(String)).toEqual(["3419.99"]);
    expect(separatorRepairs("3,419,99 GBP").map(String)).toEqual(["3419.99"]);
    expect(separatorRepairs("£3,419.99")).toEqual([]);
    expect(separatorRepairs("£419.99")).toEqual([]);
  });
});

// ---------------------------------------------------------------- a scan's draft, by hand

type CellSpec = [text: string, confidence: number];

function row(rowNumber: number, ...cells: CellSpec[]): LayoutRow {
  return { page: 1, top: rowNumber * 12, height: 9, rowNumber, cells: cells.map(([text, confidence], i) => ({ text, left: i * 80, right: i * 80 + 60, confidence })) };
}

function doc(rows: LayoutRow[]): LayoutDocument {
  return { format: "pdf", pageCount: 1, pageHeights: [842], rows, notes: [], ocr: { pages: 1, meanConfidence: 90, skewDegrees: [0.4], words: [] } };
}

function line(lineNo: number, source: string, values: Partial<DraftLine>): DraftLine {
  return { lineNo, childRef: null, placementRef: null, description: "Foster care", from: "2026-10-01", to: "2026-10-31", quantity: null, unit: "night", unitRate: null, amount: null, source, evidence: {}, ...values };
}

function draft(lines: DraftLine[], totals: { subtotal: string | null; vat: string | null; total: string }): InvoiceDraft {
  return {
    invoiceNumber: "HAR-0101",
    invoiceDate: "2026-11-01",
    kind: "invoice",
    creditsInvoice: null,
    periodFrom: "2026-10-01",
    periodTo: "2026-10-31",
    subtotal: totals.subtotal === null ? null : new Dec(totals.subtotal),
    vat: totals.vat === null ? null : new Dec(totals.vat),
    total: new Dec(totals.total),
    vatNumbers: [],
    lines,
    tableFound: true,
    evidence: { invoiceNumber: { via: "label", label: "Invoice No", where: "row 1" }, invoiceDate: { via: "label", label: "Date", where: "row 2" }, period: { via: "label", label: "Period", where: "row 3" }, subtotal: { via: "label", label: "Subtotal", where: "row 6" }, total: { via: "label", label: "Total", where: "row 7" } },
    uncertain: [],
    arithmetic: [],
    notes: [],
  };
}

const HEADER = [row(1, ["Invoice No", 95], ["HAR-0101", 93]), row(2, ["Date", 96], ["01/11/2026", 94]), row(3, ["Period", 96], ["01/10/2026 to 31/10/2026", 92])];
const FILE = "scan-HAR-0101.pdf";

describe("a scan's values: confirmed by arithmetic or by confidence and a cross-check", () => {
  it("every sum closes and every reference is known: nothing to verify", () => {
    const rows = [...HEADER, row(4, ["C1001", 94], ["Foster care", 92], ["31", 95], ["£131.00", 90], ["£4,061.00", 71]), row(5, ["C1008", 95], ["Foster care", 91], ["31", 94], ["£100.00", 93], ["£3,100.00", 94]), row(6, ["Subtotal", 95], ["£7,161.00", 62]), row(7, ["Total", 95], ["£7,161.00", 88])];
    const read = draft(
      [line(1, "row 4", { childRef: "C1001", quantity: new Dec(31), unitRate: new Dec(131), amount: new Dec(4061) }), line(2, "row 5", { childRef: "C1008", quantity: new Dec(31), unitRate: new Dec(100), amount: new Dec(3100) })],
      { subtotal: "7161", vat: null, total: "7161" },
    );
    const result = validateOcrDraft(doc(rows), read, "HAR", REFERENCE, FILE);
    // The amount 4,061.00 (confidence 71) and the subtotal (62) stand: the arithmetic confirms them.
    expect(result.doubts).toEqual([]);
  });

  it("a discount line's minus counts in the lines' sum", () => {
    const rows = [...HEADER, row(4, ["C1001", 94], ["Foster care", 92], ["31", 95], ["£131.00", 90], ["£4,061.00", 90]), row(5, ["Sibling discount", 93], ["-£61.00", 80]), row(6, ["Subtotal", 95], ["£4,000.00", 90]), row(7, ["Total", 95], ["£4,000.00", 90])];
    const read = draft([line(1, "row 4", { childRef: "C1001", quantity: new Dec(31), unitRate: new Dec(131), amount: new Dec(4061) }), line(2, "row 5", { description: "Sibling discount", from: null, to: null, unit: null, amount: new Dec(-61) })], { subtotal: "4000", vat: null, total: "4000" });
    expect(validateOcrDraft(doc(rows), read, "HAR", REFERENCE, FILE).doubts).toEqual([]);
  });

  it("£3.419.99 is read as £3,419.99 when quantity × rate says so, and the repair is noted", () => {
    const rows = [...HEADER, row(4, ["WEB30201", 90], ["Foster care", 92], ["1", 95], ["£3,419.99", 93], ["£3.419.99", 88]), row(6, ["Subtotal", 95], ["£3,419.99", 90]), row(7, ["Total", 95], ["£3,419.99", 90])];
    const read = draft([line(1, "row 4", { childRef: "WEB30201", from: "2026-10-01", to: "2026-10-01", quantity: new Dec(1), unitRate: new Dec("3419.99"), amount: null })], { subtotal: "3419.99", vat: null, total: "3419.99" });
    const result = validateOcrDraft(doc(rows), read, "HAR", REFERENCE, FILE);
    expect(result.doubts).toEqual([]);
    expect(result.draft.lines[0]?.amount?.toFixed(2)).toBe("3419.99");
    expect(result.draft.lines[0]?.childRef).toBe("WB30201");
    expect(result.notes).toEqual([
      "OCR read line 1's amount as unreadable; taken as 3419.99 (a misread separator) because quantity × rate is 3419.99.",
      "OCR read WEB30201 on line 1; taken as WB30201, one character away, because WB30201 is placed with provider HAR.",
    ]);
    expect(read.lines[0]?.amount).toBeNull(); // the draft given is not changed
  });

  it("the same misread separator is not repaired when quantity × rate says otherwise", () => {
    const rows = [...HEADER, row(4, ["C1001", 94], ["Foster care", 92], ["1", 95], ["£3,400.00", 93], ["£3.419.99", 88]), row(6, ["Subtotal", 95], ["£3,419.99", 90]), row(7, ["Total", 95], ["£3,419.99", 90])];
    const read = draft([line(1, "row 4", { childRef: "C1001", from: "2026-10-01", to: "2026-10-01", quantity: new Dec(1), unitRate: new Dec("3400"), amount: null })], { subtotal: "3419.99", vat: null, total: "3419.99" });
    const result = validateOcrDraft(doc(rows), read, "HAR", REFERENCE, FILE);
    expect(result.draft.lines[0]?.amount).toBeNull();
    expect(result.doubts.map((d) => [d.field, d.value, d.confidence])).toEqual([
      ["line 1 amount", null, 88],
      ["line 1 unitRate", "3400.00", 93],
      ["subtotal", "3419.99", 90],
      ["total", "3419.99", 90],
    ]);
  });

  it("a line that does not close, and totals that do not add up, are to verify with their confidence", () => {
    // 31 × £131.00 is £4,061.00: the 4,067.00 read (a 1 read as 7) is not confirmed, nor the sums on it.
    const rows = [...HEADER, row(4, ["C1001", 94], ["Foster care", 92], ["31", 95], ["£131.00", 90], ["£4,067.00", 79]), row(6, ["Subtotal", 95], ["£4,061.00", 90]), row(7, ["Total", 95], ["£4,061.00", 90])];
    const read = draft([line(1, "row 4", { childRef: "C1001", quantity: new Dec(31), unitRate: new Dec(131), amount: new Dec(4067) })], { subtotal: "4061", vat: null, total: "4061" });
    const result = validateOcrDraft(doc(rows), read, "HAR", REFERENCE, FILE);
    expect(result.doubts.map((d) => [d.field, d.value, d.confidence])).toEqual([
      ["line 1 amount", "4067.00", 79],
      ["line 1 unitRate", "131.00", 90],
      ["subtotal", "4061.00", 90],
      ["total", "4061.00", 90],
    ]);
    // The quantity stands: 31 nights are the days of 1–31 October.
    expect(result.doubts.some((d) => d.field === "line 1 quantity")).toBe(false);
  });

  it("text read with low confidence, or an invoice number nothing confirms, is to verify", () => {
    const rows = [row(1, ["Invoice No", 95], ["HAR-0101", 93]), row(2, ["Date", 96], ["01/11/2026", 64]), row(3, ["Period", 96], ["01/10/2026 to 31/10/2026", 92]), row(4, ["C1001", 94], ["Fostre care", 58], ["31", 95], ["£131.00", 90], ["£4,061.00", 90]), row(7, ["Total", 95], ["£4,061.00", 90])];
    const read = draft([line(1, "row 4", { childRef: "C1001", description: "Fostre care", quantity: new Dec(31), unitRate: new Dec(131), amount: new Dec(4061) })], { subtotal: null, vat: null, total: "4061" });
    const result = validateOcrDraft(doc(rows), read, "HAR", REFERENCE, "scan0001.pdf");
    expect(result.doubts.map((d) => [d.field, d.value, d.confidence])).toEqual([
      ["line 1 description", "Fostre care", 58],
      ["invoiceNumber", "HAR-0101", 93],
      ["invoiceDate", "2026-11-01", 64],
    ]);
  });
});
