import { Dec, ZERO, money, percentText, type InvoiceCheckRule, type InvoiceView, type RuleNote } from "../../src/audit/rule-kit.js";

const HUNDRED = new Dec(100);

/**
 * VAT due: the configured rate of the printed amounts, less their discount credit, of the
 * fee lines and extras whose placement's contract is not VAT exempt (unmatched lines count as
 * exempt); 0 when the provider has no VAT number.
 */
export function vatDue(work: InvoiceView): { due: Dec; base: Dec; registered: boolean } {
  const provider = work.ctx.index.provider(work.invoice.providerId);
  const registered = provider !== undefined && provider.vatNumber !== null && provider.vatNumber.trim() !== "";
  if (!registered) return { due: ZERO, base: ZERO, registered };
  let base = ZERO;
  for (const plan of work.plans) {
    if (plan.kind === "discount" || plan.placement === null) continue;
    if (work.ctx.index.contractOf(plan.placement).vatExempt) continue;
    base = base.plus(new Dec(plan.line.amount).minus(plan.credit));
  }
  return { due: base.times(work.ctx.config.vatRate).dividedBy(HUNDRED), base, registered };
}

/** vat-overcharge (whole invoice): VAT charged above the VAT due. */
export const rule: InvoiceCheckRule = {
  id: "vat-overcharge",
  invoiceCheck(work) {
    const vat = work.invoice.vat === null ? ZERO : new Dec(work.invoice.vat);
    const { due, base, registered } = vatDue(work);
    const notes: RuleNote[] = vat.lessThan(due)
      ? [{ kind: "vat-undercharge", amount: due.minus(vat), text: `VAT charged ${money(vat)} is ${money(due.minus(vat))} less than the ${money(due)} due.` }]
      : [];
    const amount = vat.minus(due);
    if (!amount.greaterThan(0)) return notes.length === 0 ? null : { notes };
    const reason = registered
      ? `${percentText(work.ctx.config.vatRate)} of the ${money(base)} billed under contracts that are not VAT exempt; care under VAT-exempt contracts and unmatched lines carry none`
      : "the provider has no VAT number";
    return {
      finding: {
        amount,
        charged: vat,
        expected: due,
        explanation: `VAT charged ${money(vat)} but ${money(due)} is due (${reason}): ${money(amount)} too much.`,
        evidence: { ranges: [], vatCharged: vat.toFixed(2), vatDue: due.toDecimalPlaces(6).toString(), vatableAmount: base.toDecimalPlaces(6).toString(), providerVatRegistered: registered },
      },
      notes,
    };
  },
};
