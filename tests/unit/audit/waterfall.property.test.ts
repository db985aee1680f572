import fc from "fast-check";
import { WATERFALL } from "../../../rules/index.js";
import { describe, expect, it } from "vitest";
import { AuditSession, buildReferenceIndex, sortForAudit, type AuditInvoice } from "../../../src/audit/index.js";
import { dayFromIso, isoFromDay, type DayNumber } from "../../../src/domain/dates.js";
import type { InvoiceLine } from "../../../src/domain/invoice.js";
import { Dec, ZERO, toPence } from "../../../src/domain/money.js";
import type { Absence, Contract, Discount, Placement, PlacementFee, Rate, ReferenceData } from "../../../src/domain/reference.js";
import { configWith } from "../rules/facts.js";

/**
 * AUDIT.md: "on every fee line, the findings add up to max(0, charged − credit used −
 * expected)", give or take findings below the reporting threshold. `expected` and `credit used`
 * are worked out here by a deliberately plain night-by-night reading of AUDIT.md, sharing no
 * code with the engine (only the calendar helpers of src/domain).
 */

const OCT1 = dayFromIso("2026-10-01");
const HUNDRED = new Dec(100);
const SEVEN = new Dec(7);

interface Scenario {
  reference: ReferenceData;
  invoices: AuditInvoice[];
  threshold: string;
}

// ---------------------------------------------------------------- generators

const iso = (offset: number): string => isoFromDay(OCT1 + offset);
const money = fc.constantFrom("700.00", "917.00", "1001.00", "845.50", "1200.00", "630.35");

const arbContract = (contractId: string) =>
  fc.record({
    payDepartureDay: fc.boolean(),
    absenceRetainerPct: fc.constantFrom("100", "80", "50", "0"),
    absenceRetainerMaxNights: fc.constantFrom(null, 3, 10),
    vatExempt: fc.constant(true),
  }).map((c): Contract => ({ contractId, providerId: "PR1", title: contractId, startDate: "2020-01-01", endDate: null, ...c }));

const arbPlacementShape = fc.record({
  contract: fc.constantFrom("K1", "K2"),
  start: fc.integer({ min: -40, max: 20 }),
  length: fc.option(fc.integer({ min: 1, max: 60 }), { nil: null }),
  weeklyFee: fc.option(money, { nil: null }),
  serviceLevel: fc.constantFrom("standard", "complex", null),
  sibling: fc.boolean(),
  fees: fc.uniqueArray(fc.record({ at: fc.integer({ min: -20, max: 50 }), fee: money }), { maxLength: 2, selector: (f) => f.at }),
  absences: fc.array(fc.record({ from: fc.integer({ min: -5, max: 55 }), length: fc.integer({ min: 1, max: 20 }) }), { maxLength: 2 }),
  second: fc.option(fc.record({ gap: fc.integer({ min: -3, max: 6 }), length: fc.option(fc.integer({ min: 1, max: 40 }), { nil: null }), weeklyFee: fc.option(money, { nil: null }) }), { nil: null }),
});

const arbDiscount = fc.record({
  kind: fc.constantFrom<Discount["kind"]>("percentage", "sibling", "volume", "length_of_stay"),
  percent: fc.constantFrom("5", "10", "2.5", "60", "45"),
  volumeThreshold: fc.integer({ min: 1, max: 3 }),
  stayWeeks: fc.integer({ min: 1, max: 40 }),
  from: fc.constantFrom(-400, 5, 20),
  to: fc.option(fc.integer({ min: 10, max: 60 }), { nil: null }),
  contract: fc.constantFrom(null, "K1"),
});

const arbLine = fc.record({
  child: fc.constantFrom("C1", "C2", "C3", "CX"),
  from: fc.integer({ min: -5, max: 45 }),
  length: fc.integer({ min: 1, max: 31 }),
  unit: fc.constantFrom<"night" | "week">("night", "week"),
  quantity: fc.constantFrom<"exact" | "more" | "less" | "none">("exact", "exact", "more", "less", "none"),
  delta: fc.integer({ min: 1, max: 9 }),
  nightly: fc.constantFrom("100.00", "131.00", "135.00", "143.00", "150.00", "120.50", "90.00"),
  amount: fc.constantFrom<"product" | "more" | "less">("product", "product", "more", "less"),
});

