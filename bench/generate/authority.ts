/**
 * The synthetic authority of the benchmarks: providers, contracts, rate cards with an April
 * uplift, placements (some moving between carers, some siblings, some ending in the year),
 * agreed fee changes, packages of 1:1 hours, absences and discounts of all four kinds.
 *
 * Every agreed nightly fee is a whole number of pounds (weekly fees are multiples of £7), so
 * a correct invoice line is exact in pence and the planted errors are the only differences.
 */
import { dayFromIso, isoFromDay, type DayNumber, type IsoDate } from "../../src/domain/dates.js";
import type {
  Absence, AbsenceReason, AgreedPackage, Contract, Discount, Placement, PlacementFee, Provider, ProviderKind, Rate, ReferenceData,
} from "../../src/domain/reference.js";
import { Random } from "./random.js";

/** Invoices cover the twelve months of this year. */
export const YEAR = 2026;
export const UPLIFT_DAY: DayNumber = dayFromIso(`${YEAR}-04-01`);
/** Day numbers are kept in arrays from this day (per-day child counts for volume discounts). */
export const DAY0: DayNumber = dayFromIso("2022-01-01");
export const DAYS = dayFromIso("2029-01-01") - DAY0;

const LEVELS = ["standard", "enhanced", "complex"] as const;
const LEVEL_BASE: Readonly<Record<string, number>> = { standard: 118, enhanced: 164, complex: 296 };
const KINDS: readonly ProviderKind[] = ["ifa", "ifa", "residential", "supported_16plus", "parent_child", "other"];
const REASONS: readonly AbsenceReason[] = ["hospital", "missing", "custody", "respite", "other"];
/** The rate card's 1:1 hour rate; packages may agree their own. */
export const CARD_HOUR_RATE = 25;
export const PACKAGE_MAX_HOURS = 10;

export interface GenProvider {
  readonly provider: Provider;
  readonly contract: Contract;
  readonly index: number;
  /** Contract absence terms: retainer percent and nights (null = no limit). */
  readonly retainerPct: number;
  readonly retainerMax: number | null;
  readonly vatCharged: boolean;
  readonly discounts: readonly GenDiscount[];
  /** Per day from DAY0: children placed with the provider (each child once); only when a volume discount needs it. */
  childCount: Int32Array | null;
  readonly placements: GenPlacement[];
}

export interface GenDiscount {
  readonly discount: Discount;
  readonly percent: number;
  readonly threshold: number | null;
}

export interface GenPlacement {
  readonly placement: Placement;
  readonly provider: GenProvider;
  readonly start: DayNumber;
  /** The end_date as a day number (the day the child left), null when ongoing. */
  readonly end: DayNumber | null;
  /** First night not placed (AUDIT.md "placed night": the end date itself is placed when the contract pays the departure day). */
  readonly placedEnd: DayNumber;
  /** First night this placement is not the one that counts (a later placement of the child starts). */
  billedEnd: DayNumber;
  /** Nightly fee in pounds from the placement's weekly_fee (null: the fee comes from elsewhere). */
  readonly weeklyNightly: number | null;
  /** placement_fees rows: from day, nightly pounds. */
  readonly feeChanges: readonly { from: DayNumber; nightly: number }[];
  /** Service level whose rate card row gives the fee ("bespoke" has none: no-agreed-rate). */
  readonly level: string;
  /** Absences of the placement as night ranges, sorted and disjoint. */
  readonly absences: readonly { start: DayNumber; end: DayNumber }[];
  /** Package of 1:1 hours: the agreed rate in pounds (null = the rate card's). */
  readonly hourPackage: { rate: number | null } | null;
  /** For the second of two siblings: the placement of the sibling that comes first. */
  earlierSibling: GenPlacement | null;
}

export interface GeneratedAuthority {
  readonly reference: ReferenceData;
  readonly providers: readonly GenProvider[];
  readonly placements: readonly GenPlacement[];
}

const pad = (n: number, width: number): string => String(n).padStart(width, "0");
const money = (pounds: number): string => pounds.toFixed(2);

/** The placement rate card of one contract: nightly pounds for a level on a day, null before the card starts. */
export function cardNightly(provider: GenProvider, level: string, d: DayNumber): number | null {
  const base = LEVEL_BASE[level];
  if (base === undefined) return null;
  const first = dayFromIso(`${YEAR - 1}-04-01`);
  if (d < first) return null;
  return base + (provider.index % 23) + (d >= UPLIFT_DAY ? 4 : 0);
}

