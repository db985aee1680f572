/**
 * A second opinion on expected-findings.json: a small, independent reading of AUDIT.md applied
 * to the sample data (reference.data.ts and invoices.data.ts), with plain decimal arithmetic.
 * It is NOT the audit engine and covers only what the samples use; the hand-worked
 * expected-findings.json stays the source of truth. It also checks that the lines called clean
 * raise nothing (not even below the £5.00 threshold, except the weekly-rounding pennies it
 * lists), that every rule fires, and that each line's item follows AUDIT.md's keywords.
 *
 * Run: npx tsx samples/check-expected.ts   (exit 1 on any difference)
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Dec } from "../src/domain/money.js";
import type { RuleId } from "../src/domain/finding.js";
import { RULE_CATEGORIES, RULE_ORDER } from "../rules/catalogue.js";
import { invoices, type InvoiceSpec, type LineSpec } from "./invoices.data.js";
import { invoiceTotals, LAYOUT_EXTENSION } from "./layouts.js";
import * as ref from "./reference.data.js";

type D = InstanceType<typeof Dec>;
const ZERO = new Dec(0);
const THRESHOLD = new Dec("5.00");
const VAT_RATE = new Dec("0.20");

const DAY_MS = 86_400_000;
const day = (iso: string): number => {
  const uk = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(iso);
  const text = uk ? `${uk[3]}-${uk[2]}-${uk[1]}` : iso;
  return Date.parse(`${text}T00:00:00Z`) / DAY_MS;
};
const blank = (v: string | undefined): v is undefined | "" => v === undefined || v === "";

// ------------------------------------------------------------------------ reference data
const contracts = new Map(ref.contracts.rows.map((r) => [r.contract_id!, r]));
const providers = new Map(ref.providers.rows.map((r) => [r.provider_id!, r]));
const placements = ref.placements.rows;

function placedOn(p: ref.Row, d: number): boolean {
  const contract = contracts.get(p.contract_id!)!;
  if (d < day(p.start_date!)) return false;
  if (blank(p.end_date)) return true;
  const end = day(p.end_date);
  return contract.pay_departure_day === "true" ? d <= end : d < end;
}

/** The placement that counts on night d for this child with this provider (the later start wins). */
function placementOn(providerId: string, childRef: string, d: number): ref.Row | null {
  const candidates = placements.filter((p) => p.provider_id === providerId && p.child_ref === childRef && placedOn(p, d));
  candidates.sort((a, b) => day(b.start_date!) - day(a.start_date!));
  return candidates[0] ?? null;
}

function inForce(from: string | undefined, to: string | undefined, d: number): boolean {
  return !blank(from) && day(from) <= d && (blank(to) || d <= day(to));
}

function rateCardRows(contractId: string, item: string, serviceLevel: string | null, d: number): ref.Row | null {
  const rows = ref.rates.rows.filter((r) => r.contract_id === contractId && r.item === item && (serviceLevel === null || r.service_level === serviceLevel) && inForce(r.effective_from, r.effective_to, d));
  rows.sort((a, b) => day(b.effective_from!) - day(a.effective_from!));
  return rows[0] ?? null;
}

/** W(P, d): the agreed weekly fee, or null. */
function weeklyFee(p: ref.Row, d: number): D | null {
  const fees = ref.placementFees.rows.filter((r) => r.placement_id === p.placement_id && day(r.effective_from!) <= d);
  fees.sort((a, b) => day(b.effective_from!) - day(a.effective_from!));
  if (fees[0]) return new Dec(fees[0].weekly_fee!);
  if (!blank(p.weekly_fee)) return new Dec(p.weekly_fee);
  if (blank(p.service_level)) return null;
  const rate = rateCardRows(p.contract_id!, "placement", p.service_level, d);
  return rate ? new Dec(rate.rate!) : null;
}

/** Agreed weekly fees for P that take effect after night d (for uplift-before-effective-date). */
function laterFees(p: ref.Row, d: number): D[] {
  const out: D[] = [];
  for (const r of ref.placementFees.rows) if (r.placement_id === p.placement_id && day(r.effective_from!) > d) out.push(new Dec(r.weekly_fee!));
  if (!blank(p.service_level)) {
    for (const r of ref.rates.rows) {
      if (r.contract_id === p.contract_id && r.item === "placement" && r.service_level === p.service_level && day(r.effective_from!) > d) out.push(new Dec(r.rate!));
    }
  }
  return out;
}

