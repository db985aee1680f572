import { dayFromIso, isoFromDay } from "../../domain/dates.js";
import { Dec } from "../../domain/money.js";
import { checkLine, lineTolerance } from "../extract/certainty.js";
import { ROW_TOLERANCE_PT } from "../readers/pdf-layout.js";
import { findDates, parseMoneyText } from "../text/values.js";
import type { ArithmeticCheck, DraftLine, FieldEvidence, InvoiceDraft, LayoutCell, LayoutDocument, LayoutRow, UncertainField } from "../types.js";
import { matchByClass } from "./confusables.js";
import { spanKey, type LineRead, type SecondLooks, type WordSpan } from "./second-look.js";

/**
 * Validation before trust (DATA.md "Scans"). OCR misreads in ways a text layer never does
 * (`WB30201` as `WEB30201`, `£3,419.99` as `£3.419.99`), so a value read from a scan stands only
 * when
 *   - the invoice's own arithmetic confirms it: quantity × rate = amount, the lines add up to the
 *     subtotal, subtotal + VAT = total, nights = the days of the period billed; or
 *   - its confidence is high AND a cross-check agrees: a child reference known for this provider
 *     (or for the line's placement), a placement reference known for this provider, dates inside
 *     the period the invoice bills, an invoice number the file's name also carries.
 * Two repairs are made, each only when a check proves it: a child reference one character from a
 * known one is snapped to it when its placement reference or provider agrees (and no other known
 * reference is as close); a misplaced thousands separator (`3.419.99`) is read as 3419.99 when
 * quantity × rate says so. Every other value is "to verify", with its confidence.
 */

/** Word confidence (0–100) from which a value may stand with a cross-check. */
export const HIGH_CONFIDENCE = 85;

/** One placement as the cross-checks need it (from the reference data). */
export interface PlacementKey {
  placementId: string;
  childRef: string;
  providerId: string;
  poNumber: string | null;
}

export interface OcrReference {
  placements: readonly PlacementKey[];
}

/** A value no check confirmed: a person verifies it beside the page image. */
export interface OcrDoubt {
  /** `invoiceNumber`, `total`, `line 2 childRef`. */
  field: string;
  /** As read (null when nothing was read). */
  value: string | null;
  /** OCR's confidence in the text it was read from, 0–100 (null when none is known). */
  confidence: number | null;
  /** Why no check confirmed it. */
  reason: string;
  /** What a second reading of its words gave, when one was made. */
  secondReading?: { text: string; confidence: number };
}

export interface OcrValidation {
  /** The draft with proven repairs made (snapped references, repaired separators). */
  draft: InvoiceDraft;
  doubts: OcrDoubt[];
  /** What was repaired and why, for the invoice's notes. */
  notes: string[];
  /**
   * The words of doubtful values that a second reading could settle (second-look.ts): read
   * them again and validate once more with the readings.
   */
  wanted: WordSpan[];
}

// ---------------------------------------------------------------- where a value was printed

function rowAt(doc: LayoutDocument, where: string | null): LayoutRow | null {
  if (!where) return null;
  const match = /^(?:page (\d+) )?row (\d+)$/.exec(where);
  if (!match) return null;
  const page = Number(match[1] ?? 1);
  const rowNumber = Number(match[2]);
  return doc.rows.find((row) => row.page === page && row.rowNumber === rowNumber) ?? null;
}

const compact = (text: string): string => text.toUpperCase().replace(/[\s,£]/g, "");

function printsValue(cell: LayoutCell, value: string | Dec): boolean {
  if (value instanceof Dec) {
    return (cell.text.match(/-?\d[\d,.]*/g) ?? []).some((number) => {
      const parsed = parseMoneyText(number);
      return parsed !== null && parsed.abs().eq(value.abs());
    });
  }
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return findDates(cell.text).some((hit) => hit.iso === value);
  return compact(cell.text).includes(compact(value));
}

/**
 * OCR's confidence in a value: the least sure cell of its row that prints it; when no cell
 * visibly prints it, the least sure cell of the row (never more confidence than was seen).
 */