/** W/7 in pounds for P on night d (AUDIT.md "agreed weekly fee"), null when nothing agrees one. */
export function agreedNightly(p: GenPlacement, d: DayNumber): number | null {
  let changed: number | null = null;
  for (const change of p.feeChanges) if (change.from <= d) changed = change.nightly;
  if (changed !== null) return changed;
  if (p.weeklyNightly !== null) return p.weeklyNightly;
  return cardNightly(p.provider, p.level, d);
}

/** f(P, d) in percent (100 when present). */
export function absenceFactorPct(p: GenPlacement, d: DayNumber): number {
  for (const a of p.absences) {
    if (d < a.start || d >= a.end) continue;
    const n = d - a.start + 1;
    const max = p.provider.retainerMax;
    return max === null || n <= max ? p.provider.retainerPct : 0;
  }
  return 100;
}

function placedOn(p: GenPlacement, d: DayNumber): boolean {
  return d >= p.start && d < p.placedEnd;
}

/** p(P, d) in percent, capped at 100 (AUDIT.md "Discount"). */
export function discountPct(p: GenPlacement, d: DayNumber): number {
  let total = 0;
  let volume: GenDiscount | null = null;
  for (const row of p.provider.discounts) {
    switch (row.discount.kind) {
      case "percentage":
        total += row.percent;
        break;
      case "sibling":
        if (p.earlierSibling !== null && placedOn(p.earlierSibling, d)) total += row.percent;
        break;
      case "volume": {
        const counts = p.provider.childCount;
        if (counts !== null && row.threshold !== null && (counts[d - DAY0] ?? 0) >= row.threshold && (volume === null || row.threshold > (volume.threshold ?? 0))) volume = row;
        break;
      }
      case "length_of_stay":
        if (row.threshold !== null && d >= p.start + Math.ceil(7 * row.threshold)) total += row.percent;
        break;
    }
  }
  if (volume !== null) total += volume.percent;
  return Math.min(100, total);
}

/**
 * Builds the authority: about `placementCount` placements spread over providers of about 200
 * placements each (never fewer than 8 providers), all with the same seed-driven mix.
 */
