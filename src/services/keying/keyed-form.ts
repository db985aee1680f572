import { classifyLine, type LineKeywords } from "../../domain/classify.js";
import type { Invoice, InvoiceKind, InvoiceLine } from "../../domain/invoice.js";
import { Dec, moneyString, sum } from "../../domain/money.js";
import { UNITS, type Unit } from "../../domain/reference.js";
import { lineTolerance } from "../../ingest/extract/certainty.js";
import { parseDateText, parseMoneyText } from "../../ingest/text/values.js";

/**
 * The keying screen's form (issue 18): every value as typed, validated as the reader validates a
 * file (dates in DATA.md spellings, money, a period for every line that is not a discount), and
 * the invoice's own arithmetic worked out as a check that is shown, never enforced (the audit
 * judges a provider's arithmetic). References are checked against the provider's placements:
 * one that matches none is shown with the nearest known ones, not refused (the audit raises an
 * unmatched line for it).
 */
export interface KeyedLineForm {
  childRef: string;
  placementRef: string;
  description: string;
  from: string;
  to: string;
  quantity: string;
  unit: string;
  unitRate: string;
  amount: string;
}

export interface KeyedForm {
  providerId: string;
  kind: string;
  invoiceNumber: string;
  invoiceDate: string;
  creditsInvoice: string;
  periodFrom: string;
  periodTo: string;
  subtotal: string;
  vat: string;
  total: string;
  lines: KeyedLineForm[];
}

export const LINE_FIELDS: readonly (keyof KeyedLineForm)[] = ["childRef", "placementRef", "description", "from", "to", "quantity", "unit", "unitRate", "amount"];
export const HEADER_FIELDS = ["providerId", "kind", "invoiceNumber", "invoiceDate", "creditsInvoice", "periodFrom", "periodTo", "subtotal", "vat", "total"] as const;

export function emptyLine(): KeyedLineForm {
  return { childRef: "", placementRef: "", description: "", from: "", to: "", quantity: "", unit: "", unitRate: "", amount: "" };
}

/** The form field id of a line's value: `lines-0-amount` (the error summary links to it). */
export function lineFieldId(index: number, field: keyof KeyedLineForm): string {
  return `lines-${index}-${field}`;
}

/** What the provider's placements are known by, for the reference checks. */
export interface KnownReferences {
  providers: readonly string[];
  childRefs: readonly string[];
  placementRefs: readonly string[];
}

export interface ArithmeticCheckResult {
  label: string;
  expected: string;
  printed: string;
  closes: boolean;
}

export interface FormCheck {
  /** Problems that stop the invoice being saved, by field id. */
  errors: Record<string, string>;
  /** References matching no placement of the provider, with suggestions, by field id. */
  warnings: Record<string, string>;
  arithmetic: ArithmeticCheckResult[];
  /** The invoice as it would be stored (null while there are errors). */
  invoice: Invoice | null;
}

const MAX_LINES = 200;
const MAX_TEXT = 200;

function trimmed(value: string): string {
  return value.replace(/\s+/g, " ").trim();
}

/** Levenshtein distance, for "did you mean" (references are short). */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j] as number;
      row[j] = Math.min(above + 1, (row[j - 1] as number) + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length] as number;
}

/** Known references close to one typed (OCR's O for 0, a slipped digit), nearest first. */
export function suggestions(typed: string, known: readonly string[], limit = 3): string[] {
  const key = typed.toUpperCase();
  // Letters OCR and typists confuse with digits count as the digit.
  const folded = (text: string): string => text.toUpperCase().replace(/O/g, "0").replace(/[IL]/g, "1").replace(/S/g, "5").replace(/B/g, "8");
  return known
    .map((ref) => ({ ref, d: Math.min(distance(key, ref.toUpperCase()), distance(folded(typed), folded(ref)) * 0.5) }))
    .filter((c) => c.d <= Math.max(2, Math.floor(key.length / 3)))
    .sort((a, b) => a.d - b.d || a.ref.localeCompare(b.ref))
    .slice(0, limit)
    .map((c) => c.ref);
}

function dateOf(value: string, id: string, label: string, errors: Record<string, string>, required: boolean): string | null {
  const text = trimmed(value);
  if (text === "") {
    if (required) errors[id] = `Enter the ${label}`;
    return null;
  }
  const iso = parseDateText(text);
  if (!iso) errors[id] = `${label[0]?.toUpperCase()}${label.slice(1)} must be a real date, like 31/10/2026`;
  return iso;
}

