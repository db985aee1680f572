/**
 * An independent model of AUDIT.md, for checking the engine (src/audit, rules/) against.
 *
 * Written from the spec alone, deliberately plain: every amount is an exact fraction of BigInts,
 * every fee line is walked night by night, nothing is cached cleverly and nothing is shared with
 * the engine beyond the input types of src/domain. Where AUDIT.md leaves a reading open the
 * choice is said in a comment ("Reading:"); the engine must agree with it.
 */
import type { Invoice, InvoiceLine } from "../../src/domain/invoice.js";
import type { Absence, AgreedPackage, Contract, Discount, Placement, PlacementFee, Rate, ReferenceData } from "../../src/domain/reference.js";

// ------------------------------------------------------------------ exact fractions

function gcd(a: bigint, b: bigint): bigint {
  if (a < 0n) a = -a;
  if (b < 0n) b = -b;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/** An exact rational number n / d, d > 0, in lowest terms. */
export class Q {
  readonly n: bigint;
  readonly d: bigint;

  constructor(n: bigint, d = 1n) {
    if (d === 0n) throw new Error("division by zero");
    if (d < 0n) [n, d] = [-n, -d];
    const g = gcd(n, d);
    this.n = g > 1n ? n / g : n;
    this.d = g > 1n ? d / g : d;
  }

  static int(n: number): Q {
    return new Q(BigInt(n));
  }

  /** "1,234.5" is not accepted: decimal strings as stored ("-12.345", "917", "0.05"). */
  static of(text: string): Q {
    const m = /^\s*(-)?(\d*)(?:\.(\d*))?\s*$/.exec(text);
    if (!m) throw new Error(`not a decimal: ${text}`);
    const frac = m[3] ?? "";
    const n = BigInt((m[2] || "0") + frac) * (m[1] ? -1n : 1n);
    return new Q(n, 10n ** BigInt(frac.length));
  }

  plus(o: Q): Q {
    return this.d === o.d ? new Q(this.n + o.n, this.d) : new Q(this.n * o.d + o.n * this.d, this.d * o.d);
  }
  minus(o: Q): Q {
    return this.d === o.d ? new Q(this.n - o.n, this.d) : new Q(this.n * o.d - o.n * this.d, this.d * o.d);
  }
  times(o: Q): Q {
    return new Q(this.n * o.n, this.d * o.d);
  }
  div(o: Q): Q {
    return new Q(this.n * o.d, this.d * o.n);
  }
  cmp(o: Q): number {
    const l = this.n * o.d;
    const r = o.n * this.d;
    return l < r ? -1 : l > r ? 1 : 0;
  }
  gt(o: Q): boolean {
    return this.cmp(o) > 0;
  }
  lt(o: Q): boolean {
    return this.cmp(o) < 0;
  }
  isPos(): boolean {
    return this.n > 0n;
  }
  abs(): Q {
    return this.n < 0n ? new Q(-this.n, this.d) : this;
  }
  static min(a: Q, b: Q): Q {
    return a.cmp(b) <= 0 ? a : b;
  }
  static max(a: Q, b: Q): Q {
    return a.cmp(b) >= 0 ? a : b;
  }
  /** Pence, half up (away from zero for halves of negatives, which findings never are). */
  pence(): bigint {
    const neg = this.n < 0n;
    const n = neg ? -this.n : this.n;
    const p = (n * 200n + this.d) / (2n * this.d);
    return neg ? -p : p;
  }
  /** Rounded to pence, "1234.56". */
  money(): string {
    const p = this.pence();
    const sign = p < 0n ? "-" : "";
    const a = p < 0n ? -p : p;
    return `${sign}${a / 100n}.${String(a % 100n).padStart(2, "0")}`;
  }
  toString(): string {
    return `${this.n}/${this.d}`;
  }
}

const ZERO = Q.int(0);
const ONE = Q.int(1);
const SEVEN = Q.int(7);
const HUNDRED = Q.int(100);
const PENNY = Q.of("0.01");
const TENTH = Q.of("0.1");

function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const row of rows) {
    const list = map.get(key(row));
    if (list) list.push(row);
    else map.set(key(row), [row]);
  }
  return map;
}