/** f(P, d). */
function absenceFactor(p: ref.Row, d: number): D {
  const nights = new Set<number>();
  for (const a of ref.absences.rows) {
    if (a.placement_id !== p.placement_id) continue;
    for (let n = day(a.from_date!); n <= day(a.to_date!); n++) nights.add(n);
  }
  if (!nights.has(d)) return new Dec(1);
  let first = d;
  while (nights.has(first - 1)) first--;
  const nth = d - first + 1;
  const contract = contracts.get(p.contract_id!)!;
  const pct = new Dec(blank(contract.absence_retainer_pct) ? "100" : contract.absence_retainer_pct);
  const max = blank(contract.absence_retainer_max_nights) ? null : Number(contract.absence_retainer_max_nights);
  return max === null || nth <= max ? pct.div(100) : ZERO;
}

function childrenPlaced(providerId: string, contractId: string | null, d: number): number {
  const children = new Set<string>();
  for (const p of placements) {
    if (p.provider_id === providerId && (contractId === null || p.contract_id === contractId) && placedOn(p, d)) children.add(p.child_ref!);
  }
  return children.size;
}

/** p(P, d) in percent. */
function discountPct(p: ref.Row, d: number): D {
  let total = ZERO;
  let bestVolume: { threshold: number; percent: D } | null = null;
  for (const r of ref.discounts.rows) {
    if (r.provider_id !== p.provider_id) continue;
    if (!blank(r.contract_id) && r.contract_id !== p.contract_id) continue;
    if (!inForce(r.effective_from, r.effective_to, d)) continue;
    const percent = new Dec(r.percent!);
    switch (r.kind ?? "") {
      case "percentage":
        total = total.plus(percent);
        break;
      case "sibling": {
        if (blank(p.sibling_group)) break;
        const before = placements.some((q) => q !== p && q.provider_id === p.provider_id && q.sibling_group === p.sibling_group && placedOn(q, d)
          && (day(q.start_date!) < day(p.start_date!) || (q.start_date === p.start_date && q.child_ref! < p.child_ref!)));
        if (before) total = total.plus(percent);
        break;
      }
      case "volume": {
        const threshold = Number(r.threshold);
        if (childrenPlaced(p.provider_id!, blank(r.contract_id) ? null : r.contract_id, d) >= threshold && (!bestVolume || threshold > bestVolume.threshold)) bestVolume = { threshold, percent };
        break;
      }
      case "length_of_stay":
        if (d >= day(p.start_date!) + 7 * Number(r.threshold)) total = total.plus(percent);
        break;
      default:
        throw new Error(`unknown discount kind ${r.kind}`);
    }
  }
  if (bestVolume) total = total.plus(bestVolume.percent);
  return Dec.min(total, 100);
}

// ------------------------------------------------------------------------ line kinds
const KEYWORDS: readonly (readonly [string, string])[] = [
  ["1:1", "one_to_one_hour"], ["1-1", "one_to_one_hour"], ["one to one", "one_to_one_hour"], ["one-to-one", "one_to_one_hour"],
  ["additional staffing", "one_to_one_hour"], ["support hours", "one_to_one_hour"],
  ["education", "education_day"], ["school", "education_day"], ["tuition", "education_day"],
  ["transport", "transport_mile"], ["mileage", "transport_mile"], ["travel", "transport_mile"], ["miles", "transport_mile"],
  ["therapy", "therapy_session"], ["therapeutic", "therapy_session"], ["counselling", "therapy_session"], ["psychology", "therapy_session"],
];

function classify(line: LineSpec): string {
  if (new Dec(line.amount).isNegative()) return "discount";
  const text = line.description.toLowerCase();
  let best: { at: number; item: string } | null = null;
  for (const [keyword, item] of KEYWORDS) {
    const at = text.indexOf(keyword);
    if (at >= 0 && (!best || at < best.at)) best = { at, item };
  }
  if (best) return best.item;
  if (line.unit === "night" || line.unit === "day" || line.unit === "week") return "placement";
  if (/placement|fee|care|foster|residential|accommodation/.test(text)) return "placement";
  return "unknown";
}

// ------------------------------------------------------------------------ the audit
interface Found {
  provider_id: string;
  invoice_number: string;
  source_file: string;
  child_ref: string | null;
  rule: RuleId;
  amount: string;
  status: "open" | "recovered";
}

interface Remark {
  file: string;
  text: string;
}

const fileOf = (spec: InvoiceSpec): string => `${spec.file}.${LAYOUT_EXTENSION[spec.layout]}`;
const round2 = (v: D): D => v.toDecimalPlaces(2, Dec.ROUND_HALF_UP);

