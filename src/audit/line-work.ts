import type { InvoiceLine } from "../domain/invoice.js";
import type { Exact } from "../domain/exact.js";
import { exactOf, penceOf, type Pence } from "../domain/pence.js";
import type { NightRange } from "../domain/ranges.js";
import { amountOf, type AuditContext, type InvoiceWork, type LinePlan } from "./invoice-work.js";
import type { ChildTimeline } from "./reference-index.js";

/**
 * What every audited line has: its printed numbers and what it is worth after arithmetic-error.
 * A run makes one of these per line, so what the plan or the invoice already holds (the line,
 * its period, its amount, the context) is read through them rather than copied into fields.
 */
export abstract class LineWork {
  readonly timeline: ChildTimeline;
  readonly periodNights: number;
  readonly quantity: Exact | null;
  /** Per unit. */
  readonly unitRate: Pence | null;
  private currentWorth: Pence;

  constructor(
    readonly plan: LinePlan,
    readonly invoice: InvoiceWork,
  ) {
    if (plan.timeline === null || plan.period === null) throw new Error("only matched lines with a period are audited");
    this.timeline = plan.timeline;
    this.periodNights = plan.period.end - plan.period.start;
    this.quantity = plan.line.quantity === null ? null : exactOf(plan.line.quantity);
    this.unitRate = plan.line.unitRate === null ? null : penceOf(plan.line.unitRate);
    this.currentWorth = amountOf(plan);
  }

  get line(): InvoiceLine {
    return this.plan.line;
  }

  get ctx(): AuditContext {
    return this.invoice.ctx;
  }

  /** The line's period (never null: checked when the line work is made). */
  get period(): NightRange {
    return this.plan.period as NightRange;
  }

  /** The printed amount. */
  get charged(): Pence {
    return amountOf(this.plan);
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
