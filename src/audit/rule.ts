import type { FindingEvidence, RuleId } from "../domain/finding.js";
import type { Dec } from "../domain/money.js";
import type { ExtraLineWork } from "./extra-line.js";
import type { FeeLineWork } from "./fee-line.js";
import type { InvoiceWork, LinePlan } from "./invoice-work.js";

/** What one rule found on a line or an invoice, before rounding, the threshold and the enabled flag. */
export interface RuleOutcome {
  /** The rule raised; the rule's own id unless it raises a variant (uplift-before-effective-date). */
  readonly rule?: RuleId;
  /** Exact; rounded to pence once, at the end. */
  readonly amount: Dec;
  /** What was charged for the nights or quantity concerned. */
  readonly charged: Dec;
  /** What was due for them. */
  readonly expected: Dec;
  readonly explanation: string;
  readonly evidence: FindingEvidence;
}

/**
 * One rule of AUDIT.md (one folder under rules/). A rule implements the hooks of the stages
 * it takes part in; the registry order in rules/index.ts is the waterfall order. Fee and extra
 * steps read and update the line's work (what is left, the nights still in), so each rule
 * explains only what the rules before it left unexplained.
 */
export interface AuditRule {
  readonly id: RuleId;
  /** Every rule id this rule can raise (its own, and e.g. uplift-before-effective-date). */
  readonly raises: readonly RuleId[];
  /** Whole invoice, before any line: a finding here ends the audit of the invoice. */
  readonly invoiceGate?: (invoice: InvoiceWork) => RuleOutcome | null;
  /** Each fee or extra line, before its waterfall: a finding here ends the audit of the line. */
  readonly lineGate?: (line: LinePlan, invoice: InvoiceWork) => RuleOutcome | null;
  /** One step of the fee-line waterfall. */
  readonly feeStep?: (work: FeeLineWork) => RuleOutcome | null;
  /** One step of the extras' waterfall. */
  readonly extraStep?: (work: ExtraLineWork) => RuleOutcome | null;
  /** Whole invoice, after its lines. */
  readonly invoiceCheck?: (invoice: InvoiceWork) => RuleOutcome | null;
}