function moneyOf(value: string, id: string, label: string, errors: Record<string, string>, required: boolean, places = 2): Dec | null {
  const text = trimmed(value);
  if (text === "") {
    if (required) errors[id] = `Enter the ${label}`;
    return null;
  }
  const money = parseMoneyText(text);
  if (!money || money.decimalPlaces() > places) errors[id] = `${label[0]?.toUpperCase()}${label.slice(1)} must be an amount of money, like 4,061.00`;
  return money;
}

function numberOf(value: string, id: string, label: string, errors: Record<string, string>): Dec | null {
  const text = trimmed(value).replace(/,/g, "");
  if (text === "") return null;
  if (!/^-?\d+(?:\.\d{1,6})?$/.test(text)) {
    errors[id] = `${label} must be a number, like 31 or 4.43`;
    return null;
  }
  return new Dec(text);
}

function unitOf(value: string, id: string, errors: Record<string, string>): Unit | null {
  const text = trimmed(value).toLowerCase().replace(/s$/, "");
  if (text === "") return null;
  if (!(UNITS as readonly string[]).includes(text)) {
    errors[id] = `Unit must be one of ${UNITS.join(", ")}`;
    return null;
  }
  return text as Unit;
}

function textOf(value: string, id: string, label: string, errors: Record<string, string>): string {
  const text = trimmed(value);
  if (text.length > MAX_TEXT) errors[id] = `${label} must be ${MAX_TEXT} characters or fewer`;
  return text;
}

function isBlankLine(line: KeyedLineForm): boolean {
  return LINE_FIELDS.every((f) => trimmed(line[f]) === "");
}

function checkReference(typed: string, known: readonly string[], id: string, what: string, providerId: string, warnings: Record<string, string>): void {
  if (typed === "" || known.some((k) => k.toUpperCase() === typed.toUpperCase())) return;
  const near = suggestions(typed, known);
  warnings[id] = `${typed} is not a ${what} provider ${providerId}${near.length > 0 ? `. Did you mean ${near.join(" or ")}?` : "."} The audit will query a line it cannot match.`;
}