export function confidenceOf(doc: LayoutDocument, where: string | null, value: string | Dec | null): number | null {
  const row = rowAt(doc, where);
  if (!row) return null;
  const known = row.cells.filter((cell) => cell.confidence !== undefined);
  if (known.length === 0) return null;
  const printing = value === null ? [] : known.filter((cell) => printsValue(cell, value));
  const cells = printing.length > 0 ? printing : known;
  return Math.min(...cells.map((cell) => cell.confidence as number));
}

/** A run of words prints the value: as text, the same money or the same date. */
function runPrints(text: string, value: string | Dec): boolean {
  if (value instanceof Dec) {
    const parsed = parseMoneyText(text);
    return parsed !== null && parsed.abs().eq(value.abs());
  }
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return findDates(text).some((hit) => hit.iso === value);
  return compact(text).includes(compact(value));
}

/**
 * The OCR words that print a value on its row: the fewest consecutive words (left to right)
 * whose text holds it. Null when none does (the value was read elsewhere, or worked out).
 */
export function spanOf(doc: LayoutDocument, where: string | null, value: string | Dec | null): WordSpan | null {
  const row = rowAt(doc, where);
  if (!row || value === null) return null;
  const onRow = (doc.ocr?.words ?? [])
    .map((word, index) => ({ word, index }))
    .filter(({ word }) => word.page === row.page && word.top >= row.top - 0.01 && word.top <= row.top + ROW_TOLERANCE_PT + 0.01)
    .sort((a, b) => a.word.left - b.word.left);
  for (let length = 1; length <= onRow.length; length++) {
    for (let start = 0; start + length <= onRow.length; start++) {
      const run = onRow.slice(start, start + length);
      if (runPrints(run.map((r) => r.word.text).join(" "), value)) return { page: row.page, words: run.map((r) => r.index) };
    }
  }
  return null;
}

// ---------------------------------------------------------------- repairs

/** Edit distance of at most one (a character changed, added or dropped). */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (a.length === b.length) return a.slice(i + 1) === b.slice(i + 1);
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

export type ReferenceCheck =
  | { status: "confirmed" }
  | { status: "snapped"; to: string; why: string }
  | { status: "doubt"; reason: string };

/**
 * A child reference against the reference data: known for this provider (or for the line's
 * placement) stands when read with high confidence; one character from exactly one such known
 * reference is snapped to it; anything else is to verify.
 */
export function checkChildRef(read: string, confidence: number | null, providerId: string, placementRef: string | null, reference: OcrReference): ReferenceCheck {
  const agrees = (p: PlacementKey): boolean => p.providerId === providerId || (placementRef !== null && (p.placementId === placementRef || p.poNumber === placementRef));
  const exact = reference.placements.filter((p) => p.childRef.toUpperCase() === read.toUpperCase());
  if (exact.some(agrees)) {
    if ((confidence ?? 0) >= HIGH_CONFIDENCE) return { status: "confirmed" };
    return { status: "doubt", reason: `read with confidence ${confidence ?? "unknown"}, below ${HIGH_CONFIDENCE}` };
  }
  // A real child of another provider is never turned into one of this provider's.
  if (exact.length > 0) return { status: "doubt", reason: `is known, but not placed with provider ${providerId}` };
  const near = [...new Set(reference.placements.filter((p) => agrees(p) && withinOneEdit(p.childRef.toUpperCase(), read.toUpperCase())).map((p) => p.childRef))];
  if (near.length === 1) {
    const to = near[0] as string;
    const placement = reference.placements.find((p) => p.childRef === to && agrees(p)) as PlacementKey;
    const why = placementRef !== null && (placement.placementId === placementRef || placement.poNumber === placementRef) ? `its placement ${placementRef} is ${to}'s` : `${to} is placed with provider ${providerId}`;
    return { status: "snapped", to, why };
  }
  if (near.length > 1) return { status: "doubt", reason: `is one character from ${near.join(" and ")}: which one is meant is not known` };
  return { status: "doubt", reason: "is not a child reference in the reference data" };
}

/**
 * A placement reference (placement id or PO number) against the reference data, as for a child
 * reference: one of this provider's (and of the line's child, when the line names one) stands
 * when read with high confidence; one character from exactly one of them is snapped to it.
 */
