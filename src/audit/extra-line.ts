import type { DayNumber } from "../domain/dates.js";
import { Exact } from "../domain/exact.js";
import type { Pence } from "../domain/pence.js";
import { normalize, subtract, totalNights, type NightRange } from "../domain/ranges.js";
import type { Placement, Unit } from "../domain/reference.js";
import type { InvoiceWork, LinePlan } from "./invoice-work.js";
import { LineWork } from "./line-work.js";
import type { ExtraStepOutcome } from "./outcome.js";
import { rowInForce, type PackageRow, type RateRow } from "./reference-index.js";

const ZERO = Exact.ZERO;
const HALF_PENNY = Exact.ratio(1, 2);

/** Nights still in on which one agreement (package and/or rate-card row) holds for the item. */
export interface ExtraPiece extends NightRange {
  readonly nights: number;
  readonly placement: Placement;
  readonly pkg: PackageRow | null;
  readonly rateRow: RateRow | null;
  /** The package's rate, else the contract rate card's (per unit); null when neither gives one. */
  readonly agreedRate: Pence | null;
  readonly maxPerWeek: Exact | null;
  readonly agreedUnit: Unit | null;
}

/** Pieces with the same agreed rate, cap and unit, taken together for steps 5 and 6. */
export interface AgreementGroup {
  readonly agreedRate: Pence;
  readonly maxPerWeek: Exact | null;
  readonly agreedUnit: Unit | null;
  readonly ranges: NightRange[];
  readonly nights: number;
  readonly fromPackage: boolean;
}

/**
 * An extra going down its waterfall (AUDIT.md "Extras"): quantities are not nights, so what
 * is left is shared among the period's nights, and the quantity still in follows the nights
 * still in.
 */
export class ExtraLineWork extends LineWork {
  readonly item: string;
  /** Never changed in place: drop() replaces it, so it may start as the plan's shared period list. */
  private nightsIn: readonly NightRange[];
  private cachedPieces: ExtraPiece[] | null = null;
  private cachedGroups: { pieces: ExtraPiece[]; groups: readonly AgreementGroup[] } | null = null;

  constructor(plan: LinePlan, invoice: InvoiceWork) {
    super(plan, invoice);
    this.item = plan.line.item;
    this.nightsIn = plan.periodList;
  }

  /** The nights still in (the line's placed nights after step 3). */
  get remaining(): readonly NightRange[] {
    return this.nightsIn;
  }

  /** Applies what a step consumed, before the next step: what the line is worth and the nights that drop out. */
  apply(outcome: ExtraStepOutcome): void {
    if (outcome.worth !== undefined) this.setWorth(outcome.worth);
    if (outcome.drop !== undefined) this.drop(outcome.drop);
  }

  /**
   * Which earlier extras bill the same item (extras step 2): the item, or for an item no
   * keyword matched, the description equal ignoring case, spacing and punctuation.
   */
  get sameItemKey(): string {
    return this.item === "unknown" ? `unknown:${comparableDescription(this.line.description)}` : this.item;
  }

  /** What is left per night of the period after step 1. */
  get share(): Pence {
    return this.worth.dividedBy(this.periodNights);
  }

  remainingNights(): number {
    return totalNights(this.remaining);
  }

  /** What is left over the nights still in. */
  leftTotal(): Pence {
    return this.share.times(this.remainingNights());
  }

  /** The quantity still in: quantity × nights still in / period nights. */
  quantityIn(nightsIn: number = this.remainingNights()): Exact | null {
    return this.quantity === null ? null : this.quantity.times(nightsIn).dividedBy(this.periodNights);
  }

  /** The unit rate charged: as printed, or what the line is worth per unit when less or not printed. */
  effectiveUnitRate(): Pence | null {
    const q = this.quantity;
    if (q === null || !q.greaterThan(ZERO)) return null;
    const perUnit = this.worth.dividedBy(q);
    if (this.unitRate === null) return perUnit;
    return perUnit.lessThan(this.unitRate.minus(HALF_PENNY)) ? perUnit : this.unitRate;
  }