/** Validates the form; the invoice is built only when nothing stops it. */
export function checkKeyedForm(form: KeyedForm, known: KnownReferences, keywords: LineKeywords): FormCheck {
  const errors: Record<string, string> = {};
  const warnings: Record<string, string> = {};
  const providerId = trimmed(form.providerId);
  if (providerId === "") errors.providerId = "Select the provider";
  else if (!known.providers.includes(providerId)) errors.providerId = `There is no provider ${providerId} in the reference data`;
  const kind: InvoiceKind = form.kind === "credit_note" ? "credit_note" : "invoice";
  const credit = kind === "credit_note";
  const invoiceNumber = textOf(form.invoiceNumber, "invoiceNumber", "Invoice number", errors);
  if (invoiceNumber === "") errors.invoiceNumber = `Enter the ${credit ? "credit note" : "invoice"} number`;
  const invoiceDate = dateOf(form.invoiceDate, "invoiceDate", "invoice date", errors, true);
  const creditsInvoice = textOf(form.creditsInvoice, "creditsInvoice", "Invoice credited", errors);
  const periodFrom = dateOf(form.periodFrom, "periodFrom", "start of the billing period", errors, false);
  const periodTo = dateOf(form.periodTo, "periodTo", "end of the billing period", errors, false);
  if ((periodFrom === null) !== (periodTo === null) && !errors.periodFrom && !errors.periodTo) {
    errors[periodFrom === null ? "periodFrom" : "periodTo"] = "Enter both dates of the billing period, or neither";
  } else if (periodFrom && periodTo && periodTo < periodFrom) errors.periodTo = "The billing period must end on or after its start";
  const hasPeriod = periodFrom !== null && periodTo !== null;
  const subtotal = moneyOf(form.subtotal, "subtotal", "subtotal", errors, false);
  const vat = moneyOf(form.vat, "vat", "VAT", errors, false);
  const total = moneyOf(form.total, "total", "total", errors, false);

  const typed = form.lines.map((line, index) => ({ line, index })).filter(({ line }) => !isBlankLine(line));
  if (typed.length === 0) errors[lineFieldId(0, "amount")] = "Enter at least one line, with its amount";
  if (typed.length > MAX_LINES) errors.lines = `An invoice may have at most ${MAX_LINES} lines`;
  const lines: InvoiceLine[] = [];
  const arithmetic: ArithmeticCheckResult[] = [];
  for (const { line, index } of typed) {
    const id = (field: keyof KeyedLineForm): string => lineFieldId(index, field);
    const n = lines.length + 1;
    const childRef = textOf(line.childRef, id("childRef"), `Line ${n} child reference`, errors);
    const placementRef = textOf(line.placementRef, id("placementRef"), `Line ${n} placement reference`, errors);
    const description = textOf(line.description, id("description"), `Line ${n} description`, errors);
    const from = dateOf(line.from, id("from"), `line ${n} first night`, errors, false);
    const to = dateOf(line.to, id("to"), `line ${n} last night`, errors, false);
    const quantity = numberOf(line.quantity, id("quantity"), `Line ${n} quantity`, errors);
    const unit = unitOf(line.unit, id("unit"), errors);
    // Rates are kept to six places (a weekly fee ÷ 7), amounts to the penny.
    const unitRate = moneyOf(line.unitRate, id("unitRate"), `line ${n} unit rate`, errors, false, 6);
    const printed = moneyOf(line.amount, id("amount"), `line ${n} amount`, errors, true);
    if (providerId !== "") {
      checkReference(childRef, known.childRefs, id("childRef"), "child placed with", providerId, warnings);
      checkReference(placementRef, known.placementRefs, id("placementRef"), "placement or PO number of", providerId, warnings);
    }
    if (printed === null) continue;
    const amount = credit ? printed.abs() : printed;
    const isDiscount = printed.isNegative() && !credit;
    if ((from === null) !== (to === null) && !errors[id("from")] && !errors[id("to")]) {
      errors[id(from === null ? "from" : "to")] = `Enter both the first and the last night of line ${n}, or neither`;
    } else if (from && to && to < from) errors[id("to")] = `Line ${n} must end on or after its first night`;
    else if (from === null && !hasPeriod && !isDiscount && !errors[id("from")]) {
      errors[id("from")] = `Enter the nights line ${n} bills (first and last), or the invoice's billing period`;
    }
    if (quantity !== null && unitRate !== null) {
      const expected = quantity.times(unitRate).toDecimalPlaces(2, Dec.ROUND_HALF_UP);
      const closes = [printed, printed.neg()].some((a) => expected.minus(a).abs().lte(lineTolerance(quantity, unitRate)));
      arithmetic.push({ label: `Line ${n}: quantity × unit rate`, expected: moneyString(expected), printed: moneyString(printed), closes });
    }
    lines.push({
      lineNo: n,
      childRef: childRef || null,
      placementRef: placementRef || null,
      description,
      item: classifyLine(description, unit, amount, keywords),
      from: from && to ? from : null,
      to: from && to ? to : null,
      quantity: quantity === null ? null : (credit ? quantity.abs() : quantity).toFixed(),
      unit,
      unitRate: unitRate === null ? null : (credit ? unitRate.abs() : unitRate).toFixed(),
      amount: moneyString(amount),
    });
  }
  const positive = (value: Dec | null): Dec | null => (value === null ? null : credit ? value.abs() : value);
  const lineSum = sum(lines.map((l) => new Dec(l.amount)));
  if (lines.length > 0 && subtotal !== null) {
    arithmetic.push({ label: "Lines add up to the subtotal", expected: moneyString(lineSum), printed: moneyString(positive(subtotal) as Dec), closes: lineSum.eq(positive(subtotal) as Dec) });
  }
  const base = positive(subtotal) ?? lineSum;
  const totalDue = positive(total) ?? base.plus(positive(vat) ?? 0);
  if (total !== null && lines.length > 0) {
    const expected = base.plus(positive(vat) ?? 0);
    arithmetic.push({ label: subtotal !== null ? "Subtotal + VAT is the total" : "Lines + VAT are the total", expected: moneyString(expected), printed: moneyString(totalDue), closes: expected.eq(totalDue) });
  }
  if (Object.keys(errors).length > 0 || !invoiceDate) return { errors, warnings, arithmetic, invoice: null };
  return {
    errors,
    warnings,
    arithmetic,
    invoice: {
      providerId,
      invoiceNumber,
      invoiceDate,
      kind,
      creditsInvoice: credit && creditsInvoice !== "" ? creditsInvoice : null,
      periodFrom: hasPeriod ? periodFrom : null,
      periodTo: hasPeriod ? periodTo : null,
      subtotal: subtotal === null ? null : moneyString(positive(subtotal) as Dec),
      vat: vat === null ? null : moneyString(positive(vat) as Dec),
      total: moneyString(totalDue),
      lines,
    },
  };
}
