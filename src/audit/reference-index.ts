import type { DayNumber } from "../domain/dates.js";
import { exactOf, penceOf } from "../domain/pence.js";
import { normalize, subtract, type NightRange } from "../domain/ranges.js";
import type { Contract, Placement, Provider, ReferenceData } from "../domain/reference.js";
import { day, endAfter, FAR } from "./days.js";
import type { DiscountRow, FeeRow, PackageRow, RateRow } from "./reference-rows.js";
import { buildTariff, type TariffSegment, type TariffSources } from "./tariff.js";

// The dated rows are declared in reference-rows.ts so that tariff.ts needs no import of this
// index (which builds tariffs); they are the index's vocabulary, so they are exported here too.
export { rowInForce, type DatedRow, type DiscountRow, type FeeRow, type PackageRow, type RateRow } from "./reference-rows.js";

/** Everything known about one child's placements with one provider, night by night. */
export interface ChildTimeline {
  readonly providerId: string;
  readonly childRef: string;
  /** The child's placements with the provider, by start date. */
  readonly placements: readonly Placement[];
  /** Sorted, disjoint; on each a single placement counts and W, f and p are constant. */
  readonly segments: readonly TariffSegment[];
  /** The nights on which the child is placed with the provider (normalized). */
  readonly placed: readonly NightRange[];
}

/** Contract defaults of DATA.md, for a placement whose contract is missing from the reference data. */
const NO_CONTRACT: Omit<Contract, "contractId" | "providerId"> = {
  title: "",
  startDate: "1900-01-01",
  endDate: null,
  payDepartureDay: false,
  absenceRetainerPct: "100",
  absenceRetainerMaxNights: null,
  vatExempt: true,
};

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

const SEP = "\u0000";

/** The inner map of `key`, made when missing. */
function inner<V>(map: Map<string, Map<string, V>>, key: string): Map<string, V> {
  let found = map.get(key);
  if (found === undefined) map.set(key, (found = new Map<string, V>()));
  return found;
}

/**
 * In-memory indexes over the reference data, built once per audit run (DESIGN.md §9: no query
 * per line). Per-child timelines (each with its placements' tariffs) are computed on first use and kept.
 */
export class ReferenceIndex implements TariffSources {
  private readonly providers = new Map<string, Provider>();
  private readonly contracts = new Map<string, Contract>();
  private readonly placementsByProvider = new Map<string, Placement[]>();
  /** By provider, then child (asked once per child timeline: no combined key string built). */
  private readonly placementsByChild = new Map<string, Map<string, Placement[]>>();
  /** By provider, then placement id or PO number: looked up for lines that print no known child. */
  private readonly placementsByRef = new Map<string, Map<string, Placement>>();
  private readonly feeRows = new Map<string, FeeRow[]>();
  /** By contract, then item (two look-ups rather than a key string made for each). */
  private readonly rateRows = new Map<string, Map<string, RateRow[]>>();
  /** By placement, then item. */
  private readonly packageRows = new Map<string, Map<string, PackageRow[]>>();
  private readonly discountRows = new Map<string, DiscountRow[]>();
  private readonly absences = new Map<string, NightRange[]>();

  /** By provider, then child: looked up for every line, so no combined key string is built. */
  private readonly timelineCache = new Map<string, Map<string, ChildTimeline | null>>();
  private lastTimelineProvider: string | null = null;
  private lastTimelines: Map<string, ChildTimeline | null> | undefined = undefined;
  private readonly countCache = new Map<string, { start: DayNumber; end: DayNumber; count: number }[]>();
  /** By provider, then contract ("" for any), then threshold: asked for every tariff segment, so no key string is built. */
  private readonly volumeCache = new Map<string, Map<string, Map<number, NightRange[]>>>();
  private readonly siblingCache = new Map<string, NightRange[]>();
  /** By provider, then sibling group: its placements (so a placement's siblings are not sought among all the provider's). */
  private readonly siblingGroups = new Map<string, Map<string, Placement[]>>();
  /** Per placement: its contract's placement rates for its service level (asked per tariff segment). */
  private readonly placementRateCache = new Map<Placement, RateRow[]>();
  /** Per placement and item: the packages and the rate-card rows of its service level (extras ask per line). */
  private readonly extraRowCache = new Map<Placement, Map<string, { packages: readonly PackageRow[]; rates: readonly RateRow[] }>>();
  /** Per placement: the discounts that can apply (its provider's, for any contract or its own). */
  private readonly discountCache = new Map<Placement, DiscountRow[]>();

