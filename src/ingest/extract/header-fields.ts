import type { IsoDate } from "../../domain/dates.js";
import { Dec } from "../../domain/money.js";
import { bareTotalsFieldOf, labelRank, matchHeaderLabel, otherLanguage, totalsFieldOf, type HeaderField, type LabelMatch } from "../text/labels.js";
import {
  cleanText,
  findDates,
  findMoneyInText,
  findPeriodInText,
  firstReference,
  isoFromCellDate,
  parseDateText,
  parseMoneyText,
  parsePeriodText,
  parseReference,
  parseVatNumber,
  stripVatBasis,
  type Period,
} from "../text/values.js";
import type { FoundVia, LayoutCell, LayoutRow } from "../types.js";
import type { ExtractionConfig } from "./config.js";

/**
 * Header fields (invoice number, dates, period, credited invoice, VAT number) and totals printed
 * outside the line table: a label and its value in one cell ("Invoice No: INV-1"), in the next
 * cell to the right (side-by-side blocks, spreadsheets' label/value columns), or in the cell
 * below (a row of labels over a row of values).
 */
/** A reference or ISO date (strings), a period, or an amount. */
export type HeaderValue = string | Period | Dec;

export interface HeaderCandidate {
  field: HeaderField;
  value: HeaderValue;
  /** The label it was printed after ("" for template patterns). */
  label: string;
  rank: number;
  /** Document order, to prefer the first (or for totals the last) of equal rank. */
  order: number;
  via: FoundVia;
  /** Where it was printed ("page 1 row 4"), null for template patterns over the whole text. */
  where: string | null;
  /** A date read from a bare serial day number: the number as printed. */
  serial?: string;
}

function cellDate(cell: LayoutCell, config: ExtractionConfig): IsoDate | null {
  const text = cleanText(cell.text);
  const exact = parseDateText(text, config.dateFormats);
  if (exact) return exact;
  const found = findDates(text, config.dateFormats);
  return found.length === 1 ? (found[0]?.iso ?? null) : null;
}

/**
 * What a VAT row prints where its figure goes when the document charges no VAT amount: a word for
 * the treatment ("exempt", "zero-rated", "outside the scope"), for none ("nil", "N/A", "none",
 * "not applicable") or a dash. No amount is printed, so the invoice's VAT is none (null), never
 * a 0.00 the page does not print; a printed "£0.00" is a figure and stays 0.00.
 */
export function statesNoVatAmount(text: string): boolean {
  return /^\(?\s*(?:(?:vat\s+)?(?:exempt(?:ed)?(?:\s+suppl(?:y|ies))?|zero[\s-]?rated|nil(?:[\s-]?rated?)?|n\/a|n\.a\.|none|not\s+applicable|outside\s+(?:the\s+)?scope)|(?:£|GBP)?\s*[-–—]+)\s*\)?$/i.test(cleanText(text));
}

/** Parses a value text (or typed cell) for a header field; null when it is not such a value. */
export function parseHeaderValue(field: HeaderField, text: string, cell: LayoutCell | undefined, config: ExtractionConfig): HeaderValue | null {
  const value = cleanText(text);
  switch (field) {
    case "invoiceNumber":
    case "creditsInvoice":
      if (typeof cell?.value === "number" && Number.isInteger(cell.value)) return String(cell.value);
      return firstReference(value);
    case "invoiceDate":
    case "periodFrom":
    case "periodTo":
      if (cell?.value instanceof Date) return isoFromCellDate(cell.value);
      // A bare number beside a date label is a serial day number (a date pasted as values).
      return cellDate({ text: value, left: 0, right: 0 }, config) ?? (cell?.serialDate !== undefined && cleanText(cell.text) === value ? cell.serialDate : null);
    case "period":
      return parsePeriodText(value, config.dateFormats) ?? findPeriodInText(value, config.dateFormats);
    case "vatNumber":
      return parseVatNumber(value) ?? parseVatNumber(value.split(/\s{2,}|,|;/)[0] ?? "");
    case "subtotal":
    case "vat":
    case "total": {
      if (typeof cell?.value === "number" && value === cleanText(cell.text)) return new Dec(String(cell.value));
      const amount = field === "vat" ? stripVatBasis(value) : value;
      if (field === "vat" && statesNoVatAmount(amount)) return null;
      // "Zero" is a figure written as a word, not a treatment: the VAT printed is nil.
      if (field === "vat" && /^zero$/i.test(amount)) return new Dec(0);
      return parseMoneyText(amount) ?? findMoneyInText(amount);
    }
  }
}

