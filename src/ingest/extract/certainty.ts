import { formatDate } from "../../domain/dates.js";
import { Dec, sum } from "../../domain/money.js";
import type { HeaderField } from "../text/labels.js";
import type { Period } from "../text/values.js";
import type { ArithmeticCheck, DraftLine, FieldEvidence, UncertainField } from "../types.js";
import type { HeaderCandidate, HeaderValue } from "./header-fields.js";

/**
 * Certainty, not guesses (DESIGN.md "Reading pipeline", step 5). Two jobs:
 * - a header field printed twice with different values under equally strong labels is not
 *   decided by position: it is marked uncertain, with both values;
 * - the invoice's own arithmetic (quantity × rate = amount, lines = subtotal, subtotal + VAT =
 *   total) is checked and recorded. Where the totals could be read more than one way (a VAT
 *   printed with its base, a VAT analysis table, a remittance slip), the reading the arithmetic
 *   confirms is taken; when it confirms none of two readings, the field is uncertain. A sum that
 *   does not close with only one reading is the provider's arithmetic, left for the audit to judge.
 */

export function valueText(value: HeaderValue): string {
  if (value instanceof Dec) return `£${value.toFixed(2)}`;
  if (typeof value === "string") return value;
  const period: Period = value;
  return `${formatDate(period.from)} to ${formatDate(period.to)}`;
}

function sameValue(a: HeaderValue, b: HeaderValue): boolean {
  if (a instanceof Dec || b instanceof Dec) return a instanceof Dec && b instanceof Dec && a.eq(b);
  if (typeof a === "string" || typeof b === "string") return typeof a === "string" && typeof b === "string" && a.toUpperCase() === b.toUpperCase();
  return a.from === b.from && a.to === b.to;
}

export function distinctValues(candidates: readonly HeaderCandidate[]): HeaderCandidate[] {
  const out: HeaderCandidate[] = [];
  for (const candidate of candidates) if (!out.some((c) => sameValue(c.value, candidate.value))) out.push(candidate);
  return out;
}

export function evidenceOf(candidate: HeaderCandidate): FieldEvidence {
  return { via: candidate.via, label: candidate.label === "" ? null : candidate.label, where: candidate.where };
}

function labelled(candidate: HeaderCandidate): string {
  const where = candidate.where ? ` (${candidate.where})` : "";
  return candidate.label ? `"${candidate.label}" ${valueText(candidate.value)}${where}` : `${valueText(candidate.value)}${where}`;
}

/** Two values under equally strong labels: which one is meant is not known. */
export function ambiguity(field: HeaderField, candidates: readonly HeaderCandidate[], exclude: readonly HeaderValue[] = []): UncertainField | null {
  const ofField = candidates.filter((c) => c.field === field && !exclude.some((value) => sameValue(value, c.value)));
  if (ofField.length < 2) return null;
  const best = Math.min(...ofField.map((c) => c.rank));
  const top = distinctValues(ofField.filter((c) => c.rank === best));
  if (top.length < 2) return null;
  return {
    code: "uncertain_value",
    field,
    reason: `is printed with ${top.length} different values under equally strong labels: ${top.map(labelled).join(" and ")}`,
    candidates: top.map((c) => valueText(c.value)),
  };
}

// ---------------------------------------------------------------- arithmetic

const PENNY = new Dec("0.01");

function decimalsOf(value: Dec): number {
  return value.decimalPlaces();
}

/**
 * How far quantity × rate may lie from the printed amount and still close: a penny, plus the
 * rounding of a printed fractional quantity (4.43 weeks stands for 31/7 = 4.428571…: the amount
 * may differ from 4.43 × rate by up to half a unit of the quantity's last printed decimal × rate).
 */
export function lineTolerance(quantity: Dec, rate: Dec): Dec {
  const places = decimalsOf(quantity);
  if (places === 0) return PENNY;
  return PENNY.plus(rate.abs().times(new Dec(10).pow(-places)).div(2));
}

