import type { FindingEvidence } from "../domain/finding.js";
import type { Pence } from "../domain/pence.js";
import type { NightRange } from "../domain/ranges.js";
import type { TariffSegment } from "./tariff.js";

/**
 * What rules return to the engine: what they found, the notes they keep and what each step of
 * a line's waterfall consumed. The engine raises the findings and applies the rest.
 */

/** Nights still in a fee line's waterfall that share one tariff segment; `left` is what is left per night. */
export interface FeePiece extends NightRange {
  readonly nights: number;
  readonly segment: TariffSegment;
  readonly left: Pence;
}

/** What a rule found, before rounding, the threshold and the enabled flag. */
export interface RuleFinding {
  /** Exact; rounded to pence once, at the end. */
  readonly amount: Pence;
  /** What was charged for the nights or quantity concerned. */
  readonly charged: Pence;
  /** What was due for them. */
  readonly expected: Pence;
  readonly explanation: string;
  readonly evidence: FindingEvidence;
}

/** A remark kept on the invoice (an undercharge, something that could not be compared): never a finding. */
export interface RuleNote {
  readonly kind: string;
  /** Amounts that round to no pence are not worth a note and are dropped. */
  readonly amount: Pence | null;
  readonly text: string;
}

/** What a whole-invoice check says. */
export interface InvoiceOutcome {
  readonly finding?: RuleFinding;
  readonly notes?: readonly RuleNote[];
}

/**
 * What one step of the extras' waterfall explains and what it takes out of the line; the
 * engine raises the finding and applies the rest before the next step.
 */
export interface ExtraStepOutcome {
  readonly finding?: RuleFinding;
  readonly notes?: readonly RuleNote[];
  /** Step 1: what the line is worth from here on (quantity × rate, when the amount printed is more). */
  readonly worth?: Pence;
  /** Nights that drop out of the waterfall (duplicates, outside the placement, nothing agreed). */
  readonly drop?: readonly NightRange[];
}

/** One step of a fee line's waterfall: its finding and what it consumed. */
export interface FeeStepOutcome extends ExtraStepOutcome {
  /** Step 2: the part of the line's worth taken off for nights beyond the period, before c is shared per night. */
  readonly quantityExcess?: Pence;
  /** Step 6: per piece of nights, the part of each night's charge it explains (taken off what is left for that night). */
  readonly takeOff?: ReadonlyMap<FeePiece, Pence>;
  /** Step 8: the part of the line's discount credit that paid discount due. */
  readonly creditUsed?: Pence;
}