/** Marks a date read from a serial day number, so the invoice's notes can say so. */
function withSerial(candidate: HeaderCandidate, source: LayoutCell | undefined): HeaderCandidate {
  if (source?.serialDate !== undefined && candidate.value === source.serialDate) candidate.serial = cleanText(source.text);
  return candidate;
}

/** The value printed under a label (CSS-grid and boxed layouts): the next row's cell overlapping it. */
function cellBelow(rows: readonly LayoutRow[], rowIndex: number, cell: LayoutCell): { cell: LayoutCell; row: LayoutRow } | undefined {
  const row = rows[rowIndex];
  for (let next = rowIndex + 1; next < rows.length && next <= rowIndex + 2; next++) {
    const below = rows[next];
    if (!below || !row || below.page !== row.page || below.top - row.top > 3 * Math.max(row.height, below.height)) return undefined;
    const hit = below.cells.find((c) => Math.min(c.right, cell.right) - Math.max(c.left, cell.left) > 0);
    if (hit) return { cell: hit, row: below };
  }
  return undefined;
}

/**
 * A value wrapped in its cell ("1 Nov 2026 – 30 Nov" over "2026", a sheet's wrapped cell): the
 * next row's only text, starting at the value's left edge, just below, with nothing under the
 * label. Tried only after the value alone fails to read.
 */
function valueWrappedBelow(rows: readonly LayoutRow[], rowIndex: number, label: LayoutCell, value: LayoutCell): LayoutCell | undefined {
  const row = rows[rowIndex];
  const next = rows[rowIndex + 1];
  if (!row || !next || next.page !== row.page || next.top - row.top > 1.6 * Math.max(row.height, next.height)) return undefined;
  if (next.cells.length !== 1 || next.cells.some((c) => c.left < value.left - 2 && c.right > label.left)) return undefined;
  const only = next.cells[0];
  return only && Math.abs(only.left - value.left) <= 2 ? only : undefined;
}

/**
 * The value set beside a label but in a larger font (a table's cells are top-aligned, so the
 * value's baseline falls a little below the label's and it is read as the next row): the first
 * cell to the label's right on the next row, when that row is within a line of the label's and
 * prints nothing under the label itself.
 */
function cellBesideBelow(rows: readonly LayoutRow[], rowIndex: number, cell: LayoutCell): { cell: LayoutCell; row: LayoutRow } | undefined {
  const row = rows[rowIndex];
  const next = rows[rowIndex + 1];
  if (!row || !next || next.page !== row.page || next.top - row.top > 1.3 * Math.max(row.height, next.height)) return undefined;
  if (next.cells.some((c) => Math.min(c.right, cell.right) - Math.max(c.left, cell.left) > 0)) return undefined;
  const right = next.cells.filter((c) => c.left >= cell.right).sort((a, b) => a.left - b.left)[0];
  // Nothing of the label's own row may stand between the label and that value.
  if (!right || row.cells.some((c) => c.left >= cell.right && c.left < right.left)) return undefined;
  return { cell: right, row: next };
}

/**
 * A label whose words a producer drew as separate cells: a monospaced font (Courier, a legacy
 * system's PostScript) spaces its words a full character apart, wider than the gap that joins
 * words into one cell ("TAX" "POINT", "NET" "AMOUNT"). Neighbouring word cells less than a line's
 * height apart are joined when together they make a label longer than the first word's own (the
 * longer label wins: "TAX POINT" is the invoice date, not "Tax"); other cells are left as printed.
 */