export function checkLine(line: DraftLine): ArithmeticCheck | null {
  if (line.quantity === null || line.unitRate === null || line.amount === null) return null;
  const expected = line.quantity.times(line.unitRate).toDecimalPlaces(2, Dec.ROUND_HALF_UP);
  // Credit notes print quantities, rates or amounts with or without their minus signs.
  const printed = line.amount;
  const closes = [printed, printed.neg()].some((amount) => expected.minus(amount).abs().lte(lineTolerance(line.quantity as Dec, line.unitRate as Dec)));
  return { check: "line", lineNo: line.lineNo, expected: expected.toFixed(2), printed: printed.toFixed(2), closes };
}

export interface TotalsReading {
  subtotal: HeaderCandidate | null;
  vat: HeaderCandidate | null;
  total: HeaderCandidate | null;
}

export interface TotalsOutcome {
  reading: TotalsReading;
  checks: ArithmeticCheck[];
  uncertain: UncertainField[];
  notes: string[];
}

type TotalsField = keyof TotalsReading;
const TOTALS_FIELDS: readonly TotalsField[] = ["subtotal", "vat", "total"];

function dec(candidate: HeaderCandidate | null): Dec | null {
  return candidate && candidate.value instanceof Dec ? candidate.value : null;
}

function totalsChecks(lineSum: Dec | null, reading: TotalsReading, credit: boolean): ArithmeticCheck[] {
  const norm = (value: Dec | null): Dec | null => (value === null ? null : credit ? value.abs() : value);
  const subtotal = norm(dec(reading.subtotal));
  const vat = norm(dec(reading.vat));
  const total = norm(dec(reading.total));
  const checks: ArithmeticCheck[] = [];
  if (lineSum !== null && subtotal !== null) {
    checks.push({ check: "lines_to_subtotal", expected: lineSum.toFixed(2), printed: subtotal.toFixed(2), closes: lineSum.eq(subtotal) });
  }
  const base = subtotal ?? lineSum;
  if (total !== null && base !== null) {
    const expected = base.plus(vat ?? 0);
    checks.push({ check: subtotal !== null ? "subtotal_vat_total" : "lines_to_total", expected: expected.toFixed(2), printed: total.toFixed(2), closes: expected.eq(total) });
  }
  return checks;
}

const score = (checks: readonly ArithmeticCheck[]): number => checks.filter((c) => c.closes).length;

/**
 * The totals as read (`preferred`: the last totals row of the table, else the best label), checked
 * against the lines; other readings of the same fields (`others`) are tried only when the
 * preferred one does not close.
 */
export function resolveTotals(lines: readonly DraftLine[], preferred: TotalsReading, others: readonly HeaderCandidate[], credit: boolean): TotalsOutcome {
  const outcome = chooseTotals(lines, preferred, others, credit);
  const unreadVat = outcome.uncertain.some((u) => u.field === "vat") ? null : vatLeftUnread(outcome.reading, credit);
  if (unreadVat) outcome.uncertain.push(unreadVat);
  return outcome;
}