  constructor(ref: ReferenceData) {
    for (const provider of ref.providers) this.providers.set(provider.providerId, provider);
    for (const contract of ref.contracts) this.contracts.set(contract.contractId, contract);
    for (const p of ref.placements) {
      push(this.placementsByProvider, p.providerId, p);
      let byChild = this.placementsByChild.get(p.providerId);
      if (byChild === undefined) this.placementsByChild.set(p.providerId, (byChild = new Map<string, Placement[]>()));
      push(byChild, p.childRef, p);
      // A placement reference printed on an invoice may be the placement id or the PO number.
      let byRef = this.placementsByRef.get(p.providerId);
      if (byRef === undefined) this.placementsByRef.set(p.providerId, (byRef = new Map<string, Placement>()));
      if (!byRef.has(p.placementId)) byRef.set(p.placementId, p);
      if (p.poNumber !== null && p.poNumber !== "" && !byRef.has(p.poNumber)) byRef.set(p.poNumber, p);
    }
    for (const byChild of this.placementsByChild.values()) for (const list of byChild.values()) list.sort(byStart);
    for (const fee of ref.placementFees) {
      push(this.feeRows, fee.placementId, { from: day(fee.effectiveFrom), until: FAR, weeklyFee: penceOf(fee.weeklyFee) });
    }
    for (const list of this.feeRows.values()) list.sort((a, b) => a.from - b.from);
    for (const rate of ref.rates) {
      push(inner(this.rateRows, rate.contractId), rate.item, {
        from: day(rate.effectiveFrom),
        until: endAfter(rate.effectiveTo),
        item: rate.item,
        serviceLevel: rate.serviceLevel,
        unit: rate.unit,
        rate: penceOf(rate.rate),
      });
    }
    for (const pkg of ref.packages) {
      push(inner(this.packageRows, pkg.placementId), pkg.item, {
        from: day(pkg.effectiveFrom),
        until: endAfter(pkg.effectiveTo),
        item: pkg.item,
        unit: pkg.unit,
        rate: pkg.rate === null ? null : penceOf(pkg.rate),
        maxPerWeek: pkg.maxPerWeek === null ? null : exactOf(pkg.maxPerWeek),
      });
    }
    for (const discount of ref.discounts) {
      push(this.discountRows, discount.providerId, {
        from: day(discount.effectiveFrom),
        until: endAfter(discount.effectiveTo),
        discount,
        percent: exactOf(discount.percent),
        threshold: discount.threshold === null ? null : Number(discount.threshold),
      });
    }
    const absenceRanges = new Map<string, NightRange[]>();
    for (const absence of ref.absences) {
      push(absenceRanges, absence.placementId, { start: day(absence.fromDate), end: day(absence.toDate) + 1 });
    }
    // Rows that overlap or follow on form one continuous absence (AUDIT.md).
    for (const [placementId, ranges] of absenceRanges) this.absences.set(placementId, normalize(ranges));
  }

  /**
   * Forgets what was derived for the providers audited so far (tariffs, timelines, counts):
   * a run that audits provider after provider calls it between two, so its memory holds one
   * provider's derived data rather than the whole authority's. Only a cache: anything asked
   * for again is derived again, the same.
   */
  clearDerived(): void {
    this.timelineCache.clear();
    this.lastTimelineProvider = null;
    this.lastTimelines = undefined;
    this.countCache.clear();
    this.volumeCache.clear();
    this.siblingCache.clear();
    this.siblingGroups.clear();
    this.placementRateCache.clear();
    this.discountCache.clear();
    this.extraRowCache.clear();
  }

  /** What may agree an extra of `item` for P: its packages, and its contract's rate-card rows for P's service level or none. */
  extraRowsOf(p: Placement, item: string): { packages: readonly PackageRow[]; rates: readonly RateRow[] } {
    let byItem = this.extraRowCache.get(p);
    if (byItem === undefined) this.extraRowCache.set(p, (byItem = new Map<string, { packages: readonly PackageRow[]; rates: readonly RateRow[] }>()));
    let rows = byItem.get(item);
    if (rows === undefined) {
      rows = {
        packages: this.packagesOf(p, item),
        rates: this.ratesOf(p.contractId, item).filter((row) => row.serviceLevel === null || row.serviceLevel === p.serviceLevel),
      };
      byItem.set(item, rows);
    }
    return rows;
  }

