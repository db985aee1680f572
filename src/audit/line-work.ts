import type { InvoiceLine } from "../domain/invoice.js";
import type { Exact } from "../domain/exact.js";
import { exactOf, penceOf, type Pence } from "../domain/pence.js";
import type { NightRange } from "../domain/ranges.js";
import { amountOf, type AuditContext, type InvoiceWork, type LinePlan } from "./invoice-work.js";
import type { ChildTimeline } from "./reference-index.js";

/** What every audited line has: its printed numbers and what it is worth after arithmetic-error. */
export abstract class LineWork {
  readonly line: InvoiceLine;
  readonly ctx: AuditContext;
  readonly timeline: ChildTimeline;
  readonly period: NightRange;
  readonly periodNights: number;
  /** The printed amount. */
  readonly charged: Pence;
  readonly quantity: Exact | null;
  /** Per unit. */
  readonly unitRate: Pence | null;
  private currentWorth: Pence;

  constructor(
    readonly plan: LinePlan,
    readonly invoice: InvoiceWork,
  ) {
    if (plan.timeline === null || plan.period === null) throw new Error("only matched lines with a period are audited");
    this.line = plan.line;
    this.ctx = invoice.ctx;
    this.timeline = plan.timeline;
    this.period = plan.period;
    this.periodNights = plan.period.end - plan.period.start;
    this.charged = amountOf(plan);
    this.quantity = plan.line.quantity === null ? null : exactOf(plan.line.quantity);
    this.unitRate = plan.line.unitRate === null ? null : penceOf(plan.line.unitRate);
    this.currentWorth = this.charged;
  }

  /** What the line is worth after step 1: quantity × rate when the amount printed is more. */
  get worth(): Pence {
    return this.currentWorth;
  }

  protected setWorth(worth: Pence): void {
    this.currentWorth = worth;
  }

  get childRef(): string {
    return this.timeline.childRef;
  }

  note(kind: string, amount: Pence | null, text: string): void {
    this.invoice.note(this.line.lineNo, kind, amount, text);
  }
}
