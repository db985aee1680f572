import type { AuditNote, Finding, RuleId } from "../domain/finding.js";
import { Exact } from "../domain/exact.js";
import { penceOfDecimal, penceText } from "../domain/pence.js";
import { moneyText } from "./decimals.js";
import type { RulesConfig } from "./config.js";
import { ExtraLineWork } from "./extra-line.js";
import { money } from "./explain.js";
import { FeeLineWork } from "./fee-line.js";
import { BillingHistory, VoidedInvoiceHistory } from "./history.js";
import { InvoiceWork, type AuditContext, type AuditInvoice, type LineKind, type LinePlan } from "./invoice-work.js";
import { printedReference } from "./matching.js";
import type { ReferenceIndex } from "./reference-index.js";
import type { ExtraStepOutcome, FeeStepOutcome, RuleNote } from "./outcome.js";
import type { ExtraStepRule, FeeStepRule, Waterfall } from "./rule.js";
import type { LineWork } from "./line-work.js";
import { capFindings, raw, toFindings, type FindingSettings, type RawFinding } from "./waterfall.js";

export interface AuditSessionOptions {
  /** Invoices a credit note voided (resolveCreditNotes): audited, but their nights and numbers never count as billed. */
  voidedInvoiceKeys: ReadonlySet<string>;
  /** The rules, stage by stage (rules/index.ts builds it; the composition root passes it in). */
  waterfall: Waterfall;
  /**
   * Whether results carry `lines` (what the audit made of each line). Default true; a bulk
   * run that stores only findings and notes turns it off and saves the work per line.
   */
  lineSummaries?: boolean;
}

/** What the audit made of one line (for the invoice page and for checking the waterfall). */
export interface LineAuditSummary {
  lineNo: number;
  kind: LineKind;
  status: "audited" | "unmatched" | "needs_attention";
  /** The matched placement's child, else the reference as printed. */
  childRef: string | null;
  charged: string;
  /** Fee lines: discount credit allocated to the line, and the part of it that paid discount due. */
  discountCredit: string;
  creditUsed: string;
  /** Fee lines: the expected amount E (pence); null for other lines. */
  expected: string | null;
}

export interface InvoiceAuditResult {
  findings: Finding[];
  notes: AuditNote[];
  linesAudited: number;
  lines: LineAuditSummary[];
}

/**
 * How the waterfall asks a rule of one stage and applies its outcome to the line. Made once,
 * here, rather than as callbacks per line: two closures per line (each named by tsx at run
 * time) cost more than the loop that calls them.
 */
interface Stage<L, R, O> {
  id(rule: R): RuleId;
  take(rule: R, line: L): O | null;
  apply(line: L, outcome: O): void;
}

const FEE_STAGE: Stage<FeeLineWork, FeeStepRule, FeeStepOutcome> = {
  id: (rule) => rule.id,
  take: (rule, line) => rule.feeStep(line),
  apply: (line, outcome) => line.apply(outcome),
};

const EXTRA_STAGE: Stage<ExtraLineWork, ExtraStepRule, ExtraStepOutcome> = {
  id: (rule) => rule.id,
  take: (rule, line) => rule.extraStep(line),
  apply: (line, outcome) => line.apply(outcome),
};

/** Half a penny. */
const EMPTY_NOTE_THRESHOLD = Exact.ratio(1, 2);

/**
 * Audits invoices one at a time, in audit order (sortForAudit), keeping the billing history
 * of the run: nights billed per provider and child by fee lines, extras per provider, child
 * and item, and invoice numbers per provider. Pure: the caller loads the data and stores the
 * findings.
 */
export class AuditSession {
  private ctx: AuditContext;
  private readonly waterfall: Waterfall;
  private readonly voided: ReadonlySet<string>;
  private readonly lineSummaries: boolean;
  private readonly findingSettings: FindingSettings;

  constructor(index: ReferenceIndex, config: RulesConfig, options: AuditSessionOptions) {
    this.ctx = { index, config, history: new BillingHistory() };
    this.findingSettings = { minFindingAmount: penceOfDecimal(config.minFindingAmount), enabled: config.enabled };
    this.waterfall = options.waterfall;
    this.voided = options.voidedInvoiceKeys;
    this.lineSummaries = options.lineSummaries ?? true;
  }

  /**
   * Starts afresh for the next provider: nothing in the audit crosses providers (the history,
   * timelines and invoice numbers are all the invoicing provider's), so once a provider's last
   * invoice is audited what was kept for it can go. A run that reads invoices provider by
   * provider calls this between two, and its memory no longer grows with the authority.
   */
  nextProvider(): void {
    this.ctx.index.clearDerived();
    this.ctx = { ...this.ctx, history: new BillingHistory() };
  }

