import { isRuleId, type RuleId } from "../domain/finding.js";

/** Each rule in plain words, for commissioners and for letters to providers. */
const RULE_LABELS: Readonly<Record<RuleId, string>> = {
  "arithmetic-error": "Amount more than quantity × rate",
  "quantity-exceeds-period": "More nights charged than in the period",
  "duplicate-billing": "Nights already billed",
  "outside-placement": "Nights outside the placement",
  "no-agreed-rate": "No agreed fee for these nights",
  "absence-not-at-retainer": "Absence not charged at the retainer",
  "rate-above-agreed": "Rate above the agreed fee",
  "uplift-before-effective-date": "Fee increase charged before it took effect",
  "discount-not-applied": "Agreed discount not applied",
  "extra-not-agreed": "Extra service not agreed",
  "extra-rate-above-agreed": "Extra service charged above the agreed rate",
  "extra-quantity-above-agreed": "More extra service than agreed",
  "unmatched-line": "Line matches no placement with this provider",
  "duplicate-invoice": "Invoice already received",
  "vat-overcharge": "VAT charged above the VAT due",
  "total-mismatch": "Total more than the lines and VAT",
};

export function ruleLabel(rule: string): string {
  return isRuleId(rule) ? RULE_LABELS[rule] : rule;
}
