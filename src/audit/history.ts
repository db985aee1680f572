import type { IsoDate } from "../domain/dates.js";
import { intersectAll, normalize, type NightRange } from "../domain/ranges.js";

/** Where billed nights came from, so a duplicate can name the earlier invoice and line. */
export interface BilledBy {
  readonly invoiceKey: string;
  readonly invoiceNumber: string;
  readonly invoiceDate: IsoDate;
  readonly lineNo: number;
  readonly ranges: readonly NightRange[];
}

/** The invoice of a line, as the history names it. */
export interface InvoiceRef {
  readonly key: string;
  readonly invoiceNumber: string;
  readonly invoiceDate: IsoDate;
}

/**
 * The nights billed for one child (and item), and by which lines. A run keeps one source per
 * line audited, so sources are kept lean (parallel arrays of numbers, the invoice shared) and
 * made into BilledBy objects only when a duplicate asks.
 */
/** A run of the union: the history's own object, so its end moves in place as later lines extend it. */
interface UnionRun {
  start: number;
  end: number;
}

interface Billed {
  /** The nights billed so far (normalized); its runs are the history's own (never a caller's range). */
  union: UnionRun[];
  /** The invoice of each source (the caller's object, shared by its lines: nothing is copied per line). */
  readonly invoices: InvoiceRef[];
  /**
   * Three numbers per source, in one list (one array to grow per child rather than three): its
   * line number, then its nights: first night and night after when it is one range (start ≥ 0),
   * else MANY and the index into `multi`.
   */
  readonly sources: number[];
  /** Sources of several ranges (rare: made when the first one comes). */
  multi: (readonly NightRange[])[] | null;
}

/**
 * Two-level map: lookups by two ids without building a combined key string for every line.
 * The audit asks provider after provider, so the inner map of the last first id is kept at
 * hand and most lookups are one Map.get rather than two.
 */
class KeyedByTwo<V> {
  private readonly outer = new Map<string, Map<string, V>>();
  private lastA: string | null = null;
  private lastInner: Map<string, V> | undefined = undefined;

  get(a: string, b: string): V | undefined {
    return this.innerOf(a)?.get(b);
  }

  set(a: string, b: string, value: V): void {
    let inner = this.innerOf(a);
    if (inner === undefined) {
      this.outer.set(a, (inner = new Map<string, V>()));
      this.lastInner = inner;
    }
    inner.set(b, value);
  }

  private innerOf(a: string): Map<string, V> | undefined {
    if (a !== this.lastA) {
      this.lastA = a;
      this.lastInner = this.outer.get(a);
    }
    return this.lastInner;
  }
}

/** Three-level map: extras are looked up by provider, child and item, with no key string built per line. */
class KeyedByThree<V> {
  private readonly outer = new KeyedByTwo<Map<string, V>>();

  get(a: string, b: string, c: string): V | undefined {
    return this.outer.get(a, b)?.get(c);
  }

  set(a: string, b: string, c: string, value: V): void {
    let inner = this.outer.get(a, b);
    if (!inner) this.outer.set(a, b, (inner = new Map<string, V>()));
    inner.set(c, value);
  }
}

/** What the rules read from, and the session writes to, about what was billed before. */
export interface BilledNights {
  feeNights(providerId: string, childRef: string): readonly NightRange[];
  extraNights(providerId: string, childRef: string, item: string): readonly NightRange[];
  billedBy(providerId: string, childRef: string, item: string | null, ranges: readonly NightRange[]): BilledBy[];
  /** A line's billed nights (`invoice` is the line's: its key, number and date are kept). */
  recordFee(providerId: string, childRef: string, invoice: InvoiceRef, lineNo: number, ranges: readonly NightRange[]): void;
  recordExtra(providerId: string, childRef: string, item: string, invoice: InvoiceRef, lineNo: number, ranges: readonly NightRange[]): void;
  earlierInvoice(providerId: string, invoiceNumber: string): { invoiceKey: string; invoiceDate: IsoDate } | undefined;
  recordInvoice(providerId: string, invoiceNumber: string, invoiceKey: string, invoiceDate: IsoDate): void;
}

/**
 * What earlier invoices of this run have billed, in audit order: nights per provider and child
 * (fee lines), nights per provider, child and item (extras), and invoice numbers per provider.
 * Voided and duplicate invoices are never recorded (their nights do not count as billed).
 */
export class BillingHistory implements BilledNights {
  // By provider, then child (fee lines) or child and item (extras): every line looks here.
  private readonly fees = new KeyedByTwo<Billed>();
  private readonly extras = new KeyedByThree<Billed>();
  private readonly invoices = new KeyedByTwo<{ invoiceKey: string; invoiceDate: IsoDate }>();

  feeNights(providerId: string, childRef: string): readonly NightRange[] {
    return this.fees.get(providerId, childRef)?.union ?? [];
  }

  extraNights(providerId: string, childRef: string, item: string): readonly NightRange[] {
    return this.extras.get(providerId, childRef, item)?.union ?? [];
  }