export function joinSpacedLabels(cells: readonly LayoutCell[], height: number, config: ExtractionConfig): LayoutCell[] {
  const out: LayoutCell[] = [];
  for (let i = 0; i < cells.length; i++) {
    const first = cells[i] as LayoutCell;
    let best: { cell: LayoutCell; end: number } | null = null;
    let alone: LabelMatch | null | undefined;
    let text = cleanText(first.text);
    let right = first.right;
    for (let j = i + 1; j < cells.length && j <= i + 3; j++) {
      const next = cells[j] as LayoutCell;
      if (next.left - right > height || /\d/.test(next.text) || /\d/.test(text)) break;
      text = `${text} ${cleanText(next.text)}`;
      right = next.right;
      const joined = matchHeaderLabel(text, config.headerLabels);
      alone ??= matchHeaderLabel(cleanText(first.text), config.headerLabels);
      if (joined && joined.rest === "" && joined.label.length > (alone?.label.length ?? 0)) best = { cell: { ...first, text, right }, end: j };
    }
    out.push(best ? best.cell : first);
    if (best) i = best.end;
  }
  return out;
}

/**
 * Every header-field candidate in the given rows. `rowIndexes` are the rows outside the line
 * table (table rows hold column headings such as "Date" or "Total" that are not header labels).
 */