// ------------------------------------------------------------------ calendar

/** A night as a whole number of days since 1970-01-01. */
function night(iso: string): number {
  const [y, m, d] = iso.split("-").map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d) / 86_400_000;
}

function nightsOf(from: number, to: number): number[] {
  const out: number[] = [];
  for (let d = from; d <= to; d++) out.push(d);
  return out;
}

// ------------------------------------------------------------------ inputs and outputs

export interface ModelInvoice extends Invoice {
  key: string;
  receivedAt: string;
}

export interface ModelFinding {
  invoiceKey: string;
  invoiceNumber: string;
  lineNo: number | null;
  childRef: string | null;
  rule: string;
  amount: string;
}

export interface ModelOptions {
  minFinding?: string;
  vatRatePct?: string;
}

export interface ModelResult {
  findings: ModelFinding[];
  voided: Set<string>;
}

// ------------------------------------------------------------------ reference facts, night by night

class Facts {
  private readonly contracts = new Map<string, Contract>();
  private readonly providerVat = new Map<string, boolean>();
  private readonly countCache = new Map<string, number>();
  // Rows grouped by what they belong to, only so that a 20,000-line council takes seconds.
  readonly byProvider: Map<string, Placement[]>;
  private readonly fees: Map<string, PlacementFee[]>;
  private readonly rates: Map<string, Rate[]>;
  private readonly absences: Map<string, Absence[]>;
  private readonly packages: Map<string, AgreedPackage[]>;
  private readonly discounts: Map<string, Discount[]>;

  constructor(readonly ref: ReferenceData) {
    for (const c of ref.contracts) this.contracts.set(c.contractId, c);
    for (const p of ref.providers) this.providerVat.set(p.providerId, p.vatNumber !== null && p.vatNumber.trim() !== "");
    this.byProvider = groupBy(ref.placements, (p) => p.providerId);
    this.fees = groupBy(ref.placementFees, (f) => f.placementId);
    this.rates = groupBy(ref.rates, (r) => r.contractId);
    this.absences = groupBy(ref.absences, (a) => a.placementId);
    this.packages = groupBy(ref.packages, (x) => x.placementId);
    this.discounts = groupBy(ref.discounts, (x) => x.providerId);
  }

  contract(p: Placement): Contract {
    // DATA.md defaults for a contract missing from the data.
    return this.contracts.get(p.contractId) ?? { contractId: p.contractId, providerId: p.providerId, title: "", startDate: "1900-01-01", endDate: null, payDepartureDay: false, absenceRetainerPct: "100", absenceRetainerMaxNights: null, vatExempt: true };
  }

  vatRegistered(providerId: string): boolean {
    return this.providerVat.get(providerId) ?? false;
  }

  /** AUDIT.md "Placed night". */
  placedOn(p: Placement, d: number): boolean {
    if (d < night(p.startDate)) return false;
    if (p.endDate === null) return true;
    const end = night(p.endDate);
    return this.contract(p).payDepartureDay ? d <= end : d < end;
  }

  childPlacements(providerId: string, childRef: string): Placement[] {
    return (this.byProvider.get(providerId) ?? []).filter((p) => p.childRef === childRef);
  }

  /** The placement that counts on d: of those placed, the one that started later. */
  counting(placements: readonly Placement[], d: number): Placement | null {
    let best: Placement | null = null;
    for (const p of placements) {
      if (!this.placedOn(p, d)) continue;
      if (best === null || p.startDate > best.startDate) best = p;
    }
    return best;
  }

