import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { WATERFALL } from "../../../rules/index.js";
import { AuditSession, buildReferenceIndex, sortForAudit, type AuditInvoice } from "../../../src/audit/index.js";
import { Exact } from "../../../src/domain/exact.js";
import { Dec } from "../../../src/domain/money.js";
import { decimalText, formatPence, penceOf, penceText, poundsText, wholePence } from "../../../src/domain/pence.js";
import { Q, auditModel } from "../../support/audit-model.js";
import { configWith, invoiceOf, referenceData, type InvoiceFacts, type ReferenceFacts } from "../rules/facts.js";

/**
 * The engine computes money as exact pence (src/domain/exact.ts: two safe integers, BigInt when
 * a result outgrows 2^53). Checked here against BigInt fractions (tests/support/audit-model.ts's
 * Q), against decimal.js for what is written out, and, on the edges AUDIT.md names, against
 * the independent model and figures worked out by hand.
 */

const MAX = Number.MAX_SAFE_INTEGER;

function q(x: Exact): Q {
  const { n, d } = x.toFraction();
  return new Q(n, d);
}

function same(x: Exact, y: Q): boolean {
  const { n, d } = x.toFraction();
  return n === y.n && d === y.d;
}

describe("Exact", () => {
  it("stays exact past 2^53: sums, products and quotients are redone in BigInt", () => {
    const max = Exact.int(MAX);
    expect(max.plus(1).toFraction()).toEqual({ n: 2n ** 53n, d: 1n });
    expect(max.plus(max).minus(max).equals(max)).toBe(true);
    // £98,765,432,109.8765 a unit × 123,456.789 units: a numerator near 2.4 × 10^22, far past 2^53.
    const rate = penceOf("98765432109.8765");
    expect(rate.toFraction()).toEqual({ n: 197530864219753n, d: 20n });
    const quantity = Exact.of("123456.789");
    const product = rate.times(quantity);
    expect(product.toFraction()).toEqual(new Q(197530864219753n * 123456789n, 20n * 1000n));
    expect(product.isSmall).toBe(false);
    // Back below 2^53 once divided: the small form again, equal to the same value made small.
    expect(product.dividedBy(quantity).equals(rate)).toBe(true);
    expect(product.dividedBy(quantity).isSmall).toBe(true);
    expect(Exact.ratio(1, MAX).plus(Exact.ratio(1, MAX - 1)).toFraction()).toEqual(new Q(1n, BigInt(MAX)).plus(new Q(1n, BigInt(MAX - 1))));
  });

  it("rounds halves away from zero, like decimal.js's ROUND_HALF_UP", () => {
    expect(Exact.ratio(5, 2).roundHalfUp().equals(3)).toBe(true);
    expect(Exact.ratio(-5, 2).roundHalfUp().equals(-3)).toBe(true);
    expect(Exact.ratio(7149999, 100000).roundedTo(2).equals(Exact.ratio(7150, 100))).toBe(true);
    // £71.815 exactly is £71.82 (AUDIT.md "Money is exact"), and a hair below is £71.81.
    expect(penceText(penceOf("71.815"))).toBe("71.82");
    expect(penceText(penceOf("71.8149999999999999999"))).toBe("71.81");
    expect(penceText(Exact.ratio(-1, 1000))).toBe("0.00");
    expect(wholePence(Exact.ratio(-3, 2)).equals(-2)).toBe(true);
  });

  it("agrees with BigInt fractions on random values, small and near 2^53", () => {
    const integer = fc.oneof(fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: -MAX, max: MAX }), fc.constantFrom(MAX, -MAX, MAX - 1, 2 ** 52, 0));
    const denominator = fc.oneof(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 1, max: MAX }), fc.constantFrom(7, 700, MAX));
    const value = fc.tuple(integer, denominator).map(([n, d]) => Exact.ratio(n, d));
    fc.assert(
      fc.property(value, value, integer, (a, b, k) => {
        const [qa, qb] = [q(a), q(b)];
        expect(same(a.plus(b), qa.plus(qb))).toBe(true);
        expect(same(a.minus(b), qa.minus(qb))).toBe(true);
        expect(same(a.times(b), qa.times(qb))).toBe(true);
        if (!b.isZero()) expect(same(a.dividedBy(b), qa.div(qb))).toBe(true);
        expect(a.compare(b)).toBe(qa.cmp(qb));
        // Whole numbers given as numbers take their own path.
        const qk = Q.int(k);
        expect(same(a.plus(k), qa.plus(qk))).toBe(true);
        expect(same(a.times(k), qa.times(qk))).toBe(true);
        if (k !== 0) expect(same(a.dividedBy(k), qa.div(qk))).toBe(true);
        expect(a.compare(k)).toBe(qa.cmp(qk));
        // a in pence; Q.money() reads pounds.
        expect(penceText(a)).toBe(qa.div(Q.of("100")).money().replace(/^-0\.00$/, "0.00"));
      }),
      { numRuns: 3000 },
    );
  });

  it("is written out as decimal.js wrote the same value", () => {
    const cases: [Exact, Dec][] = [
      [penceOf("131.00"), new Dec("131.00")],
      [penceOf("4.50"), new Dec("4.50")],
      [penceOf("1000").dividedBy(7), new Dec("1000").dividedBy(7)],
      [penceOf("0.0000001"), new Dec("0.0000001")],
      [penceOf("-12.345"), new Dec("-12.345")],
    ];
    for (const [pence, pounds] of cases) {
      expect(poundsText(pence)).toBe(pounds.toString());
      expect(poundsText(pence, 6)).toBe(pounds.toDecimalPlaces(6).toString());
      expect(penceText(pence)).toBe(pounds.toDecimalPlaces(2).toFixed(2));
    }
    expect(formatPence(penceOf("1234567.891"))).toBe("£1,234,567.89");
    expect(formatPence(penceOf("-10"))).toBe("-£10.00");
    expect(decimalText(Exact.ratio(443, 100), 2)).toBe("4.43");
    expect(decimalText(Exact.ratio(1, 3), 4)).toBe("0.3333");
  });
});

