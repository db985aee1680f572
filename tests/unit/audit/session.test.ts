import { describe, expect, it } from "vitest";
import { WATERFALL } from "../../../rules/index.js";
import { AuditSession, buildReferenceIndex } from "../../../src/audit/index.js";
import { dayFromIso } from "../../../src/domain/dates.js";
import { decimalText, poundsText } from "../../../src/domain/pence.js";
import { comparable, configWith, invoiceOf, referenceData, runFacts, type InvoiceFacts, type ReferenceFacts } from "../rules/facts.js";

const reference: ReferenceFacts = {
  providers: [{ providerId: "PR1", name: "Oak Fostering" }],
  contracts: [{ contractId: "K1", absenceRetainerPct: "80", absenceRetainerMaxNights: 14 }],
  placements: [{ placementId: "PL1", childRef: "C1001", startDate: "2026-03-02", weeklyFee: "917.00", poNumber: "PO-77" }],
};

const october = { childRef: "C1001", from: "2026-10-01", to: "2026-10-31", quantity: "31", unit: "night" as const, unitRate: "131.00", amount: "4061.00" };

function invoice(number: string, date: string, extra: Partial<InvoiceFacts> = {}): InvoiceFacts {
  return { invoiceNumber: number, invoiceDate: date, lines: [october], ...extra };
}

describe("AuditSession", () => {
  it("raises nothing for a credit note and does not count it", () => {
    const config = configWith();
    const session = new AuditSession(buildReferenceIndex(referenceData(reference)), config, { voidedInvoiceKeys: new Set(), waterfall: WATERFALL });
    const note = invoiceOf({ invoiceNumber: "CN-1", invoiceDate: "2026-11-05", kind: "credit_note", creditsInvoice: "OAK-1", total: "4061.00", lines: [october] }, config);
    expect(session.audit(note)).toEqual({ findings: [], notes: [], linesAudited: 0, lines: [] });
    // Its lines bill no nights and its number is not an invoice seen.
    const later = session.audit(invoiceOf(invoice("CN-1", "2026-11-06"), config));
    expect(later.findings).toEqual([]);
  });

  it("a voided invoice is audited but its nights and number never count", () => {
    const config = configWith();
    const session = new AuditSession(buildReferenceIndex(referenceData(reference)), config, { voidedInvoiceKeys: new Set(["v"]), waterfall: WATERFALL });
    const voided = session.audit(invoiceOf({ ...invoice("OAK-1", "2026-11-03"), key: "v", lines: [{ ...october, amount: "4161.00" }] }, config));
    // 4,161.00 printed for 31 × 131.00 = 4,061.00: arithmetic-error 100.00 (to be marked recovered by the service).
    expect(voided.findings.map((f) => [f.rule, f.amount])).toEqual([["arithmetic-error", "100.00"]]);
    const reissued = session.audit(invoiceOf({ ...invoice("OAK-1", "2026-11-10"), key: "r" }, config));
    expect(reissued.findings).toEqual([]);
  });

  it("a disabled rule raises nothing but still takes its share, so no later rule counts it", () => {
    // Duplicate nights disabled: the later invoice raises nothing (not rate-above-agreed for 4,061.00).
    const run = runFacts({ reference, invoices: [invoice("OAK-1", "2026-11-03"), invoice("OAK-2", "2026-11-20")], config: { rules: { "duplicate-billing": { enabled: false } } } });
    expect(run.findings).toEqual([]);
  });

  it("a line with no period of its own and none on the invoice needs attention", () => {
    const run = runFacts({ reference, invoices: [invoice("OAK-1", "2026-11-03", { lines: [{ childRef: "C1001", quantity: "31", unit: "night", unitRate: "140.00", amount: "4340.00" }, october] })] });
    const result = run.results.get("OAK-1");
    expect(result?.linesAudited).toBe(1);
    expect(result?.lines.map((l) => l.status)).toEqual(["needs_attention", "audited"]);
    expect(run.notes).toContainEqual(expect.objectContaining({ lineNo: 1, kind: "needs-attention" }));
  });

  it("a line with no period of its own takes the invoice's", () => {
    // Invoice period 1–31 Oct; line charged 31 @ 140.00: rate-above-agreed 31 × 9.00 = 279.00.
    const run = runFacts({
      reference,
      invoices: [invoice("OAK-1", "2026-11-03", { periodFrom: "2026-10-01", periodTo: "2026-10-31", lines: [{ childRef: "C1001", quantity: "31", unit: "night", unitRate: "140.00", amount: "4340.00" }] })],
    });
    expect(comparable(run.findings)).toEqual([{ invoice: "OAK-1", line: 1, rule: "rate-above-agreed", amount: "279.00", childRef: "C1001" }]);
    expect(run.findings[0]?.explanation).toBe(
      "Billed 31 nights at £140.00; the agreed fee is £917.00 a week (£131.00 a night): £4,340.00 charged against £4,061.00 agreed, £279.00 above the agreed fee.",
    );
    expect(run.findings[0]?.evidence.ranges).toEqual([{ from: "2026-10-01", to: "2026-10-31", nights: 31, note: "agreed £131.00 a night (£917.00 a week); left £140.00 a night" }]);
    expect(run.findings[0]?.charged).toBe("4340.00");
    expect(run.findings[0]?.expected).toBe("4061.00");
  });

  it("the reporting threshold is configurable", () => {
    // total-mismatch 39.00 is below a 50.00 threshold.
    expect(runFacts({ reference, invoices: [invoice("OAK-1", "2026-11-03", { total: "4100.00" })], config: { min_finding_amount: "50.00" } }).findings).toEqual([]);
    expect(runFacts({ reference, invoices: [invoice("OAK-1", "2026-11-03", { total: "4100.00" })], config: { min_finding_amount: "39.00" } }).findings).toHaveLength(1);
  });

  it("matches a line by its placement id", () => {
    // PL1 ended 20 Oct: 12 nights outside, 1,572.00, reported under C1001.
    const run = runFacts({
      reference: { ...reference, placements: [{ placementId: "PL1", childRef: "C1001", startDate: "2026-03-02", endDate: "2026-10-20", weeklyFee: "917.00" }] },
      invoices: [invoice("OAK-1", "2026-11-03", { lines: [{ ...october, childRef: null, placementRef: "PL1" }] })],
    });
    expect(comparable(run.findings)).toEqual([{ invoice: "OAK-1", line: 1, rule: "outside-placement", amount: "1572.00", childRef: "C1001" }]);
  });

  it("counts every line it audits and reports each line's expected amount and credit", () => {
    // 5% discount: expected 3,857.95; the -100.00 discount line's credit is all used (due 203.05).
    const run = runFacts({
      reference: { ...reference, discounts: [{ discountId: "D1", kind: "percentage", percent: "5" }] },
      invoices: [invoice("OAK-1", "2026-11-03", { lines: [october, { childRef: "C1001", description: "Discount", amount: "-100.00" }] })],
    });
    const result = run.results.get("OAK-1");
    expect(result?.linesAudited).toBe(2);
    expect(result?.lines[0]).toEqual({ lineNo: 1, kind: "fee", status: "audited", childRef: "C1001", charged: "4061.00", discountCredit: "100.00", creditUsed: "100.00", expected: "3857.95" });
    expect(result?.lines[1]?.kind).toBe("discount");
  });
});