const arbDiscountLine = fc.record({ child: fc.constantFrom("C1", "C2", null), amount: fc.integer({ min: 1, max: 80000 }) });

const arbScenario = fc
  .record({
    k1: arbContract("K1"),
    k2: arbContract("K2"),
    upliftAt: fc.option(fc.integer({ min: -10, max: 50 }), { nil: null }),
    children: fc.array(arbPlacementShape, { minLength: 1, maxLength: 3 }),
    discounts: fc.array(arbDiscount, { maxLength: 3 }),
    invoices: fc.array(fc.record({ lines: fc.array(arbLine, { minLength: 1, maxLength: 3 }), discounts: fc.array(arbDiscountLine, { maxLength: 2 }) }), { minLength: 1, maxLength: 3 }),
    threshold: fc.constantFrom("0.00", "5.00"),
  })
  .map((s): Scenario => {
    const rates: Rate[] = [{ contractId: "K1", item: "placement", serviceLevel: "standard", unit: "week", rate: "917.00", effectiveFrom: "2026-01-01", effectiveTo: null }];
    rates.push({ contractId: "K2", item: "placement", serviceLevel: "standard", unit: "week", rate: "845.50", effectiveFrom: "2026-01-01", effectiveTo: null });
    if (s.upliftAt !== null) rates.push({ contractId: "K1", item: "placement", serviceLevel: "standard", unit: "week", rate: "945.00", effectiveFrom: iso(s.upliftAt), effectiveTo: null });
    const placements: Placement[] = [];
    const placementFees: PlacementFee[] = [];
    const absences: Absence[] = [];
    s.children.forEach((shape, i) => {
      const childRef = `C${i + 1}`;
      const base = { childRef, providerId: "PR1", contractId: shape.contract, serviceLevel: shape.serviceLevel, siblingGroup: shape.sibling ? "G" : null, poNumber: null };
      const end = shape.length === null ? null : shape.start + shape.length;
      placements.push({ ...base, placementId: `P${i + 1}a`, startDate: iso(shape.start), endDate: end === null ? null : iso(end), weeklyFee: shape.weeklyFee });
      for (const fee of shape.fees) placementFees.push({ placementId: `P${i + 1}a`, effectiveFrom: iso(shape.start + fee.at), weeklyFee: fee.fee });
      for (const a of shape.absences) absences.push({ placementId: `P${i + 1}a`, fromDate: iso(a.from), toDate: iso(a.from + a.length - 1), reason: "hospital" });
      if (shape.second !== null && end !== null) {
        const start2 = end + shape.second.gap;
        const end2 = shape.second.length === null ? null : start2 + shape.second.length;
        placements.push({ ...base, placementId: `P${i + 1}b`, startDate: iso(start2), endDate: end2 === null ? null : iso(end2), weeklyFee: shape.second.weeklyFee });
      }
    });
    const discounts: Discount[] = s.discounts.map((d, i) => ({
      discountId: `D${i + 1}`,
      providerId: "PR1",
      contractId: d.contract,
      kind: d.kind,
      percent: d.percent,
      threshold: d.kind === "volume" ? String(d.volumeThreshold) : d.kind === "length_of_stay" ? String(d.stayWeeks) : null,
      effectiveFrom: iso(d.from),
      effectiveTo: d.to === null ? null : iso(d.to),
      description: null,
    }));
    const invoices: AuditInvoice[] = s.invoices.map((inv, i) => {
      const lines = inv.lines.map((l, j): InvoiceLine => {
        const nights = l.length;
        let quantity: Dec | null;
        if (l.quantity === "none") quantity = null;
        else {
          const q = l.quantity === "exact" ? nights : l.quantity === "more" ? nights + l.delta : Math.max(1, nights - l.delta);
          quantity = l.unit === "week" ? new Dec(q).dividedBy(7).toDecimalPlaces(2) : new Dec(q);
        }
        const rate = l.unit === "week" ? new Dec(l.nightly).times(7) : new Dec(l.nightly);
        const product = toPence((quantity ?? new Dec(nights)).times(rate));
        const amount = l.amount === "product" ? product : l.amount === "more" ? product.plus(l.delta * 10) : Dec.max(new Dec("0.01"), product.minus(l.delta * 7));
        return {
          lineNo: j + 1,
          childRef: l.child,
          placementRef: null,
          description: "Placement fee",
          item: "placement",
          from: iso(l.from),
          to: iso(l.from + l.length - 1),
          quantity: quantity === null ? null : quantity.toString(),
          unit: l.unit,
          unitRate: quantity === null ? null : rate.toFixed(2),
          amount: amount.toFixed(2),
        };
      });
      for (const d of inv.discounts) {
        const amount = new Dec(-d.amount).dividedBy(100).toFixed(2);
        lines.push({ lineNo: lines.length + 1, childRef: d.child, placementRef: null, description: "Discount", item: "discount", from: null, to: null, quantity: null, unit: null, unitRate: null, amount });
      }
      return {
        key: `i${i}`,
        receivedAt: `2026-12-0${i + 1}T09:00:00Z`,
        providerId: "PR1",
        invoiceNumber: `INV-${i}`,
        invoiceDate: `2026-12-0${i + 1}`,
        kind: "invoice",
        creditsInvoice: null,
        periodFrom: null,
        periodTo: null,
        subtotal: null,
        vat: null,
        total: "0.00",
        lines,
      };
    });
    const reference: ReferenceData = {
      providers: [{ providerId: "PR1", name: "Oak", kind: "ifa", vatNumber: null, aliases: [] }],
      contracts: [s.k1, s.k2],
      rates,
      placements,
      placementFees,
      packages: [],
      discounts,
      absences,
    };
    return { reference, invoices, threshold: s.threshold };
  });