  /** W(P, d), or null when nothing agrees a fee. */
  weekly(p: Placement, d: number): Q | null {
    let row: { from: number; fee: string } | null = null;
    for (const f of this.fees.get(p.placementId) ?? []) {
      const from = night(f.effectiveFrom);
      if (from <= d && (row === null || from > row.from)) row = { from, fee: f.weeklyFee };
    }
    if (row) return Q.of(row.fee);
    if (p.weeklyFee !== null) return Q.of(p.weeklyFee);
    let card: { from: number; rate: Q } | null = null;
    for (const r of this.rates.get(p.contractId) ?? []) {
      if (r.item !== "placement" || r.serviceLevel !== p.serviceLevel) continue;
      const from = night(r.effectiveFrom);
      if (from > d || (r.effectiveTo !== null && night(r.effectiveTo) < d)) continue;
      // Reading: a card row stating a nightly or daily placement rate is × 7 for the weekly fee.
      const rate = r.unit === "night" || r.unit === "day" ? Q.of(r.rate).times(SEVEN) : Q.of(r.rate);
      if (card === null || from > card.from) card = { from, rate };
    }
    return card?.rate ?? null;
  }

  /** f(P, d). */
  factor(p: Placement, d: number): Q {
    const rows = (this.absences.get(p.placementId) ?? []).map((a) => [night(a.fromDate), night(a.toDate)] as [number, number]);
    if (!rows.some(([a, b]) => a <= d && d <= b)) return ONE;
    // One continuous absence: walk back while the night before is also in an absence row.
    let first = d;
    while (rows.some(([a, b]) => a <= first - 1 && first - 1 <= b)) first--;
    const n = d - first + 1;
    const c = this.contract(p);
    return c.absenceRetainerMaxNights === null || n <= c.absenceRetainerMaxNights ? Q.of(c.absenceRetainerPct).div(HUNDRED) : ZERO;
  }

  /** Children of the provider (under one contract when given) placed on d, each child once. */
  children(providerId: string, contractId: string | null, d: number): number {
    const key = `${providerId}|${contractId ?? ""}|${d}`;
    const known = this.countCache.get(key);
    if (known !== undefined) return known;
    const kids = new Set<string>();
    for (const p of this.byProvider.get(providerId) ?? []) {
      if (contractId !== null && p.contractId !== contractId) continue;
      if (this.placedOn(p, d)) kids.add(p.childRef);
    }
    this.countCache.set(key, kids.size);
    return kids.size;
  }

  private discountsOf(p: Placement): Discount[] {
    return (this.discounts.get(p.providerId) ?? []).filter((x) => (x.contractId === null || x.contractId === p.contractId));
  }

  /** p(P, d) in percent, capped at 100. */
  discount(p: Placement, d: number): Q {
    let total = ZERO;
    let volume: { threshold: Q; pct: Q } | null = null;
    for (const x of this.discountsOf(p)) {
      if (night(x.effectiveFrom) > d || (x.effectiveTo !== null && night(x.effectiveTo) < d)) continue;
      const pct = Q.of(x.percent);
      if (x.kind === "percentage") total = total.plus(pct);
      else if (x.kind === "sibling") {
        const first = (this.byProvider.get(p.providerId) ?? []).some(
          (o) =>
            o.childRef !== p.childRef && o.siblingGroup !== null && o.siblingGroup !== "" && o.siblingGroup === p.siblingGroup &&
            this.placedOn(o, d) && (o.startDate < p.startDate || (o.startDate === p.startDate && o.childRef < p.childRef)),
        );
        if (first) total = total.plus(pct);
      } else if (x.kind === "volume") {
        if (x.threshold === null) continue;
        const threshold = Q.of(x.threshold);
        if (Q.int(this.children(p.providerId, x.contractId, d)).lt(threshold)) continue;
        if (volume === null || threshold.gt(volume.threshold) || (threshold.cmp(volume.threshold) === 0 && pct.gt(volume.pct))) volume = { threshold, pct };
      } else if (x.kind === "length_of_stay") {
        if (x.threshold === null) continue;
        // d >= start + 7 × threshold days (a fraction of a day: from the next whole night).
        if (Q.int(d - night(p.startDate)).cmp(Q.of(x.threshold).times(SEVEN)) >= 0) total = total.plus(pct);
      }
    }
    if (volume !== null) total = total.plus(volume.pct);
    return Q.min(total, HUNDRED);
  }

