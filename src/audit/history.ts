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

interface Billed {
  union: NightRange[];
  sources: BilledBy[];
}

const SEP = "\u0000";

/**
 * What earlier invoices of this run have billed, in audit order: nights per provider and child
 * (fee lines), nights per provider, child and item (extras), and invoice numbers per provider.
 * Voided and duplicate invoices are never recorded (their nights do not count as billed).
 */
export class BillingHistory {
  private readonly fees = new Map<string, Billed>();
  private readonly extras = new Map<string, Billed>();
  private readonly invoices = new Map<string, { invoiceKey: string; invoiceDate: IsoDate }>();

  feeNights(providerId: string, childRef: string): readonly NightRange[] {
    return this.fees.get(providerId + SEP + childRef)?.union ?? [];
  }

  extraNights(providerId: string, childRef: string, item: string): readonly NightRange[] {
    return this.extras.get(providerId + SEP + childRef + SEP + item)?.union ?? [];
  }

  /** The earlier lines that billed any of `ranges` for the child (fee lines, or extras of `item`). */
  billedBy(providerId: string, childRef: string, item: string | null, ranges: readonly NightRange[]): BilledBy[] {
    const key = item === null ? providerId + SEP + childRef : providerId + SEP + childRef + SEP + item;
    const billed = (item === null ? this.fees : this.extras).get(key);
    if (!billed) return [];
    return billed.sources.filter((source) => intersectAll(source.ranges, ranges).length > 0);
  }

  recordFee(providerId: string, childRef: string, source: BilledBy): void {
    record(this.fees, providerId + SEP + childRef, source);
  }

  recordExtra(providerId: string, childRef: string, item: string, source: BilledBy): void {
    record(this.extras, providerId + SEP + childRef + SEP + item, source);
  }

  earlierInvoice(providerId: string, invoiceNumber: string): { invoiceKey: string; invoiceDate: IsoDate } | undefined {
    return this.invoices.get(providerId + SEP + invoiceNumber);
  }

  recordInvoice(providerId: string, invoiceNumber: string, invoiceKey: string, invoiceDate: IsoDate): void {
    const key = providerId + SEP + invoiceNumber;
    if (!this.invoices.has(key)) this.invoices.set(key, { invoiceKey, invoiceDate });
  }
}

function record(map: Map<string, Billed>, key: string, source: BilledBy): void {
  if (source.ranges.length === 0) return;
  const billed = map.get(key);
  if (billed) {
    const last = billed.union[billed.union.length - 1];
    const only = source.ranges.length === 1 ? source.ranges[0] : undefined;
    // Invoices usually bill each child's nights month after month: extend the last run in place.
    if (last && only && only.start >= last.start && only.start <= last.end) billed.union[billed.union.length - 1] = { start: last.start, end: Math.max(last.end, only.end) };
    else if (last && only && only.start > last.end) billed.union.push(only);
    else billed.union = normalize([...billed.union, ...source.ranges]);
    billed.sources.push(source);
  } else {
    map.set(key, { union: normalize(source.ranges), sources: [source] });
  }
}
