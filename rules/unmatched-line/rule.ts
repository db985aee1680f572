import { NO_PENCE, money, penceOf, printedReference, type LineGateRule } from "../../src/audit/rule-kit.js";

/**
 * unmatched-line: a fee line or extra whose child reference, placement id or PO number matches
 * no placement of the invoicing provider. A query for the printed amount, and nothing else.
 */
export const rule: LineGateRule = {
  id: "unmatched-line",
  lineGate(plan, work) {
    if (plan.kind === "discount" || plan.timeline !== null) return null;
    const amount = penceOf(plan.line.amount);
    const reference = printedReference(plan.line);
    const provider = work.ctx.index.provider(work.invoice.providerId)?.name ?? work.invoice.providerId;
    return {
      amount,
      charged: amount,
      expected: NO_PENCE,
      explanation:
        reference === null
          ? `The line prints no child or placement reference, so it matches no placement with ${provider}: ${money(amount)} is queried.`
          : `The reference ${reference} matches no placement with ${provider}: ${money(amount)} is queried.`,
      evidence: { ranges: [], reference, description: plan.line.description },
    };
  },
};