  /** A later agreed fee for P than night `first` (placement_fees rows; rate-card rows when P has no weekly fee of its own). */
  laterFees(p: Placement, first: number): Q[] {
    const out: Q[] = [];
    for (const f of this.fees.get(p.placementId) ?? []) if (night(f.effectiveFrom) > first) out.push(Q.of(f.weeklyFee));
    if (p.weeklyFee === null) {
      for (const r of this.rates.get(p.contractId) ?? []) {
        if (r.item !== "placement" || r.serviceLevel !== p.serviceLevel || night(r.effectiveFrom) <= first) continue;
        out.push(r.unit === "night" || r.unit === "day" ? Q.of(r.rate).times(SEVEN) : Q.of(r.rate));
      }
    }
    return out;
  }

  /** The agreed rate for an extra item on d for P: the package's, else the rate card's; and the package's weekly maximum. */
  extraAgreement(p: Placement, item: string, d: number): { found: boolean; rate: Q | null; max: Q | null } {
    let pkg: { from: number; rate: string | null; max: string | null } | null = null;
    for (const x of this.packages.get(p.placementId) ?? []) {
      if (x.item !== item) continue;
      const from = night(x.effectiveFrom);
      if (from > d || (x.effectiveTo !== null && night(x.effectiveTo) < d)) continue;
      if (pkg === null || from > pkg.from) pkg = { from, rate: x.rate, max: x.maxPerWeek };
    }
    let card: { from: number; rate: string } | null = null;
    for (const r of this.rates.get(p.contractId) ?? []) {
      if (r.item !== item || (r.serviceLevel !== null && r.serviceLevel !== p.serviceLevel)) continue;
      const from = night(r.effectiveFrom);
      if (from > d || (r.effectiveTo !== null && night(r.effectiveTo) < d)) continue;
      if (card === null || from > card.from) card = { from, rate: r.rate };
    }
    const rate = pkg?.rate ?? card?.rate ?? null;
    return { found: pkg !== null || card !== null, rate: rate === null ? null : Q.of(rate), max: pkg?.max == null ? null : Q.of(pkg.max) };
  }
}

// ------------------------------------------------------------------ the audit

function clean(ref: string | null): string | null {
  const t = ref?.trim() ?? "";
  return t === "" ? null : t;
}

/** The child a line is about: by child_ref, placement_id or po_number, among the provider's placements. */
function matchChild(facts: Facts, providerId: string, line: InvoiceLine): string | null {
  const childRef = clean(line.childRef);
  const placementRef = clean(line.placementRef);
  const ofProvider = facts.byProvider.get(providerId) ?? [];
  if (childRef !== null && ofProvider.some((p) => p.childRef === childRef)) return childRef;
  for (const ref of [placementRef, childRef]) {
    if (ref === null) continue;
    const p = ofProvider.find((x) => x.placementId === ref || x.poNumber === ref);
    if (p) return p.childRef;
  }
  if (placementRef !== null && ofProvider.some((p) => p.childRef === placementRef)) return placementRef;
  return null;
}

function isDiscountLine(line: InvoiceLine): boolean {
  return line.item === "discount" || Q.of(line.amount).n < 0n;
}

/** Extras step 2: two lines of an unknown item are the same item when their descriptions match ignoring case, spacing and punctuation. */
function itemKey(line: InvoiceLine): string {
  return line.item === "unknown" ? `unknown:${line.description.toLowerCase().replace(/[^\p{L}\p{N}]/gu, "")}` : line.item;
}

function compareAuditOrder(a: ModelInvoice, b: ModelInvoice): number {
  const t = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0);
  return t(a.invoiceDate, b.invoiceDate) || Date.parse(a.receivedAt) - Date.parse(b.receivedAt) || t(a.invoiceNumber, b.invoiceNumber) || t(a.key, b.key);
}

/** Nights billed so far, by provider and child (fee lines) or provider, child and item (extras). */
class Billed {
  readonly nights = new Map<string, Set<number>>();
  has(key: string, d: number): boolean {
    return this.nights.get(key)?.has(d) ?? false;
  }
  add(key: string, ds: readonly number[]): void {
    let set = this.nights.get(key);
    if (!set) this.nights.set(key, (set = new Set()));
    for (const d of ds) set.add(d);
  }
}

