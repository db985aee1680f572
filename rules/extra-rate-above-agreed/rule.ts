import { Exact, NO_PENCE, comparableGroups, evidenceRanges, poundsText, groupRateExcess, itemText, money, quantityText, unitWord, type ExtraPiece, type ExtraStepRule, type RuleNote } from "../../src/audit/rule-kit.js";

/** The step's outcome when it found nothing: its notes, if any. */
function notesOnly(notes: RuleNote[]): { notes: RuleNote[] } | null {
  return notes.length === 0 ? null : { notes };
}

/** Whether a package agrees the item without a rate (a loop: a callback would be a closure per line). */
function hasPackageWithoutRate(pieces: readonly ExtraPiece[]): boolean {
  for (const piece of pieces) if (piece.pkg !== null && piece.agreedRate === null) return true;
  return false;
}

/**
 * extra-rate-above-agreed (extras, step 5): (unit rate − agreed rate) × the quantity still in,
 * where the agreed rate is the package's, else the contract rate card's.
 */
export const rule: ExtraStepRule = {
  id: "extra-rate-above-agreed",
  extraStep(work) {
    const rate = work.effectiveUnitRate();
    const notes: RuleNote[] = [];
    if (hasPackageWithoutRate(work.pieces())) {
      notes.push({ kind: "agreed-rate-unknown", amount: null, text: `A package agrees ${itemText(work.item)} without a rate and the contract's rate card has none: its rate and quantity were not compared.` });
    }
    const all = work.groups();
    const groups = comparableGroups(work);
    if (groups.length < all.length) {
      notes.push({ kind: "unit-differs", amount: null, text: `The line is priced per ${unitWord(work.line.unit)} but what was agreed for ${itemText(work.item)} is priced per another unit: its rate and quantity were not compared.` });
    }
    if (rate === null) {
      if (groups.length > 0) notes.push({ kind: "quantity-missing", amount: null, text: `The line prints no quantity: its rate and quantity could not be compared with what was agreed.` });
      return notesOnly(notes);
    }
    let amount = NO_PENCE;
    const parts: string[] = [];
    const ranges = [];
    for (const group of groups) {
      const excess = groupRateExcess(work, group);
      if (!excess.greaterThan(0)) continue;
      amount = amount.plus(excess);
      const quantity = work.quantityIn(group.nights) ?? Exact.ZERO;
      parts.push(`${quantityText(quantity)} × (${money(rate)} − ${money(group.agreedRate)}) = ${money(excess)}`);
      ranges.push(...evidenceRanges(group.ranges, `agreed ${money(group.agreedRate)} per ${unitWord(group.agreedUnit ?? work.line.unit)} (${group.fromPackage ? "package" : "rate card"})`));
    }
    if (!amount.greaterThan(0)) return notesOnly(notes);
    const sources = [...new Set(groups.map((g) => (g.fromPackage ? "the package" : "the contract rate card")))].join(" and ");
    return {
      finding: {
        amount,
        charged: rate.times(work.quantityIn() ?? Exact.ZERO),
        expected: rate.times(work.quantityIn() ?? Exact.ZERO).minus(amount),
        explanation:
          `Charged ${money(rate)} per ${unitWord(work.line.unit)} where ${sources} agrees ${groups.map((g) => money(g.agreedRate)).join(" / ")}: ` +
          `${parts.join("; ")}.`,
        evidence: { ranges, unitRate: poundsText(rate) },
      },
      notes,
    };
  },
};