  provider(providerId: string): Provider | undefined {
    return this.providers.get(providerId);
  }

  contractOf(p: Placement): Contract {
    return this.contracts.get(p.contractId) ?? { ...NO_CONTRACT, contractId: p.contractId, providerId: p.providerId };
  }

  placementsOf(providerId: string): readonly Placement[] {
    return this.placementsByProvider.get(providerId) ?? [];
  }

  childPlacements(providerId: string, childRef: string): readonly Placement[] {
    return this.placementsByChild.get(providerId)?.get(childRef) ?? [];
  }

  placementByRef(providerId: string, ref: string): Placement | undefined {
    return this.placementsByRef.get(providerId)?.get(ref);
  }

  /** The nights P is placed (AUDIT.md "Placed night"), before resolving overlaps with the child's other placements. */
  placedRange(p: Placement): NightRange {
    const start = day(p.startDate);
    if (p.endDate === null) return { start, end: FAR };
    const end = day(p.endDate) + (this.contractOf(p).payDepartureDay ? 1 : 0);
    return { start, end: Math.max(start, end) };
  }

  feesOf(p: Placement): readonly FeeRow[] {
    return this.feeRows.get(p.placementId) ?? [];
  }

  /** Rate-card rows of the contract for an item (all service levels). */
  ratesOf(contractId: string, item: string): readonly RateRow[] {
    return this.rateRows.get(contractId)?.get(item) ?? [];
  }

  /** The contract's `placement` rows for P's service level. */
  placementRatesOf(p: Placement): readonly RateRow[] {
    let rows = this.placementRateCache.get(p);
    if (rows === undefined) {
      rows = this.ratesOf(p.contractId, "placement").filter((r) => r.serviceLevel === p.serviceLevel);
      this.placementRateCache.set(p, rows);
    }
    return rows;
  }

  packagesOf(p: Placement, item: string): readonly PackageRow[] {
    return this.packageRows.get(p.placementId)?.get(item) ?? [];
  }

  /** The provider's discounts that can apply to P: the provider's own and those naming P's contract. */
  discountsFor(p: Placement): readonly DiscountRow[] {
    let rows = this.discountCache.get(p);
    if (rows === undefined) {
      rows = (this.discountRows.get(p.providerId) ?? []).filter((d) => d.discount.contractId === null || d.discount.contractId === p.contractId);
      this.discountCache.set(p, rows);
    }
    return rows;
  }

  absencesOf(p: Placement): readonly NightRange[] {
    return this.absences.get(p.placementId) ?? [];
  }

  /** The child's nights with the provider; null when the child has no placement with it. */
  timeline(providerId: string, childRef: string): ChildTimeline | null {
    // Asked for every line, provider after provider: the last provider's children are kept at hand.
    let byChild = providerId === this.lastTimelineProvider ? this.lastTimelines : this.timelineCache.get(providerId);
    if (!byChild) this.timelineCache.set(providerId, (byChild = new Map<string, ChildTimeline | null>()));
    this.lastTimelineProvider = providerId;
    this.lastTimelines = byChild;
    const cached = byChild.get(childRef);
    if (cached !== undefined) return cached;
    const timeline = this.buildTimeline(providerId, childRef);
    byChild.set(childRef, timeline);
    return timeline;
  }

  private buildTimeline(providerId: string, childRef: string): ChildTimeline | null {
    const placements = this.childPlacements(providerId, childRef);
    if (placements.length === 0) return null;
    if (placements.length === 1) {
      // The usual child, placed once with the provider: its tariff is its timeline (tariff
      // segments are sorted and disjoint), shared rather than copied.
      const segments = buildTariff(this, placements[0] as Placement);
      return { providerId, childRef, placements, segments, placed: normalize(segments) };
    }
    // When two placements are placed on one night, the one that started later counts: walk from
    // the latest start back, each keeping only the nights no later placement has taken.
    const segments: TariffSegment[] = [];
    let taken: NightRange[] = [];
    for (let i = placements.length - 1; i >= 0; i--) {
      const p = placements[i] as Placement;
      const own = subtract([this.placedRange(p)], taken);
      taken = normalize([...taken, this.placedRange(p)]);
      // A placement is one child's: its tariff is needed by this timeline only, so it is built here, once.
      const tariff = own.length === 0 ? [] : buildTariff(this, p);
      for (const part of own) {
        for (const segment of tariff) {
          const start = Math.max(part.start, segment.start);
          const end = Math.min(part.end, segment.end);
          if (end > start) segments.push(start === segment.start && end === segment.end ? segment : { ...segment, start, end });
        }
      }
    }
    segments.sort((a, b) => a.start - b.start);
    return { providerId, childRef, placements, segments, placed: normalize(segments) };
  }

