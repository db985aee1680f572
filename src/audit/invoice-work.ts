import type { AuditNote } from "../domain/finding.js";
import type { Invoice, InvoiceLine } from "../domain/invoice.js";
import { Exact } from "../domain/exact.js";
import { formatPence, penceOf, penceText, wholePence, type Pence } from "../domain/pence.js";
import { inclusiveRange, type NightRange } from "../domain/ranges.js";
import type { Placement } from "../domain/reference.js";
import type { RulesConfig } from "./config.js";
import { day } from "./days.js";
import type { BilledNights, InvoiceRef } from "./history.js";
import { matchLine, printedReference } from "./matching.js";
import type { ChildTimeline, ReferenceIndex } from "./reference-index.js";

/** An invoice as the audit receives it: the domain invoice plus its stored identity. */
export interface AuditInvoice extends Invoice {
  /** Unique id of the stored invoice (e.g. its database id). */
  key: string;
  /** When its file was received (ISO timestamp): breaks ties of invoice date in audit order. */
  receivedAt: string;
}

export interface AuditContext {
  readonly index: ReferenceIndex;
  readonly config: RulesConfig;
  readonly history: BilledNights;
}

export type LineKind = "fee" | "extra" | "discount";

/** A line with what the audit needs to know before its waterfall. */
export interface LinePlan {
  readonly line: InvoiceLine;
  readonly kind: LineKind;
  /** The child's nights with the provider; null when the line's reference matches no placement. */
  readonly timeline: ChildTimeline | null;
  /** Nights of the line's period (its own, else the invoice's); null when it has none. */
  readonly period: NightRange | null;
  /** The period as a list of one range (empty without a period), shared by the invoice's lines with the same dates: never changed in place. */
  readonly periodList: readonly NightRange[];
  /** The placement whose contract decides VAT (the one placed on the first night of the period). */
  readonly placement: Placement | null;
  /** The printed amount, in pence. */
  readonly amount: Pence;
  /** Fee lines: the discount credit allocated to the line (AUDIT.md "discount line"). */
  credit: Pence;
}

const NO_NIGHTS: readonly NightRange[] = Object.freeze([]);

/** The line's printed amount in pence (read once, when the line is planned). */
export function amountOf(plan: LinePlan): Pence {
  return plan.amount;
}

export function lineKind(line: InvoiceLine, amount: Pence = penceOf(line.amount)): LineKind {
  // A negative amount is a discount line whatever its item ("-0.00" is no discount).
  if (line.item === "discount" || amount.isNegative()) return "discount";
  return line.item === "placement" ? "fee" : "extra";
}

function linePeriod(line: InvoiceLine, invoice: Invoice): NightRange | null {
  const from = line.from ?? invoice.periodFrom;
  const to = line.to ?? invoice.periodTo;
  if (from === null || to === null || to < from) return null;
  return inclusiveRange(day(from), day(to));
}

function primaryPlacement(timeline: ChildTimeline | null, period: NightRange | null): Placement | null {
  if (timeline === null) return null;
  if (period !== null) {
    // The first segment that ends after the period starts (segments are sorted and disjoint), if it starts before the period ends.
    const segments = timeline.segments;
    let low = 0;
    let high = segments.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if ((segments[mid] as ChildTimeline["segments"][number]).end > period.start) high = mid;
      else low = mid + 1;
    }
    const segment = segments[low];
    if (segment !== undefined && segment.start < period.end) return segment.placement;
  }
  return timeline.placements[0] ?? null;
}

/** The lines by line number: as they are when they already come so (as the database reads them), else a sorted copy. */
function inLineOrder(lines: readonly InvoiceLine[]): readonly InvoiceLine[] {
  for (let i = 1; i < lines.length; i++) {
    if ((lines[i - 1] as InvoiceLine).lineNo > (lines[i] as InvoiceLine).lineNo) return [...lines].sort((a, b) => a.lineNo - b.lineNo);
  }
  return lines;
}

