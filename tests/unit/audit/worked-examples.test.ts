import { describe, expect, it } from "vitest";
import { comparable, runFacts, type CaseFacts, type InvoiceFacts, type LineFacts, type ReferenceFacts } from "../rules/facts.js";

/**
 * AUDIT.md "Worked examples", each to the penny. One IFA placement P: child C1001, start
 * 2026-03-02, agreed weekly fee £917.00 (nightly £131.00); contract: absence retainer 80% for
 * at most 14 nights, VAT exempt. An October invoice line bills 1–31 Oct, 31 nights @ £131.00 =
 * £4,061.00 unless said otherwise.
 */
const reference: ReferenceFacts = {
  providers: [{ providerId: "PR1", name: "Oak Fostering", vatNumber: "GB123456789" }],
  contracts: [{ contractId: "K1", absenceRetainerPct: "80", absenceRetainerMaxNights: 14, vatExempt: true }],
  placements: [{ placementId: "PL1", childRef: "C1001", startDate: "2026-03-02", weeklyFee: "917.00" }],
};

const octoberLine: LineFacts = {
  childRef: "C1001",
  description: "Foster placement fee",
  from: "2026-10-01",
  to: "2026-10-31",
  quantity: "31",
  unit: "night",
  unitRate: "131.00",
  amount: "4061.00",
};

function invoice(overrides: Partial<InvoiceFacts> = {}, line: Partial<LineFacts> = {}): InvoiceFacts {
  return { invoiceNumber: "OAK-1001", invoiceDate: "2026-11-03", lines: [{ ...octoberLine, ...line }], ...overrides };
}

function audit(facts: Partial<CaseFacts> & { invoices: InvoiceFacts[] }) {
  return runFacts({ reference, ...facts });
}

