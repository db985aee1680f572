import type { Category, RuleId } from "../domain/finding.js";
import type { ExtraLineWork } from "./extra-line.js";
import type { FeeLineWork } from "./fee-line.js";
import type { ExtraStepOutcome, FeeStepOutcome, InvoiceOutcome, RuleFinding } from "./outcome.js";
import type { AuditContext, AuditInvoice, LinePlan } from "./invoice-work.js";

/**
 * What rules see of the invoice and of a line: the engine's work objects, read-only (rules
 * return what they found and consumed; only the engine changes the work).
 */
export interface InvoiceView {
  readonly invoice: AuditInvoice;
  readonly ctx: AuditContext;
  readonly voided: boolean;
  readonly plans: readonly Readonly<LinePlan>[];
}

/** What is the engine's alone on a line: applying an outcome, keeping notes. */
type EngineOnly = "apply" | "note" | "invoice" | "plan";
interface LineParts {
  readonly invoice: InvoiceView;
  readonly plan: Readonly<LinePlan>;
}
export type FeeLine = Omit<FeeLineWork, EngineOnly> & LineParts;
export type ExtraLine = Omit<ExtraLineWork, EngineOnly> & LineParts;

interface RuleOf {
  readonly id: RuleId;
}

/** Whole invoice, before any line: a finding here ends the audit of the invoice (duplicate-invoice). */
export interface InvoiceGateRule extends RuleOf {
  invoiceGate(invoice: InvoiceView): RuleFinding | null;
}

/** Each fee or extra line, before its waterfall: a finding here ends the audit of the line (unmatched-line). */
export interface LineGateRule extends RuleOf {
  lineGate(line: Readonly<LinePlan>, invoice: InvoiceView): RuleFinding | null;
}

export interface FeeStepRule extends RuleOf {
  feeStep(line: FeeLine): FeeStepOutcome | null;
}

export interface ExtraStepRule extends RuleOf {
  extraStep(line: ExtraLine): ExtraStepOutcome | null;
}

/** Whole invoice, after its lines. */
export interface InvoiceCheckRule extends RuleOf {
  invoiceCheck(invoice: InvoiceView): InvoiceOutcome | null;
}

/** Any rule: one folder under rules/, taking part in the stages whose hooks it has. */
export type AuditRule = RuleOf & Partial<InvoiceGateRule & LineGateRule & FeeStepRule & ExtraStepRule & InvoiceCheckRule>;

/**
 * AUDIT.md's waterfall as the engine runs it (rules/index.ts builds it; the engine imports no
 * rule). Each rule explains only what the rules before it left unexplained, so no pound is
 * counted twice. A step is a list of rules: the first that returns an outcome takes the step
 * (step 7 of fee lines: uplift-before-effective-date, else rate-above-agreed).
 */
export interface Waterfall {
  readonly invoiceGates: readonly InvoiceGateRule[];
  readonly lineGates: readonly LineGateRule[];
  /** Fee lines' steps; index 0 is step 1. Step 9 (the cap) is the engine's. */
  readonly feeSteps: readonly (readonly FeeStepRule[])[];
  /** Extras' steps; index 0 is step 1. */
  readonly extraSteps: readonly (readonly ExtraStepRule[])[];
  readonly invoiceChecks: readonly InvoiceCheckRule[];
  /** The savings category of each rule's findings (rules/catalogue.ts). */
  readonly categories: Readonly<Record<RuleId, Category>>;
}
