import type { Category, Finding, RuleId } from "../domain/finding.js";
import { Exact } from "../domain/exact.js";
import { penceText, poundsText, wholePence, type Pence } from "../domain/pence.js";
import { money } from "./explain.js";
import type { RuleFinding } from "./outcome.js";

/** A rule's outcome with the rule it raises. */
export interface RawFinding {
  rule: RuleId;
  outcome: RuleFinding;
  /** Exact amount after step 9. */
  amount: Pence;
  reducedBy: Pence;
}

const ZERO = Exact.ZERO;
/**
 * An excess of a billionth of a pound or less is taken as none, as the decimal engine took it
 * (its 40-digit fractions carried such dust): far below a penny, and kept so that no line's
 * findings or "Reduced by" text change.
 */
const DUST = Exact.ratio(1, 10_000_000);

/** What toFindings needs of the rules settings, in pence. */
export interface FindingSettings {
  readonly minFindingAmount: Pence;
  readonly enabled: Readonly<Record<RuleId, boolean>>;
}

export function raw(rule: RuleId, outcome: RuleFinding): RawFinding {
  return { rule, outcome, amount: outcome.amount, reducedBy: ZERO };
}

/**
 * Step 9: a fee line's findings never add up to more than max(0, charged − credit used −
 * expected). The excess (possible only when some nights are charged below what is agreed and
 * others above) is taken off its findings, last step first. Returns the excess taken.
 */
export function capFindings(findings: readonly RawFinding[], target: Pence): Pence {
  // Most lines raise nothing: 0 − max(target, 0) is never an excess.
  if (findings.length === 0) return ZERO;
  let total = ZERO;
  for (const f of findings) total = total.plus(f.amount);
  const excess = total.minus(Exact.max(target, ZERO));
  if (!excess.greaterThan(DUST)) return ZERO;
  let left = excess;
  for (let i = findings.length - 1; i >= 0 && left.greaterThan(ZERO); i--) {
    const f = findings[i] as RawFinding;
    const take = Exact.min(left, f.amount);
    f.amount = f.amount.minus(take);
    f.reducedBy = f.reducedBy.plus(take);
    left = left.minus(take);
  }
  return excess;
}

/**
 * Rounds each amount to pence, half up, once; keeps it only when the rule is enabled and the
 * amount reaches the reporting threshold (and is more than nothing).
 */
export function toFindings(
  findings: readonly RawFinding[],
  lineNo: number | null,
  childRef: string | null,
  config: FindingSettings,
  categories: Readonly<Record<RuleId, Category>>,
): Finding[] {
  const result: Finding[] = [];
  for (const f of findings) {
    // Exact until here: rounded to pence, half up, once (AUDIT.md "Money is exact").
    const amount = wholePence(f.amount);
    if (!config.enabled[f.rule] || !amount.greaterThan(ZERO) || amount.lessThan(config.minFindingAmount)) continue;
    const reduced = f.reducedBy.greaterThan(DUST)
      ? ` Reduced by ${money(f.reducedBy)} because other nights of this line are charged below the agreed fee (a line's findings never exceed what it is charged above its expected amount).`
      : "";
    result.push({
      rule: f.rule,
      category: categories[f.rule],
      lineNo,
      childRef,
      amount: penceText(amount),
      charged: penceText(f.outcome.charged),
      expected: penceText(f.outcome.expected),
      explanation: f.outcome.explanation + reduced,
      evidence: f.reducedBy.greaterThan(DUST) ? { ...f.outcome.evidence, reducedBy: poundsText(f.reducedBy) } : f.outcome.evidence,
    });
  }
  return result;
}