export function findHeaderCandidates(
  rows: readonly LayoutRow[],
  rowIndexes: readonly number[],
  config: ExtractionConfig,
  where: (row: LayoutRow) => string,
): HeaderCandidate[] {
  const candidates: HeaderCandidate[] = [];
  let order = 0;
  for (const rowIndex of rowIndexes) {
    const row = rows[rowIndex];
    if (!row) continue;
    const cells = joinSpacedLabels(row.cells, row.height, config);
    cells.forEach((cell, cellIndex) => {
      order++;
      const alone = matchHeaderLabel(cleanText(cell.text), config.headerLabels);
      const stack = stackedLabel(rows, rowIndex, cell, alone, config);
      if (stack) {
        const rank = labelRank(stack.match.field, stack.match.label);
        for (const [text, source, printedOn, via] of stack.tries) {
          if (stack.match.field === "vat" && statesNoVatAmount(text)) break;
          const value = parseHeaderValue(stack.match.field, text, source, config);
          if (value !== null) {
            candidates.push(withSerial({ field: stack.match.field, value, label: stack.match.label, rank, order, via, where: where(printedOn) }, source));
            break;
          }
        }
      }
      // The top word is read on its own as well: "INVOICE" over "Date" is also a title beside its number.
      // "Tax invoice" / "VAT Invoice RSL-1": the title, not the label "Tax" (or "VAT") and a word.
      const isTitle = alone !== null && alone.field !== "invoiceNumber" && (TITLE_ALONE.test(cleanText(cell.text)) || numberAfterTitle(cell.text) !== null);
      const match = isTitle ? null : alone;
      if (!match) {
        const titled = numberAfterTitle(cell.text) ?? numberBesideTitle(cell.text, cells[cellIndex + 1]) ?? numberUnderTitle(rows, rowIndex, cell.text);
        if (titled) candidates.push({ field: "invoiceNumber", value: titled.value, label: titled.title, rank: TITLE_RANK, order, via: "title", where: where(row) });
        return;
      }
      const rank = labelRank(match.field, match.label);
      const tries: Array<[string, LayoutCell | undefined, LayoutRow, FoundVia]> = [];
      // "VAT exempt": the words after the label are its treatment, and its figure (if any) is beside it.
      const treatment = match.field === "vat" && statesNoVatAmount(match.rest);
      if (match.rest !== "" && !treatment) tries.push([match.rest, undefined, row, "label"]);
      // "Invoice No" ":" "OFP-1": a separator printed as a cell of its own is passed over.
      const right = cells.slice(cellIndex + 1).find((c) => !/^[\s:#.\-–—]*$/.test(c.text));
      const rightIsLabel = right ? matchHeaderLabel(cleanText(right.text), config.headerLabels) !== null : true;
      if (right && !rightIsLabel) {
        tries.push([right.text, right, row, "label"]);
        const rest = valueWrappedBelow(rows, rowIndex, cell, right);
        if (rest) tries.push([`${right.text} ${rest.text}`, right, row, "label"]);
      }
      if (match.rest === "") {
        const below = cellBelow(rows, rowIndex, cell);
        if (below) tries.push([below.cell.text, below.cell, below.row, "label_above"]);
        const besideBelow = right ? undefined : cellBesideBelow(rows, rowIndex, cell);
        if (besideBelow) tries.push([besideBelow.cell.text, besideBelow.cell, besideBelow.row, "label"]);
      }
      // "VAT:  N/A" and no figure after it on the row: no VAT was charged, and a figure further off is not its value.
      const noneCharged = match.field === "vat" && right !== undefined && statesNoVatAmount(right.text) && !cells.slice(cellIndex + 1).some((c) => parseMoneyText(cleanText(c.text)) !== null);
      for (const [text, source, printedOn, via] of tries) {
        if (noneCharged && source === right) break;
        const value = parseHeaderValue(match.field, text, source, config);
        if (value !== null) {
          candidates.push(withSerial({ field: match.field, value, label: match.label, rank, order, via, where: where(printedOn) }, source));
          break;
        }
      }
    });
  }
  candidates.push(...totalsLadder(rows, rowIndexes, config, where, order));
  return candidates;
}

/** A label in the row with a figure printed right after it ("Net  29,073.10"), a lone "£" or ":" passed over. */
interface LabelledFigure {
  label: string;
  left: number;
  value: Dec;
}

function labelledFigures(row: LayoutRow, config: ExtractionConfig): LabelledFigure[] {
  const cells = row.cells.filter((c) => !/^[\s:£]*$/.test(c.text));
  const found: LabelledFigure[] = [];
  cells.forEach((label, i) => {
    const figure = cells[i + 1];
    if (!figure || !/\p{L}{2}/u.test(label.text)) return;
    const value = parseHeaderValue("total", figure.text, figure, config);
    if (value instanceof Dec) found.push({ label: cleanText(label.text), left: label.left, value });
  });
  return found;
}

/**
 * Net, VAT and gross printed as a block of their own away from the lines (a workbook's summary
 * sheet before the sheet of lines, a totals box beside an invoice's facts): three labels one
 * under the other at one left edge, each with its figure after it. A bare "Net" or "Gross" names
 * a total there only when the block is the whole ladder, net then VAT then gross (or a total);
 * elsewhere they are words ("Net 30" is payment terms). Whether the ladder adds up is the totals'
 * own check, made with the lines (a gross that does not is marked, not passed over). Labels that
 * name their total anywhere are read as labels already; only the bare words are added here.
 */
function totalsLadder(
  rows: readonly LayoutRow[],
  rowIndexes: readonly number[],
  config: ExtractionConfig,
  where: (row: LayoutRow) => string,
  order: number,
): HeaderCandidate[] {
  const outside = new Set(rowIndexes);
  const found: HeaderCandidate[] = [];
  const fieldOf = (label: string): string | null => totalsFieldOf(label) ?? bareTotalsFieldOf(label);
  for (const index of rowIndexes) {
    const first = rows[index];
    const second = outside.has(index + 1) ? rows[index + 1] : undefined;
    const third = outside.has(index + 2) ? rows[index + 2] : undefined;
    if (!first || !second || !third || second.page !== first.page || third.page !== first.page) continue;
    const near = Math.max(0.5, first.height * 0.6);
    for (const net of labelledFigures(first, config).filter((f) => fieldOf(f.label) === "subtotal")) {
      const under = (row: LayoutRow, field: string): LabelledFigure | undefined =>
        labelledFigures(row, config).find((f) => Math.abs(f.left - net.left) <= near && fieldOf(f.label) === field);
      const vat = under(second, "vat");
      const gross = vat ? under(third, "total") : undefined;
      if (!vat || !gross) continue;
      if (totalsFieldOf(net.label) === null) found.push({ field: "subtotal", value: net.value, label: net.label, rank: 0, order: order + 1, via: "label", where: where(first) });
      if (totalsFieldOf(gross.label) === null) found.push({ field: "total", value: gross.value, label: gross.label, rank: 0, order: order + 1, via: "label", where: where(third) });
    }
  }
  return found;
}

/**
 * A label a narrow cell wraps onto two or three lines ("Invoice" over "Number", "Invoice" over
 * "Date"): the words stacked at the same left edge (or right edge, or centre), each short, read as one label when together
 * they make a longer label than the top word alone (the longer label wins, DATA.md). The value is
 * the first cell to the right on any of the stack's lines (top-, middle- or bottom-aligned), or
 * the cell under the stack.
 */
function stackedLabel(
  rows: readonly LayoutRow[],
  rowIndex: number,
  cell: LayoutCell,
  alone: LabelMatch | null,
  config: ExtractionConfig,
): { match: LabelMatch; tries: Array<[string, LayoutCell | undefined, LayoutRow, FoundVia]> } | null {
  const row = rows[rowIndex];
  const top = cleanText(cell.text);
  if (!row || top.split(" ").length > 2 || (alone && alone.rest !== "")) return null;
  const words = [top];
  let lastIndex = rowIndex;
  let best: { match: LabelMatch; lastIndex: number; lastCell: LayoutCell } | null = null;
  for (let next = rowIndex + 1; next < rows.length && next <= rowIndex + 4 && words.length < 3; next++) {
    const below = rows[next];
    const previousRow = rows[lastIndex];
    if (!below || !previousRow || below.page !== row.page || below.top - previousRow.top > 1.8 * Math.max(previousRow.height, below.height)) break;
    // Stacked under the label's left edge, its right edge (a right-aligned label cell) or its centre.
    const near = Math.max(2, row.height * 0.3);
    const under = below.cells.find(
      (c) =>
        (Math.abs(c.left - cell.left) <= near && c.right <= cell.right + 40) ||
        (Math.abs(c.right - cell.right) <= near && c.left >= cell.left - 40) ||
        Math.abs((c.left + c.right) / 2 - (cell.left + cell.right) / 2) <= near,
    );
    if (!under) continue; // a value set between the stack's lines (middle-aligned) has its own row
    const word = cleanText(under.text);
    if (word.split(" ").length > 2 || /\d/.test(word)) break;
    words.push(word);
    lastIndex = next;
    const match = matchHeaderLabel(words.join(" "), config.headerLabels);
    if (match && match.rest === "" && match.label.length > (alone?.label.length ?? 0)) best = { match, lastIndex, lastCell: under };
  }
  if (!best) return null;
  const tries: Array<[string, LayoutCell | undefined, LayoutRow, FoundVia]> = [];
  for (let index = rowIndex; index <= best.lastIndex; index++) {
    const line = rows[index];
    const right = line?.cells.filter((c) => c.left >= cell.right - 0.5 && !/^[\s:#.\-–—]*$/.test(c.text)).sort((a, b) => a.left - b.left)[0];
    if (line && right && matchHeaderLabel(cleanText(right.text), config.headerLabels) === null) tries.push([right.text, right, line, "label"]);
  }
  const under = cellBelow(rows, best.lastIndex, best.lastCell);
  if (under) tries.push([under.cell.text, under.cell, under.row, "label_above"]);
  return { match: best.match, tries };
}

/** A number printed after the document's title rather than a label: weaker than any label. */
const TITLE_RANK = 8;

/** "INVOICE 10482", "Invoice FI15636047324", "Credit Note CN-0042": a title and a reference. */
export function numberAfterTitle(text: string): { title: string; value: string } | null {
  const m = /^((?:tax\s+|vat\s+|sales\s+)?(?:invoice|credit\s*note))\s*[:#\-–—]?\s+(\S+)$/i.exec(cleanText(text));
  if (!m?.[1] || !m[2]) return null;
  const value = firstReference(m[2]);
  return value ? { title: m[1], value } : null;
}

/** "INVOICE" in one cell and "10482" in the next: the title's number, one token with a digit. */
function numberBesideTitle(text: string, next: LayoutCell | undefined): { title: string; value: string } | null {
  if (!next || !/^(?:tax\s+|vat\s+|sales\s+)?(?:invoice|credit\s*note)$/i.test(cleanText(text))) return null;
  const value = parseReference(next.text.replace(/^[#:\s]+/, ""));
  return value ? { title: cleanText(text), value } : null;
}

const TITLE_ALONE = /^(?:tax\s+|vat\s+|sales\s+)?(?:invoice|credit\s*note)$/i;

/**
 * "INVOICE" printed alone and, a row or two below it, "No. BFC-10921": the title's number under a
 * bare "No." (a label that names nothing without the title above it). As weak as a title's number.
 */
function numberUnderTitle(rows: readonly LayoutRow[], rowIndex: number, text: string): { title: string; value: string } | null {
  const m = /^(?:no\.?|number|#)\s*[:.]?\s*(\S+)$/i.exec(cleanText(text));
  if (!m?.[1]) return null;
  for (let above = rowIndex - 1; above >= Math.max(0, rowIndex - 3); above--) {
    const title = rows[above]?.cells.find((c) => TITLE_ALONE.test(cleanText(c.text)));
    if (title) {
      const value = firstReference(m[1]);
      return value ? { title: cleanText(title.text), value } : null;
    }
  }
  return null;
}

/** The best candidate of a field: best rank, then the first printed (totals: the last). */
export function pickHeaderCandidate(candidates: readonly HeaderCandidate[], field: HeaderField): HeaderCandidate | null {
  const ofField = candidates.filter((c) => c.field === field);
  if (ofField.length === 0) return null;
  const last = field === "total" || field === "subtotal" || field === "vat";
  const sorted = [...ofField].sort((a, b) => a.rank - b.rank || (last ? b.order - a.order : a.order - b.order));
  return sorted[0] ?? null;
}

const CREDIT_SENTENCE =
  /\b(?:credit(?:\s+note)?\s+(?:for|against)|against|re:?|original|relating\s+to|in\s+respect\s+of|credits?)\s+invoice\s*(?:no\.?|number|#|ref(?:erence)?)?\s*[:\-–]?\s*([A-Za-z0-9][A-Za-z0-9/_.-]*\d[A-Za-z0-9/_.-]*)/i;

/** "This credit note is against invoice OFP-1046": the invoice number named in a sentence. */
export function creditedInvoiceInSentence(text: string): string | null {
  const match = CREDIT_SENTENCE.exec(cleanText(text));
  return match?.[1] ? firstReference(match[1]) : null;
}

/**
 * A row that is the credit note's title alone, its words in cells of their own ("CREDIT" "MEMO",
 * as a title set in spaced capitals comes apart): the row's words, joined, are the title.
 */
export function titleRowSaysCreditNote(cellTexts: readonly string[]): boolean {
  return cellTexts.length > 1 && /^(?:tax\s+)?credit\s*(?:note|memo)$/i.test(cleanText(cellTexts.join(" ")));
}

/**
 * An adjustment ("Adjustment Note", "Adjustment No.", or "ADJUSTMENT" as a title on a line of its
 * own) is a credit note when it says the adjustment is the buyer's ("credited to your account",
 * "(credit to your account)", "in your favour"); one that adds charges is not, so the title alone
 * says nothing. A description "Rate adjustment" inside a line is neither a title nor a label.
 */
export function saysCreditingAdjustment(text: string): boolean {
  const titled = /\badjustment\s+(?:note|no\b\.?|number)|^\s*adjustment\s*$/im.test(text);
  return titled && /\b(?:credit(?:ed)?\s+to\s+your\s+account|in\s+your\s+favou?r|credit\s+note)\b/i.test(text);
}

/** A title or label that says the document is a credit note (not a sentence about credit notes). */
export function saysCreditNote(text: string): boolean {
  const t = cleanText(text);
  // A title or label in two languages ("Nodyn Credyd / Credit Note") says it in its other half.
  const other = otherLanguage(t);
  if (other !== null && saysCreditNote(other)) return true;
  return (
    /^(?:tax\s+)?credit\s*note(?:\s*(?:no\.?|number|#|ref\w*|date|total|:|-|–|\(.*\)).*)?$/i.test(t) ||
    /\bthis\s+credit\s+note\b/i.test(t) ||
    /^credit\s+memo\b/i.test(t)
  );
}
