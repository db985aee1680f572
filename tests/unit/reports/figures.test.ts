import { describe, expect, it } from "vitest";
import { annualise, categorySentence, rollUp, sumFigures, type FigureRow } from "../../../src/reports/figures.js";

function row(partial: Partial<FigureRow> & Pick<FigureRow, "month" | "category" | "rule">): FigureRow {
  return {
    providerId: "P1", providerName: "Oakfield Fostering",
    identified: "0", realised: "0", atRisk: "0", dismissed: "0",
    identifiedCount: 0, recoveredCount: 0, atRiskCount: 0, dismissedCount: 0,
    ...partial,
  };
}

describe("savings figures roll-up", () => {
  const rows: FigureRow[] = [
    row({ month: "2026-08", category: "fees", rule: "rate-above-agreed", identified: "0.10", identifiedCount: 1 }),
    row({ month: "2026-08", category: "fees", rule: "discount-not-applied", identified: "80.00", realised: "50.00", identifiedCount: 1, recoveredCount: 1 }),
    row({ month: "2026-10", providerId: "P2", providerName: "Brook House", category: "errors", rule: "arithmetic-error", identified: "0.20", atRisk: "100.00", identifiedCount: 1, atRiskCount: 1 }),
    row({ month: "2026-10", providerId: "P2", providerName: "Brook House", category: "query", rule: "unmatched-line", atRisk: "250.00", dismissed: "75.50", atRiskCount: 1, dismissedCount: 1 }),
  ];
  const window = { from: "2025-11", to: "2026-10" };
  const figures = rollUp({ period: { from: "2026-08", to: "2026-10" }, providerId: null, rows, yearToDate: { from: "2026-04", to: "2026-10" }, yearToDateRows: rows, annualised: annualise(window, 12, "80.30", "50.00") });

  it("sums exactly (0.10 + 0.20 is 0.30, not 0.30000000000000004)", () => {
    expect(figures.totals).toEqual({
      identified: "80.30", realised: "50.00", outstanding: "30.30", atRisk: "350.00", dismissed: "75.50",
      findings: 6, identifiedCount: 3, recoveredCount: 1, atRiskCount: 2, dismissedCount: 1,
    });
  });

  it("gives every month of the period, empty ones included, split by category", () => {
    expect(figures.byMonth.map((m) => [m.label, m.totals.identified])).toEqual([["Aug 2026", "80.10"], ["Sep 2026", "0.00"], ["Oct 2026", "0.20"]]);
    expect(figures.byMonth[2]?.byCategory.query).toMatchObject({ atRisk: "250.00", dismissed: "75.50" });
    expect(figures.byMonth[1]?.byCategory.fees.findings).toBe(0);
  });

  it("orders providers by identified and rules by category then the waterfall", () => {
    expect(figures.byProvider.map((p) => [p.providerId, p.name, p.totals.identified])).toEqual([["P1", "Oakfield Fostering", "80.10"], ["P2", "Brook House", "0.20"]]);
    expect(figures.byRule.map((r) => r.rule)).toEqual(["rate-above-agreed", "discount-not-applied", "arithmetic-error", "unmatched-line"]);
    expect(figures.byCategory.map((c) => [c.category, c.figures.identified])).toEqual([["fees", "80.10"], ["errors", "0.20"], ["query", "0.00"]]);
  });

  it("puts each category in commissioners' words", () => {
    const [fees, errors, query] = figures.byCategory;
    expect(categorySentence(fees!)).toBe(
      "Correct fees requested and discounts received: £80.10 identified (2 findings), of which £50.00 has been recovered and £30.10 is still owed; £0.00 awaits a decision and £0.00 was dismissed.",
    );
    expect(categorySentence(errors!)).toMatch(/^Invoice errors: £0\.20 identified \(1 finding\)/);
    expect(categorySentence(query!)).toBe(
      "Needs a person: money at risk, not yet a saving: £250.00 at risk in 1 finding awaiting a decision; £0.00 confirmed by a reviewer and raised with providers (£0.00 recovered); £75.50 dismissed.",
    );
  });

  it("sums nothing to zero", () => {
    expect(sumFigures([])).toMatchObject({ identified: "0.00", findings: 0 });
  });
});

describe("the annualised figure", () => {
  const window = { from: "2025-11", to: "2026-10" };
  it("is the last twelve months' figure when twelve months are available", () => {
    expect(annualise(window, 12, "3909.34", "100.00")).toMatchObject({ identified: "3909.34", realised: "100.00", monthsAvailable: 12 });
    expect(annualise(window, 12, "1", "0").basis).toBe("Savings identified in the twelve months Nov 2025 to Oct 2026 (invoice dates).");
  });

  it("scales up from the months available, rounding half up once", () => {
    // 3909.34 × 12 / 8 = 5864.01; 1.01 × 12 / 8 = 1.515 → 1.52; 100.01 × 12 / 5 = 240.024 → 240.02
    expect(annualise(window, 8, "3909.34", "0").identified).toBe("5864.01");
    expect(annualise(window, 8, "1.01", "0").identified).toBe("1.52");
    expect(annualise(window, 5, "100.01", "0").identified).toBe("240.02");
    expect(annualise(window, 5, "1", "0").basis).toContain("multiplied by 12 and divided by 5");
  });

  it("has no figure when no invoice is dated in the window", () => {
    const none = annualise(window, 0, "0", "0");
    expect(none).toMatchObject({ identified: null, realised: null, monthsAvailable: 0 });
    expect(none.basis).toContain("no annualised figure");
  });
});
