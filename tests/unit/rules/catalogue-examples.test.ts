import { describe, expect, it } from "vitest";
import { CATALOGUE } from "../../../rules/catalogue.js";
import type { RuleId } from "../../../src/domain/finding.js";
import { runFacts, type CaseFacts, type InvoiceFacts, type LineFacts, type ReferenceFacts } from "./facts.js";

/**
 * Each worked example of rules/catalogue.ts (the Rules page and the README show them), run
 * through the engine: the amount the example names, worked out by hand, must be what the rule
 * raises. The placement is AUDIT.md's: C1001 at £917.00 a week, retainer 80% for at most 14
 * nights, VAT exempt; an October line bills 31 nights @ £131.00 = £4,061.00.
 */
const reference: ReferenceFacts = {
  providers: [{ providerId: "PR1", name: "Oak Fostering", vatNumber: "GB123456789" }],
  contracts: [{ contractId: "K1", absenceRetainerPct: "80", absenceRetainerMaxNights: 14, vatExempt: true }],
  placements: [{ placementId: "PL1", childRef: "C1001", startDate: "2026-03-02", weeklyFee: "917.00" }],
};
const october: LineFacts = { childRef: "C1001", description: "Foster placement fee", from: "2026-10-01", to: "2026-10-31", quantity: "31", unit: "night", unitRate: "131.00", amount: "4061.00" };
const oneToOne: LineFacts = { childRef: "C1001", description: "1:1 support", from: "2026-10-01", to: "2026-10-31", quantity: "50", unit: "hour", unitRate: "26.00", amount: "1300.00" };
const oneToOnePackage: ReferenceFacts = {
  ...reference,
  packages: [{ placementId: "PL1", item: "one_to_one_hour", unit: "hour", rate: "24.00", maxPerWeek: "10", effectiveFrom: "2026-03-02" }],
};

function invoice(line: Partial<LineFacts> = {}, overrides: Partial<InvoiceFacts> = {}): InvoiceFacts {
  return { invoiceNumber: "OAK-1001", invoiceDate: "2026-11-03", lines: [{ ...october, ...line }], ...overrides };
}

const EXAMPLES: Record<RuleId, Partial<CaseFacts> & { invoices: InvoiceFacts[] }> = {
  "duplicate-invoice": { invoices: [invoice(), invoice({}, { key: "copy", invoiceDate: "2026-11-04" })] },
  "unmatched-line": { invoices: [invoice({ childRef: "C9999" })] },
  "arithmetic-error": { invoices: [invoice({ amount: "4161.00" })] },
  "quantity-exceeds-period": { invoices: [invoice({ quantity: "5", unit: "week", unitRate: "917.00", amount: "4585.00" })] },
  "duplicate-billing": { invoices: [invoice(), invoice({}, { invoiceNumber: "OAK-1002", invoiceDate: "2026-11-20" })] },
  "outside-placement": { reference: { ...reference, placements: [{ placementId: "PL1", childRef: "C1001", startDate: "2026-03-02", endDate: "2026-10-20", weeklyFee: "917.00" }] }, invoices: [invoice()] },
  "no-agreed-rate": { reference: { ...reference, placements: [{ placementId: "PL1", childRef: "C1001", startDate: "2026-03-02" }] }, invoices: [invoice()] },
  "absence-not-at-retainer": { reference: { ...reference, absences: [{ placementId: "PL1", fromDate: "2026-10-03", toDate: "2026-10-22" }] }, invoices: [invoice()] },
  "uplift-before-effective-date": {
    reference: { ...reference, placementFees: [{ placementId: "PL1", effectiveFrom: "2026-11-01", weeklyFee: "945.00" }] },
    invoices: [invoice({ unitRate: "135.00", amount: "4185.00" })],
  },
  "rate-above-agreed": { invoices: [invoice({ unitRate: "140.00", amount: "4340.00" })] },
  "discount-not-applied": { reference: { ...reference, discounts: [{ discountId: "D1", kind: "percentage", percent: "5" }] }, invoices: [invoice()] },
  "extra-not-agreed": { invoices: [invoice({ description: "Therapy session", quantity: "4", unit: "session", unitRate: "60.00", amount: "240.00" })] },
  "extra-rate-above-agreed": { reference: oneToOnePackage, invoices: [invoice(oneToOne)] },
  "extra-quantity-above-agreed": { reference: oneToOnePackage, invoices: [invoice(oneToOne)] },
  "vat-overcharge": { invoices: [invoice({}, { vat: "812.20" })] },
  "total-mismatch": { invoices: [invoice({}, { total: "4100.00" })] },
};

/** The amount the example gives the rule: the last sum in pounds after the rule's id. */
function exampleAmount(example: string, id: string): string {
  const after = example.slice(example.indexOf(`${id} `));
  const amounts = [...after.matchAll(/£([\d,]+\.\d\d)/g)].map((m) => (m[1] ?? "").replace(/,/g, ""));
  return amounts[amounts.length - 1] ?? "";
}

describe("rules/catalogue.ts: the worked examples", () => {
  it.each(CATALOGUE.map((entry) => [entry.id, entry] as const))("%s", (id, entry) => {
    const run = runFacts({ reference, ...EXAMPLES[id] });
    const amounts = run.findings.filter((f) => f.rule === id).map((f) => f.amount);
    expect(amounts, entry.example).toEqual([exampleAmount(entry.example, id)]);
  });
});