function chooseTotals(lines: readonly DraftLine[], preferred: TotalsReading, others: readonly HeaderCandidate[], credit: boolean): TotalsOutcome {
  const amounts = lines.map((l) => l.amount).filter((a): a is Dec => a !== null);
  const lineSum = amounts.length === lines.length && amounts.length > 0 ? sum(credit ? amounts.map((a) => a.abs()) : amounts) : null;
  const chosen = totalsChecks(lineSum, preferred, credit);
  const outcome: TotalsOutcome = { reading: preferred, checks: chosen, uncertain: [], notes: [] };
  if (chosen.every((c) => c.closes)) return outcome;

  const options = (field: TotalsField): Array<HeaderCandidate | null> => {
    const first = preferred[field];
    const rest = distinctValues(others.filter((c) => c.field === field && c.value instanceof Dec && !(first && sameValue(first.value, c.value))));
    return [first, ...rest].slice(0, 5);
  };
  const choices = { subtotal: options("subtotal"), vat: options("vat"), total: options("total") };
  if (TOTALS_FIELDS.every((f) => choices[f].length <= 1)) return outcome;

  let bestScore = score(chosen);
  let best: TotalsReading[] = [];
  for (const subtotal of choices.subtotal) {
    for (const vat of choices.vat) {
      for (const total of choices.total) {
        const reading = { subtotal, vat, total };
        const s = score(totalsChecks(lineSum, reading, credit));
        if (s > bestScore) {
          bestScore = s;
          best = [reading];
        } else if (s === bestScore && s > score(chosen)) best.push(reading);
      }
    }
  }
  if (best.length === 1) {
    const reading = best[0] as TotalsReading;
    for (const field of TOTALS_FIELDS) {
      const was = preferred[field];
      const now = reading[field];
      if (now && (!was || !sameValue(was.value, now.value))) {
        outcome.notes.push(`The ${field} was read as ${labelled(now)}${was ? `, not ${labelled(was)},` : ""} because the invoice's own arithmetic closes with it.`);
      }
    }
    outcome.reading = reading;
    outcome.checks = totalsChecks(lineSum, reading, credit);
    return outcome;
  }
  // Several readings, and the arithmetic picks none of them (or more than one): not guessed.
  for (const field of TOTALS_FIELDS) {
    const values = distinctValues(choices[field].filter((c): c is HeaderCandidate => c !== null));
    if (values.length < 2) continue;
    outcome.uncertain.push({
      code: "uncertain_value",
      field,
      reason: `is printed as ${values.map(labelled).join(" and ")}, and the invoice's arithmetic (lines, subtotal, VAT, total) confirms none of them alone`,
      candidates: values.map((c) => valueText(c.value)),
    });
  }
  return outcome;
}

/**
 * A subtotal and a total that differ with no VAT read between them: the VAT is printed somewhere
 * the reader did not find it (or the provider's sum is wrong). Either way no VAT is not stored as
 * if it were certain; the difference is offered as what the VAT would be.
 */
function vatLeftUnread(reading: TotalsReading, credit: boolean): UncertainField | null {
  if (reading.vat !== null) return null;
  const subtotal = dec(reading.subtotal);
  const total = dec(reading.total);
  if (subtotal === null || total === null) return null;
  const size = (value: Dec): Dec => (credit ? value.abs() : value);
  const gap = size(total).minus(size(subtotal));
  if (gap.isZero()) return null;
  return {
    code: "uncertain_value",
    field: "vat",
    reason: `was not read, yet the total ${labelled(reading.total as HeaderCandidate)} differs from the subtotal ${labelled(reading.subtotal as HeaderCandidate)} by £${gap.toFixed(2)}`,
    candidates: ["none", `£${gap.toFixed(2)}`],
  };
}

/** A row among the lines that prints an amount but was not read as a line. */
export interface UnreadRow {
  where: string;
  text: string;
  amount: Dec;
}

/**
 * When the lines do not add up to the subtotal (or, with none printed, to the total less VAT), the
 * difference may be the provider's (the audit's total-mismatch) or the reader's: a line missed or
 * a row taken for a line. It is the reader's when exactly one row explains it to the penny, a row
 * with that amount left unread or a line of that amount read: then the lines are not certain and
 * are not stored as if they were.
 */
