import { ZERO } from "../../src/domain/money.js";
import { evidenceRanges } from "../../src/audit/days.js";
import { comparableGroups, groupRateExcess } from "../../src/audit/extra-line.js";
import { itemText, money, quantityText, unitWord } from "../../src/audit/explain.js";
import type { AuditRule } from "../../src/audit/rule.js";

/**
 * extra-rate-above-agreed (extras, step 5): (unit rate − agreed rate) × the quantity still in,
 * where the agreed rate is the package's, else the contract rate card's.
 */
export const rule: AuditRule = {
  id: "extra-rate-above-agreed",
  raises: ["extra-rate-above-agreed"],
  extraStep(work) {
    const rate = work.effectiveUnitRate();
    if (work.pieces().some((piece) => piece.pkg !== null && piece.agreedRate === null)) {
      work.note("agreed-rate-unknown", null, `A package agrees ${itemText(work.item)} without a rate and the contract's rate card has none: its rate and quantity were not compared.`);
    }
    const all = work.groups();
    const groups = comparableGroups(work);
    if (groups.length < all.length) {
      work.note("unit-differs", null, `The line is priced per ${unitWord(work.line.unit)} but what was agreed for ${itemText(work.item)} is priced per another unit: its rate and quantity were not compared.`);
    }
    if (rate === null) {
      if (groups.length > 0) work.note("quantity-missing", null, `The line prints no quantity: its rate and quantity could not be compared with what was agreed.`);
      return null;
    }
    let amount = ZERO;
    const parts: string[] = [];
    const ranges = [];
    for (const group of groups) {
      const excess = groupRateExcess(work, group);
      if (!excess.greaterThan(0)) continue;
      amount = amount.plus(excess);
      const quantity = work.quantityIn(group.nights) ?? ZERO;
      parts.push(`${quantityText(quantity)} × (${money(rate)} − ${money(group.agreedRate)}) = ${money(excess)}`);
      ranges.push(...evidenceRanges(group.ranges, `agreed ${money(group.agreedRate)} per ${unitWord(group.agreedUnit ?? work.line.unit)} (${group.fromPackage ? "package" : "rate card"})`));
    }
    if (!amount.greaterThan(0)) return null;
    const sources = [...new Set(groups.map((g) => (g.fromPackage ? "the package" : "the contract rate card")))].join(" and ");
    return {
      amount,
      charged: rate.times(work.quantityIn() ?? ZERO),
      expected: rate.times(work.quantityIn() ?? ZERO).minus(amount),
      explanation:
        `Charged ${money(rate)} per ${unitWord(work.line.unit)} where ${sources} agrees ${groups.map((g) => money(g.agreedRate)).join(" / ")}: ` +
        `${parts.join("; ")}.`,
      evidence: { ranges, unitRate: rate.toString() },
    };
  },
};
