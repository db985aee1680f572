import { NO_PENCE, exactOfDecimal, money, penceOf, penceText, percentOf, percentText, poundsText, type InvoiceCheckRule, type InvoiceView, type Pence, type Placement, type RuleNote } from "../../src/audit/rule-kit.js";

/**
 * VAT due: the configured rate of the printed amounts, less their discount credit, of the
 * fee lines and extras whose placement's contract is not VAT exempt (unmatched lines count as
 * exempt); 0 when the provider has no VAT number.
 */
export function vatDue(work: InvoiceView): { due: Pence; base: Pence; registered: boolean } {
  const provider = work.ctx.index.provider(work.invoice.providerId);
  const registered = provider !== undefined && provider.vatNumber !== null && provider.vatNumber.trim() !== "";
  if (!registered) return { due: NO_PENCE, base: NO_PENCE, registered };
  let base = NO_PENCE;
  // An invoice's lines mostly follow one another by placement: the contract is looked up when
  // the placement changes, not for every line.
  let placement: Placement | null = null;
  let exempt = true;
  for (const plan of work.plans) {
    if (plan.kind === "discount" || plan.placement === null) continue;
    if (plan.placement !== placement) {
      placement = plan.placement;
      exempt = work.ctx.index.contractOf(placement).vatExempt;
    }
    if (exempt) continue;
    base = base.plus(plan.amount.minus(plan.credit));
  }
  return { due: percentOf(base, exactOfDecimal(work.ctx.config.vatRate)), base, registered };
}

/** vat-overcharge (whole invoice): VAT charged above the VAT due. */
export const rule: InvoiceCheckRule = {
  id: "vat-overcharge",
  invoiceCheck(work) {
    const vat = work.invoice.vat === null ? NO_PENCE : penceOf(work.invoice.vat);
    const { due, base, registered } = vatDue(work);
    const notes: RuleNote[] = vat.lessThan(due)
      ? [{ kind: "vat-undercharge", amount: due.minus(vat), text: `VAT charged ${money(vat)} is ${money(due.minus(vat))} less than the ${money(due)} due.` }]
      : [];
    const amount = vat.minus(due);
    if (!amount.greaterThan(0)) return notes.length === 0 ? null : { notes };
    const reason = registered
      ? `${percentText(exactOfDecimal(work.ctx.config.vatRate))} of the ${money(base)} billed under contracts that are not VAT exempt; care under VAT-exempt contracts and unmatched lines carry none`
      : "the provider has no VAT number";
    return {
      finding: {
        amount,
        charged: vat,
        expected: due,
        explanation: `VAT charged ${money(vat)} but ${money(due)} is due (${reason}): ${money(amount)} too much.`,
        evidence: { ranges: [], vatCharged: penceText(vat), vatDue: poundsText(due, 6), vatableAmount: poundsText(base, 6), providerVatRegistered: registered },
      },
      notes,
    };
  },
};
