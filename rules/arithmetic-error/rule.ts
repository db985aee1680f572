import { decimalText, money, penceText, poundsText, quantityWithUnit, wholePence, type ExtraLine, type ExtraStepOutcome, type ExtraStepRule, type FeeLine, type FeeStepRule } from "../../src/audit/rule-kit.js";

/**
 * arithmetic-error (fee lines and extras, step 1): the printed amount is more than quantity ×
 * unit rate rounded half up to the penny. From here on the line is worth quantity × rate,
 * exactly (AUDIT.md: "£9,188.8838 stays so until the finding is rounded at the end"). When the
 * amount is less, the line is worth its amount: an undercharge, noted.
 *
 * The finding, "the excess", is the printed amount less that exact worth, rounded once at the
 * end like every finding (AUDIT.md "Money is exact"): so the line's findings add up to exactly
 * what it is charged above its expected. (It differs from printed − rounded product only when
 * the product ends in exactly half a penny: 4.5 × £131.01 = £589.545 printed £600.00 is £10.455,
 * £10.46, not £10.45.)
 */
function arithmetic(work: FeeLine | ExtraLine): ExtraStepOutcome | null {
  const { quantity, unitRate, charged } = work;
  if (quantity === null || unitRate === null) return null;
  const exact = quantity.times(unitRate);
  const due = wholePence(exact);
  const comparison = charged.compare(due);
  if (comparison === 0) return null;
  const sum = `${quantityWithUnit(quantity, work.line.unit)} × ${money(unitRate)} = ${money(due)}`;
  if (comparison < 0) {
    const under = due.minus(charged);
    return { notes: [{ kind: "arithmetic-undercharge", amount: under, text: `Printed ${money(charged)}, ${money(under)} less than ${sum}; the line is taken at its printed amount.` }] };
  }
  const amount = charged.minus(exact);
  return {
    worth: exact,
    finding: {
      amount,
      charged,
      expected: exact,
      explanation: `Printed ${money(charged)} but ${sum}: the amount is ${money(amount)} more than quantity × rate.`,
      evidence: { ranges: [], quantity: decimalText(quantity), unitRate: poundsText(unitRate), printed: penceText(charged), quantityTimesRate: penceText(due) },
    },
  };
}

export const rule: FeeStepRule & ExtraStepRule = {
  id: "arithmetic-error",
  feeStep: arithmetic,
  extraStep: arithmetic,
};