export function generateAuthority(placementCount: number, seed: number): GeneratedAuthority {
  const random = new Random(seed);
  const providerCount = Math.max(8, Math.round(placementCount / 200));
  const providers: GenProvider[] = [];
  const reference: ReferenceData = { providers: [], contracts: [], rates: [], placements: [], placementFees: [], packages: [], discounts: [], absences: [] };

  for (let i = 0; i < providerCount; i++) {
    const r = random.fork(1000 + i);
    const providerId = `PR${pad(i + 1, 4)}`;
    const contractId = `CO${pad(i + 1, 4)}`;
    const kind = KINDS[i % KINDS.length] as ProviderKind;
    const registered = r.chance(0.7);
    const vatCharged = registered && kind === "supported_16plus" && r.chance(0.5);
    const retainer = r.chance(0.5);
    const payDeparture = r.chance(0.2);
    const provider: Provider = {
      providerId,
      name: `Provider ${pad(i + 1, 4)} Care Ltd`,
      kind,
      vatNumber: registered ? `GB${pad(100000000 + i * 37, 9)}` : null,
      aliases: [`Provider ${pad(i + 1, 4)} Care`],
    };
    const contract: Contract = {
      contractId,
      providerId,
      title: `Framework ${pad(i + 1, 4)}`,
      startDate: "2020-01-01",
      endDate: null,
      payDepartureDay: payDeparture,
      absenceRetainerPct: retainer ? "80" : "100",
      absenceRetainerMaxNights: retainer ? 14 : null,
      vatExempt: !vatCharged,
    };
    const discounts: GenDiscount[] = [];
    const addDiscount = (kindOf: Discount["kind"], percent: number, threshold: number | null, description: string): void => {
      const discount: Discount = {
        discountId: `D${pad(i + 1, 4)}-${discounts.length + 1}`,
        providerId,
        contractId: null,
        kind: kindOf,
        percent: String(percent),
        threshold: threshold === null ? null : String(threshold),
        effectiveFrom: "2024-01-01",
        effectiveTo: null,
        description,
      };
      discounts.push({ discount, percent, threshold });
      reference.discounts.push(discount);
    };
    if (r.chance(0.25)) addDiscount("percentage", 5, null, "Framework discount");
    if (r.chance(0.15)) addDiscount("length_of_stay", 3, 104, "Long stay discount after two years");
    if (r.chance(0.15)) addDiscount("sibling", 10, null, "Sibling discount");
    // A threshold near the provider's usual number of children, so the tier switches on and off during the year.
    if (r.chance(0.1)) addDiscount("volume", 2, 150, "Volume rebate at 150 children");
    providers.push({
      provider, contract, index: i, retainerPct: retainer ? 80 : 100, retainerMax: retainer ? 14 : null, vatCharged, discounts, childCount: null, placements: [],
    });
    reference.providers.push(provider);
    reference.contracts.push(contract);
    for (const level of LEVELS) {
      const base = (LEVEL_BASE[level] as number) + (i % 23);
      reference.rates.push({ contractId, item: "placement", serviceLevel: level, unit: "week", rate: money(7 * base), effectiveFrom: `${YEAR - 1}-04-01`, effectiveTo: `${YEAR}-03-31` });
      reference.rates.push({ contractId, item: "placement", serviceLevel: level, unit: "week", rate: money(7 * (base + 4)), effectiveFrom: `${YEAR}-04-01`, effectiveTo: null });
    }
    reference.rates.push({ contractId, item: "one_to_one_hour", serviceLevel: null, unit: "hour", rate: money(CARD_HOUR_RATE), effectiveFrom: "2024-01-01", effectiveTo: null } satisfies Rate);
  }

  const placements: GenPlacement[] = [];
  const yearStart = dayFromIso(`${YEAR}-01-01`);
  const yearEnd = dayFromIso(`${YEAR + 1}-01-01`);
  let child = 0;
  const add = (spec: {
    provider: GenProvider; childRef: string; start: DayNumber; end: DayNumber | null; level: string; weeklyNightly: number | null;
    feeChanges: { from: DayNumber; nightly: number }[]; siblingGroup: string | null; r: Random;
  }): GenPlacement => {
    const n = placements.length + 1;
    const placementId = `PL${pad(n, 7)}`;
    const contract = spec.provider.contract;
    const placedEnd = spec.end === null ? DAYS + DAY0 : spec.end + (contract.payDepartureDay ? 1 : 0);
    const absences: { start: DayNumber; end: DayNumber }[] = [];
    if (spec.r.chance(0.06)) {
      const from = spec.r.int(Math.max(spec.start, yearStart), yearEnd - 30);
      if (from < placedEnd - 30) absences.push({ start: from, end: from + spec.r.int(3, 24) });
    }
    const hourPackage = spec.r.chance(0.08) ? { rate: spec.r.chance(0.5) ? 26 : null } : null;
    const placement: Placement = {
      placementId,
      childRef: spec.childRef,
      providerId: spec.provider.provider.providerId,
      contractId: contract.contractId,
      serviceLevel: spec.level,
      startDate: isoFromDay(spec.start),
      endDate: spec.end === null ? null : isoFromDay(spec.end),
      weeklyFee: spec.weeklyNightly === null ? null : money(7 * spec.weeklyNightly),
      siblingGroup: spec.siblingGroup,
      poNumber: `PO-${pad(n, 7)}`,
    };
    const gen: GenPlacement = {
      placement, provider: spec.provider, start: spec.start, end: spec.end, placedEnd, billedEnd: placedEnd, weeklyNightly: spec.weeklyNightly,
      feeChanges: spec.feeChanges, level: spec.level, absences, hourPackage, earlierSibling: null,
    };
    placements.push(gen);
    spec.provider.placements.push(gen);
    reference.placements.push(placement);
    for (const change of spec.feeChanges) reference.placementFees.push({ placementId, effectiveFrom: isoFromDay(change.from), weeklyFee: money(7 * change.nightly) } satisfies PlacementFee);
    for (const a of absences) reference.absences.push({ placementId, fromDate: isoFromDay(a.start), toDate: isoFromDay(a.end - 1), reason: spec.r.pick(REASONS) } satisfies Absence);
    if (hourPackage) {
      reference.packages.push({
        placementId, item: "one_to_one_hour", unit: "hour", rate: hourPackage.rate === null ? null : money(hourPackage.rate), maxPerWeek: String(PACKAGE_MAX_HOURS),
        effectiveFrom: "2024-01-01", effectiveTo: null,
      } satisfies AgreedPackage);
    }
    return gen;
  };

  const perProvider = Math.ceil(placementCount / providerCount);
  for (let i = 0; placements.length < placementCount; i++) {
    const provider = providers[Math.min(providers.length - 1, Math.floor(placements.length / perProvider))] as GenProvider;
    const r = random.fork(50_000_000 + i);
    const ongoing = r.chance(0.75);
    const start = ongoing ? r.int(dayFromIso("2023-01-01"), yearStart - 1) : r.int(yearStart, dayFromIso(`${YEAR}-11-30`));
    const earliestEnd = Math.max(start + 30, yearStart + 14);
    const end = r.chance(0.2) && earliestEnd < yearEnd - 10 ? r.int(earliestEnd, yearEnd - 10) : null;
    const bespoke = r.chance(0.003);
    const level = bespoke ? "bespoke" : r.next() < 0.6 ? "standard" : r.next() < 0.75 ? "enhanced" : "complex";
    const individual = !bespoke && r.chance(0.35);
    const weeklyNightly = individual ? r.int(110, 420) : null;
    const feeChanges: { from: DayNumber; nightly: number }[] = [];
    // An agreed fee change during the year, after the placement started (the importer refuses one before).
    const changeFrom = Math.max(start + 20, yearStart + 20);
    const changeUntil = Math.min(yearEnd - 40, (end ?? yearEnd) - 1);
    if (individual && changeFrom < changeUntil && r.chance(0.35)) feeChanges.push({ from: r.int(changeFrom, changeUntil), nightly: (weeklyNightly as number) + r.int(3, 12) });
    const childRef = `C${pad(++child, 7)}`;
    const sibling = r.chance(0.04) && end === null;
    const first = add({ provider, childRef, start, end: sibling ? null : end, level, weeklyNightly, feeChanges, siblingGroup: sibling ? `SG${pad(child, 7)}` : null, r });
    if (sibling) {
      // Two children placed together on one day; the second in (start_date, child_ref) order gets the sibling discount.
      const second = add({ provider, childRef: `C${pad(++child, 7)}`, start, end: null, level, weeklyNightly, feeChanges: [], siblingGroup: first.placement.siblingGroup, r });
      second.earlierSibling = first;
    } else if (end === null && start + 30 < yearEnd - 40 && r.chance(0.03)) {
      // A move between two of the provider's carers during the year: the later placement counts from the move.
      const move = r.int(Math.max(start + 30, yearStart + 20), yearEnd - 40);
      const moved = placements.pop() as GenPlacement;
      provider.placements.pop();
      reference.placements.pop();
      reference.placementFees.splice(reference.placementFees.length - moved.feeChanges.length, moved.feeChanges.length);
      reference.absences.splice(reference.absences.length - moved.absences.length, moved.absences.length);
      if (moved.hourPackage) reference.packages.pop();
      const before = add({ provider, childRef, start, end: move, level, weeklyNightly, feeChanges: feeChanges.filter((c) => c.from < move), siblingGroup: null, r });
      add({ provider, childRef, start: move, end: null, level, weeklyNightly: r.int(110, 420), feeChanges: [], siblingGroup: null, r });
      before.billedEnd = Math.min(before.placedEnd, move);
    }
  }

  for (const provider of providers) {
    if (!provider.discounts.some((d) => d.discount.kind === "volume")) continue;
    const diff = new Int32Array(DAYS + 1);
    const byChild = new Map<string, GenPlacement[]>();
    for (const p of provider.placements) {
      const list = byChild.get(p.placement.childRef);
      if (list) list.push(p);
      else byChild.set(p.placement.childRef, [p]);
    }
    for (const list of byChild.values()) {
      // Each child once: the union of its placed nights.
      const ranges = list.map((p) => [p.start, p.placedEnd] as const).sort((a, b) => a[0] - b[0]);
      let [s, e] = ranges[0] as readonly [number, number];
      const flush = (): void => {
        diff[Math.max(0, s - DAY0)]! += 1;
        diff[Math.min(DAYS, e - DAY0)]! -= 1;
      };
      for (const [rs, re] of ranges.slice(1)) {
        if (rs <= e) e = Math.max(e, re);
        else {
          flush();
          [s, e] = [rs, re];
        }
      }
      flush();
    }
    const counts = new Int32Array(DAYS);
    let running = 0;
    for (let d = 0; d < DAYS; d++) counts[d] = running += diff[d] as number;
    provider.childCount = counts;
  }
  return { reference, providers, placements };
}

export function isoDay(d: DayNumber): IsoDate {
  return isoFromDay(d);
}