export function checkPlacementRef(read: string, confidence: number | null, providerId: string, childRef: string | null, reference: OcrReference): ReferenceCheck {
  const ref = read.toUpperCase();
  const names = (p: PlacementKey): string[] => [p.placementId, ...(p.poNumber ? [p.poNumber] : [])].map((n) => n.toUpperCase());
  const ofProvider = reference.placements.filter((p) => p.providerId === providerId && (childRef === null || p.childRef.toUpperCase() === childRef.toUpperCase()));
  if (ofProvider.some((p) => names(p).includes(ref))) {
    if ((confidence ?? 0) >= HIGH_CONFIDENCE) return { status: "confirmed" };
    return { status: "doubt", reason: `read with confidence ${confidence ?? "unknown"}, below ${HIGH_CONFIDENCE}` };
  }
  if (reference.placements.some((p) => names(p).includes(ref))) return { status: "doubt", reason: `is known, but not a placement of provider ${providerId}${childRef ? ` for ${childRef}` : ""}` };
  const near = [...new Set(ofProvider.flatMap((p) => [p.placementId, ...(p.poNumber ? [p.poNumber] : [])]).filter((n) => withinOneEdit(n.toUpperCase(), ref)))];
  if (near.length === 1) return { status: "snapped", to: near[0] as string, why: `${near[0] as string} is a placement of provider ${providerId}${childRef ? ` for ${childRef}` : ""}` };
  if (near.length > 1) return { status: "doubt", reason: `is one character from ${near.join(" and ")}: which one is meant is not known` };
  return { status: "doubt", reason: `is not a placement or PO number of provider ${providerId}` };
}

/**
 * Amounts whose separators OCR misread: `3.419.99` or `3,419,99` (a thousands separator read as
 * the decimal point, or the reverse). The digits with the last group as pence.
 */
export function separatorRepairs(text: string): Dec[] {
  const out: Dec[] = [];
  for (const match of text.matchAll(/\d{1,3}(?:[.,]\d{3})+[.,]\d{2}(?!\d)/g)) {
    const groups = match[0].split(/[.,]/);
    const pence = groups.pop() as string;
    const value = new Dec(`${groups.join("")}.${pence}`);
    if (parseMoneyText(match[0]) === null) out.push(value);
  }
  return out;
}

/** The amount quantity × rate says, when a misread separator in the line's row gives it. */
function repairedAmount(doc: LayoutDocument, line: DraftLine): Dec | null {
  if (line.quantity === null || line.unitRate === null) return null;
  const row = rowAt(doc, line.source);
  if (!row) return null;
  const expected = line.quantity.times(line.unitRate).toDecimalPlaces(2, Dec.ROUND_HALF_UP);
  const tolerance = lineTolerance(line.quantity, line.unitRate);
  const fits = row.cells.flatMap((cell) => separatorRepairs(cell.text)).filter((value) => value.minus(expected.abs()).abs().lte(tolerance));
  return fits.length === 1 ? (fits[0] as Dec) : null;
}

// ---------------------------------------------------------------- arithmetic

function closes(checks: readonly ArithmeticCheck[], check: ArithmeticCheck["check"]): boolean {
  return checks.some((c) => c.check === check && c.closes);
}

function days(from: string, to: string): number {
  return dayFromIso(to) - dayFromIso(from) + 1;
}

/** Nights (or weeks) billed equal the days (or weeks) of the line's own period. */
function quantityFitsPeriod(line: DraftLine): boolean {
  if (line.quantity === null || line.from === null || line.to === null || line.to < line.from) return false;
  const span = days(line.from, line.to);
  if (line.unit === "night") return line.quantity.eq(span);
  if (line.unit === "week") return line.quantity.times(7).minus(span).abs().lte(new Dec("0.05").times(7));
  return false;
}

