import { NO_PENCE, formatDate, money, penceOf, type InvoiceGateRule } from "../../src/audit/rule-kit.js";

/**
 * duplicate-invoice: same provider and invoice number as an earlier invoice that no credit
 * note voided. The whole total is the finding; nothing else on the invoice is audited and its
 * nights do not count as billed.
 */
export const rule: InvoiceGateRule = {
  id: "duplicate-invoice",
  invoiceGate(work) {
    const invoice = work.invoice;
    const earlier = work.ctx.history.earlierInvoice(invoice.providerId, invoice.invoiceNumber);
    if (!earlier) return null;
    const total = penceOf(invoice.total);
    return {
      amount: total,
      charged: total,
      expected: NO_PENCE,
      explanation:
        `Invoice ${invoice.invoiceNumber} was already received from this provider (the earlier one is dated ${formatDate(earlier.invoiceDate)}): ` +
        `its whole total of ${money(total)} is billed twice, so nothing else on this copy is audited.`,
      evidence: { ranges: [], earlierInvoiceKey: earlier.invoiceKey, earlierInvoiceDate: earlier.invoiceDate },
    };
  },
};
