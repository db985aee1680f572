import { describe, expect, it } from "vitest";
import { Dec } from "../../../src/domain/money.js";
import { resolveTotals } from "../../../src/ingest/extract/certainty.js";
import type { HeaderCandidate } from "../../../src/ingest/extract/header-fields.js";
import { columnFieldOf, matchHeaderLabel, unitFromHeading } from "../../../src/ingest/text/labels.js";
import type { DraftLine } from "../../../src/ingest/types.js";

/** Round 6 (the fifth held-out set's classes): headings and labels read by shape, not by one spelling. */
describe("round 6 headings", () => {
  it.each([
    ["Hrs/Wks", "quantity"], ["Wks", "quantity"], ["Hrs", "quantity"], ["Sessions/Hrs", "quantity"],
    ["Fee/Night", "rate"], ["Rate/Wk", "rate"], ["Price/Hour", "rate"], ["Cost per night", "rate"],
    ["Nights Credited", "quantity"], ["Days Refunded", "quantity"],
    ["Details of credit", "description"], ["Description of service", "description"],
  ] as const)("%s names the %s column", (heading, field) => {
    expect(columnFieldOf(heading)).toBe(field);
  });

  it("a singular unit word alone is what a rate is per, not a count; two alternatives naming different fields name none", () => {
    expect(columnFieldOf("night")).toBeNull();
    expect(columnFieldOf("Qty/Rate")).toBeNull();
    expect(columnFieldOf("Unit")).toBe("unit");
  });

  it("'Hrs/Wks' implies no single unit (each cell says its own)", () => {
    expect(unitFromHeading("Hrs/Wks")).toBeNull();
  });
});

describe("round 6 header labels", () => {
  it.each([
    ["Tax Date 01-12-2026", "invoiceDate"], ["Invoice/Tax Date 30/11/2026", "invoiceDate"], ["Date of Supply: 1 Dec 2026", "invoiceDate"],
    ["Our invoice no: HSB-0090", "invoiceNumber"], ["Our Invoice Number HSB-1", "invoiceNumber"],
  ] as const)("%s is the %s", (text, field) => {
    expect(matchHeaderLabel(text)?.field).toBe(field);
  });
});

describe("round 6 certainty: VAT not read between a subtotal and a total that differ", () => {
  const candidate = (field: "subtotal" | "vat" | "total", value: string, label: string): HeaderCandidate => ({ field, value: new Dec(value), label, rank: 0, order: 0, via: "totals_row", where: "row 9" });
  const line: DraftLine = { lineNo: 1, childRef: "C1", placementRef: null, description: "Care", from: null, to: null, quantity: null, unit: null, unitRate: null, amount: new Dec("100.00"), source: "row 5", evidence: {} };

  it("marks the VAT uncertain, offering the difference (£120.00 − £100.00 = £20.00)", () => {
    const outcome = resolveTotals([line], { subtotal: candidate("subtotal", "100.00", "Net"), vat: null, total: candidate("total", "120.00", "Total") }, [], false);
    expect(outcome.uncertain).toEqual([expect.objectContaining({ code: "uncertain_value", field: "vat", candidates: ["none", "£20.00"] })]);
  });

  it("says nothing when the subtotal is the total (no VAT charged)", () => {
    const outcome = resolveTotals([line], { subtotal: candidate("subtotal", "100.00", "Net"), vat: null, total: candidate("total", "100.00", "Total") }, [], false);
    expect(outcome.uncertain).toEqual([]);
  });
});