/** The invoice's sums over the (repaired) draft. */
function invoiceChecks(draft: InvoiceDraft): ArithmeticCheck[] {
  const checks = draft.lines.map(checkLine).filter((c): c is ArithmeticCheck => c !== null);
  // Credit notes print their figures with or without minus signs: compared without them. On an
  // invoice a discount line's minus counts.
  const credit = draft.kind === "credit_note";
  const abs = (value: Dec | null): Dec | null => (value === null ? null : credit ? value.abs() : value);
  const amounts = draft.lines.map((l) => abs(l.amount)).filter((a): a is Dec => a !== null);
  const lineSum = amounts.length > 0 && amounts.length === draft.lines.length ? amounts.reduce((total, a) => total.plus(a), new Dec(0)) : null;
  const [subtotal, vat, total] = [abs(draft.subtotal), abs(draft.vat), abs(draft.total)];
  const check = (kind: ArithmeticCheck["check"], expected: Dec, printed: Dec): ArithmeticCheck => ({ check: kind, expected: expected.toFixed(2), printed: printed.toFixed(2), closes: expected.eq(printed) });
  if (lineSum !== null && subtotal !== null) checks.push(check("lines_to_subtotal", lineSum, subtotal));
  if (subtotal !== null && total !== null) checks.push(check("subtotal_vat_total", subtotal.plus(vat ?? 0), total));
  if (subtotal === null && lineSum !== null && total !== null) checks.push(check("lines_to_total", lineSum.plus(vat ?? 0), total));
  return checks;
}

// ---------------------------------------------------------------- the rules

interface Context {
  doc: LayoutDocument;
  draft: InvoiceDraft;
  providerId: string;
  reference: OcrReference;
  fileName: string;
  doubts: OcrDoubt[];
  notes: string[];
  looks: SecondLooks;
  wanted: WordSpan[];
}

interface Seen {
  /** The words as the page read them, joined by spaces. */
  first: string;
  /** Their least confidence. */
  firstConfidence: number;
  /** The second reading of those words, once made. */
  look: LineRead | undefined;
}

/** The words printing a value and their second reading (asked for when not yet made). */
function lookAt(context: Context, where: string | null, value: string | Dec | null): Seen | null {
  const span = spanOf(context.doc, where, value);
  if (!span) return null;
  const words = span.words.map((i) => context.doc.ocr?.words[i]).filter((w) => w !== undefined);
  const look = context.looks.get(spanKey(span));
  if (!look) context.wanted.push(span);
  return { first: words.map((w) => w.text).join(" "), firstConfidence: Math.min(...words.map((w) => w.confidence)), look };
}

const spaceless = (text: string): string => text.replace(/\s+/g, "");

/**
 * Two readings agree: the value's words read again on their own (binarised at their own
 * threshold, as one line) give the same text, character for character, with high confidence.
 */
function readTwiceAlike(context: Context, where: string | null, value: string | Dec | null): boolean {
  const seen = lookAt(context, where, value);
  return seen?.look !== undefined && seen.look.confidence >= HIGH_CONFIDENCE && spaceless(seen.look.text) === spaceless(seen.first);
}

/**
 * A value no sum can confirm (the provider's own arithmetic is wrong, or there is none) stands
 * when both readings are sure of it: read with high confidence on the page, and read the same
 * again, with high confidence, from its words alone.
 */
function standsByTwoReads(context: Context, where: string | null, value: string | Dec | null): boolean {
  if (value === null) return false;
  return (confidenceOf(context.doc, where, value) ?? 0) >= HIGH_CONFIDENCE && readTwiceAlike(context, where, value);
}

function doubt(context: Context, field: string, value: string | Dec | null, where: string | null, reason: string): void {
  const confidence = confidenceOf(context.doc, where, value);
  const text = value === null ? null : value instanceof Dec ? value.toFixed(2) : value;
  context.doubts.push({ field, value: text, confidence, reason, ...secondReadingOf(context, where, value) });
}

/** The second reading of a value's words, for a person to see beside the first (when one was made). */
function secondReadingOf(context: Context, where: string | null, value: string | Dec | null): { secondReading?: { text: string; confidence: number } } {
  const span = spanOf(context.doc, where, value);
  const look = span ? context.looks.get(spanKey(span)) : undefined;
  return look ? { secondReading: { text: look.text, confidence: look.confidence } } : {};
}

/**
 * High confidence is needed with every cross-check; this says whether the value has it: read
 * with it on the page, or read alike a second time with it.
 */