  audit(invoice: AuditInvoice): InvoiceAuditResult {
    if (invoice.kind === "credit_note") return { findings: [], notes: [], linesAudited: 0, lines: [] };
    const voided = this.voided.has(invoice.key);
    // A voided invoice is audited as if it stood, against its own lines too, but records nothing for the run.
    const work = new InvoiceWork(invoice, voided ? { ...this.ctx, history: new VoidedInvoiceHistory(this.ctx.history) } : this.ctx, voided);

    for (const rule of this.waterfall.invoiceGates) {
      const finding = rule.invoiceGate(work);
      if (finding === null) continue;
      const findings: Finding[] = [];
      this.pushFindings(findings, [raw(rule.id, finding)], null, null);
      return { findings, notes: work.notes, linesAudited: 0, lines: [] };
    }
    work.ctx.history.recordInvoice(invoice.providerId, invoice.invoiceNumber, invoice.key, invoice.invoiceDate);

    work.allocateDiscounts();
    const findings: Finding[] = [];
    const lines: LineAuditSummary[] = [];
    let linesAudited = 0;
    for (const plan of work.plans) {
      const summary: LineAuditSummary | null = !this.lineSummaries ? null : {
        lineNo: plan.line.lineNo,
        kind: plan.kind,
        status: "audited",
        childRef: plan.timeline?.childRef ?? printedReference(plan.line),
        charged: moneyText(plan.line.amount),
        discountCredit: plan.credit.isZero() ? "0.00" : penceText(plan.credit),
        creditUsed: "0.00",
        expected: null,
      };
      if (summary !== null) lines.push(summary);
      if (plan.kind === "discount") {
        linesAudited++;
        continue;
      }
      if (this.runLineGates(plan, work, findings)) {
        if (summary !== null) summary.status = "unmatched";
        linesAudited++;
        continue;
      }
      if (plan.period === null) {
        if (summary !== null) summary.status = "needs_attention";
        work.note(plan.line.lineNo, "needs-attention", null, "The line has no period of its own and the invoice none either: it cannot be audited.");
        continue;
      }
      linesAudited++;
      if (plan.kind === "fee") this.auditFeeLine(plan, work, summary, findings);
      else this.auditExtra(plan, work, findings);
    }

    const invoiceFindings: RawFinding[] = [];
    for (const rule of this.waterfall.invoiceChecks) {
      const outcome = rule.invoiceCheck(work);
      if (outcome === null) continue;
      if (outcome.notes !== undefined) this.keepNotes(work, null, outcome.notes);
      if (outcome.finding !== undefined) invoiceFindings.push(raw(rule.id, outcome.finding));
    }
    this.pushFindings(findings, invoiceFindings, null, null);
    return { findings, notes: work.notes, linesAudited, lines };
  }

  /** Whether a line gate took the line (its finding is then added to `findings`). */
  private runLineGates(plan: LinePlan, work: InvoiceWork, findings: Finding[]): boolean {
    for (const rule of this.waterfall.lineGates) {
      const finding = rule.lineGate(plan, work);
      if (finding === null) continue;
      this.pushFindings(findings, [raw(rule.id, finding)], plan.line.lineNo, printedReference(plan.line));
      return true;
    }
    return false;
  }

  private auditFeeLine(plan: LinePlan, work: InvoiceWork, summary: LineAuditSummary | null, findings: Finding[]): void {
    const line = new FeeLineWork(plan, work);
    const found = this.runSteps(this.waterfall.feeSteps, FEE_STAGE, line, work);
    const expected = line.expectedTotal();
    // charged − 0 is charged: most lines carry no discount credit.
    const payable = line.creditUsed.isZero() ? line.charged : line.charged.minus(line.creditUsed);
    // Step 9 has nothing to cap on a line without findings (most lines).
    const excess = found === null ? Exact.ZERO : capFindings(found, payable.minus(expected));
    if (excess.isPositive()) {
      line.note(
        "findings-offset",
        excess,
        `Some nights are charged below the agreed fee: ${money(excess)} was taken off this line's findings so they add up to what it is charged above its expected ${money(expected)}.`,
      );
    }
    const under = expected.minus(payable);
    if (under.greaterThan(EMPTY_NOTE_THRESHOLD)) {
      line.note("undercharge", under, `Charged ${money(payable)} net of discount credit where ${money(expected)} is agreed: ${money(under)} less than agreed.`);
    }
    if (summary !== null) {
      summary.creditUsed = line.creditUsed.isZero() ? "0.00" : penceText(line.creditUsed);
      summary.expected = penceText(expected);
    }
    work.ctx.history.recordFee(work.invoice.providerId, line.childRef, work.billedAs, plan.line.lineNo, line.nightsBilled);
    this.pushFindings(findings, found, plan.line.lineNo, line.childRef);
  }

  private auditExtra(plan: LinePlan, work: InvoiceWork, findings: Finding[]): void {
    const line = new ExtraLineWork(plan, work);
    const found = this.runSteps(this.waterfall.extraSteps, EXTRA_STAGE, line, work);
    work.ctx.history.recordExtra(work.invoice.providerId, line.childRef, line.sameItemKey, work.billedAs, plan.line.lineNo, plan.periodList);
    this.pushFindings(findings, found, plan.line.lineNo, line.childRef);
  }

  /**
   * A line's waterfall: each step is taken by the first of its rules that returns an outcome;
   * its notes are kept and what it consumed is applied to the line before the next step.
   * `found` stays unallocated until a rule finds something (most lines: never).
   */
  private runSteps<L extends LineWork, R, O extends ExtraStepOutcome>(steps: readonly (readonly R[])[], stage: Stage<L, R, O>, line: L, work: InvoiceWork): RawFinding[] | null {
    let found: RawFinding[] | null = null;
    for (const step of steps) {
      for (const rule of step) {
        const outcome = stage.take(rule, line);
        if (outcome === null) continue;
        if (outcome.notes !== undefined) this.keepNotes(work, line.line.lineNo, outcome.notes);
        stage.apply(line, outcome);
        if (outcome.finding !== undefined) (found ??= []).push(raw(stage.id(rule), outcome.finding));
        break;
      }
    }
    return found;
  }

  private keepNotes(work: InvoiceWork, lineNo: number | null, notes: readonly RuleNote[]): void {
    for (const note of notes) work.note(lineNo, note.kind, note.amount, note.text);
  }

  /** Adds the findings kept of `found` (rounded, enabled, over the threshold) to `findings`. */
  private pushFindings(findings: Finding[], found: readonly RawFinding[] | null, lineNo: number | null, childRef: string | null): void {
    if (found === null || found.length === 0) return;
    for (const finding of toFindings(found, lineNo, childRef, this.findingSettings, this.waterfall.categories)) findings.push(finding);
  }
}