// ---------------------------------------------------------------- the plain reading of AUDIT.md

class PlainAudit {
  constructor(private readonly ref: ReferenceData) {}

  private contract(p: Placement): Contract {
    return this.ref.contracts.find((c) => c.contractId === p.contractId) as Contract;
  }

  placed(p: Placement, d: DayNumber): boolean {
    if (d < dayFromIso(p.startDate)) return false;
    if (p.endDate === null) return true;
    const end = dayFromIso(p.endDate);
    return this.contract(p).payDepartureDay ? d <= end : d < end;
  }

  /** The child's placement that counts on d: of those placed, the one that started later. */
  placementOn(childRef: string, d: DayNumber): Placement | null {
    let best: Placement | null = null;
    for (const p of this.ref.placements) {
      if (p.childRef !== childRef || !this.placed(p, d)) continue;
      if (best === null || p.startDate > best.startDate || (p.startDate === best.startDate && p.placementId > best.placementId)) best = p;
    }
    return best;
  }

  weeklyFee(p: Placement, d: DayNumber): Dec | null {
    let row: PlacementFee | null = null;
    for (const f of this.ref.placementFees) {
      if (f.placementId === p.placementId && dayFromIso(f.effectiveFrom) <= d && (row === null || f.effectiveFrom >= row.effectiveFrom)) row = f;
    }
    if (row) return new Dec(row.weeklyFee);
    if (p.weeklyFee !== null) return new Dec(p.weeklyFee);
    let rate: Rate | null = null;
    for (const r of this.ref.rates) {
      if (r.contractId !== p.contractId || r.item !== "placement" || r.serviceLevel !== p.serviceLevel) continue;
      if (dayFromIso(r.effectiveFrom) > d || (r.effectiveTo !== null && dayFromIso(r.effectiveTo) < d)) continue;
      if (rate === null || r.effectiveFrom >= rate.effectiveFrom) rate = r;
    }
    return rate ? new Dec(rate.rate) : null;
  }

  private absent(p: Placement, d: DayNumber): boolean {
    return this.ref.absences.some((a) => a.placementId === p.placementId && dayFromIso(a.fromDate) <= d && d <= dayFromIso(a.toDate));
  }

  factor(p: Placement, d: DayNumber): Dec {
    if (!this.absent(p, d)) return new Dec(1);
    let n = 1;
    while (this.absent(p, d - n)) n++;
    const c = this.contract(p);
    return c.absenceRetainerMaxNights === null || n <= c.absenceRetainerMaxNights ? new Dec(c.absenceRetainerPct).dividedBy(100) : ZERO;
  }