function confident(context: Context, where: string | null, value: string | Dec): boolean {
  return (confidenceOf(context.doc, where, value) ?? 0) >= HIGH_CONFIDENCE || readTwiceAlike(context, where, value);
}

function withinPeriod(draft: InvoiceDraft, from: string, to: string): boolean {
  return draft.periodFrom !== null && draft.periodTo !== null && from >= draft.periodFrom && to <= draft.periodTo && from <= to;
}

/** Every known reference of a kind, and those the line's cross-check allows. */
export interface KnownReferences {
  known: readonly string[];
  acceptable: ReadonlySet<string>;
}

export function knownChildRefs(reference: OcrReference, providerId: string, placementRef: string | null): KnownReferences {
  const agrees = (p: PlacementKey): boolean => p.providerId === providerId || (placementRef !== null && (p.placementId === placementRef || p.poNumber === placementRef));
  return { known: reference.placements.map((p) => p.childRef), acceptable: new Set(reference.placements.filter(agrees).map((p) => p.childRef)) };
}

export function knownPlacementRefs(reference: OcrReference, providerId: string, childRef: string | null): KnownReferences {
  const names = (p: PlacementKey): string[] => [p.placementId, ...(p.poNumber ? [p.poNumber] : [])];
  const agrees = (p: PlacementKey): boolean => p.providerId === providerId && (childRef === null || p.childRef.toUpperCase() === childRef.toUpperCase());
  return { known: reference.placements.flatMap(names), acceptable: new Set(reference.placements.filter(agrees).flatMap(names)) };
}

/** A line's child or placement reference: kept, snapped (and noted), or to verify. */
function checkReference(context: Context, line: DraftLine, field: "childRef" | "placementRef", check: (read: string, confidence: number | null) => ReferenceCheck, references: KnownReferences): void {
  const read = line[field];
  if (read === null) return;
  const confidence = confidenceOf(context.doc, line.source, read);
  let result = check(read, confidence);
  if (result.status === "doubt") {
    // Unsure only of confusable characters (an O that may be a 0), and both readings single out
    // one known reference that the line's provider or placement confirms: that reference.
    const byClass = matchByClass(read, lookAt(context, line.source, read)?.look, references.known, references.acceptable);
    if (byClass.status === "one") {
      const why = `both readings can only be ${byClass.to} (they differ from it, if at all, only in characters OCR confuses, such as O and 0), and it is ${field === "childRef" ? "placed with" : "a placement of"} provider ${context.providerId}`;
      if (byClass.to === read) context.notes.push(`OCR read ${read} on line ${line.lineNo} with confidence ${Math.round(confidence ?? 0)}; taken because ${why}.`);
      result = byClass.to === read ? { status: "confirmed" } : { status: "snapped", to: byClass.to, why };
    }
  }
  if (result.status === "snapped") {
    context.notes.push(`OCR read ${read} on line ${line.lineNo}; taken as ${result.to}, one character away, because ${result.why}.`);
    line[field] = result.to;
  } else if (result.status === "doubt") {
    context.doubts.push({ field: `line ${line.lineNo} ${field}`, value: read, confidence, reason: result.reason, ...secondReadingOf(context, line.source, read) });
  }
}

const dayMonth = (iso: string): string => new Date(`${iso}T00:00:00Z`).toLocaleDateString("en-GB", { day: "numeric", month: "short", timeZone: "UTC" });

/**
 * A quantity OCR did not read, on a line billed by the night: the nights of the line's own
 * period, when its dates were read with high confidence inside the invoice's period and
 * nights × rate is exactly the amount printed (the two independent facts agree).
 */
function fillQuantityFromNights(context: Context, line: DraftLine): void {
  const { draft } = context;
  if (line.quantity !== null || line.unit !== "night" || line.from === null || line.to === null || line.unitRate === null || line.amount === null) return;
  if (!withinPeriod(draft, line.from, line.to)) return;
  const nights = days(line.from, line.to);
  if (nights < 1 || !line.unitRate.times(nights).eq(line.amount.abs())) return;
  if (!confident(context, line.source, line.from) || !confident(context, line.source, line.to)) return;
  line.quantity = new Dec(nights);
  context.notes.push(`OCR read no quantity on line ${line.lineNo}; taken as ${nights}, the nights of ${dayMonth(line.from)} to ${dayMonth(line.to)}, because ${nights} × ${line.unitRate.toFixed(2)} is the ${line.amount.abs().toFixed(2)} printed.`);
}

