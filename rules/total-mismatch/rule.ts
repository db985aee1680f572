import { NO_PENCE, money, penceOf, penceText, type InvoiceCheckRule } from "../../src/audit/rule-kit.js";

/** total-mismatch (whole invoice): total due above the sum of the printed line amounts (discount lines included) plus the VAT printed. */
export const rule: InvoiceCheckRule = {
  id: "total-mismatch",
  invoiceCheck(work) {
    const invoice = work.invoice;
    // Every printed line, discount lines included (each plan holds its line's amount, read once).
    // Printed amounts are whole pence: summed as a plain number (no value made per line), with
    // any other value, or a sum past the safe integers, added exactly.
    let whole = 0;
    let rest = NO_PENCE;
    for (const plan of work.plans) {
      const amount = plan.amount;
      if (amount.den === 1 && Number.isSafeInteger(whole + amount.num)) whole += amount.num;
      else rest = rest.plus(amount);
    }
    const lines = rest.plus(whole);
    const vat = invoice.vat === null ? NO_PENCE : penceOf(invoice.vat);
    const sum = lines.plus(vat);
    const total = penceOf(invoice.total);
    const amount = total.minus(sum);
    if (!amount.greaterThan(0)) return null;
    return {
      finding: {
        amount,
        charged: total,
        expected: sum,
        explanation: `The total due of ${money(total)} is ${money(amount)} more than the lines (${money(lines)}) plus VAT (${money(vat)}) = ${money(sum)}.`,
        evidence: { ranges: [], linesTotal: penceText(lines), vat: penceText(vat), total: penceText(total) },
      },
    };
  },
};
