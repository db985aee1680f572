import { describe, expect, it } from "vitest";
import { Dec } from "../../../src/domain/money.js";
import { spanKey, type LineRead } from "../../../src/ingest/ocr/second-look.js";
import { checkChildRef, checkPlacementRef, separatorRepairs, spanOf, validateOcrDraft, withinOneEdit, type OcrReference } from "../../../src/ingest/ocr/validate-ocr.js";
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
    { placementId: "PL-6", childRef: "D7001", providerId: "HAR", poNumber: "PO-430402" },
    { placementId: "PL-7", childRef: "D7002", providerId: "HAR", poNumber: "PO-430403" },
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

// ---------------------------------------------------------------- second readings (issue 17)

/** The document with one OCR word per cell (as a scan's reader records them), so values have words to be read again. */
function scanned(rows: LayoutRow[]): LayoutDocument {
  const d = doc(rows);
  d.ocr = { pages: 1, meanConfidence: 90, skewDegrees: [0.4], words: rows.flatMap((r) => r.cells.map((c) => ({ page: 1, top: r.top, left: c.left, text: c.text, confidence: c.confidence ?? 0, box: { x0: c.left, y0: r.top, x1: c.right, y1: r.top + 9 } }))) };
  return d;
}

function reading(text: string, confidence: number, alternatives: Record<number, Array<[string, number]>> = {}): LineRead {
  return { text, confidence, chars: [...text.replace(/\s+/g, "")].map((char, i) => ({ text: char, confidence: 95, alternatives: (alternatives[i] ?? []).map(([t, c]) => ({ text: t, confidence: c })) })) };
}

/** Second readings of the words printing `text` on row `rowNumber`. */
function looks(d: LayoutDocument, ...entries: Array<[rowNumber: number, text: string, read: LineRead]>): Map<string, LineRead> {
  const map = new Map<string, LineRead>();
  for (const [rowNumber, text, read] of entries) {
    const span = spanOf(d, `row ${rowNumber}`, text);
    if (!span) throw new Error(`no words print ${text} on row ${rowNumber}`);
    map.set(spanKey(span), read);
  }
  return map;
}

describe("two readings: a value no sum confirms stands when both are sure of it", () => {
  // The provider's own total is wrong (lines 4,061.00, total 4,016.00): no sum confirms the total or the VAT.
  const rows = [...HEADER, row(4, ["C1001", 94], ["Foster care", 92], ["31", 95], ["£131.00", 90], ["£4,061.00", 90]), row(6, ["Subtotal", 95], ["£4,061.00", 90]), row(7, ["Total", 95], ["£4,016.00", 96])];
  const read = (): InvoiceDraft => draft([line(1, "row 4", { childRef: "C1001", quantity: new Dec(31), unitRate: new Dec(131), amount: new Dec(4061) })], { subtotal: "4061", vat: null, total: "4016" });

  it("first, the total's words are asked for a second reading", () => {
    const d = scanned(rows);
    const result = validateOcrDraft(d, read(), "HAR", REFERENCE, FILE);
    expect(result.doubts.map((x) => x.field)).toEqual(["total"]);
    expect(result.wanted).toEqual([spanOf(d, "row 7", new Dec(4016))]);
  });

  it("accepts the total when the second reading gives £4,016.00 again with high confidence", () => {
    const d = scanned(rows);
    expect(validateOcrDraft(d, read(), "HAR", REFERENCE, FILE, looks(d, [7, "£4,016.00", reading("£4,016.00", 95)])).doubts).toEqual([]);
  });

  it("refuses it when the second reading differs, or is unsure, or the first was", () => {
    const d = scanned(rows);
    const differs = validateOcrDraft(d, read(), "HAR", REFERENCE, FILE, looks(d, [7, "£4,016.00", reading("£4,076.00", 95)]));
    expect(differs.doubts.map((x) => [x.field, x.secondReading])).toEqual([["total", { text: "£4,076.00", confidence: 95 }]]);
    expect(validateOcrDraft(d, read(), "HAR", REFERENCE, FILE, looks(d, [7, "£4,016.00", reading("£4,016.00", 70)])).doubts.map((x) => x.field)).toEqual(["total"]);
    const unsure = scanned([...rows.slice(0, -1), row(7, ["Total", 95], ["£4,016.00", 72])]);
    expect(validateOcrDraft(unsure, read(), "HAR", REFERENCE, FILE, looks(unsure, [7, "£4,016.00", reading("£4,016.00", 95)])).doubts.map((x) => x.field)).toEqual(["total"]);
  });

  it("a description read with low confidence stands when a second reading gives it alike with high confidence", () => {
    const low = [...HEADER, row(4, ["C1001", 94], ["Foster care", 61], ["31", 95], ["£131.00", 90], ["£4,061.00", 90]), row(7, ["Total", 95], ["£4,061.00", 90])];
    const d = scanned(low);
    const one = (): InvoiceDraft => draft([line(1, "row 4", { childRef: "C1001", quantity: new Dec(31), unitRate: new Dec(131), amount: new Dec(4061) })], { subtotal: null, vat: null, total: "4061" });
    expect(validateOcrDraft(d, one(), "HAR", REFERENCE, FILE, looks(d, [4, "Foster care", reading("Foster care", 91)])).doubts).toEqual([]);
    expect(validateOcrDraft(d, one(), "HAR", REFERENCE, FILE, looks(d, [4, "Foster care", reading("Fostor care", 91)])).doubts.map((x) => x.field)).toEqual(["line 1 description"]);
  });
});