/**
 * A date of a line billed by the night that OCR misread: when quantity × rate = amount confirms
 * the nights, the other date stands (high confidence), the date the nights give lies within the
 * invoice's period, and a second reading of the misread date's words gives exactly that date
 * with high confidence, it is taken.
 */
function repairDateFromNights(context: Context, line: DraftLine): void {
  const { draft } = context;
  if (line.unit !== "night" || line.quantity === null || line.from === null || line.to === null || draft.periodFrom === null || draft.periodTo === null) return;
  if (checkLine(line)?.closes !== true || quantityFitsPeriod(line) || !line.quantity.isInteger() || line.quantity.lt(1)) return;
  const span = line.quantity.toNumber() - 1;
  for (const side of ["from", "to"] as const) {
    const read = line[side] as string;
    const other = (side === "from" ? line.to : line.from);
    if ((confidenceOf(context.doc, line.source, other) ?? 0) < HIGH_CONFIDENCE) continue;
    const derived = isoFromDay(dayFromIso(other) + (side === "from" ? -span : span));
    if (derived < draft.periodFrom || derived > draft.periodTo) continue;
    const look = lookAt(context, line.source, read)?.look;
    if (!look || look.confidence < HIGH_CONFIDENCE || !findDates(look.text).some((hit) => hit.iso === derived)) continue;
    line[side] = derived;
    context.notes.push(`OCR read line ${line.lineNo}'s ${side === "from" ? "first" : "last"} night as ${read}; taken as ${derived} because a second reading gave it with confidence ${Math.round(look.confidence)} and the ${line.quantity.toString()} nights billed (quantity × rate = amount) ${side === "from" ? "end" : "start"} on ${other}.`);
    return;
  }
}

/**
 * Figures set out as a numeric date: day, month and year (or month, day and year) by one
 * separator; with hyphens, a four-figure year only ("60-83-71" is a sort code).
 */
const DATE_SHAPED = /(?<![\d/.-])(?:\d{1,2}([/.])\d{1,2}\1(?:\d{4}|\d{2})|\d{1,2}-\d{1,2}-\d{4})(?![\d/.-])/g;

/** The first figures in a text set out as a date that read as no date ("65/11/2026"), else null. */
export function misreadDate(text: string): string | null {
  return [...text.matchAll(DATE_SHAPED)].map((match) => match[0]).find((figures) => findDates(figures).length === 0) ?? null;
}