function lineChild(providerId: string, line: LineSpec): string | null {
  for (const p of placements) {
    if (p.provider_id !== providerId) continue;
    if (line.child !== null && p.child_ref === line.child) return p.child_ref;
    if (line.po !== null && (p.placement_id === line.po || p.po_number === line.po)) return p.child_ref!;
  }
  return null;
}

function audit(): { found: Found[]; remarks: Remark[] } {
  const found: Found[] = [];
  const remarks: Remark[] = [];
  const ordered = [...invoices].sort((a, b) => a.date.localeCompare(b.date) || fileOf(a).localeCompare(fileOf(b)) || a.number.localeCompare(b.number));
  const voided = new Set<string>();
  for (const cn of invoices.filter((i) => i.kind === "credit_note")) {
    const target = invoices.find((i) => i.kind === "invoice" && i.providerId === cn.providerId && i.number === cn.creditsInvoice);
    if (target && invoiceTotals(target).total.eq(invoiceTotals(cn).total)) voided.add(fileOf(target));
  }
  const seen = new Set<string>();
  const feeHistory = new Map<string, Set<number>>();
  const extraHistory = new Map<string, Set<number>>();

  for (const spec of ordered) {
    if (spec.kind === "credit_note") continue;
    const file = fileOf(spec);
    const status = voided.has(file) ? "recovered" : "open";
    const raise = (childRef: string | null, rule: RuleId, amount: D): void => {
      const rounded = round2(amount);
      if (rounded.gte(THRESHOLD)) found.push({ provider_id: spec.providerId, invoice_number: spec.number, source_file: file, child_ref: childRef, rule, amount: rounded.toFixed(2), status });
      else if (rounded.gt(0)) remarks.push({ file, text: `${childRef ?? "invoice"} ${rule} ${rounded.toFixed(2)} below the threshold` });
    };
    const totals = invoiceTotals(spec);
    const key = `${spec.providerId}|${spec.number}`;
    if (seen.has(key)) {
      raise(null, "duplicate-invoice", totals.total);
      continue;
    }
    if (!voided.has(file)) seen.add(key);
    const recordHistory = !voided.has(file);

    for (const l of spec.lines) {
      if (classify(l) !== l.item) throw new Error(`${file}: "${l.description}" classifies as ${classify(l)}, data says ${l.item}`);
    }
    const period = (l: LineSpec): number[] => {
      const out: number[] = [];
      for (let n = day(l.from ?? spec.periodFrom); n <= day(l.to ?? spec.periodTo); n++) out.push(n);
      return out;
    };

    // Discount credits, pro rata by printed amount over the matched fee lines they belong to.
    const credit = new Map<LineSpec, D>();
    const feeLines = spec.lines.filter((l) => l.item === "placement" && lineChild(spec.providerId, l) !== null);
    for (const dl of spec.lines.filter((l) => l.item === "discount")) {
      const target = dl.child === null ? feeLines : feeLines.filter((l) => lineChild(spec.providerId, l) === dl.child);
      const base = target.reduce((acc, l) => acc.plus(l.amount), ZERO);
      for (const l of target) credit.set(l, (credit.get(l) ?? ZERO).plus(new Dec(dl.amount).abs().times(l.amount).div(base)));
    }

    let vatDue = ZERO;
    const contractOfLine = (l: LineSpec, child: string): ref.Row | undefined => {
      for (const n of period(l)) {
        const p = placementOn(spec.providerId, child, n);
        if (p) return contracts.get(p.contract_id!);
      }
      return contracts.get(placements.find((p) => p.provider_id === spec.providerId && p.child_ref === child)!.contract_id!);
    };

    for (const l of spec.lines) {
      if (l.item === "discount") continue;
      const child = lineChild(spec.providerId, l);
      if (child === null) {
        raise(l.child ?? l.po, "unmatched-line", new Dec(l.amount));
        continue;
      }
      const contract = contractOfLine(l, child);
      if (contract && contract.vat_exempt === "false") vatDue = vatDue.plus(new Dec(l.amount).minus(credit.get(l) ?? ZERO));
      const qty = new Dec(l.quantity!);
      const rate = new Dec(l.rate!);
      const charged = new Dec(l.amount);
      const product = round2(qty.times(rate));
      let worth = charged;
      const findings: [RuleId, D][] = [];
      if (charged.gt(product)) {
        findings.push(["arithmetic-error", charged.minus(product)]);
        worth = qty.times(rate);
      } else if (charged.lt(product)) {
        remarks.push({ file, text: `${child} undercharge ${product.minus(charged).toFixed(2)} (arithmetic)` });
      }
      const nights = period(l);

      if (l.item === "placement") {
        const nightly = l.unit === "week" ? rate.div(7) : rate;
        const qtyNights = l.unit === "week" ? qty.times(7) : qty;
        let billed = nights;
        let left = worth;
        if (qtyNights.minus(nights.length).gt("0.1")) {
          const excess = qtyNights.minus(nights.length).times(nightly);
          findings.push(["quantity-exceeds-period", excess]);
          left = left.minus(excess);
        } else if (new Dec(nights.length).minus(qtyNights).gt("0.1")) {
          const count = qtyNights.round().toNumber();
          const placedFirst = [...nights.filter((n) => placementOn(spec.providerId, child, n)), ...nights.filter((n) => !placementOn(spec.providerId, child, n))];
          billed = placedFirst.slice(0, count).sort((a, b) => a - b);
        }
        const c = left.div(billed.length);
        const historyKey = `${spec.providerId}|${child}`;
        const history = feeHistory.get(historyKey) ?? new Set<number>();
        let remaining = billed;
        const drop = (rule: RuleId, test: (n: number) => boolean): void => {
          const out = remaining.filter(test);
          if (out.length > 0) findings.push([rule, c.times(out.length)]);
          remaining = remaining.filter((n) => !test(n));
        };
        drop("duplicate-billing", (n) => history.has(n));
        drop("outside-placement", (n) => placementOn(spec.providerId, child, n) === null);
        drop("no-agreed-rate", (n) => weeklyFee(placementOn(spec.providerId, child, n)!, n) === null);
        let absenceShare = ZERO;
        let L = ZERO;
        let A = ZERO;
        let E = ZERO;
        for (const n of remaining) {
          const p = placementOn(spec.providerId, child, n)!;
          const w7 = weeklyFee(p, n)!.div(7);
          const fac = absenceFactor(p, n);
          let share = ZERO;
          if (fac.lt(1)) share = Dec.max(ZERO, Dec.min(c, w7).minus(w7.times(fac)));
          absenceShare = absenceShare.plus(share);
          L = L.plus(c.minus(share));
          A = A.plus(w7.times(fac));
          E = E.plus(w7.times(fac).times(new Dec(1).minus(discountPct(p, n).div(100))));
        }
        if (absenceShare.gt(0)) findings.push(["absence-not-at-retainer", absenceShare]);
        if (L.minus(A).gt(0)) {
          const first = remaining[0]!;
          const p = placementOn(spec.providerId, child, first)!;
          const uplift = laterFees(p, first).some((w) => w.div(7).minus(nightly).abs().lte("0.01"));
          findings.push([uplift ? "uplift-before-effective-date" : "rate-above-agreed", L.minus(A)]);
        }
        const due = Dec.min(L, A).minus(E);
        const lineCredit = credit.get(l) ?? ZERO;
        if (due.minus(lineCredit).gt(0)) findings.push(["discount-not-applied", due.minus(lineCredit)]);
        else if (lineCredit.minus(due).gt(0)) remarks.push({ file, text: `${child} discount credit exceeds due by ${round2(lineCredit.minus(due)).toFixed(2)}` });
        const creditUsed = Dec.min(lineCredit, Dec.max(due, ZERO));
        const cap = Dec.max(ZERO, charged.minus(creditUsed).minus(E));
        let sum = findings.reduce((acc, [, v]) => acc.plus(v), ZERO);
        for (let i = findings.length - 1; i >= 0 && sum.gt(cap); i--) {
          const cut = Dec.min(findings[i]![1], sum.minus(cap));
          findings[i]![1] = findings[i]![1].minus(cut);
          sum = sum.minus(cut);
        }
        if (recordHistory) {
          for (const n of billed) history.add(n);
          feeHistory.set(historyKey, history);
        }
      } else {
        const historyKey = `${spec.providerId}|${child}|${l.item}`;
        const history = extraHistory.get(historyKey) ?? new Set<number>();
        let left = worth;
        const dup = nights.filter((n) => history.has(n));
        if (dup.length > 0) {
          const share = left.times(dup.length).div(nights.length);
          findings.push(["duplicate-billing", share]);
          left = left.minus(share);
        }
        const live = nights.filter((n) => !history.has(n));
        const outside = live.filter((n) => placementOn(spec.providerId, child, n) === null);
        if (outside.length > 0) {
          const share = left.times(outside.length).div(live.length);
          findings.push(["outside-placement", share]);
          left = left.minus(share);
        }
        const placed = live.filter((n) => placementOn(spec.providerId, child, n) !== null);
        const qtyIn = qty.times(placed.length).div(nights.length);
        const p = placementOn(spec.providerId, child, placed[0]!)!;
        const pkg = ref.packages.rows.find((r) => r.placement_id === p.placement_id && r.item === l.item && inForce(r.effective_from, r.effective_to, placed[0]!));
        const card = l.item === "unknown" ? null : rateCardRows(p.contract_id!, l.item, null, placed[0]!);
        if (!pkg && !card) {
          findings.push(["extra-not-agreed", left]);
        } else {
          const agreed = new Dec(pkg && !blank(pkg.rate) ? pkg.rate : card!.rate!);
          if (rate.gt(agreed)) findings.push(["extra-rate-above-agreed", rate.minus(agreed).times(qtyIn)]);
          if (pkg && !blank(pkg.max_per_week)) {
            const over = qtyIn.minus(new Dec(pkg.max_per_week).times(placed.length).div(7));
            if (over.gt(0)) findings.push(["extra-quantity-above-agreed", over.times(agreed)]);
          }
        }
        if (recordHistory) {
          for (const n of nights) history.add(n);
          extraHistory.set(historyKey, history);
        }
      }
      for (const [rule, amount] of findings) raise(child, rule, amount);
    }

    const provider = providers.get(spec.providerId)!;
    if (blank(provider.vat_number)) vatDue = ZERO;
    const vatPrinted = totals.vat ?? ZERO;
    vatDue = vatDue.times(VAT_RATE);
    if (vatPrinted.gt(vatDue)) raise(null, "vat-overcharge", vatPrinted.minus(vatDue));
    const linesSum = spec.lines.reduce((acc, l) => acc.plus(l.amount), ZERO);
    if (totals.total.gt(linesSum.plus(vatPrinted))) raise(null, "total-mismatch", totals.total.minus(linesSum.plus(vatPrinted)));
  }
  return { found, remarks };
}