export function unexplainedGap(lines: readonly DraftLine[], reading: TotalsReading, unread: readonly UnreadRow[], credit: boolean): UncertainField | null {
  const size = (value: Dec): Dec => (credit ? value.abs() : value);
  const amounts = lines.map((l) => l.amount);
  if (amounts.length === 0 || amounts.some((a) => a === null)) return null;
  const lineSum = sum((amounts as Dec[]).map(size));
  const subtotal = dec(reading.subtotal);
  const total = dec(reading.total);
  const target = subtotal !== null ? size(subtotal) : total !== null ? size(total).minus(size(dec(reading.vat) ?? new Dec(0))) : null;
  if (target === null || lineSum.eq(target)) return null;
  const missing = target.minus(lineSum);
  const against = subtotal !== null ? "the subtotal" : "the total less VAT";
  const rows = unread.filter((row) => size(row.amount).eq(missing));
  const extra = lines.filter((line) => line.amount !== null && size(line.amount).eq(missing.neg()));
  if (rows.length + extra.length !== 1) return null;
  const row = rows[0];
  if (row) {
    return {
      code: "uncertain_value",
      field: "lines",
      reason: `add up to £${lineSum.toFixed(2)}, not ${against} £${target.toFixed(2)}; ${row.where} ("${row.text}") prints £${size(row.amount).toFixed(2)}, the difference, and was not read as a line`,
      candidates: [`£${lineSum.toFixed(2)} without ${row.where}`, `£${target.toFixed(2)} with it`],
    };
  }
  const line = extra[0] as DraftLine;
  return {
    code: "uncertain_value",
    field: `line ${line.lineNo}`,
    reason: `(${line.source}, "${line.description.slice(0, 60)}", £${size(line.amount as Dec).toFixed(2)}) is the difference between the lines (£${lineSum.toFixed(2)}) and ${against} (£${target.toFixed(2)}): it may not be a line at all`,
    candidates: [`£${lineSum.toFixed(2)} with it`, `£${target.toFixed(2)} without it`],
  };
}

/** A sentence for the invoice's notes about each sum that does not close. */
export function arithmeticNotes(checks: readonly ArithmeticCheck[]): string[] {
  return checks
    .filter((c) => !c.closes)
    .map((c) => {
      switch (c.check) {
        case "line":
          return `Arithmetic: line ${c.lineNo ?? "?"} prints £${c.printed}, quantity × rate is £${c.expected}.`;
        case "lines_to_subtotal":
          return `Arithmetic: the lines add up to £${c.expected}, the subtotal printed is £${c.printed}.`;
        case "subtotal_vat_total":
          return `Arithmetic: subtotal + VAT is £${c.expected}, the total printed is £${c.printed}.`;
        case "lines_to_total":
          return `Arithmetic: the lines (+ VAT) add up to £${c.expected}, the total printed is £${c.printed}.`;
      }
    });
}

/**
 * A credit note may print its amounts with or without a minus sign (DATA.md), so they are stored
 * by size. One that prints both signs among its lines says something a size loses: a line whose
 * sign is against the credit's (the total's, else most lines') may be a charge that reduces the
 * credit, or a sign printed by mistake. That is not decided here: each such line is marked.
 */
export function creditSignsAgainst(lines: readonly DraftLine[], total: Dec | null, credit: boolean): UncertainField[] {
  if (!credit) return [];
  const negative = lines.filter((line) => line.amount?.isNegative() === true && !line.amount.isZero());
  const positive = lines.filter((line) => line.amount !== null && !line.amount.isNegative() && !line.amount.isZero());
  if (negative.length === 0 || positive.length === 0) return [];
  const creditNegative = total !== null && !total.isZero() ? total.isNegative() : negative.length > positive.length ? true : positive.length > negative.length ? false : null;
  const against = creditNegative === null ? [...negative, ...positive] : creditNegative ? positive : negative;
  return against.map((line) => {
    const amount = line.amount as Dec;
    return {
      code: "uncertain_value",
      field: `line ${line.lineNo} amount`,
      reason: `(${line.source}, "${line.description.slice(0, 60)}") prints £${amount.toFixed(2)} on a credit note whose other amounts carry the other sign: a charge against the credit or a credit like the rest`,
      candidates: [amount.abs().toFixed(2), amount.abs().neg().toFixed(2)],
    };
  });
}