function validateLine(context: Context, line: DraftLine, lineChecks: ReadonlyMap<number, boolean>, allAmountsAddUp: boolean): void {
  const { draft } = context;
  const name = (field: string): string => `line ${line.lineNo} ${field}`;
  const closesItself = lineChecks.get(line.lineNo) === true;

  // Money: quantity × rate = amount confirms all three; the lines adding up to the subtotal (or
  // total) confirms each amount.
  if (!closesItself && !allAmountsAddUp && !standsByTwoReads(context, line.source, line.amount)) doubt(context, name("amount"), line.amount, line.source, "no sum of the invoice confirms it (quantity × rate, the lines to the subtotal)");
  const periodConfirmsQuantity = quantityFitsPeriod(line);
  if (line.quantity === null && (line.unitRate !== null || line.unit !== null)) doubt(context, name("quantity"), null, line.source, "was not read, though the line prints a rate or a unit");
  if (line.quantity !== null && !closesItself && !periodConfirmsQuantity && !standsByTwoReads(context, line.source, line.quantity)) doubt(context, name("quantity"), line.quantity, line.source, "quantity × rate is not the amount, and it is not the number of days billed");
  if (line.unitRate !== null && !closesItself && !standsByTwoReads(context, line.source, line.unitRate)) doubt(context, name("unitRate"), line.unitRate, line.source, "quantity × rate is not the amount");

  // Dates: the nights billed equal the period's days, the invoice's own period repeats them, or
  // read with high confidence inside the period the invoice bills.
  if (line.from !== null && line.to !== null) {
    const repeatsInvoicePeriod = line.from === draft.periodFrom && line.to === draft.periodTo;
    const fitsQuantity = periodConfirmsQuantity && (closesItself || allAmountsAddUp);
    for (const [field, value] of [["from", line.from], ["to", line.to]] as const) {
      if (repeatsInvoicePeriod || fitsQuantity) continue;
      if (confident(context, line.source, value) && withinPeriod(draft, line.from, line.to)) continue;
      doubt(context, name(field), value, line.source, "no sum or period of the invoice confirms it");
    }
  }

  // A line with no period of its own whose words hold figures set out as a date that is none
  // ("(65/11/2026 26/11/2026)", "05" misread): its dates were printed and misread into its
  // description, and it would take the invoice's period unmarked.
  if (line.from === null || line.to === null) {
    const misread = misreadDate(line.description);
    if (misread !== null) doubt(context, name("period"), null, line.source, `was not read, though its description holds "${misread}", set out as a date yet no date: a misread date`);
  }

  checkReference(context, line, "childRef", (read, confidence) => checkChildRef(read, confidence, context.providerId, line.placementRef, context.reference), knownChildRefs(context.reference, context.providerId, line.placementRef));
  checkReference(context, line, "placementRef", (read, confidence) => checkPlacementRef(read, confidence, context.providerId, line.childRef, context.reference), knownPlacementRefs(context.reference, context.providerId, line.childRef));
  if (line.description !== "" && !confident(context, line.source, line.description)) {
    doubt(context, name("description"), line.description, line.source, `read with confidence below ${HIGH_CONFIDENCE}`);
  }
}

function where(evidence: FieldEvidence | undefined): string | null {
  return evidence?.where ?? null;
}

function validateHeader(context: Context, checks: readonly ArithmeticCheck[], linesConfirmed: boolean): void {
  const { draft } = context;
  const ev = draft.evidence;
  const fileName = context.fileName.toUpperCase().replace(/[^A-Z0-9]/g, "");
  if (draft.invoiceNumber !== null) {
    const inName = fileName.includes(draft.invoiceNumber.toUpperCase().replace(/[^A-Z0-9]/g, ""));
    if (!inName || !confident(context, where(ev.invoiceNumber), draft.invoiceNumber)) {
      doubt(context, "invoiceNumber", draft.invoiceNumber, where(ev.invoiceNumber), inName ? `read with confidence below ${HIGH_CONFIDENCE}` : "nothing else on the file (such as its name) confirms it");
    }
  }
  if (draft.creditsInvoice !== null && !confident(context, where(ev.creditsInvoice), draft.creditsInvoice)) {
    doubt(context, "creditsInvoice", draft.creditsInvoice, where(ev.creditsInvoice), `read with confidence below ${HIGH_CONFIDENCE}`);
  }
  // The period billed: repeated by a line's own dates (read independently), or read with
  // high confidence with every line inside it.
  if (draft.periodFrom !== null && draft.periodTo !== null) {
    const repeated = draft.lines.some((l) => l.from === draft.periodFrom && l.to === draft.periodTo);
    const contains = draft.lines.every((l) => l.from === null || l.to === null || withinPeriod(draft, l.from, l.to));
    if (!repeated && !(contains && confident(context, where(ev.period), draft.periodFrom) && confident(context, where(ev.period), draft.periodTo))) {
      doubt(context, "period", `${draft.periodFrom} to ${draft.periodTo}`, where(ev.period), "no line repeats it and it was not read with high confidence around every line");
    }
  }
  if (draft.periodFrom === null && context.doc.rows.some((row) => row.cells.some((cell) => /\b(?:period|dates? of service)\b/i.test(cell.text)))) {
    doubt(context, "period", null, null, "was not read, though the invoice prints a period");
  }
  if (draft.invoiceDate !== null) {
    const anchor = draft.periodTo ?? draft.lines.map((l) => l.to).find((d) => d !== null) ?? null;
    const plausible = anchor !== null && Math.abs(dayFromIso(draft.invoiceDate) - dayFromIso(anchor)) <= 120;
    if (!plausible || !confident(context, where(ev.invoiceDate), draft.invoiceDate)) {
      doubt(context, "invoiceDate", draft.invoiceDate, where(ev.invoiceDate), plausible ? `read with confidence below ${HIGH_CONFIDENCE}` : "it is not within four months of the period billed");
    }
  }
  // Totals: confirmed by the sums they close, the lines themselves confirmed.
  const subtotalOk = draft.subtotal === null || (closes(checks, "lines_to_subtotal") && linesConfirmed) || standsByTwoReads(context, where(ev.subtotal), draft.subtotal);
  if (!subtotalOk) doubt(context, "subtotal", draft.subtotal, where(ev.subtotal), "the lines do not add up to it");
  const totalOk = closes(checks, "subtotal_vat_total") ? subtotalOk : closes(checks, "lines_to_total") && linesConfirmed;
  if (draft.total !== null && !totalOk && !standsByTwoReads(context, where(ev.total), draft.total)) doubt(context, "total", draft.total, where(ev.total), "subtotal + VAT (or the lines) do not add up to it");
  if (draft.vat !== null && !(totalOk && draft.total !== null) && !standsByTwoReads(context, where(ev.vat), draft.vat)) doubt(context, "vat", draft.vat, where(ev.vat), "subtotal + VAT = total does not confirm it");
}