/** Raw finding before rounding. */
interface Raw {
  rule: string;
  amount: Q;
}

export function auditModel(ref: ReferenceData, all: readonly ModelInvoice[], options: ModelOptions = {}): ModelResult {
  const facts = new Facts(ref);
  const minFinding = Q.of(options.minFinding ?? "5.00");
  const vatRate = Q.of(options.vatRatePct ?? "20").div(HUNDRED);
  const invoices = all.filter((i) => i.kind !== "credit_note").sort(compareAuditOrder);
  const creditNotes = all.filter((i) => i.kind === "credit_note").sort(compareAuditOrder);

  // Credit notes: which invoice each names, and whether it credits its whole total.
  const voided = new Set<string>();
  for (const note of creditNotes) {
    const number = clean(note.creditsInvoice);
    if (number === null) continue;
    const same = invoices.filter((i) => i.providerId === note.providerId && i.invoiceNumber.trim() === number);
    const before = same.filter((i) => i.invoiceDate <= note.invoiceDate);
    const after = same.filter((i) => i.invoiceDate > note.invoiceDate);
    const target = [...before].reverse().find((i) => !voided.has(i.key)) ?? after.find((i) => !voided.has(i.key));
    if (!target) continue;
    let size = Q.of(note.total).abs();
    if (size.n === 0n) for (const l of note.lines) size = size.plus(Q.of(l.amount).abs());
    if (size.pence() === Q.of(target.total).abs().pence()) voided.add(target.key);
  }

  const findings: ModelFinding[] = [];
  const feeBilled = new Billed();
  const extraBilled = new Billed();
  const numbers = new Set<string>();
  const keep = (invoice: ModelInvoice, lineNo: number | null, childRef: string | null, raws: readonly Raw[]): void => {
    for (const r of raws) {
      if (!r.amount.isPos() || r.amount.pence() === 0n || r.amount.pence() < minFinding.pence()) continue;
      findings.push({ invoiceKey: invoice.key, invoiceNumber: invoice.invoiceNumber, lineNo, childRef, rule: r.rule, amount: r.amount.money() });
    }
  };

  for (const invoice of invoices) {
    const isVoided = voided.has(invoice.key);
    const numberKey = `${invoice.providerId}|${invoice.invoiceNumber}`;
    if (numbers.has(numberKey)) {
      keep(invoice, null, null, [{ rule: "duplicate-invoice", amount: Q.of(invoice.total) }]);
      continue;
    }
    if (!isVoided) numbers.add(numberKey);
    // A voided invoice is audited as if it stood: against what was billed before and its own earlier lines,
    // but what it bills is forgotten afterwards.
    const fees = isVoided ? cloneBilled(feeBilled) : feeBilled;
    const extras = isVoided ? cloneBilled(extraBilled) : extraBilled;

    const lines = [...invoice.lines].sort((a, b) => a.lineNo - b.lineNo);
    const child = new Map<number, string | null>(lines.map((l) => [l.lineNo, matchChild(facts, invoice.providerId, l)]));
    const period = (l: InvoiceLine): [number, number] | null => {
      const from = l.from ?? invoice.periodFrom;
      const to = l.to ?? invoice.periodTo;
      if (from === null || to === null || to < from) return null;
      return [night(from), night(to)];
    };
    // Discount credit, pro rata by printed amounts.
    const credit = new Map<number, Q>();
    const feeLines = lines.filter((l) => !isDiscountLine(l) && l.item === "placement" && child.get(l.lineNo) !== null);
    for (const l of lines) {
      if (!isDiscountLine(l)) continue;
      const size = Q.of(l.amount).abs();
      const printed = clean(l.childRef) ?? clean(l.placementRef);
      const targets = printed === null ? feeLines : feeLines.filter((f) => child.get(l.lineNo) !== null && child.get(f.lineNo) === child.get(l.lineNo));
      let sum = ZERO;
      for (const t of targets) sum = sum.plus(Q.of(t.amount));
      if (targets.length === 0 || !sum.isPos()) continue;
      for (const t of targets) credit.set(t.lineNo, (credit.get(t.lineNo) ?? ZERO).plus(size.times(Q.of(t.amount)).div(sum)));
    }

    for (const line of lines) {
      if (isDiscountLine(line)) continue;
      const childRef = child.get(line.lineNo) ?? null;
      if (childRef === null) {
        keep(invoice, line.lineNo, clean(line.childRef) ?? clean(line.placementRef), [{ rule: "unmatched-line", amount: Q.of(line.amount) }]);
        continue;
      }
      const range = period(line);
      if (range === null) continue;
      const placements = facts.childPlacements(invoice.providerId, childRef);
      const raws =
        line.item === "placement"
          ? feeLine(facts, invoice.providerId, childRef, placements, line, range, credit.get(line.lineNo) ?? ZERO, fees)
          : extraLine(facts, invoice.providerId, childRef, placements, line, range, extras);
      keep(invoice, line.lineNo, childRef, raws);
    }

    // VAT: of the printed amounts less discount credit of lines whose placement (on the period's first night) is under a contract not VAT exempt.
    const vat = invoice.vat === null ? ZERO : Q.of(invoice.vat);
    let base = ZERO;
    if (facts.vatRegistered(invoice.providerId)) {
      for (const line of lines) {
        const childRef = child.get(line.lineNo) ?? null;
        if (isDiscountLine(line) || childRef === null) continue;
        const placements = facts.childPlacements(invoice.providerId, childRef);
        const range = period(line);
        const first = range === null ? null : firstPlacement(facts, placements, range);
        const p = first ?? [...placements].sort((a, b) => (a.startDate < b.startDate ? -1 : 1))[0] ?? null;
        if (p === null || facts.contract(p).vatExempt) continue;
        base = base.plus(Q.of(line.amount).minus(credit.get(line.lineNo) ?? ZERO));
      }
    }
    const invoiceRaws: Raw[] = [{ rule: "vat-overcharge", amount: vat.minus(base.times(vatRate)) }];
    let sum = vat;
    for (const line of lines) sum = sum.plus(Q.of(line.amount));
    invoiceRaws.push({ rule: "total-mismatch", amount: Q.of(invoice.total).minus(sum) });
    keep(invoice, null, null, invoiceRaws);
  }
  return { findings, voided };
}