// ---------------------------------------------------------------- the engine on AUDIT.md's edges

const CONFIG = { min_finding_amount: "0.01" };

function placement(weeklyFee: string, extra: Partial<{ startDate: string }> = {}): NonNullable<ReferenceFacts["placements"]>[number] {
  return { placementId: "PL1", childRef: "C1", startDate: "2026-01-01", weeklyFee, ...extra };
}

function line(amount: string, more: Partial<InvoiceFacts["lines"] extends (infer L)[] | undefined ? L : never> = {}): NonNullable<InvoiceFacts["lines"]>[number] {
  return { childRef: "C1", from: "2026-10-01", to: "2026-10-31", description: "Placement fee", item: "placement", amount, ...more };
}

/** The engine's findings and the model's, each as "line rule amount", sorted. */
function bothWays(facts: ReferenceFacts, invoices: InvoiceFacts[]): { engine: string[]; model: string[] } {
  const config = configWith(CONFIG);
  const reference = referenceData(facts);
  const audited: AuditInvoice[] = invoices.map((i) => invoiceOf(i, config));
  const session = new AuditSession(buildReferenceIndex(reference), config, { voidedInvoiceKeys: new Set(), waterfall: WATERFALL });
  const engine = sortForAudit(audited).flatMap((invoice) => session.audit(invoice).findings.map((f) => `${invoice.invoiceNumber} ${f.lineNo ?? "-"} ${f.rule} ${f.amount}`));
  const model = auditModel(reference, audited, { minFinding: "0.01" }).findings.map((f) => `${f.invoiceNumber} ${f.lineNo ?? "-"} ${f.rule} ${f.amount}`);
  return { engine: engine.sort(), model: model.sort() };
}

