import type { Category, Finding, RuleId } from "../domain/finding.js";
import { Dec, ZERO, moneyString } from "../domain/money.js";
import { findingPence } from "./decimals.js";
import type { RulesConfig } from "./config.js";
import { money } from "./explain.js";
import type { RuleFinding } from "./outcome.js";

/** A rule's outcome with the rule it raises. */
export interface RawFinding {
  rule: RuleId;
  outcome: RuleFinding;
  /** Exact amount after step 9. */
  amount: Dec;
  reducedBy: Dec;
}

/** Exact decimals carry dust in the 40th digit; anything below this is no excess. */
const DUST = new Dec("1e-9");

export function raw(rule: RuleId, outcome: RuleFinding): RawFinding {
  return { rule, outcome, amount: outcome.amount, reducedBy: ZERO };
}

/**
 * Step 9: a fee line's findings never add up to more than max(0, charged − credit used −
 * expected). The excess (possible only when some nights are charged below what is agreed and
 * others above) is taken off its findings, last step first. Returns the excess taken.
 */
export function capFindings(findings: readonly RawFinding[], target: Dec): Dec {
  // Most lines raise nothing: 0 − max(target, 0) is never an excess.
  if (findings.length === 0) return ZERO;
  let total = ZERO;
  for (const f of findings) total = total.plus(f.amount);
  const excess = total.minus(Dec.max(target, ZERO));
  if (!excess.greaterThan(DUST)) return ZERO;
  let left = excess;
  for (let i = findings.length - 1; i >= 0 && left.greaterThan(ZERO); i--) {
    const f = findings[i] as RawFinding;
    const take = Dec.min(left, f.amount);
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
  config: RulesConfig,
  categories: Readonly<Record<RuleId, Category>>,
): Finding[] {
  const result: Finding[] = [];
  for (const f of findings) {
    const amount = findingPence(f.amount);
    if (!config.enabled[f.rule] || !amount.greaterThan(ZERO) || amount.lessThan(config.minFindingAmount)) continue;
    const reduced = f.reducedBy.greaterThan(DUST)
      ? ` Reduced by ${money(f.reducedBy)} because other nights of this line are charged below the agreed fee (a line's findings never exceed what it is charged above its expected amount).`
      : "";
    result.push({
      rule: f.rule,
      category: categories[f.rule],
      lineNo,
      childRef,
      amount: amount.toFixed(2),
      charged: moneyString(f.outcome.charged),
      expected: moneyString(f.outcome.expected),
      explanation: f.outcome.explanation + reduced,
      evidence: f.reducedBy.greaterThan(DUST) ? { ...f.outcome.evidence, reducedBy: f.reducedBy.toString() } : f.outcome.evidence,
    });
  }
  return result;
}