/** One invoice being audited: its lines' plans, the notes gathered so far and the shared context. */
export class InvoiceWork {
  readonly plans: LinePlan[];
  readonly notes: AuditNote[] = [];
  private ref: InvoiceRef | null = null;

  constructor(
    readonly invoice: AuditInvoice,
    readonly ctx: AuditContext,
    readonly voided: boolean,
  ) {
    const lines = inLineOrder(invoice.lines);
    // An invoice's lines mostly bill one period: the previous line's is reused when the dates are the same.
    let lastFrom: string | null | undefined;
    let lastTo: string | null | undefined;
    let lastPeriod: NightRange | null = null;
    let lastList: readonly NightRange[] = NO_NIGHTS;
    this.plans = lines.map((line) => {
      const amount = penceOf(line.amount);
      const kind = lineKind(line, amount);
      const timeline = matchLine(ctx.index, invoice.providerId, line);
      if (line.from !== lastFrom || line.to !== lastTo) {
        lastPeriod = linePeriod(line, invoice);
        lastList = lastPeriod === null ? NO_NIGHTS : [lastPeriod];
      }
      lastFrom = line.from;
      lastTo = line.to;
      const period = lastPeriod;
      return { line, kind, amount, timeline, period, periodList: lastList, placement: primaryPlacement(timeline, period), credit: Exact.ZERO };
    });
  }

  /**
   * How the billing history names this invoice: made once and shared by its lines, and only
   * the three fields, so the history (kept for the provider's whole run) holds no invoice lines.
   */
  get billedAs(): InvoiceRef {
    return (this.ref ??= { key: this.invoice.key, invoiceNumber: this.invoice.invoiceNumber, invoiceDate: this.invoice.invoiceDate });
  }

  /** Keeps a remark on the invoice; amounts that round to no pence are not worth a note. */
  note(lineNo: number | null, kind: string, amount: Pence | null, text: string): void {
    if (amount !== null && wholePence(amount).isZero()) return;
    this.notes.push({ lineNo, kind, amount: amount === null ? null : penceText(amount), text });
  }

  /**
   * Shares each discount line among the fee lines it belongs to, pro rata by their printed
   * amounts: with a child reference, that child's fee lines; without, every matched fee line.
   */
  allocateDiscounts(): void {
    // Two walks over the plans per discount line rather than lists of targets (no arrays or
    // closures per invoice): the targets are taken in plan order either way.
    for (const discount of this.plans) {
      if (discount.kind !== "discount") continue;
      const credit = amountOf(discount).abs();
      if (credit.isZero()) continue;
      const reference = printedReference(discount.line);
      const childRef = discount.timeline?.childRef ?? null;
      let printed = Exact.ZERO;
      let targets = 0;
      for (const target of this.plans) {
        if (!isDiscountTarget(target, reference, childRef)) continue;
        printed = printed.plus(amountOf(target));
        targets++;
      }
      if (targets === 0 || !printed.greaterThan(0)) {
        this.note(
          discount.line.lineNo,
          "discount-unallocated",
          credit,
          `Discount of ${formatPence(credit)}${reference === null ? "" : ` for ${reference}`} could not be set against any fee line of this invoice.`,
        );
        continue;
      }
      for (const target of this.plans) {
        if (isDiscountTarget(target, reference, childRef)) target.credit = target.credit.plus(credit.times(amountOf(target)).dividedBy(printed));
      }
    }
  }
}

/**
 * Whether a discount line's credit goes to `plan`: a matched fee line, of the discount's child
 * when the discount prints a reference (none when that reference matches no child).
 */
function isDiscountTarget(plan: LinePlan, reference: string | null, childRef: string | null): boolean {
  if (plan.kind !== "fee" || plan.timeline === null) return false;
  return reference === null || (childRef !== null && plan.timeline.childRef === childRef);
}