  /**
   * Nights on which at least `threshold` of the authority's children are placed with the
   * provider (under `contractId` when the volume discount names one), each child counted once.
   */
  volumeRanges(providerId: string, contractId: string | null, threshold: number): readonly NightRange[] {
    let byContract = this.volumeCache.get(providerId);
    if (byContract === undefined) this.volumeCache.set(providerId, (byContract = new Map<string, Map<number, NightRange[]>>()));
    let byThreshold = byContract.get(contractId ?? "");
    if (byThreshold === undefined) byContract.set(contractId ?? "", (byThreshold = new Map<number, NightRange[]>()));
    let ranges = byThreshold.get(threshold);
    if (!ranges) {
      ranges = normalize(this.childCounts(providerId, contractId).filter((s) => s.count >= threshold));
      byThreshold.set(threshold, ranges);
    }
    return ranges;
  }

  private childCounts(providerId: string, contractId: string | null): { start: DayNumber; end: DayNumber; count: number }[] {
    const key = providerId + SEP + (contractId ?? "");
    const cached = this.countCache.get(key);
    if (cached) return cached;
    const byChild = new Map<string, NightRange[]>();
    for (const p of this.placementsOf(providerId)) {
      if (contractId !== null && p.contractId !== contractId) continue;
      push(byChild, p.childRef, this.placedRange(p));
    }
    const events = new Map<DayNumber, number>();
    for (const ranges of byChild.values()) {
      for (const r of normalize(ranges)) {
        events.set(r.start, (events.get(r.start) ?? 0) + 1);
        events.set(r.end, (events.get(r.end) ?? 0) - 1);
      }
    }
    const days = [...events.keys()].sort((a, b) => a - b);
    const steps: { start: DayNumber; end: DayNumber; count: number }[] = [];
    let count = 0;
    for (let i = 0; i < days.length - 1; i++) {
      count += events.get(days[i] as DayNumber) ?? 0;
      steps.push({ start: days[i] as DayNumber, end: days[i + 1] as DayNumber, count });
    }
    this.countCache.set(key, steps);
    return steps;
  }

  /**
   * Nights on which a sibling of P (same provider and sibling group, another child) that comes
   * before P in order of (start date, child ref) is placed: P's sibling discount applies then.
   */
  earlierSiblingNights(p: Placement): readonly NightRange[] {
    let ranges = this.siblingCache.get(p.placementId);
    if (!ranges) {
      const group = p.siblingGroup;
      ranges =
        group === null || group === ""
          ? []
          : normalize(
              this.siblingGroupOf(p.providerId, group)
                .filter((q) => q.childRef !== p.childRef && comesBefore(q, p))
                .map((q) => this.placedRange(q)),
            );
      this.siblingCache.set(p.placementId, ranges);
    }
    return ranges;
  }

  /** The provider's placements in a sibling group, in the provider's order (grouped once per provider). */
  private siblingGroupOf(providerId: string, group: string): readonly Placement[] {
    let groups = this.siblingGroups.get(providerId);
    if (groups === undefined) {
      groups = new Map<string, Placement[]>();
      for (const q of this.placementsOf(providerId)) if (q.siblingGroup !== null && q.siblingGroup !== "") push(groups, q.siblingGroup, q);
      this.siblingGroups.set(providerId, groups);
    }
    return groups.get(group) ?? [];
  }
}

function byStart(a: Placement, b: Placement): number {
  if (a.startDate !== b.startDate) return a.startDate < b.startDate ? -1 : 1;
  return a.placementId < b.placementId ? -1 : a.placementId > b.placementId ? 1 : 0;
}

function comesBefore(q: Placement, p: Placement): boolean {
  if (q.startDate !== p.startDate) return q.startDate < p.startDate;
  return q.childRef < p.childRef;
}

export function buildReferenceIndex(ref: ReferenceData): ReferenceIndex {
  return new ReferenceIndex(ref);
}
