import type { IsoDate } from "./dates.js";
import type { DecimalString } from "./money.js";

export const RULE_CATEGORIES = {
  "arithmetic-error": "errors",
  "quantity-exceeds-period": "errors",
  "duplicate-billing": "errors",
  "outside-placement": "errors",
  "no-agreed-rate": "query",
  "absence-not-at-retainer": "fees",
  "rate-above-agreed": "fees",
  "uplift-before-effective-date": "fees",
  "discount-not-applied": "fees",
  "extra-not-agreed": "query",
  "extra-rate-above-agreed": "fees",
  "extra-quantity-above-agreed": "fees",
  "unmatched-line": "query",
  "duplicate-invoice": "errors",
  "vat-overcharge": "errors",
  "total-mismatch": "errors",
} as const;

export type RuleId = keyof typeof RULE_CATEGORIES;
export type Category = (typeof RULE_CATEGORIES)[RuleId];
export const CATEGORIES: readonly Category[] = ["fees", "errors", "query"];

export const FINDING_STATUSES = ["open", "confirmed", "recovered", "dismissed", "superseded"] as const;
export type FindingStatus = (typeof FINDING_STATUSES)[number];

export function categoryOf(rule: RuleId): Category {
  return RULE_CATEGORIES[rule];
}

export function isRuleId(value: string): value is RuleId {
  return Object.hasOwn(RULE_CATEGORIES, value);
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
