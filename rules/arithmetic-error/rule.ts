import { money, quantityWithUnit, toPence, type ExtraLine, type ExtraStepOutcome, type ExtraStepRule, type FeeLine, type FeeStepRule } from "../../src/audit/rule-kit.js";

/**
 * arithmetic-error (fee lines and extras, step 1): the printed amount is more than quantity ×
 * unit rate rounded half up to the penny. From here on the line is worth quantity × rate. When
 * the amount is less, the line is worth its amount: an undercharge, noted.
 */
function arithmetic(work: FeeLine | ExtraLine): ExtraStepOutcome | null {
  const { quantity, unitRate, charged } = work;
  if (quantity === null || unitRate === null) return null;
  const due = toPence(quantity.times(unitRate));
  const comparison = charged.comparedTo(due);
  if (comparison === 0) return null;
  const sum = `${quantityWithUnit(quantity, work.line.unit)} × ${money(unitRate)} = ${money(due)}`;
  if (comparison < 0) {
    const under = due.minus(charged);
    return { notes: [{ kind: "arithmetic-undercharge", amount: under, text: `Printed ${money(charged)}, ${money(under)} less than ${sum}; the line is taken at its printed amount.` }] };
  }
  const amount = charged.minus(due);
  return {
    worth: due,
    finding: {
      amount,
      charged,
      expected: due,
      explanation: `Printed ${money(charged)} but ${sum}: the amount is ${money(amount)} more than quantity × rate.`,
      evidence: { ranges: [], quantity: quantity.toString(), unitRate: unitRate.toString(), printed: charged.toFixed(2), quantityTimesRate: due.toFixed(2) },
    },
  };
}

export const rule: FeeStepRule & ExtraStepRule = {
  id: "arithmetic-error",
  feeStep: arithmetic,
  extraStep: arithmetic,
};
