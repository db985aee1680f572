import { Dec, ZERO, money, type InvoiceCheckRule } from "../../src/audit/rule-kit.js";

/** total-mismatch (whole invoice): total due above the sum of the printed line amounts (discount lines included) plus the VAT printed. */
export const rule: InvoiceCheckRule = {
  id: "total-mismatch",
  invoiceCheck(work) {
    const invoice = work.invoice;
    let lines = ZERO;
    for (const line of invoice.lines) lines = lines.plus(line.amount);
    const vat = invoice.vat === null ? ZERO : new Dec(invoice.vat);
    const sum = lines.plus(vat);
    const total = new Dec(invoice.total);
    const amount = total.minus(sum);
    if (!amount.greaterThan(0)) return null;
    return {
      finding: {
        amount,
        charged: total,
        expected: sum,
        explanation: `The total due of ${money(total)} is ${money(amount)} more than the lines (${money(lines)}) plus VAT (${money(vat)}) = ${money(sum)}.`,
        evidence: { ranges: [], linesTotal: lines.toFixed(2), vat: vat.toFixed(2), total: total.toFixed(2) },
      },
    };
  },
};