function cloneBilled(b: Billed): Billed {
  const copy = new Billed();
  for (const [k, v] of b.nights) copy.nights.set(k, new Set(v));
  return copy;
}

/** Reading: a line's placement for VAT is the one placed with the provider on the first placed night of its period. */
function firstPlacement(facts: Facts, placements: readonly Placement[], [from, to]: [number, number]): Placement | null {
  for (let d = from; d <= to; d++) {
    const p = facts.counting(placements, d);
    if (p) return p;
  }
  return null;
}

/** Step 1 for fee lines and extras: the excess over quantity × rate, and what the line is worth after. */
function arithmetic(line: InvoiceLine): { worth: Q; raw: Raw | null } {
  const charged = Q.of(line.amount);
  if (line.quantity === null || line.unitRate === null) return { worth: charged, raw: null };
  const product = Q.of(line.quantity).times(Q.of(line.unitRate));
  if (charged.gt(new Q(product.pence(), 100n))) {
    // Reading: the excess is over the exact product (the line's worth from here on), rounded once at the end.
    return { worth: product, raw: { rule: "arithmetic-error", amount: charged.minus(product) } };
  }
  return { worth: charged, raw: null };
}

function feeLine(facts: Facts, providerId: string, childRef: string, placements: readonly Placement[], line: InvoiceLine, [from, to]: [number, number], credit: Q, billed: Billed): Raw[] {
  const raws: Raw[] = [];
  const charged = Q.of(line.amount);
  const step1 = arithmetic(line);
  if (step1.raw) raws.push(step1.raw);
  const worth = step1.worth;

  const period = nightsOf(from, to);
  const qNights = line.quantity === null ? null : line.unit === "week" ? Q.of(line.quantity).times(SEVEN) : line.unit === null || line.unit === "night" || line.unit === "day" ? Q.of(line.quantity) : null;
  // Nights billed: fewer than the period when the quantity falls short by more than 0.1.
  let billedNights = period;
  if (qNights !== null && qNights.lt(Q.int(period.length).minus(TENTH))) {
    // That many nights: the quantity in nights, to the nearest whole night (halves up), at least one.
    const count = Math.max(1, Number((2n * qNights.n + qNights.d) / (2n * qNights.d)));
    const placed = period.filter((d) => facts.counting(placements, d) !== null);
    const rest = period.filter((d) => facts.counting(placements, d) === null);
    billedNights = [...placed, ...rest].slice(0, count).sort((a, b) => a - b);
  }
  // Step 2.
  let excessValue = ZERO;
  if (qNights !== null && qNights.minus(Q.int(period.length)).gt(TENTH)) {
    const rate =
      line.unitRate !== null ? (line.unit === "week" ? Q.of(line.unitRate).div(SEVEN) : Q.of(line.unitRate)) : qNights.isPos() ? worth.div(qNights) : worth.div(Q.int(billedNights.length));
    // Reading: never more than the line is worth.
    excessValue = Q.min(worth, qNights.minus(Q.int(period.length)).times(rate));
    raws.push({ rule: "quantity-exceeds-period", amount: excessValue });
  }
  const c = worth.minus(excessValue).div(Q.int(billedNights.length));
  const key = `${providerId}|${childRef}`;

  // Steps 3–5, night by night.
  let dup = 0;
  let outside = 0;
  let noRate = 0;
  const inNights: { d: number; p: Placement; w: Q }[] = [];
  for (const d of billedNights) {
    if (billed.has(key, d)) {
      dup++;
      continue;
    }
    const p = facts.counting(placements, d);
    if (p === null) {
      outside++;
      continue;
    }
    const w = facts.weekly(p, d);
    if (w === null) {
      noRate++;
      continue;
    }
    inNights.push({ d, p, w });
  }
  raws.push({ rule: "duplicate-billing", amount: c.times(Q.int(dup)) });
  raws.push({ rule: "outside-placement", amount: c.times(Q.int(outside)) });
  raws.push({ rule: "no-agreed-rate", amount: c.times(Q.int(noRate)) });
  billed.add(key, billedNights);

  // Step 6.
  let absence = ZERO;
  let left = ZERO;
  let agreed = ZERO;
  let expected = ZERO;
  for (const { d, p, w } of inNights) {
    const nightly = w.div(SEVEN);
    const f = facts.factor(p, d);
    let leftHere = c;
    if (f.lt(ONE)) {
      const share = Q.min(c, nightly).minus(nightly.times(f));
      if (share.isPos()) {
        absence = absence.plus(share);
        leftHere = c.minus(share);
      }
    }
    left = left.plus(leftHere);
    agreed = agreed.plus(nightly.times(f));
    expected = expected.plus(nightly.times(f).times(ONE.minus(facts.discount(p, d).div(HUNDRED))));
  }
  raws.push({ rule: "absence-not-at-retainer", amount: absence });

  // Step 7.
  const above = left.minus(agreed);
  let rateRule = "rate-above-agreed";
  if (above.isPos() && inNights.length > 0) {
    const chargedRate =
      line.unitRate !== null && qNights !== null ? (line.unit === "week" ? Q.of(line.unitRate).div(SEVEN) : Q.of(line.unitRate)) : qNights !== null && qNights.isPos() ? worth.div(qNights) : c;
    const firsts = new Map<Placement, number>();
    for (const { d, p } of inNights) if (!firsts.has(p)) firsts.set(p, d);
    for (const [p, first] of firsts) {
      if (facts.laterFees(p, first).some((w) => !w.div(SEVEN).minus(chargedRate).abs().gt(PENNY))) rateRule = "uplift-before-effective-date";
    }
  }
  raws.push({ rule: rateRule, amount: above });

  // Step 8.
  const due = Q.max(ZERO, Q.min(left, agreed).minus(expected));
  const used = Q.min(credit, due);
  raws.push({ rule: "discount-not-applied", amount: due.minus(used) });

  // Step 9: never more than max(0, charged − credit used − expected); the excess comes off the last steps first.
  const positive = raws.filter((r) => r.amount.isPos());
  let total = ZERO;
  for (const r of positive) total = total.plus(r.amount);
  let excess = total.minus(Q.max(ZERO, charged.minus(used).minus(expected)));
  const out: Raw[] = positive.map((r) => ({ ...r }));
  for (let i = out.length - 1; i >= 0 && excess.isPos(); i--) {
    const r = out[i] as Raw;
    const take = Q.min(excess, r.amount);
    r.amount = r.amount.minus(take);
    excess = excess.minus(take);
  }
  return out;
}

