import type { AuditRule } from "../src/audit/rule.js";
import { rule as absenceNotAtRetainer } from "./absence-not-at-retainer/rule.js";
import { rule as arithmeticError } from "./arithmetic-error/rule.js";
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
import { rule as vatOvercharge } from "./vat-overcharge/rule.js";

/**
 * The rules in waterfall order (AUDIT.md "Findings, in order"). The order is the law: each
 * rule explains only what the rules before it left unexplained, so no pound is counted twice.
 * Fee lines run the fee steps 1–8 in this order, extras their steps 1–6; duplicate-invoice
 * gates the whole invoice and unmatched-line each line; VAT and total come after the lines.
 * To add a rule: a folder with rule.ts and cases.json, then one line here in its place.
 */
export const RULES: readonly AuditRule[] = [
  duplicateInvoice,
  unmatchedLine,
  arithmeticError,
  quantityExceedsPeriod,
  duplicateBilling,
  outsidePlacement,
  noAgreedRate,
  absenceNotAtRetainer,
  rateAboveAgreed,
  discountNotApplied,
  extraNotAgreed,
  extraRateAboveAgreed,
  extraQuantityAboveAgreed,
  vatOvercharge,
  totalMismatch,
];