describe("AUDIT.md worked examples", () => {
  it("as above, nothing else: no finding", () => {
    const run = audit({ invoices: [invoice()] });
    expect(run.findings).toEqual([]);
    // Expected = 31 × £131.00 = £4,061.00, the amount charged.
    expect(run.results.get("OAK-1001")?.lines[0]?.expected).toBe("4061.00");
  });

  it("amount printed £4,161.00: arithmetic-error £100.00", () => {
    // 31 × £131.00 = £4,061.00; printed £4,161.00; excess £100.00. The line is then worth £4,061.00: nothing else.
    const run = audit({ invoices: [invoice({}, { amount: "4161.00" })] });
    expect(comparable(run.findings)).toEqual([{ invoice: "OAK-1001", line: 1, rule: "arithmetic-error", amount: "100.00", childRef: "C1001" }]);
    expect(run.findings[0]?.explanation).toContain("£4,161.00");
    expect(run.findings[0]?.explanation).toContain("£4,061.00");
  });

  it("P ended 2026-10-20 (nights 1–19 Oct placed): outside-placement 12 × 131 = £1,572.00", () => {
    // Placed while start <= d < end: 1–19 Oct. 20–31 Oct = 12 nights × c (£4,061.00 / 31 = £131.00) = £1,572.00.
    const run = audit({
      reference: { ...reference, placements: [{ placementId: "PL1", childRef: "C1001", startDate: "2026-03-02", endDate: "2026-10-20", weeklyFee: "917.00" }] },
      invoices: [invoice()],
    });
    expect(comparable(run.findings)).toEqual([{ invoice: "OAK-1001", line: 1, rule: "outside-placement", amount: "1572.00", childRef: "C1001" }]);
    expect(run.findings[0]?.evidence.ranges).toEqual([{ from: "2026-10-20", to: "2026-10-31", nights: 12, note: "not placed with this provider" }]);
    expect(run.findings[0]?.explanation).toContain("12 nights (20 Oct 2026 to 31 Oct 2026)");
  });

  it("P has a 5% percentage discount: discount-not-applied 31 × 131 × 0.05 = £203.05", () => {
    // E = 31 × £131.00 × 0.95 = £3,857.95; min(L, A) = £4,061.00; due £203.05; no discount credit on the invoice.
    const run = audit({ reference: { ...reference, discounts: [{ discountId: "D1", kind: "percentage", percent: "5" }] }, invoices: [invoice()] });
    expect(comparable(run.findings)).toEqual([{ invoice: "OAK-1001", line: 1, rule: "discount-not-applied", amount: "203.05", childRef: "C1001" }]);
    expect(run.findings[0]?.expected).toBe("3857.95");
  });

  it("placement_fees £945.00 from 2026-11-01, billed 31 @ £135.00 = £4,185.00: uplift-before-effective-date 31 × 4 = £124.00", () => {
    // L = £4,185.00, A = 31 × £131.00 = £4,061.00; L − A = £124.00; £135.00 = £945.00 / 7, a fee agreed from 1 Nov.
    const run = audit({
      reference: { ...reference, placementFees: [{ placementId: "PL1", effectiveFrom: "2026-11-01", weeklyFee: "945.00" }] },
      invoices: [invoice({}, { unitRate: "135.00", amount: "4185.00" })],
    });
    expect(comparable(run.findings)).toEqual([{ invoice: "OAK-1001", line: 1, rule: "uplift-before-effective-date", amount: "124.00", childRef: "C1001" }]);
    expect(run.findings[0]?.category).toBe("fees");
    expect(run.findings[0]?.explanation).toMatch(
      /^Billed 31 nights at £135\.00; the agreed fee is £917\.00 a week \(£131\.00 a night\) until 31 Oct 2026; the uplift to £945\.00 a week starts 1 Nov 2026/,
    );
  });

  it("hospital 3–22 Oct (20 nights): absence-not-at-retainer 14 × 131 × 0.2 + 6 × 131 = £1,152.80", () => {
    // Nights 1–14 of the absence (3–16 Oct): f = 0.8, share 131 − 104.80 = 26.20 → 366.80.
    // Nights 15–20 (17–22 Oct): f = 0, share 131 → 786.00. Total £1,152.80.
    // Then L = 4,061.00 − 1,152.80 = 2,908.20 = A (11 × 131 + 14 × 104.80): no rate-above-agreed.
    const run = audit({ reference: { ...reference, absences: [{ placementId: "PL1", fromDate: "2026-10-03", toDate: "2026-10-22", reason: "hospital" }] }, invoices: [invoice()] });
    expect(comparable(run.findings)).toEqual([{ invoice: "OAK-1001", line: 1, rule: "absence-not-at-retainer", amount: "1152.80", childRef: "C1001" }]);
    expect(run.findings[0]?.explanation).toContain("£104.80 a night for 14 nights and £0.00 a night for 6 nights");
  });

  it("the same nights billed again on a later invoice: duplicate-billing £4,061.00 on the later one", () => {
    // 31 nights already billed on OAK-1001 × c £131.00 = £4,061.00; nothing on the earlier invoice.
    const run = audit({ invoices: [invoice(), invoice({ invoiceNumber: "OAK-1002", invoiceDate: "2026-11-20" })] });
    expect(comparable(run.findings)).toEqual([{ invoice: "OAK-1002", line: 1, rule: "duplicate-billing", amount: "4061.00", childRef: "C1001" }]);
    expect(run.findings[0]?.explanation).toContain("invoice OAK-1001");
  });

  it("VAT £812.20 added: vat-overcharge £812.20", () => {
    // The contract is VAT exempt, so VAT due = £0.00; total £4,873.20 = lines + VAT (no total-mismatch).
    const run = audit({ invoices: [invoice({ vat: "812.20" })] });
    expect(comparable(run.findings)).toEqual([{ invoice: "OAK-1001", line: null, rule: "vat-overcharge", amount: "812.20", childRef: null }]);
  });

  it("invoice total £4,100.00 with lines summing to £4,061.00 and no VAT: total-mismatch £39.00", () => {
    const run = audit({ invoices: [invoice({ total: "4100.00" })] });
    expect(comparable(run.findings)).toEqual([{ invoice: "OAK-1001", line: null, rule: "total-mismatch", amount: "39.00", childRef: null }]);
  });

  it("extra 50 h 1:1 @ £26.00 = £1,300.00 with a package of 10 h/week @ £24.00: £100.00 and £137.14", () => {
    // Rate: (26 − 24) × 50 = £100.00. Quantity: 50 − 10 × 31 / 7 = 50 − 44.285714… = 5.714285… h × £24.00 = £137.142857… → £137.14.
    const run = audit({
      reference: { ...reference, packages: [{ placementId: "PL1", item: "one_to_one_hour", unit: "hour", rate: "24.00", maxPerWeek: "10", effectiveFrom: "2026-03-02" }] },
      invoices: [
        invoice({}, {}),
        {
          invoiceNumber: "OAK-1003",
          invoiceDate: "2026-11-04",
          lines: [{ childRef: "C1001", description: "1:1 support", from: "2026-10-01", to: "2026-10-31", quantity: "50", unit: "hour", unitRate: "26.00", amount: "1300.00" }],
        },
      ],
    });
    expect(comparable(run.findings)).toEqual([
      { invoice: "OAK-1003", line: 1, rule: "extra-quantity-above-agreed", amount: "137.14", childRef: "C1001" },
      { invoice: "OAK-1003", line: 1, rule: "extra-rate-above-agreed", amount: "100.00", childRef: "C1001" },
    ]);
  });
});