  discount(p: Placement, d: DayNumber): Dec {
    let pct = ZERO;
    let volume: Discount | null = null;
    for (const x of this.ref.discounts) {
      if (x.contractId !== null && x.contractId !== p.contractId) continue;
      if (dayFromIso(x.effectiveFrom) > d || (x.effectiveTo !== null && dayFromIso(x.effectiveTo) < d)) continue;
      if (x.kind === "percentage") pct = pct.plus(x.percent);
      if (x.kind === "sibling" && p.siblingGroup !== null) {
        const earlier = this.ref.placements.some(
          (q) => q.siblingGroup === p.siblingGroup && q.childRef !== p.childRef && this.placed(q, d) && (q.startDate < p.startDate || (q.startDate === p.startDate && q.childRef < p.childRef)),
        );
        if (earlier) pct = pct.plus(x.percent);
      }
      if (x.kind === "volume") {
        const children = new Set(this.ref.placements.filter((q) => (x.contractId === null || q.contractId === x.contractId) && this.placed(q, d)).map((q) => q.childRef));
        if (children.size >= Number(x.threshold) && (volume === null || Number(x.threshold) > Number(volume.threshold) || (x.threshold === volume.threshold && new Dec(x.percent).greaterThan(volume.percent)))) volume = x;
      }
      if (x.kind === "length_of_stay" && d >= dayFromIso(p.startDate) + Math.ceil(7 * Number(x.threshold))) pct = pct.plus(x.percent);
    }
    if (volume) pct = pct.plus(volume.percent);
    return Dec.min(pct, HUNDRED);
  }

  matched(childRef: string | null): boolean {
    return this.ref.placements.some((p) => p.childRef === childRef);
  }
}

interface LineTruth {
  charged: Dec;
  creditUsed: Dec;
  expected: Dec;
}

function plainTruths(scenario: Scenario): Map<string, LineTruth> {
  const plain = new PlainAudit(scenario.reference);
  const billed = new Map<string, Set<DayNumber>>();
  const truths = new Map<string, LineTruth>();
  for (const invoice of sortForAudit(scenario.invoices)) {
    const feeLines = invoice.lines.filter((l) => l.item === "placement" && plain.matched(l.childRef));
    const credit = new Map<number, Dec>(feeLines.map((l) => [l.lineNo, ZERO]));
    for (const d of invoice.lines.filter((l) => l.item === "discount")) {
      const targets = feeLines.filter((l) => d.childRef === null || l.childRef === d.childRef);
      let printed = ZERO;
      for (const t of targets) printed = printed.plus(t.amount);
      if (!printed.greaterThan(0)) continue;
      for (const t of targets) credit.set(t.lineNo, (credit.get(t.lineNo) ?? ZERO).plus(new Dec(d.amount).abs().times(t.amount).dividedBy(printed)));
    }
    for (const line of feeLines) {
      const child = line.childRef as string;
      const seen = billed.get(child) ?? new Set<DayNumber>();
      billed.set(child, seen);
      const from = dayFromIso(line.from as string);
      const to = dayFromIso(line.to as string);
      const period: DayNumber[] = [];
      for (let d = from; d <= to; d++) period.push(d);
      const X = new Dec(line.amount);
      const q = line.quantity === null ? null : new Dec(line.quantity);
      const r = line.unitRate === null ? null : new Dec(line.unitRate);
      let worth = X;
      if (q !== null && r !== null && X.greaterThan(toPence(q.times(r)))) worth = toPence(q.times(r));
      const Q = q === null ? null : line.unit === "week" ? q.times(7) : q;
      let nightsBilled = period;
      let excess = ZERO;
      if (Q !== null && Q.greaterThan(period.length + 0.1)) {
        const nightly = line.unit === "week" ? (r as Dec).dividedBy(SEVEN) : (r as Dec);
        excess = Dec.min(worth, Q.minus(period.length).times(nightly));
      } else if (Q !== null && Q.lessThan(period.length - 0.1)) {
        const k = Math.max(1, Q.toDecimalPlaces(0, Dec.ROUND_HALF_UP).toNumber());
        const placedFirst = [...period.filter((d) => plain.placementOn(child, d) !== null), ...period.filter((d) => plain.placementOn(child, d) === null)];
        nightsBilled = placedFirst.slice(0, k).sort((a, b) => a - b);
      }
      const c = worth.minus(excess).dividedBy(nightsBilled.length);
      let L = ZERO;
      let A = ZERO;
      let E = ZERO;
      for (const d of nightsBilled) {
        if (seen.has(d)) continue;
        const p = plain.placementOn(child, d);
        if (p === null) continue;
        const W = plain.weeklyFee(p, d);
        if (W === null) continue;
        const nightly = W.dividedBy(SEVEN);
        const f = plain.factor(p, d);
        const agreed = nightly.times(f);
        const share = f.lessThan(1) ? Dec.max(ZERO, Dec.min(c, nightly).minus(agreed)) : ZERO;
        L = L.plus(c.minus(share));
        A = A.plus(agreed);
        E = E.plus(agreed.times(new Dec(1).minus(plain.discount(p, d).dividedBy(HUNDRED))));
      }
      for (const d of nightsBilled) seen.add(d);
      const due = Dec.max(ZERO, Dec.min(L, A).minus(E));
      truths.set(`${invoice.key}/${line.lineNo}`, { charged: X, creditUsed: Dec.min(credit.get(line.lineNo) ?? ZERO, due), expected: E });
    }
  }
  return truths;
}