describe("the integer engine against the exact model and by hand", () => {
  it("rounds a finding of exactly half a penny up: 4.5 weeks × £917.07 = £4,126.815 printed £4,136.82 is £10.005, £10.01", () => {
    // Then the line is worth £4,126.815 over 32 nights against £800 a week: 4126.815 − 32 × 800 / 7 = 469.672142… → £469.67.
    const { engine, model } = bothWays({ placements: [placement("800.00")] }, [
      { invoiceNumber: "A1", invoiceDate: "2026-11-02", lines: [line("4136.82", { quantity: "4.5", unit: "week", unitRate: "917.07", from: "2026-10-01", to: "2026-11-01" })] },
    ]);
    expect(engine).toEqual(model);
    expect(engine).toEqual(["A1 1 arithmetic-error 10.01", "A1 1 rate-above-agreed 469.67"]);
  });

  it("carries W/7 as a fraction to the end: £1,000 a week is £142.857142… a night, 31 nights at £150 are £221.43 above it", () => {
    // 31 × 150 − 31 × 1000 / 7 = 4650 − 4428.571428… = 221.428571… → £221.43.
    const { engine, model } = bothWays({ placements: [placement("1000.00")] }, [
      { invoiceNumber: "B1", invoiceDate: "2026-11-02", lines: [line("4650.00", { quantity: "31", unit: "night", unitRate: "150.00" })] },
    ]);
    expect(engine).toEqual(model);
    expect(engine).toEqual(["B1 1 rate-above-agreed 221.43"]);
  });

  it("rounds a weekly fraction that lands on half a penny up: 5% off a week of £915.10 is £45.755, £45.76", () => {
    // E = 915.10 × 7/7 × 0.95 = 869.345; due = 915.10 − 869.345 = 45.755 → £45.76 (no credit on the invoice).
    const { engine, model } = bothWays(
      { placements: [placement("915.10")], discounts: [{ discountId: "D1", kind: "percentage", percent: "5" }] },
      [{ invoiceNumber: "C1", invoiceDate: "2026-10-09", lines: [line("915.10", { from: "2026-10-01", to: "2026-10-07", quantity: "7", unit: "night", unitRate: "130.73" })] }],
    );
    expect(engine).toEqual(model);
    expect(engine).toContain("C1 1 discount-not-applied 45.76");
  });

  it("keeps every penny when products pass 2^53 pence: a £69bn weekly fee with a 4.123456789% discount", () => {
    // A = 31 × 6,913,580,247,691p / 7 = 30,617,283,954,060.142857…p; the discount's denominator is 7 × 10^11,
    // so A × (1 − p/100) has a numerator near 10^26: only BigInt holds it.
    const { engine, model } = bothWays(
      { placements: [placement("69135802476.91")], discounts: [{ discountId: "D1", kind: "percentage", percent: "4.123456789" }] },
      [{ invoiceNumber: "D1", invoiceDate: "2026-11-02", lines: [line("306172839541.00", { quantity: "31", unit: "night", unitRate: "9876543211.00" })] }],
    );
    expect(engine).toEqual(model);
    // By hand: charged − A = 306,172,839,541 − 306,172,839,540.60142857… = £0.39857… → £0.40;
    // discount due = A × 4.123456789% = £12,624,904,738.111006017… → £12,624,904,738.11.
    const A = new Q(6913580247691n * 31n, 7n * 100n);
    expect(A.times(Q.of("4.123456789")).div(Q.of("100")).money()).toBe("12624904738.11");
    expect(engine).toEqual(["D1 1 discount-not-applied 12624904738.11", "D1 1 rate-above-agreed 0.40"]);
  });

  it("agrees with the model on nights shared unevenly: an odd amount over a month with a retainer and a fee change", () => {
    const { engine, model } = bothWays(
      {
        contracts: [{ contractId: "K1", absenceRetainerPct: "66.67", absenceRetainerMaxNights: 5 }],
        placements: [placement("845.50")],
        placementFees: [{ placementId: "PL1", effectiveFrom: "2026-10-13", weeklyFee: "851.03" }],
        absences: [{ placementId: "PL1", fromDate: "2026-10-03", toDate: "2026-10-11" }],
        discounts: [{ discountId: "D1", kind: "percentage", percent: "2.5" }],
      },
      [{ invoiceNumber: "E1", invoiceDate: "2026-11-02", lines: [line("3999.99")] }],
    );
    expect(engine).toEqual(model);
    expect(engine.length).toBeGreaterThanOrEqual(2);
  });
});