function extraLine(facts: Facts, providerId: string, childRef: string, placements: readonly Placement[], line: InvoiceLine, [from, to]: [number, number], billed: Billed): Raw[] {
  const raws: Raw[] = [];
  const step1 = arithmetic(line);
  if (step1.raw) raws.push(step1.raw);
  const worth = step1.worth;
  const period = nightsOf(from, to);
  const share = worth.div(Q.int(period.length));
  const key = `${providerId}|${childRef}|${itemKey(line)}`;

  // Step 2: nights an earlier extra of the same item billed.
  let remaining = period.filter((d) => !billed.has(key, d));
  raws.push({ rule: "duplicate-billing", amount: share.times(Q.int(period.length - remaining.length)) });
  billed.add(key, period);
  // Step 3.
  const placed = remaining.filter((d) => facts.counting(placements, d) !== null);
  raws.push({ rule: "outside-placement", amount: share.times(Q.int(remaining.length - placed.length)) });
  remaining = placed;
  // Step 4.
  const agreedNights = line.item === "unknown" ? [] : remaining.filter((d) => facts.extraAgreement(facts.counting(placements, d) as Placement, line.item, d).found);
  raws.push({ rule: "extra-not-agreed", amount: share.times(Q.int(remaining.length - agreedNights.length)) });
  remaining = agreedNights;
  if (line.quantity === null || remaining.length === 0) return raws;

  // Steps 5 and 6, by agreed rate and maximum (nights with the same agreement together).
  const quantity = Q.of(line.quantity);
  if (!quantity.isPos()) return raws;
  const perUnit = worth.div(quantity);
  // Reading: the unit rate charged is as printed, or what the line is worth per unit when that is less (an undercharge).
  const rate = line.unitRate === null ? perUnit : perUnit.lt(Q.of(line.unitRate).minus(Q.of("0.005"))) ? perUnit : Q.of(line.unitRate);
  const groups = new Map<string, { rate: Q; max: Q | null; nights: number }>();
  for (const d of remaining) {
    const a = facts.extraAgreement(facts.counting(placements, d) as Placement, line.item, d);
    if (a.rate === null) continue;
    const k = `${a.rate.toString()}|${a.max?.toString() ?? ""}`;
    const g = groups.get(k) ?? { rate: a.rate, max: a.max, nights: 0 };
    g.nights++;
    groups.set(k, g);
  }
  let rateExcess = ZERO;
  let quantityExcess = ZERO;
  for (const g of groups.values()) {
    const nights = Q.int(g.nights);
    const qIn = quantity.times(nights).div(Q.int(period.length));
    const leftHere = share.times(nights);
    let r = rate.minus(g.rate).times(qIn);
    r = r.isPos() ? Q.min(r, leftHere) : ZERO;
    rateExcess = rateExcess.plus(r);
    if (g.max !== null) {
      const over = qIn.minus(g.max.times(nights).div(SEVEN));
      if (over.isPos()) quantityExcess = quantityExcess.plus(Q.max(ZERO, Q.min(over.times(g.rate), leftHere.minus(r))));
    }
  }
  raws.push({ rule: "extra-rate-above-agreed", amount: rateExcess });
  raws.push({ rule: "extra-quantity-above-agreed", amount: quantityExcess });
  return raws;
}