describe("references by confusable class, with a second reading and the provider's confirmation", () => {
  const rows = [...HEADER, row(4, ["PO-430402", 48], ["Foster care", 92], ["31", 95], ["£131.00", 90], ["£4,061.00", 90]), row(7, ["Total", 95], ["£4,061.00", 90])];
  const read = (): InvoiceDraft => draft([line(1, "row 4", { placementRef: "PO-430402", quantity: new Dec(31), unitRate: new Dec(131), amount: new Dec(4061) })], { subtotal: null, vat: null, total: "4061" });

  it("accepts PO-430402 read with confidence 48 when the second reading's only doubt is O or 0", () => {
    const d = scanned(rows);
    const result = validateOcrDraft(d, read(), "HAR", REFERENCE, FILE, looks(d, [4, "PO-430402", reading("P0-430402", 45, { 1: [["O", 80]] })]));
    expect(result.doubts).toEqual([]);
    expect(result.notes).toEqual([expect.stringContaining("OCR read PO-430402 on line 1 with confidence 48; taken because both readings can only be PO-430402") as string]);
  });

  it("refuses it when the reader also weighed a 3 for the last digit (PO-430403 is the provider's too)", () => {
    const d = scanned(rows);
    const result = validateOcrDraft(d, read(), "HAR", REFERENCE, FILE, looks(d, [4, "PO-430402", reading("PO-430402", 45, { 8: [["3", 60]] })]));
    expect(result.doubts.map((x) => [x.field, x.reason])).toEqual([["line 1 placementRef", "read with confidence 48, below 85"]]);
  });

  it("refuses a reference of another provider however it is read", () => {
    const d = scanned([...HEADER, row(4, ["PO-99", 48], ["Foster care", 92], ["31", 95], ["£131.00", 90], ["£4,061.00", 90]), row(7, ["Total", 95], ["£4,061.00", 90])]);
    const other = draft([line(1, "row 4", { placementRef: "PO-99", quantity: new Dec(31), unitRate: new Dec(131), amount: new Dec(4061) })], { subtotal: null, vat: null, total: "4061" });
    expect(validateOcrDraft(d, other, "HAR", REFERENCE, FILE, looks(d, [4, "PO-99", reading("PO-99", 96)])).doubts.map((x) => x.field)).toEqual(["line 1 placementRef"]);
  });
});