// ---------------------------------------------------------------- the property

describe("the fee-line waterfall explains every pound once", () => {
  it("findings on every fee line add up to max(0, charged − credit used − expected), undercharges only as notes", () => {
    fc.assert(
      fc.property(arbScenario, (scenario) => {
        const config = configWith({ min_finding_amount: scenario.threshold });
        const session = new AuditSession(buildReferenceIndex(scenario.reference), config, { voidedInvoiceKeys: new Set(), waterfall: WATERFALL });
        const truths = plainTruths(scenario);
        const threshold = new Dec(scenario.threshold);
        // Each of at most 9 findings may be left out below the threshold or rounded by half a penny.
        const slack = threshold.plus("0.005").times(9);
        for (const invoice of sortForAudit(scenario.invoices)) {
          const result = session.audit(invoice);
          for (const f of result.findings) {
            expect(new Dec(f.amount).greaterThan(0)).toBe(true);
            expect(new Dec(f.amount).greaterThanOrEqualTo(threshold)).toBe(true);
          }
          for (const line of invoice.lines) {
            const truth = truths.get(`${invoice.key}/${line.lineNo}`);
            if (!truth) continue;
            const summary = result.lines.find((s) => s.lineNo === line.lineNo);
            // To the penny (a penny of slack only for a half-penny met through different dust in the 40th digit).
            expect(new Dec(summary?.expected ?? "NaN").minus(truth.expected).abs().lessThanOrEqualTo("0.01"), `expected on ${invoice.key}/${line.lineNo}`).toBe(true);
            expect(new Dec(summary?.creditUsed ?? "NaN").minus(truth.creditUsed).abs().lessThanOrEqualTo("0.01"), `credit used on ${invoice.key}/${line.lineNo}`).toBe(true);
            const target = Dec.max(ZERO, truth.charged.minus(truth.creditUsed).minus(truth.expected));
            let found = ZERO;
            for (const f of result.findings) if (f.lineNo === line.lineNo) found = found.plus(f.amount);
            expect(found.lessThanOrEqualTo(target.plus("0.05")), `findings ${found.toString()} > ${target.toString()} on ${invoice.key}/${line.lineNo}`).toBe(true);
            expect(found.greaterThanOrEqualTo(target.minus(slack)), `findings ${found.toString()} << ${target.toString()} on ${invoice.key}/${line.lineNo}`).toBe(true);
            const payable = truth.charged.minus(truth.creditUsed);
            if (payable.lessThanOrEqualTo(truth.expected)) {
              expect(found.isZero(), `an undercharged line raised findings on ${invoice.key}/${line.lineNo}`).toBe(true);
              if (truth.expected.minus(payable).greaterThanOrEqualTo("0.01")) {
                expect(result.notes.some((n) => n.lineNo === line.lineNo && n.kind === "undercharge")).toBe(true);
              }
            }
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