  private drop(ranges: readonly NightRange[]): void {
    if (ranges.length === 0) return;
    this.nightsIn = subtract(this.nightsIn, ranges);
    this.cachedPieces = null;
  }

  /** The nights still in, split where the placement, package or rate-card row changes. */
  pieces(): ExtraPiece[] {
    if (this.cachedPieces) return this.cachedPieces;
    const index = this.ctx.index;
    // Mostly one piece: the list is made with it (a list grown from empty reserves room for 17).
    let pieces: ExtraPiece[] | null = null;
    for (const r of this.nightsIn) {
      for (const segment of this.timeline.segments) {
        // Segments are sorted: none after this one reaches into r.
        if (segment.start >= r.end) break;
        const start = Math.max(r.start, segment.start);
        const end = Math.min(r.end, segment.end);
        if (end <= start) continue;
        const p = (segment).placement;
        const { packages, rates } = index.extraRowsOf(p, this.item);
        // Mostly no package or rate-card row starts or ends inside the range: then it is one piece.
        if (!hasCutInside(packages, start, end) && !hasCutInside(rates, start, end)) {
          const piece = extraPiece(p, packages, rates, start, end);
          if (pieces === null) pieces = [piece];
          else pieces.push(piece);
          continue;
        }
        const days = cutDays(packages, rates, start, end);
        for (let i = 0; i < days.length - 1; i++) {
          const piece = extraPiece(p, packages, rates, days[i] as DayNumber, days[i + 1] as DayNumber);
          if (pieces === null) pieces = [piece];
          else pieces.push(piece);
        }
      }
    }
    if (pieces === null) pieces = [];
    else if (!byStartAlready(pieces)) pieces.sort(byPieceStart);
    this.cachedPieces = pieces;
    return pieces;
  }

  /** Pieces with an agreed rate, grouped by (rate, cap, unit); asked by several rules, so kept while the pieces are. */
  groups(): readonly AgreementGroup[] {
    const pieces = this.pieces();
    if (this.cachedGroups !== null && this.cachedGroups.pieces === pieces) return this.cachedGroups.groups;
    const groups = this.groupPieces();
    this.cachedGroups = { pieces, groups };
    return groups;
  }

  private groupPieces(): AgreementGroup[] {
    // A line has one or two agreements at most: found by comparing values in a short list (in
    // order of first piece, as before) rather than by a key string built for every piece, and
    // with plain loops (a callback per piece would be a closure made for every line).
    const pieces = this.pieces();
    const firsts: ExtraPiece[] = [];
    const members: ExtraPiece[][] = [];
    for (const piece of pieces) {
      if (piece.agreedRate === null) continue;
      let at = 0;
      while (at < firsts.length && !sameAgreement(firsts[at] as ExtraPiece, piece)) at++;
      if (at === firsts.length) {
        firsts.push(piece);
        members.push([piece]);
      } else (members[at] as ExtraPiece[]).push(piece);
    }
    const groups: AgreementGroup[] = [];
    for (let i = 0; i < firsts.length; i++) {
      const first = firsts[i] as ExtraPiece;
      const ranges = normalize(members[i] as ExtraPiece[]);
      groups.push({
        agreedRate: first.agreedRate as Pence,
        maxPerWeek: first.maxPerWeek,
        agreedUnit: first.agreedUnit,
        ranges,
        nights: totalNights(ranges),
        fromPackage: first.pkg !== null && first.pkg.rate !== null,
      });
    }
    return groups;
  }
}

/** The piece from..to of placement P, with the package and rate-card row in force on its first night. */
function extraPiece(p: Placement, packages: readonly PackageRow[], rates: readonly RateRow[], from: DayNumber, to: DayNumber): ExtraPiece {
  const pkg = rowInForce(packages, from);
  const rateRow = rowInForce(rates, from);
  return {
    start: from,
    end: to,
    nights: to - from,
    placement: p,
    pkg,
    rateRow,
    agreedRate: pkg?.rate ?? rateRow?.rate ?? null,
    maxPerWeek: pkg?.maxPerWeek ?? null,
    agreedUnit: pkg?.unit ?? rateRow?.unit ?? null,
  };
}

