import { Dec } from "../../src/domain/money.js";
import { formatDate } from "../../src/domain/dates.js";
import { money } from "../../src/audit/explain.js";
import type { AuditRule } from "../../src/audit/rule.js";

/**
 * duplicate-invoice: same provider and invoice number as an earlier invoice that no credit
 * note voided. The whole total is the finding; nothing else on the invoice is audited and its
 * nights do not count as billed.
 */
export const rule: AuditRule = {
  id: "duplicate-invoice",
  raises: ["duplicate-invoice"],
  invoiceGate(work) {
    const invoice = work.invoice;
    const earlier = work.ctx.history.earlierInvoice(invoice.providerId, invoice.invoiceNumber);
    if (!earlier) return null;
    const total = new Dec(invoice.total);
    return {
      amount: total,
      charged: total,
      expected: new Dec(0),
      explanation:
        `Invoice ${invoice.invoiceNumber} was already received from this provider (the earlier one is dated ${formatDate(earlier.invoiceDate)}): ` +
        `its whole total of ${money(total)} is billed twice, so nothing else on this copy is audited.`,
      evidence: { ranges: [], earlierInvoiceKey: earlier.invoiceKey, earlierInvoiceDate: earlier.invoiceDate },
    };
  },
};
