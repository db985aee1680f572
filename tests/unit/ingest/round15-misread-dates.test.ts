import { describe, expect, it } from "vitest";
import { Dec } from "../../../src/domain/money.js";
import { misreadDate, validateOcrDraft, type OcrReference } from "../../../src/ingest/ocr/validate-ocr.js";
import type { DraftLine, InvoiceDraft, LayoutDocument, LayoutRow } from "../../../src/ingest/types.js";

/**
 * Round 15 of the reader (issue 16): a scanned typed invoice printed a session line's dates under
 * its description, "(05/11/2026 - 26/11/2026)"; OCR read "65/11/2026" and lost the dash, so no
 * period was read, the figures stayed in the description and the line took the invoice's period
 * with nothing marking it (the invoice was to verify only for its descriptions' confidence).
 * Figures set out as a date that read as no date leave the line's period to verify. Drawn here
 * another way: other words, references, sums and a different misread (a month of 13).
 */
const REFERENCE: OcrReference = { placements: [{ placementId: "PL-1", childRef: "D4410", providerId: "RBH", poNumber: null }] };

function row(rowNumber: number, ...cells: Array<[string, number]>): LayoutRow {
  return { page: 1, top: rowNumber * 12, height: 9, rowNumber, cells: cells.map(([text, confidence], i) => ({ text, left: i * 80, right: i * 80 + 60, confidence })) };
}

function scanOf(description: string): { doc: LayoutDocument; draft: InvoiceDraft } {
  const rows = [
    row(1, ["Invoice No", 95], ["RBH-3310", 95]),
    row(2, ["Date", 96], ["30/11/2026", 95]),
    row(3, ["Period", 96], ["01/11/2026 to 30/11/2026", 95]),
    row(4, ["D4410", 95], ["Family time supervision", 95], ["3 visits", 95], ["£60.00", 95], ["£180.00", 95]),
    row(5, [description.replace("Family time supervision ", ""), 95]),
    row(7, ["Total", 95], ["£180.00", 95]),
  ];
  const line: DraftLine = { lineNo: 1, childRef: "D4410", placementRef: null, description, from: null, to: null, quantity: new Dec(3), unit: "session", unitRate: new Dec(60), amount: new Dec(180), source: "row 4", evidence: {} };
  const draft: InvoiceDraft = {
    invoiceNumber: "RBH-3310", invoiceDate: "2026-11-30", kind: "invoice", creditsInvoice: null, periodFrom: "2026-11-01", periodTo: "2026-11-30",
    subtotal: null, vat: null, total: new Dec(180), vatNumbers: [], lines: [line], tableFound: true,
    evidence: { invoiceNumber: { via: "label", label: "Invoice No", where: "row 1" }, invoiceDate: { via: "label", label: "Date", where: "row 2" }, period: { via: "label", label: "Period", where: "row 3" }, total: { via: "label", label: "Total", where: "row 7" } },
    uncertain: [], arithmetic: [], notes: [],
  };
  const doc: LayoutDocument = { format: "pdf", pageCount: 1, pageHeights: [842], rows, notes: [], ocr: { pages: 1, meanConfidence: 95, skewDegrees: [0.6], words: [] } };
  return { doc, draft };
}

describe("a scanned line's dates misread into its description", () => {
  it("finds figures set out as a date that is no date, and only those", () => {
    expect(misreadDate("Family time supervision (03/11/2026 24/13/2026)")).toBe("24/13/2026");
    expect(misreadDate("Respite (65.11.26)")).toBe("65.11.26");
    expect(misreadDate("Review on 24/11/2026")).toBeNull();
    expect(misreadDate("Sort code 60-83-71, account 19920476")).toBeNull();
  });

  it("leaves the period of a line with no dates of its own to verify when its description holds such figures", () => {
    const { doc, draft } = scanOf("Family time supervision (03/11/2026 24/13/2026)");
    const doubts = validateOcrDraft(doc, draft, "RBH", REFERENCE, "scan-RBH-3310.pdf").doubts;
    expect(doubts.map((d) => d.field)).toEqual(["line 1 period"]);
    expect(doubts[0]?.reason).toContain('"24/13/2026"');
  });

  it("a description whose dates are dates gives no such doubt", () => {
    const { doc, draft } = scanOf("Family time supervision (review 24/11/2026)");
    expect(validateOcrDraft(doc, draft, "RBH", REFERENCE, "scan-RBH-3310.pdf").doubts).toEqual([]);
  });
});