/** Whether the pieces are in order of first night already (they mostly are: then no sort, which copies). */
function byStartAlready(pieces: readonly ExtraPiece[]): boolean {
  for (let i = 1; i < pieces.length; i++) if ((pieces[i] as ExtraPiece).start < (pieces[i - 1] as ExtraPiece).start) return false;
  return true;
}

function byPieceStart(a: ExtraPiece, b: ExtraPiece): number {
  return a.start - b.start;
}

/** Same rate, same cap (or none) and same unit (an unnamed unit the same as ""): one group. */
function sameAgreement(group: { agreedRate: Pence | null; maxPerWeek: Exact | null; agreedUnit: Unit | null }, piece: ExtraPiece): boolean {
  if (piece.agreedRate === null || group.agreedRate === null || !group.agreedRate.equals(piece.agreedRate)) return false;
  if (group.maxPerWeek === null ? piece.maxPerWeek !== null : piece.maxPerWeek === null || !group.maxPerWeek.equals(piece.maxPerWeek)) return false;
  return (group.agreedUnit ?? "") === (piece.agreedUnit ?? "");
}

/** Whether a row starts or ends strictly inside start..end. */
function hasCutInside(rows: readonly { from: DayNumber; until: DayNumber }[], start: DayNumber, end: DayNumber): boolean {
  for (const row of rows) if ((row.from > start && row.from < end) || (row.until > start && row.until < end)) return true;
  return false;
}

/** start, end and every day strictly between where a row starts or ends, in order, each once. */
function cutDays(packages: readonly { from: DayNumber; until: DayNumber }[], rates: readonly { from: DayNumber; until: DayNumber }[], start: DayNumber, end: DayNumber): DayNumber[] {
  const cuts = new Set<DayNumber>([start, end]);
  for (const rows of [packages, rates]) {
    for (const row of rows) {
      if (row.from > start && row.from < end) cuts.add(row.from);
      if (row.until > start && row.until < end) cuts.add(row.until);
    }
  }
  return [...cuts].sort((a, b) => a - b);
}

/**
 * A description as extras step 2 compares them: letters and digits only, lower case. (AUDIT.md
 * says "ignoring case, spacing and punctuation"; anything that is neither a letter nor a digit
 * is taken as spacing or punctuation.)
 */
export function comparableDescription(description: string): string {
  return description.toLowerCase().replace(/[^\p{L}\p{N}]/gu, "");
}

/** Groups whose agreed unit is the line's unit (or either is not given): only those can be compared. */
export function comparableGroups(work: Pick<ExtraLineWork, "line" | "groups">): readonly AgreementGroup[] {
  const unit = work.line.unit;
  const groups = work.groups();
  // Usually every group is comparable: the list itself, with no copy or closure per call.
  let all = true;
  for (const g of groups) if (!comparable(g, unit)) all = false;
  if (all) return groups;
  return groups.filter((g) => comparable(g, unit));
}

function comparable(group: AgreementGroup, unit: Unit | null): boolean {
  return unit === null || group.agreedUnit === null || group.agreedUnit === unit;
}

/** What is left over a group's nights. */
export function groupLeft(work: Pick<ExtraLineWork, "share">, group: AgreementGroup): Pence {
  return work.share.times(group.nights);
}

/** extra-rate-above-agreed for one group: (unit rate − agreed rate) × quantity still in, within what is left. */
export function groupRateExcess(work: Pick<ExtraLineWork, "share" | "effectiveUnitRate" | "quantityIn">, group: AgreementGroup): Pence {
  const rate = work.effectiveUnitRate();
  const quantity = work.quantityIn(group.nights);
  if (rate === null || quantity === null) return ZERO;
  const excess = rate.minus(group.agreedRate).times(quantity);
  if (!excess.greaterThan(ZERO)) return ZERO;
  return Exact.min(excess, groupLeft(work, group));
}