describe("dates and quantities the nights prove", () => {
  // 31 nights × £129.00 = £3,999.00 closes: the nights are confirmed, and end on 31 October (read surely).
  const rows = (fromConfidence: number): LayoutRow[] => [...HEADER, row(4, ["C1001", 94], ["Foster care", 92], ["01/06/2026", fromConfidence], ["31/10/2026", 96], ["31", 95], ["£129.00", 95], ["£3,999.00", 92]), row(7, ["Total", 95], ["£3,999.00", 90])];
  const read = (): InvoiceDraft => draft([line(1, "row 4", { childRef: "C1001", from: "2026-06-01", to: "2026-10-31", quantity: new Dec(31), unitRate: new Dec(129), amount: new Dec(3999) })], { subtotal: null, vat: null, total: "3999" });

  it("a first night misread as 01/06 is taken as 01/10 when a second reading gives 01/10/2026 with high confidence", () => {
    const d = scanned(rows(60));
    const result = validateOcrDraft(d, read(), "HAR", REFERENCE, FILE, looks(d, [4, "2026-06-01", reading("01/10/2026", 95)]));
    expect(result.draft.lines[0]?.from).toBe("2026-10-01");
    expect(result.doubts).toEqual([]);
    expect(result.notes).toEqual(["OCR read line 1's first night as 2026-06-01; taken as 2026-10-01 because a second reading gave it with confidence 95 and the 31 nights billed (quantity × rate = amount) end on 2026-10-31."]);
  });

  it("is not repaired when the second reading repeats 01/06, is unsure, or the nights would start outside the invoice's period", () => {
    const d = scanned(rows(60));
    for (const second of [reading("01/06/2026", 95), reading("01/10/2026", 70)]) {
      const result = validateOcrDraft(d, read(), "HAR", REFERENCE, FILE, looks(d, [4, "2026-06-01", second]));
      expect(result.draft.lines[0]?.from).toBe("2026-06-01");
      expect(result.doubts.map((x) => x.field)).toEqual(["line 1 from", "line 1 to", "period"]);
    }
    const november = { ...read(), periodFrom: "2026-11-01", periodTo: "2026-11-30" };
    expect(validateOcrDraft(d, november, "HAR", REFERENCE, FILE, looks(d, [4, "2026-06-01", reading("01/10/2026", 95)])).draft.lines[0]?.from).toBe("2026-06-01");
  });

  it("a quantity OCR missed is the nights of the period when nights × rate is the amount, the dates read surely", () => {
    const missing = [...HEADER, row(4, ["C1001", 94], ["Foster care", 92], ["24/10/2026", 94], ["31/10/2026", 94], ["£129.00", 95], ["£1,032.00", 92]), row(7, ["Total", 95], ["£1,032.00", 90])];
    const one = (amount: string): InvoiceDraft => draft([line(1, "row 4", { childRef: "C1001", from: "2026-10-24", to: "2026-10-31", quantity: null, unitRate: new Dec(129), amount: new Dec(amount) })], { subtotal: null, vat: null, total: amount });
    const filled = validateOcrDraft(scanned(missing), one("1032"), "HAR", REFERENCE, FILE);
    expect(filled.draft.lines[0]?.quantity?.toString()).toBe("8");
    expect(filled.doubts).toEqual([]);
    expect(filled.notes).toEqual(["OCR read no quantity on line 1; taken as 8, the nights of 24 Oct to 31 Oct, because 8 × 129.00 is the 1032.00 printed."]);
    // 8 × 129.00 is not 1,033.00: the quantity stays unread, for a person.
    const refused = validateOcrDraft(scanned(missing), one("1033"), "HAR", REFERENCE, FILE);
    expect(refused.draft.lines[0]?.quantity).toBeNull();
    expect(refused.doubts.map((x) => x.field)).toContain("line 1 quantity");
  });

  it("a quantity is not filled from dates read unsurely", () => {
    const unsure = [...HEADER, row(4, ["C1001", 94], ["Foster care", 92], ["24/10/2026", 62], ["31/10/2026", 94], ["£129.00", 95], ["£1,032.00", 92]), row(7, ["Total", 95], ["£1,032.00", 90])];
    const one = draft([line(1, "row 4", { childRef: "C1001", from: "2026-10-24", to: "2026-10-31", quantity: null, unitRate: new Dec(129), amount: new Dec(1032) })], { subtotal: null, vat: null, total: "1032" });
    expect(validateOcrDraft(scanned(unsure), one, "HAR", REFERENCE, FILE).draft.lines[0]?.quantity).toBeNull();
  });
});
