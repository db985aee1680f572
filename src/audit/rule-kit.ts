/**
 * Everything a rule under rules/ may use, in one place: the rule interface and what rules
 * return, the read-only views of the invoice and the line, money and night ranges, and the
 * plain-English pieces of explanations. Rules import this module and nothing else of src/
 * (a lint rule holds them to it), so the engine can change behind it.
 */

// The rule interface: hooks per stage, and what a hook returns.
export type {
  AuditRule,
  ExtraLine,
  ExtraStepRule,
  FeeLine,
  FeeStepRule,
  InvoiceCheckRule,
  InvoiceGateRule,
  InvoiceView,
  LineGateRule,
  Waterfall,
} from "./rule.js";
export type { ExtraStepOutcome, FeePiece, FeeStepOutcome, InvoiceOutcome, RuleFinding, RuleNote } from "./outcome.js";

// Vocabulary and reference facts.
export type { Category, EvidenceRange, FindingEvidence, RuleId } from "../domain/finding.js";
export type { DayNumber } from "../domain/dates.js";
export { formatDate } from "../domain/dates.js";
export type { Placement } from "../domain/reference.js";
export type { LinePlan } from "./invoice-work.js";
export type { ChildTimeline, DiscountRow } from "./reference-index.js";
export type { BilledBy } from "./history.js";
export { weeklyFeeOn } from "./tariff.js";
export { printedReference } from "./matching.js";

// Money: exact pence (a fraction of a penny only where AUDIT.md shares a value), rounded to
// whole pence once, at the end (the engine rounds findings; wholePence is for a rule that
// compares with a printed, rounded figure). Quantities and percentages are exact too.
export { Exact } from "../domain/exact.js";
export {
  HALF_PENNY,
  NO_PENCE,
  ONE_PENNY,
  decimalText,
  exactOf,
  exactOfDecimal,
  nightlyOf,
  penceOf,
  penceText,
  percentOf,
  poundsText,
  weeklyOf,
  wholePence,
  type Pence,
} from "../domain/pence.js";

// Nights: half-open ranges of day numbers.
export { coveredBy, intersectAll, normalize, overlaps, subtract, totalNights, type NightRange } from "../domain/ranges.js";
export { evidenceRanges } from "./days.js";

// Extras: agreements grouped by rate, cap and unit.
export { comparableGroups, groupLeft, groupRateExcess, type ExtraPiece } from "./extra-line.js";

// Explanations: numbers as the UI shows them.
export { dateOf, itemText, money, nights, percentText, quantityText, quantityWithUnit, rangesText, rangeText, unitWord } from "./explain.js";