describe("ReferenceIndex", () => {
  it("splits a child's nights only where the tariff changes", () => {
    // Open-ended placement, fee change 1 Nov, 5% discount from 16 Oct, absence 3–22 Oct (80% for 14 nights):
    // 2 Mar–2 Oct, 3–16 Oct (f 0.8), 16 Oct discount starts inside the absence, 17–22 Oct (f 0), 23–31 Oct, 1 Nov on.
    const index = buildReferenceIndex(
      referenceData({
        ...reference,
        placementFees: [{ placementId: "PL1", effectiveFrom: "2026-11-01", weeklyFee: "945.00" }],
        discounts: [{ discountId: "D1", kind: "percentage", percent: "5", effectiveFrom: "2026-10-16" }],
        absences: [{ placementId: "PL1", fromDate: "2026-10-03", toDate: "2026-10-22" }],
      }),
    );
    const segments = index.timeline("PR1", "C1001")?.segments ?? [];
    const starts = segments.map((s) => s.start - dayFromIso("2026-10-01"));
    expect(starts).toEqual([dayFromIso("2026-03-02") - dayFromIso("2026-10-01"), 2, 15, 16, 22, 31]);
    // The weekly fee is held in pence; written as pounds.
    expect(segments.map((s) => [s.weeklyFee === null ? undefined : poundsText(s.weeklyFee), decimalText(s.factor), decimalText(s.discountPct)])).toEqual([
      ["917", "1", "0"],
      ["917", "0.8", "0"],
      ["917", "0.8", "5"],
      ["917", "0", "5"],
      ["917", "1", "5"],
      ["945", "1", "5"],
    ]);
  });
});