/** The checks a scan's draft must pass; proven repairs are made on a copy of the draft. */
export function validateOcrDraft(doc: LayoutDocument, read: InvoiceDraft, providerId: string, reference: OcrReference, fileName: string, looks: SecondLooks = new Map()): OcrValidation {
  const draft: InvoiceDraft = { ...read, lines: read.lines.map((l) => ({ ...l })), notes: [...read.notes] };
  const context: Context = { doc, draft, providerId, reference, fileName, doubts: [], notes: [], looks, wanted: [] };
  for (const line of draft.lines) {
    const check = checkLine(line);
    if (check?.closes) continue;
    const repaired = repairedAmount(doc, line);
    if (repaired === null) continue;
    const signed = line.amount !== null && line.amount.isNegative() ? repaired.neg() : repaired;
    context.notes.push(`OCR read line ${line.lineNo}'s amount as ${line.amount?.toFixed(2) ?? "unreadable"}; taken as ${signed.toFixed(2)} (a misread separator) because quantity × rate is ${signed.toFixed(2)}.`);
    line.amount = signed;
  }
  for (const line of draft.lines) {
    fillQuantityFromNights(context, line);
    repairDateFromNights(context, line);
  }
  const lineChecks = new Map(draft.lines.map((l) => [l.lineNo, checkLine(l)?.closes === true]));
  const checks = invoiceChecks(draft);
  const allAmountsAddUp = draft.lines.length > 0 && draft.lines.every((l) => l.amount !== null) && (closes(checks, "lines_to_subtotal") || (draft.subtotal === null && closes(checks, "lines_to_total")));
  for (const line of draft.lines) validateLine(context, line, lineChecks, allAmountsAddUp);
  const linesConfirmed = !context.doubts.some((d) => /^line \d+ amount$/.test(d.field));
  validateHeader(context, checks, linesConfirmed);
  const wanted = [...new Map(context.wanted.map((span) => [spanKey(span), span])).values()];
  return { draft, doubts: context.doubts, notes: context.notes, wanted };
}

/** The doubts as the reader's uncertain fields (certainty.ts), each with its confidence. */
export function doubtsAsUncertain(doubts: readonly OcrDoubt[]): UncertainField[] {
  return doubts.map((d) => ({
    code: "uncertain_value",
    field: d.field,
    reason: `was read by OCR${d.confidence === null ? "" : ` with confidence ${Math.round(d.confidence)}`} and ${d.reason}${d.secondReading ? ` (read again: "${d.secondReading.text}", confidence ${Math.round(d.secondReading.confidence)})` : ""}`,
    candidates: d.value === null ? [] : [d.value],
  }));
}
