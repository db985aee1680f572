import type { IsoDate } from "./dates.js";
import type { DecimalString } from "./money.js";

/**
 * The rules' ids: the vocabulary of findings. Everything else about a rule (its category, its
 * place in the waterfall, its label and what it checks) is in rules/catalogue.ts.
 */
export const RULE_IDS = [
  "duplicate-invoice",
  "unmatched-line",
  "arithmetic-error",
  "quantity-exceeds-period",
  "duplicate-billing",
  "outside-placement",
  "no-agreed-rate",
  "absence-not-at-retainer",
  "uplift-before-effective-date",
  "rate-above-agreed",
  "discount-not-applied",
  "extra-not-agreed",
  "extra-rate-above-agreed",
  "extra-quantity-above-agreed",
  "vat-overcharge",
  "total-mismatch",
] as const;

export type RuleId = (typeof RULE_IDS)[number];

/** Savings categories (AUDIT.md "Categories"): fees and discounts, invoice errors, queries. */
export const CATEGORIES = ["fees", "errors", "query"] as const;
export type Category = (typeof CATEGORIES)[number];

export const FINDING_STATUSES = ["open", "confirmed", "recovered", "dismissed", "superseded"] as const;
export type FindingStatus = (typeof FINDING_STATUSES)[number];

const RULE_ID_SET: ReadonlySet<string> = new Set(RULE_IDS);

export function isRuleId(value: string): value is RuleId {
  return RULE_ID_SET.has(value);
}

/** Nights and rates behind a finding, as ranges of ISO dates (inclusive). */
export interface EvidenceRange {
  from: IsoDate;
  to: IsoDate;
  nights: number;
  note?: string;
}

export interface FindingEvidence {
  ranges: EvidenceRange[];
  [key: string]: unknown;
}

/** What the engine says about one line (or a whole invoice). */
export interface Finding {
  rule: RuleId;
  category: Category;
  /** Line number on the invoice; null for whole-invoice findings. */
  lineNo: number | null;
  childRef: string | null;
  amount: DecimalString;
  charged: DecimalString;
  expected: DecimalString;
  explanation: string;
  evidence: FindingEvidence;
}

/** An undercharge or other remark kept on the invoice, never a finding or a saving. */
export interface AuditNote {
  lineNo: number | null;
  kind: string;
  amount: DecimalString | null;
  text: string;
}
