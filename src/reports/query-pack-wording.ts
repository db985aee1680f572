import type { RuleId } from "../domain/finding.js";

/**
 * What a query pack says to a provider about each kind of issue: a heading and one short
 * explanation, written for someone who knows their invoices and the placement agreement but
 * not our rules, their codes or our reference data's identifiers. Said once per kind; the
 * lines it concerns follow in a table. Every rule of the audit has its wording here (the type
 * requires it), so a new rule cannot reach a provider as a code.
 */
export interface ProviderWording {
  title: string;
  explanation: string;
}

export const PROVIDER_WORDING: Readonly<Record<RuleId, ProviderWording>> = {
  "duplicate-invoice": {
    title: "Invoice received twice",
    explanation: "We have already received an invoice with this number from you. We have not paid the copy; please confirm it was sent in error or tell us how it differs.",
  },
  "unmatched-line": {
    title: "Charges we cannot match to a placement with you",
    explanation: "We could not match these charges to any child placed with you under the reference on the line. Please tell us which placement they are for, or credit them.",
  },
  "arithmetic-error": {
    title: "Line amounts that do not add up",
    explanation: "The amount on each of these lines is more than its quantity multiplied by its rate. The difference is the amount queried.",
  },
  "quantity-exceeds-period": {
    title: "More nights charged than the dates allow",
    explanation: "These lines charge for more nights than there are in the dates they cover. The extra nights, at the rate charged, are queried.",
  },
  "duplicate-billing": {
    title: "Nights charged more than once",
    explanation: "These nights were already charged for the same child on an earlier line or invoice. The second charge for them is queried.",
  },
  "outside-placement": {
    title: "Nights outside the placement",
    explanation: "These nights fall before the placement started, after it ended or between placements, so no fee is due for them.",
  },
  "no-agreed-rate": {
    title: "Nights with no agreed fee",
    explanation: "We hold no agreed fee for these nights of the placement. Please send the agreement that covers them, or credit the charge.",
  },
  "absence-not-at-retainer": {
    title: "Absence nights charged above the agreed retainer",
    explanation: "The child was absent on these nights. The agreement pays a retainer for absence, not the full fee; the charge above the retainer is queried.",
  },
  "uplift-before-effective-date": {
    title: "Fee increase charged before it took effect",
    explanation: "These nights are charged at an increased fee that the agreement applies only from a later date. The difference from the fee in force at the time is queried.",
  },
  "rate-above-agreed": {
    title: "Fees above the agreed fee",
    explanation: "The fee charged for these nights is more than the fee agreed for the placement. The difference is queried.",
  },
  "discount-not-applied": {
    title: "Agreed discounts not applied",
    explanation: "The placement agreement gives a discount for these nights (for example for siblings, volume or length of stay) that the invoice does not credit in full. The discount still due is queried.",
  },
  "extra-not-agreed": {
    title: "Additional services not agreed",
    explanation: "We hold no agreement for these additional services for the child. Please send the agreement that covers them, or credit the charge.",
  },
  "extra-rate-above-agreed": {
    title: "Additional services above the agreed rate",
    explanation: "These additional services are charged at more than the rate agreed for them. The difference, for the quantity charged, is queried.",
  },
  "extra-quantity-above-agreed": {
    title: "More additional services than agreed",
    explanation: "These lines charge for more of an additional service than the agreed weekly amount allows for the nights the child was placed. The excess, at the agreed rate, is queried.",
  },
  "vat-overcharge": {
    title: "VAT charged above the VAT due",
    explanation: "The VAT on these invoices is more than is due on their lines (placements under a VAT-exempt agreement carry none, and none is due without a VAT registration). The VAT above what is due is queried.",
  },
  "total-mismatch": {
    title: "Invoice totals above the sum of their lines",
    explanation: "The total due on these invoices is more than their lines and VAT add up to. The difference is queried.",
  },
};

export function providerWording(rule: string): ProviderWording {
  return PROVIDER_WORDING[rule as RuleId] ?? { title: "Other charges queried", explanation: "We could not agree these charges with the placement agreement. Please explain or credit them." };
}
