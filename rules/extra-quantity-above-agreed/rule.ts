import { Exact, NO_PENCE, comparableGroups, evidenceRanges, groupLeft, groupRateExcess, itemText, money, quantityText, quantityWithUnit, unitWord, type ExtraStepRule } from "../../src/audit/rule-kit.js";

const SEVEN = Exact.int(7);

/**
 * extra-quantity-above-agreed (extras, step 6): (quantity still in − max_per_week × placed
 * nights / 7) × the agreed rate, when the package sets a maximum (never more than what is left
 * after extra-rate-above-agreed).
 */
export const rule: ExtraStepRule = {
  id: "extra-quantity-above-agreed",
  extraStep(work) {
    if (work.effectiveUnitRate() === null) return null;
    let amount = NO_PENCE;
    let charged = NO_PENCE;
    let expected = NO_PENCE;
    const parts: string[] = [];
    const ranges = [];
    for (const group of comparableGroups(work)) {
      if (group.maxPerWeek === null) continue;
      const quantity = work.quantityIn(group.nights);
      if (quantity === null) continue;
      const allowed = group.maxPerWeek.times(group.nights).dividedBy(SEVEN);
      const over = quantity.minus(allowed);
      if (!over.greaterThan(0)) continue;
      const excess = Exact.min(over.times(group.agreedRate), groupLeft(work, group).minus(groupRateExcess(work, group)));
      if (!excess.greaterThan(0)) continue;
      amount = amount.plus(excess);
      charged = charged.plus(quantity.times(group.agreedRate));
      expected = expected.plus(allowed.times(group.agreedRate));
      const unit = work.line.unit ?? group.agreedUnit;
      parts.push(
        `${quantityWithUnit(quantity, unit)} over ${group.nights} placed nights against ${quantityText(group.maxPerWeek)} a week ` +
          `(${quantityText(group.maxPerWeek)} × ${group.nights} / 7 = ${quantityText(allowed)}): ${quantityText(over)} × ${money(group.agreedRate)} = ${money(excess)}`,
      );
      ranges.push(...evidenceRanges(group.ranges, `at most ${quantityText(group.maxPerWeek)} ${unitWord(unit)}s a week at ${money(group.agreedRate)}`));
    }
    if (!amount.greaterThan(0)) return null;
    return {
      finding: {
        amount,
        charged,
        expected,
        explanation: `More ${itemText(work.item)} billed than the package allows: ${parts.join("; ")}.`,
        evidence: { ranges },
      },
    };
  },
};