  /** The earlier lines that billed any of `ranges` for the child (fee lines, or extras of `item`). */
  billedBy(providerId: string, childRef: string, item: string | null, ranges: readonly NightRange[]): BilledBy[] {
    const billed = item === null ? this.fees.get(providerId, childRef) : this.extras.get(providerId, childRef, item);
    if (!billed) return [];
    const found: BilledBy[] = [];
    const sources = billed.sources;
    for (let i = 0; i < billed.invoices.length; i++) {
      const start = sources[3 * i + 1] as number;
      const end = sources[3 * i + 2] as number;
      const sourceRanges: readonly NightRange[] = start === MANY ? ((billed.multi as (readonly NightRange[])[])[end] as readonly NightRange[]) : [{ start, end }];
      if (intersectAll(sourceRanges, ranges).length === 0) continue;
      const invoice = billed.invoices[i] as InvoiceRef;
      found.push({ invoiceKey: invoice.key, invoiceNumber: invoice.invoiceNumber, invoiceDate: invoice.invoiceDate, lineNo: sources[3 * i] as number, ranges: sourceRanges });
    }
    return found;
  }

  recordFee(providerId: string, childRef: string, invoice: InvoiceRef, lineNo: number, ranges: readonly NightRange[]): void {
    if (ranges.length === 0) return;
    let billed = this.fees.get(providerId, childRef);
    if (billed === undefined) this.fees.set(providerId, childRef, (billed = emptyBilled()));
    record(billed, invoice, lineNo, ranges);
  }

  recordExtra(providerId: string, childRef: string, item: string, invoice: InvoiceRef, lineNo: number, ranges: readonly NightRange[]): void {
    if (ranges.length === 0) return;
    let billed = this.extras.get(providerId, childRef, item);
    if (billed === undefined) this.extras.set(providerId, childRef, item, (billed = emptyBilled()));
    record(billed, invoice, lineNo, ranges);
  }

  earlierInvoice(providerId: string, invoiceNumber: string): { invoiceKey: string; invoiceDate: IsoDate } | undefined {
    return this.invoices.get(providerId, invoiceNumber);
  }

  recordInvoice(providerId: string, invoiceNumber: string, invoiceKey: string, invoiceDate: IsoDate): void {
    if (this.invoices.get(providerId, invoiceNumber) === undefined) this.invoices.set(providerId, invoiceNumber, { invoiceKey, invoiceDate });
  }
}

/** Marks a source of several ranges in `sources` (day numbers of real nights are never this). */
const MANY = Number.MIN_SAFE_INTEGER;

function emptyBilled(): Billed {
  return { union: [], invoices: [], sources: [], multi: null };
}

/** Adds a line's nights (at least one range) to what was billed. */
function record(billed: Billed, invoice: InvoiceRef, lineNo: number, ranges: readonly NightRange[]): void {
  const last = billed.union[billed.union.length - 1];
  const only = ranges.length === 1 ? (ranges[0] as NightRange) : null;
  // Invoices usually bill each child's nights month after month: extend the last run in place
  // (no new object per line; rules read the union only while their line is audited).
  if (last === undefined) billed.union = only !== null && only.end > only.start ? [{ start: only.start, end: only.end }] : normalize(ranges);
  else if (only !== null && only.start >= last.start && only.start <= last.end) {
    if (only.end > last.end) last.end = only.end;
  } else if (only !== null && only.start > last.end) billed.union.push({ start: only.start, end: only.end });
  else billed.union = normalize([...billed.union, ...ranges]);
  billed.invoices.push(invoice);
  if (only !== null) billed.sources.push(lineNo, only.start, only.end);
  else {
    const multi = (billed.multi ??= []);
    billed.sources.push(lineNo, MANY, multi.length);
    multi.push(ranges);
  }
}

/**
 * The history as a voided invoice sees it (AUDIT.md step 3: "a voided invoice is audited as if
 * it stood: its own lines count against its later lines"): what the run billed before, plus
 * its own earlier lines. What it records stays with it, so its nights never count as billed
 * for any other invoice; nor does its number.
 */
export class VoidedInvoiceHistory implements BilledNights {
  private readonly own = new BillingHistory();

  constructor(private readonly run: BilledNights) {}

  feeNights(providerId: string, childRef: string): readonly NightRange[] {
    return merged(this.run.feeNights(providerId, childRef), this.own.feeNights(providerId, childRef));
  }

  extraNights(providerId: string, childRef: string, item: string): readonly NightRange[] {
    return merged(this.run.extraNights(providerId, childRef, item), this.own.extraNights(providerId, childRef, item));
  }

  billedBy(providerId: string, childRef: string, item: string | null, ranges: readonly NightRange[]): BilledBy[] {
    return [...this.run.billedBy(providerId, childRef, item, ranges), ...this.own.billedBy(providerId, childRef, item, ranges)];
  }

  recordFee(providerId: string, childRef: string, invoice: InvoiceRef, lineNo: number, ranges: readonly NightRange[]): void {
    this.own.recordFee(providerId, childRef, invoice, lineNo, ranges);
  }

  recordExtra(providerId: string, childRef: string, item: string, invoice: InvoiceRef, lineNo: number, ranges: readonly NightRange[]): void {
    this.own.recordExtra(providerId, childRef, item, invoice, lineNo, ranges);
  }

  earlierInvoice(providerId: string, invoiceNumber: string): { invoiceKey: string; invoiceDate: IsoDate } | undefined {
    return this.run.earlierInvoice(providerId, invoiceNumber);
  }

  recordInvoice(): void {
    // A voided invoice's number does not count: a later invoice with it is no duplicate of this one.
  }
}

function merged(a: readonly NightRange[], b: readonly NightRange[]): readonly NightRange[] {
  if (b.length === 0) return a;
  if (a.length === 0) return b;
  return normalize([...a, ...b]);
}