// ------------------------------------------------------------------------ compare
interface ExpectedFinding extends Found {
  category: string;
  note: string;
}

const keyOf = (f: Found): string => `${f.source_file} | ${f.child_ref ?? "-"} | ${f.rule} | ${f.amount} | ${f.status}`;

function main(): void {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const expected = JSON.parse(readFileSync(path.join(here, "expected-findings.json"), "utf8")) as ExpectedFinding[];
  const problems: string[] = [];
  for (const e of expected) {
    if (RULE_CATEGORIES[e.rule] !== e.category) problems.push(`category of ${e.rule} is ${RULE_CATEGORIES[e.rule]}, not ${e.category}`);
    if (new Dec(e.amount).lt(THRESHOLD)) problems.push(`finding below £5.00: ${keyOf(e)}`);
    const spec = invoices.find((i) => fileOf(i) === e.source_file);
    if (!spec || spec.providerId !== e.provider_id || spec.number !== e.invoice_number) problems.push(`no invoice ${e.provider_id} ${e.invoice_number} in ${e.source_file}`);
  }
  const { found, remarks } = audit();
  const want = expected.map(keyOf).sort();
  const got = found.map(keyOf).sort();
  for (const k of want) if (!got.includes(k)) problems.push(`expected but not computed: ${k}`);
  for (const k of got) if (!want.includes(k)) problems.push(`computed but not expected: ${k}`);
  const missingRules = RULE_ORDER.filter((rule) => !expected.some((e) => e.rule === rule));
  if (missingRules.length > 0) problems.push(`rules that never fire: ${missingRules.join(", ")}`);
  const billed = invoices.filter((i) => i.kind === "invoice");
  const clean = billed.filter((i) => !expected.some((e) => e.source_file === fileOf(i)));
  if (clean.length * 3 < billed.length) problems.push(`only ${clean.length} of ${billed.length} invoices are clean`);

  process.stdout.write(`computed ${found.length} findings; expected ${expected.length}\n`);
  process.stdout.write(`clean invoices (${clean.length} of ${billed.length}): ${clean.map(fileOf).join(", ")}\n`);
  process.stdout.write(`notes (not findings):\n${remarks.map((r) => `  ${r.file}: ${r.text}`).join("\n")}\n`);
  if (problems.length > 0) {
    process.stdout.write(`DIFFERENCES:\n${problems.map((p) => `  ${p}`).join("\n")}\n`);
    process.exitCode = 1;
  } else {
    process.stdout.write("expected-findings.json agrees with the independent check\n");
  }
}

main();
