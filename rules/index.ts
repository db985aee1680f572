import type { AuditRule, Waterfall } from "../src/audit/rule-kit.js";
import { rule as absenceNotAtRetainer } from "./absence-not-at-retainer/rule.js";
import { rule as arithmeticError } from "./arithmetic-error/rule.js";
import { RULE_CATEGORIES } from "./catalogue.js";
import { rule as discountNotApplied } from "./discount-not-applied/rule.js";
import { rule as duplicateBilling } from "./duplicate-billing/rule.js";
import { rule as duplicateInvoice } from "./duplicate-invoice/rule.js";
import { rule as extraNotAgreed } from "./extra-not-agreed/rule.js";
import { rule as extraQuantityAboveAgreed } from "./extra-quantity-above-agreed/rule.js";
import { rule as extraRateAboveAgreed } from "./extra-rate-above-agreed/rule.js";
import { rule as noAgreedRate } from "./no-agreed-rate/rule.js";
import { rule as outsidePlacement } from "./outside-placement/rule.js";
import { rule as quantityExceedsPeriod } from "./quantity-exceeds-period/rule.js";
import { rule as rateAboveAgreed } from "./rate-above-agreed/rule.js";
import { rule as totalMismatch } from "./total-mismatch/rule.js";
import { rule as unmatchedLine } from "./unmatched-line/rule.js";
import { rule as upliftBeforeEffectiveDate } from "./uplift-before-effective-date/rule.js";
import { rule as vatOvercharge } from "./vat-overcharge/rule.js";

/**
 * AUDIT.md's waterfall ("Findings, in order"), stage by stage. The order is the law: each rule
 * explains only what the rules before it left unexplained, so no pound is counted twice.
 * FEE_STEPS[6] is step 7 of a fee line; a step of several rules is taken by the first that
 * returns an outcome. Step 9 of fee lines (the cap) is the engine's.
 */
export const INVOICE_GATES = [duplicateInvoice] as const;
export const LINE_GATES = [unmatchedLine] as const;
export const FEE_STEPS = [
  [arithmeticError], // 1
  [quantityExceedsPeriod], // 2
  [duplicateBilling], // 3
  [outsidePlacement], // 4
  [noAgreedRate], // 5
  [absenceNotAtRetainer], // 6
  [upliftBeforeEffectiveDate, rateAboveAgreed], // 7
  [discountNotApplied], // 8
] as const;
export const EXTRA_STEPS = [
  [arithmeticError], // 1
  [duplicateBilling], // 2
  [outsidePlacement], // 3
  [extraNotAgreed], // 4
  [extraRateAboveAgreed], // 5
  [extraQuantityAboveAgreed], // 6
] as const;
export const INVOICE_CHECKS = [vatOvercharge, totalMismatch] as const;

/** What the engine runs (the composition root passes it to AuditSession). */
export const WATERFALL: Waterfall = {
  invoiceGates: INVOICE_GATES,
  lineGates: LINE_GATES,
  feeSteps: FEE_STEPS,
  extraSteps: EXTRA_STEPS,
  invoiceChecks: INVOICE_CHECKS,
  categories: RULE_CATEGORIES,
};

/**
 * Every rule once, in waterfall order: the invoice gate, the line gate, the fee lines' steps,
 * the extras' steps not already met, the whole-invoice checks. rules/catalogue.ts lists them
 * in this order.
 */
export const RULES: readonly AuditRule[] = [
  ...new Set<AuditRule>([...INVOICE_GATES, ...LINE_GATES, ...FEE_STEPS.flat(), ...EXTRA_STEPS.flat(), ...INVOICE_CHECKS]),
];
