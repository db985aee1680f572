import type { Unit } from "../../domain/reference.js";
import { ambiguousFieldsOf, AMOUNT_PREFERENCE, columnFieldOf, joinedReferenceHeading, matchHeaderLabel, normaliseLabel, totalsFieldOf, unitFromHeading, type ColumnField, type HeaderField, type JoiningMark } from "../text/labels.js";
import { cleanText, findDates, parseDateText, parseMoneyText, parseQuantity, parseUnit, splitQuantityAtRate } from "../text/values.js";
import type { LayoutCell, LayoutRow } from "../types.js";
import type { ExtractionConfig } from "./config.js";
import { CONNECTING_WORD, joinHeadingWords } from "./heading-words.js";
import { readWeekBoundsAsRange } from "./week-bound-columns.js";
import { NAME_WORD, REFERENCE_WORD } from "./child-cell.js";

/** One column of a line table, from its heading. `field` null: a column we do not read (e.g. VAT). */
export interface Column {
  field: ColumnField | null;
  heading: string;
  left: number;
  right: number;
  /** The unit the heading implies (`Nights`, `Weekly Rate`), for tables with no unit column. */
  unitHint: Unit | null;
  /**
   * A header field printed as a column of a flat table (CSV exports repeat "Invoice No",
   * "Invoice Date" and "Period" on every line): read from the lines, not a line field.
   */
  headerField: HeaderField | null;
  /**
   * A ledger's other figures beside its "Debit" (the amount): "credit", what a line takes off (a
   * negative amount); "balance", the sum run down the lines (no line's figure, not the total).
   */
  ledger?: "credit" | "balance";
  /**
   * One half of two reference headings printed joined ("Client / Order", "Child/PO"): the mark
   * between them, and which half (0 the first, 1 the second, the next column). Cells below print
   * both references joined the same way, as one run: joined-references.ts splits them.
   */
  joined?: { mark: JoiningMark; part: 0 | 1 };
}

export interface TableHeader {
  columns: Column[];
  fields: Set<ColumnField>;
  /** The row(s) the heading occupies (two when headings wrap onto a second line). */
  rowIndexes: number[];
}

const REFERENCE_FIELDS: readonly ColumnField[] = ["description", "child", "placement"];

/**
 * A per-line VAT column's heading ("VAT", "VAT Rate", "VAT %", "VAT Code", "Tax £"): a column
 * the lines print but the reader does not take as any line field (its figures are not the amount).
 */
export function isVatHeading(text: string): boolean {
  return /^(?:vat|tax)(?:\s*(?:rate|%|code|amount|amt|value|£|\(\s*[£%]\s*\)|@\s*\d+(?:\.\d+)?\s*%))?$/i.test(cleanText(text));
}

/** Header fields a flat table may carry as columns (not its VAT or subtotal: those are per line). */
const FLAT_HEADER_FIELDS: ReadonlySet<HeaderField> = new Set(["invoiceNumber", "invoiceDate", "period", "periodFrom", "periodTo", "creditsInvoice", "vatNumber", "total"]);

function fieldOf(text: string, config: ExtractionConfig): ColumnField | null {
  return columnFieldOf(text, config.columnSynonyms);
}

/** A label and its value in one cell ("PO: PO-6601", "Child #C1001"): a field filled in, not a heading. */
const FILLED_IN = /\p{L}\s*[:#]\s*[A-Za-z]*[-/]?\d/u;

function looksLikeData(cell: LayoutCell): boolean {
  if (cell.value instanceof Date || typeof cell.value === "number") return true;
  const text = cleanText(cell.text);
  return parseMoneyText(text) !== null || findDates(text).length > 0;
}

/**
 * The words of one printed item, each with its share of the item's width (by characters): where
 * a producer joined two headings into one run ("Qty Unit"), the words stand for the headings.
 */
function wordsOf(item: LayoutCell): LayoutCell[] {
  const text = item.text;
  const width = (item.right - item.left) / Math.max(1, text.length);
  // Two headings in boxes that touch run together with no space ("NightsNightly Rate"): a capital
  // after a small letter may start the next heading's word, tried like a space.
  return [...text.matchAll(/\S+?(?=\s|$|(?<=\p{Ll})\p{Lu})/gu)].map((m) => ({ text: m[0], left: item.left + m.index * width, right: item.left + (m.index + m[0].length) * width }));
}

/** A heading cell's words that end open, waiting for the row below to say what: "Rate per" / "hour". */
const ENDS_OPEN = /\sper$/i;

/**
 * A heading cell ending on "per" whose word on a heading row below, under it, completes it into
 * a known heading ("Rate per" over "hour"): one heading wrapped, not two. "Quantity Per" with no
 * such word under it may be two headings set tight (a count and its unit's column).
 */
function wrapsOpenOnto(cell: LayoutCell, below: readonly LayoutRow[], config: ExtractionConfig): boolean {
  if (!ENDS_OPEN.test(cleanText(cell.text))) return false;
  return below.some((row) => row.cells.some((under) => Math.min(under.right, cell.right) > Math.max(under.left, cell.left) && fieldOf(`${cleanText(cell.text)} ${cleanText(under.text)}`, config) !== null));
}

/**
 * A PDF producer may draw two headings so close that they join into one cell ("Qty Unit"), or
 * even into one printed item; split such a cell back into its items (or an item's words),
 * grouping them so that as many groups as possible are known headings.
 */
function splitHeadingCells(row: LayoutRow, config: ExtractionConfig, below: readonly LayoutRow[] = []): LayoutCell[] {
  const out: LayoutCell[] = [];
  for (const cell of row.cells) {
    if (row.items === undefined || fieldOf(cell.text, config) !== null || joinedReferenceHeading(cell.text, config.columnSynonyms) !== null || wrapsOpenOnto(cell, below, config)) {
      out.push(cell);
      continue;
    }
    const within = row.items.filter((item) => item.left >= cell.left - 0.01 && item.right <= cell.right + 0.01);
    const items = within.length === 1 && within[0] ? wordsOf(within[0]) : within;
    if (items.length < 2) {
      out.push(cell);
      continue;
    }
    // best[i]: fewest unknown groups covering items[0..i), then fewest groups.
    const best: Array<{ unknown: number; groups: LayoutCell[] } | undefined> = [{ unknown: 0, groups: [] }];
    for (let end = 1; end <= items.length; end++) {
      for (let start = 0; start < end; start++) {
        const before = best[start];
        if (!before) continue;
        const slice = items.slice(start, end);
        const text = slice.map((item) => item.text).join(" ");
        const known = fieldOf(text, config) !== null || isVatHeading(text);
        if (!known && slice.length > 1) continue;
        const group: LayoutCell = { text, left: slice[0]?.left ?? cell.left, right: slice[slice.length - 1]?.right ?? cell.right };
        const candidate = { unknown: before.unknown + (known ? 0 : 1), groups: [...before.groups, group] };
        const current = best[end];
        if (!current || candidate.unknown < current.unknown || (candidate.unknown === current.unknown && candidate.groups.length < current.groups.length)) {
          best[end] = candidate;
        }
      }
    }
    const result = best[items.length];
    // A connecting word left alone ("Details | of | Credit") means the words were one phrase.
    const breaksPhrase = result?.groups.some((group) => CONNECTING_WORD.test(group.text.trim())) ?? false;
    out.push(...(result && result.unknown < items.length && !breaksPhrase ? result.groups : [cell]));
  }
  return out;
}

/** A heading that may only number the lines: "Item", "Item No", "#". */
function isItemNumberHeading(heading: string): boolean {
  return /^(?:item|item\s*(?:no\.?|#)|#)$/i.test(cleanText(heading));
}

/** The column a heading cell names. */
function columnOf(cell: LayoutCell, config: ExtractionConfig): Column {
  const field = fieldOf(cell.text, config);
  const label = field === null ? matchHeaderLabel(cleanText(cell.text), config.headerLabels) : null;
  return {
    field,
    heading: cleanText(cell.text),
    left: cell.left,
    right: cell.right,
    unitHint: field === "quantity" || field === "rate" || field === "unit" ? unitFromHeading(cell.text) : null,
    headerField: label && label.rest === "" && FLAT_HEADER_FIELDS.has(label.field) ? label.field : null,
  };
}

/**
 * A heading cell naming the child's and the placement's references joined by a mark ("Client /
 * Order", "Child/PO"): two columns, one a half, each over its share of the cell (by characters),
 * both keeping the whole heading as printed. Where a line's cell lies under them says nothing of
 * which reference it is; the mark in it does (joined-references.ts).
 */
function joinedColumns(cell: LayoutCell, config: ExtractionConfig): Column[] | null {
  const heading = cleanText(cell.text);
  const joined = fieldOf(heading, config) === null ? joinedReferenceHeading(heading, config.columnSynonyms) : null;
  if (!joined) return null;
  const perChar = (cell.right - cell.left) / Math.max(1, heading.length);
  const half = (part: 0 | 1): Column => ({
    field: joined.fields[part],
    heading,
    left: part === 0 ? cell.left : cell.left + joined.secondStart * perChar,
    right: part === 0 ? cell.left + joined.firstEnd * perChar : cell.right,
    unitHint: null,
    headerField: null,
    joined: { mark: joined.mark, part },
  });
  return [half(0), half(1)];
}

function headerFromCells(cells: readonly LayoutCell[], rowIndexes: number[], config: ExtractionConfig): TableHeader | null {
  if (cells.length < 2 || cells.some(looksLikeData)) return null;
  const columns: Column[] = cells.flatMap((cell) => joinedColumns(cell, config) ?? [columnOf(cell, config)]);
  readAsLedger(columns);
  readWeekBoundsAsRange(columns);
  // One column per field: the amount by AMOUNT_PREFERENCE ("Net" before "Total"), others the first.
  const amountColumns = columns.filter((c) => c.field === "amount");
  if (amountColumns.length > 1) {
    const rank = (c: Column): number => {
      const index = AMOUNT_PREFERENCE.indexOf(normaliseLabel(c.heading));
      return index < 0 ? AMOUNT_PREFERENCE.length : index;
    };
    const keep = [...amountColumns].sort((a, b) => rank(a) - rank(b))[0];
    for (const column of amountColumns) if (column !== keep) column.field = null;
  }
  // "Item" beside a "Description" heading is the line's number (1, 2, 3…), not its description:
  // the description is the other column. Alone, "Item" still names the description.
  const descriptionColumns = columns.filter((c) => c.field === "description");
  if (descriptionColumns.length > 1 && descriptionColumns.some((c) => !isItemNumberHeading(c.heading))) {
    for (const column of descriptionColumns) if (isItemNumberHeading(column.heading)) column.field = null;
  }
  // "Days" beside "Weeks" under a "Per week" rate: the count the rate is charged by is the
  // quantity; the other count only explains it.
  const quantityColumns = columns.filter((c) => c.field === "quantity");
  const rateUnit = columns.find((c) => c.field === "rate")?.unitHint ?? null;
  const byRate = quantityColumns.filter((c) => rateUnit !== null && c.unitHint === rateUnit);
  if (quantityColumns.length > 1 && byRate.length === 1) {
    for (const column of quantityColumns) if (column !== byRate[0]) column.field = null;
  }
  const seen = new Set<ColumnField>();
  for (const column of columns) {
    if (column.field === null) continue;
    if (seen.has(column.field)) column.field = null;
    else seen.add(column.field);
  }
  // With From/To columns for the lines, a "Period" column is the invoice's billing period and a
  // "Date" column its date (a flat export repeating them on every line).
  if (seen.has("from") || seen.has("to")) {
    for (const column of columns) {
      if (column.field === "period") {
        column.field = null;
        column.headerField = "period";
        seen.delete("period");
      }
    }
  }
  if (seen.has("from") || seen.has("to") || seen.has("period")) {
    for (const column of columns) {
      if (column.field === "date") {
        column.field = null;
        column.headerField = "invoiceDate";
        seen.delete("date");
      }
    }
  }
  // Ambiguous headings ("Charge", "Ref", "£") take the one field the rest of the row leaves open;
  // with none or two open, "Charge" or "Ref" is not guessed: the table is not read (the file is
  // refused quoting its heading row), while a bare "£" beside another amount is only a mark.
  let unresolved = false;
  let ignoredAmbiguous = 0;
  for (const column of columns) {
    if (column.field !== null || column.headerField !== null) continue;
    const candidates = ambiguousFieldsOf(column.heading);
    if (!candidates) continue;
    const open = candidates.filter((f) => !seen.has(f));
    const only = open[0];
    if (open.length === 1 && only !== undefined && (candidates.length > 1 || !seen.has("amount"))) {
      column.field = only;
      seen.add(only);
    } else if (open.length > 1) unresolved = true;
    else ignoredAmbiguous++; // both fields named elsewhere: a column the lines print and we do not read
  }
  if (unresolved) return null;
  const known = columns.filter((c) => c.field !== null || c.headerField !== null || c.ledger !== undefined).length + ignoredAmbiguous;
  const acceptable =
    seen.has("amount") &&
    REFERENCE_FIELDS.some((f) => seen.has(f)) &&
    (seen.size >= 3 || known === columns.length) &&
    known * 2 >= columns.length;
  return acceptable ? { columns, fields: seen, rowIndexes } : null;
}

const DEBIT_HEADING = /^(?:debit|debits|dr|debit amount|amount debited)$/;
const CREDIT_HEADING = /^(?:credit|credits|cr|credit amount|amount credited)$/;
const BALANCE_HEADING = /^(?:balance|running balance|running total|cumulative|cumulative total|balance to date)$/;

/**
 * A ledger's columns (an accounts package's statement-style invoice): "Debit" is what each line
 * charges, "Credit" beside it what a line takes off (a discount, a rebate) and "Balance" the sum
 * run down the lines. Only with a "Debit" heading: alone, "Credit" is a credit note's amount, and
 * "Balance" is never a line's figure nor the invoice's total when it runs down the lines.
 */
function readAsLedger(columns: Column[]): void {
  if (!columns.some((c) => DEBIT_HEADING.test(normaliseLabel(c.heading)))) return;
  for (const column of columns) {
    const key = normaliseLabel(column.heading);
    if (DEBIT_HEADING.test(key)) column.field = "amount";
    else if (CREDIT_HEADING.test(key)) {
      column.field = null;
      column.ledger = "credit";
    } else if (BALANCE_HEADING.test(key)) {
      column.field = null;
      column.headerField = null;
      column.ledger = "balance";
    }
  }
}

/**
 * Headings that wrap onto a second line ("Period" over "From" and "To") are read as one. A
 * heading over a group of columns (a merged "Dates of stay" over "First Night" and "Last Night")
 * names no field joined to the heading under it: the lower heading, which does, is kept alone.
 */
function mergeHeadingRows(upper: readonly LayoutCell[], lower: readonly LayoutCell[], known: (text: string) => boolean): LayoutCell[] {
  const overlap = (a: LayoutCell, b: LayoutCell): number => Math.min(a.right, b.right) - Math.max(a.left, b.left);
  const usedUpper = new Set<LayoutCell>();
  const merged: LayoutCell[] = lower.map((cell) => {
    let partner: LayoutCell | undefined;
    let bestOverlap = 0;
    for (const candidate of upper) {
      const o = overlap(candidate, cell);
      if (o > bestOverlap) {
        bestOverlap = o;
        partner = candidate;
      }
    }
    if (!partner) return { ...cell };
    usedUpper.add(partner);
    const text = `${partner.text} ${cell.text}`;
    if (!known(text) && known(cell.text)) return { ...cell };
    return { text, left: cell.left, right: cell.right };
  });
  for (const cell of upper) if (!usedUpper.has(cell)) merged.push({ ...cell });
  return merged.sort((a, b) => a.left - b.left);
}

/**
 * A row of headings prints no data and no references: "Child: C1001 – PO-410201" under them is a
 * statement block. Nor is a rule ("=====", "-----" drawn in characters by a plain-text system) a
 * heading's line: it sets the headings off from what is above or below them.
 */
function headingOnly(row: LayoutRow): boolean {
  return !row.cells.some((cell) => looksLikeData(cell) || /\d{3,}/.test(cell.text)) && row.cells.some((cell) => /\p{L}/u.test(cell.text));
}

/** More fields read first, then fewer headings left unread. */
function headerScore(header: TableHeader): number {
  return header.fields.size * 100 - header.columns.filter((c) => c.field === null && c.headerField === null).length;
}

/** A document's title alone: "CREDIT MEMO", "Tax Invoice", "Credit Note". */
const DOCUMENT_TITLE = /^(?:tax\s+|vat\s+|sales\s+)?(?:invoice|credit\s*(?:note|memo))$/i;

/**
 * A heading row's words wrapped onto the row below ("Support /" over "accommodation"): every word
 * of the lower row stands under a heading and carries on its text, beginning in lower case or
 * after a heading that ends in a joining mark or word. A line's first row is not written so.
 */
function wrapsHeadingBelow(upper: LayoutRow, lower: LayoutRow): boolean {
  return lower.cells.every((cell) => {
    const above = upper.cells.find((c) => c.left < cell.right && cell.left < c.right);
    if (!above) return false;
    return /^\p{Ll}/u.test(cleanText(cell.text)) || /(?:[/&+\-–]|\b(?:and|of|per|or))$/i.test(cleanText(above.text));
  });
}

/** The line-table heading that starts at rows[index], if there is one there. */

export function detectHeaderAt(rows: readonly LayoutRow[], index: number, config: ExtractionConfig): TableHeader | null {
  const row = rows[index];
  // A heading row holds no amounts or dates: most rows are rejected here, cheaply. Nor fields
  // filled in: "Young Person: Y601   PO: PO-6601" is a statement block's heading, whose labels
  // are no column headings over the row below.
  if (!row || row.cells.length === 0 || row.cells.some((cell) => looksLikeData(cell) || FILLED_IN.test(cell.text))) return null;
  // The document's title in spaced capitals comes apart a word a cell ("CREDIT" "MEMO"), and its
  // words may be headings' words ("Credit", "Memo"): a title is never a table's heading row.
  if (DOCUMENT_TITLE.test(row.cells.map((c) => c.text).join(" ").replace(/\s+/g, " ").trim())) return null;
  if (row.cells.length < 2) return stackedHeading(rows, index, config);
  const known = (text: string): boolean => fieldOf(text, config) !== null;
  // A heading naming both references may wrap at its mark ("Client Ref /" over "Order"): joined,
  // it names two fields, more than its lower word alone.
  const namesColumns = (text: string): boolean => known(text) || joinedReferenceHeading(text, config.columnSynonyms) !== null;
  const next = rows[index + 1];
  // Spreadsheet rows are adjacent only when their numbers are; PDF rows within about two lines.
  const adjacent = next && next.page === row.page && (row.items === undefined ? next.top - row.top === 1 : next.top - row.top <= 2.2 * Math.max(row.height, next.height));
  const third = rows[index + 2];
  const thirdClose = next !== undefined && third !== undefined && third.page === row.page && third.top - next.top <= 1.2 * Math.max(next.height, third.height) && headingOnly(third);
  // The heading rows below, where a heading ending open ("Rate per") may go on ("hour").
  const below = next && adjacent && headingOnly(next) ? (thirdClose && third ? [next, third] : [next]) : [];
  const cells = joinHeadingWords(splitHeadingCells(row, config, below), known);
  const single = headerFromCells(cells, [index], config);
  if (next && adjacent && headingOnly(next)) {
    const lowerCells = joinHeadingWords(splitHeadingCells(next, config, below.slice(1)), known);
    // A heading cell split into known words ("Cost per" as "Cost" and "Per") may instead be the
    // first line of a heading wrapped onto the next row ("Cost per" / "night"): both are tried.
    let merged: TableHeader | null = null;
    for (const [upper, lower] of [[cells, lowerCells], [row.cells, lowerCells], [row.cells, next.cells]] as const) {
      const candidate = headerFromCells(mergeHeadingRows(upper, lower, namesColumns), [index, index + 1], config);
      if (candidate && (!merged || headerScore(candidate) > headerScore(merged))) merged = candidate;
    }
    // Headings middle-aligned in a heading row of their own height: a heading that wraps prints
    // its first word above the one-line headings and its last below them ("PLACEMENT" / "ID").
    if (third && thirdClose) {
      // The middle row's runs may join two one-line headings ("Quantity Per"): split and whole are both tried.
      for (const middle of [next.cells, lowerCells]) {
        const threeRows = headerFromCells(mergeHeadingRows(mergeHeadingRows(row.cells, middle, known), third.cells, known), [index, index + 1, index + 2], config);
        // A tie goes to the three rows: their third row is heading words, which no line reads.
        if (threeRows && (!merged || headerScore(threeRows) >= headerScore(merged))) merged = threeRows;
      }
    }
    // Merging must add what neither row has alone (a title row above real headings adds nothing).
    if (merged) {
      const lowerAlone = headerFromCells(lowerCells, [index + 1], config);
      if (merged.fields.size > (lowerAlone?.fields.size ?? 0) && merged.fields.size > (single?.fields.size ?? 0)) return merged;
    }
    // Wrapped words that name nothing more are still the heading's, never a line's text.
    if (single && single.rowIndexes.length === 1 && wrapsHeadingBelow(row, next)) return { ...single, rowIndexes: [index, index + 1] };
  }
  return single;
}

/**
 * Headings middle-aligned in a heading row where one heading wraps and the others do not: the
 * wrapped one prints its first word alone on the row above ("YP") and its last on the row below
 * ("Ref"). Read from that lone word's row when the three rows make a heading that names more
 * fields than the middle row alone.
 */
function stackedHeading(rows: readonly LayoutRow[], index: number, config: ExtractionConfig): TableHeader | null {
  const [row, next, third] = [rows[index], rows[index + 1], rows[index + 2]];
  if (!row || !next || !third || row.items === undefined || next.cells.length < 2) return null;
  const close = (a: LayoutRow, b: LayoutRow): boolean => b.page === a.page && b.top - a.top <= 1.2 * Math.max(a.height, b.height);
  if (!close(row, next) || !close(next, third) || !headingOnly(row) || !headingOnly(next) || !headingOnly(third)) return null;
  const known = (text: string): boolean => fieldOf(text, config) !== null;
  let best: TableHeader | null = null;
  for (const middle of [next.cells, splitHeadingCells(next, config)]) {
    const candidate = headerFromCells(mergeHeadingRows(mergeHeadingRows(row.cells, middle, known), third.cells, known), [index, index + 1, index + 2], config);
    if (candidate && (!best || headerScore(candidate) > headerScore(best))) best = candidate;
  }
  const middleAlone = detectHeaderAt(rows, index + 1, config);
  if (!best) return null;
  if (best.fields.size > (middleAlone?.fields.size ?? 0)) return best;
  // Naming no more fields, the three rows are still the heading when their lone words make one
  // of a column the middle row has none for ("Cost" / "Centre" beside "Resident"): read from the
  // middle row, that column's cells ("5102-RES") would run into the nearest heading's.
  const sameFields = middleAlone !== null && best.fields.size === middleAlone.fields.size && [...middleAlone.fields].every((f) => best.fields.has(f));
  return sameFields && headsColumnOfItsOwn(row, next, third) ? best : null;
}

/** A word on the row above and one on the row below, over each other, beside every heading of the middle row. */
function headsColumnOfItsOwn(above: LayoutRow, middle: LayoutRow, below: LayoutRow): boolean {
  const overlaps = (a: LayoutCell, b: LayoutCell): boolean => Math.min(a.right, b.right) > Math.max(a.left, b.left);
  const clearOfMiddle = (cell: LayoutCell): boolean => !middle.cells.some((m) => overlaps(cell, m));
  return above.cells.some((top) => clearOfMiddle(top) && below.cells.some((bottom) => overlaps(top, bottom) && clearOfMiddle(bottom)));
}

/**
 * A count and its unit drawn as two items a space apart ("4.2857" "wks") are one quantity: placed
 * apart, the count would land under the column before (a period) and the unit alone under "Qty".
 */
function joinCountsToUnits(items: readonly LayoutCell[], height: number): LayoutCell[] {
  const out: LayoutCell[] = [];
  for (const item of items) {
    const last = out[out.length - 1];
    const gap = last ? item.left - last.right : Number.POSITIVE_INFINITY;
    if (last && gap >= 0 && gap <= height * 0.6 && /^\d[\d,]*(?:\.\d+)?$/.test(last.text.trim()) && /^\p{L}+\.?$/u.test(item.text.trim()) && parseQuantity(`${last.text.trim()} ${item.text.trim()}`)?.unit) {
      out[out.length - 1] = { ...last, text: `${last.text.trim()} ${item.text.trim()}`, right: item.right };
    } else out.push(item);
  }
  return out;
}

/** Where a cell of the row above began, and the column it was placed under. */
export interface CellAbove {
  column: number;
  left: number;
}

/**
 * Puts each printed item of a row under a column. Alignment decides first (left edges or right
 * edges within 3 pt of the heading's: left-aligned text and right-aligned numbers), then a
 * centre inside the heading, then overlap; an item near no heading stays unplaced.
 *
 * `above`: the cells of the line printed just above, for a row that may go on with them. A cell
 * wraps its next words to its own left edge, which need not be near its heading's ("1–31 October"
 * begins left of a centred "Dates", and so does the "2026" under it): an item aligned with no
 * heading but starting where a cell above starts is that cell's next line, in that cell's column.
 */
export function assignToColumns(row: LayoutRow, columns: readonly Column[], above?: readonly CellAbove[]): Map<number, LayoutCell[]> {
  const byPosition = assignByPosition(row, columns, above ?? []);
  return row.items && needsOrder(row, byPosition) ? (assignByOrder(row, columns) ?? byPosition) : byPosition;
}

/**
 * Columns set by runs of spaces in a proportional font (Pango, a word processor's plain text)
 * start wherever the text before them ends: the cells of each row drift from their headings, so
 * by position a row's cells run together under one heading or fall under none. Only then, when
 * the row prints exactly one cell per heading and every cell is what its heading names (a date
 * under "From", money under "Rate", a count under "Qty", one word under "Child"), are the cells
 * read in the headings' order.
 */
function needsOrder(row: LayoutRow, placed: ReadonlyMap<number, LayoutCell[]>): boolean {
  const cellOf = (item: LayoutCell): number => row.cells.findIndex((cell) => item.left >= cell.left - 0.01 && item.right <= cell.right + 0.01);
  const cellsPlaced = new Set<number>();
  for (const items of placed.values()) {
    const cells = new Set(items.map(cellOf));
    if (cells.size > 1) return true;
    for (const cell of cells) cellsPlaced.add(cell);
  }
  return cellsPlaced.size < row.cells.length;
}

function fitsColumn(text: string, column: Column): boolean {
  switch (column.field) {
    case "amount":
    case "rate":
      return parseMoneyText(text) !== null;
    case "quantity":
      return parseQuantity(text) !== null;
    case "unit":
      return parseUnit(text) !== null;
    case "from":
    case "to":
    case "date":
      return parseDateText(text) !== null;
    case "child":
    case "placement":
      return /^[\p{L}\d][\p{L}\d/._-]*$/u.test(text) && /\d/.test(text);
    case "description":
      return /\p{L}{2}/u.test(text);
    case "period":
      return findDates(text).length > 0;
    case null:
      return true;
  }
}

function assignByOrder(row: LayoutRow, columns: readonly Column[]): Map<number, LayoutCell[]> | null {
  if (row.cells.length !== columns.length || columns.filter((c) => c.field !== null).length < 3) return null;
  if (!row.cells.every((cell, k) => fitsColumn(cleanText(cell.text), columns[k] as Column))) return null;
  return new Map(row.cells.map((cell, k) => [k, [cell]]));
}

function assignByPosition(row: LayoutRow, columns: readonly Column[], above: readonly CellAbove[]): Map<number, LayoutCell[]> {
  const placed = new Map<number, LayoutCell[]>();
  if (!row.items) {
    // Spreadsheet rows: a cell belongs to the heading in its own column, nothing else.
    for (const cell of row.cells) {
      const index = columns.findIndex((column) => column.left === cell.left);
      if (index >= 0 && cell.text.trim() !== "") placed.set(index, [...(placed.get(index) ?? []), cell]);
    }
    return placed;
  }
  let previous: { index: number; right: number } | null = null;
  for (const item of joinCountsToUnits(row.items, row.height).flatMap((printed) => splitAcrossColumns(printed, columns, row.height))) {
    const text = item.text.trim();
    if (text === "" || /^(?:£|GBP)$/i.test(text)) continue; // a currency mark on its own says nothing
    if (item.column !== undefined) {
      placed.set(item.column, [...(placed.get(item.column) ?? []), item]);
      previous = { index: item.column, right: item.right };
      continue;
    }
    let bestIndex = -1;
    let bestScore = 0;
    columns.forEach((column, index) => {
      const overlap = Math.min(item.right, column.right) - Math.max(item.left, column.left);
      const width = Math.max(0.1, Math.min(item.right - item.left, column.right - column.left));
      let score = 0;
      const tolerance = Math.max(3, row.height * 0.3);
      if (Math.abs(item.left - column.left) <= tolerance) score += 3;
      if (Math.abs(item.right - column.right) <= tolerance) score += 3;
      const centre = (item.left + item.right) / 2;
      if (centre >= column.left && centre <= column.right) score += 2;
      if (overlap > 0) score += 1 + overlap / width;
      if (score > bestScore) {
        bestScore = score;
        bestIndex = index;
      }
    });
    const wrapsCellAbove = bestScore < 3 ? above.find((cell) => Math.abs(cell.left - item.left) <= Math.max(3, row.height * 0.3)) : undefined;
    if (wrapsCellAbove) bestIndex = wrapsCellAbove.column;
    else if (bestScore < 3) {
      // Aligned with no heading: where headings are set at their columns' left edges (a
      // spreadsheet's cells), a figure lying wholly between one heading's left edge and the next
      // one's belongs to the first ("705.00" right-aligned in the cell under "Rate").
      const zone = zoneOf(item, columns, row.height);
      if (zone >= 0) bestIndex = zone;
    }
    if (bestIndex < 0 && previous && item.left - previous.right <= Math.max(12, row.height * 2) && !isFigure(text)) {
      // Justified text (groff, Writer) spreads a description's words wide: a word under no
      // heading, a word's gap after the text before it, goes on that text.
      bestIndex = previous.index;
    }
    if (bestIndex < 0) {
      // No alignment and no overlap: the nearest heading, when it is close.
      let nearest = Number.POSITIVE_INFINITY;
      columns.forEach((column, index) => {
        const distance = item.right < column.left ? column.left - item.right : item.left - column.right;
        if (distance < nearest) {
          nearest = distance;
          bestIndex = index;
        }
      });
      if (nearest > Math.max(24, row.height * 4)) bestIndex = -1;
    }
    if (bestIndex < 0) continue;
    const list = placed.get(bestIndex) ?? [];
    list.push(item);
    placed.set(bestIndex, list);
    previous = { index: bestIndex, right: item.right };
  }
  return placed;
}

function zoneOf(item: LayoutCell, columns: readonly Column[], height: number): number {
  const tolerance = Math.max(3, height * 0.3);
  const matches = columns
    .map((column, index) => ({ index, start: column.left - tolerance, end: (columns[index + 1]?.left ?? Number.POSITIVE_INFINITY) - 0.5 }))
    .filter((zone) => item.left >= zone.start && item.right <= zone.end);
  return matches.length === 1 && matches[0] ? matches[0].index : -1;
}

/** A value a column of figures holds: money, a date, a quantity (with or without its unit), a unit, `£`, a VAT rate or code. */
function isFigure(text: string): boolean {
  return /^(?:£|GBP)$/i.test(text) || parseMoneyText(text) !== null || parseQuantity(text) !== null || parseUnit(text) !== null || parseDateText(text) !== null || isVatRate(text);
}

/**
 * What a per-line VAT column prints: a rate ("20%", "0 %"), "Exempt", "Zero", "Std" or an
 * accounting package's one-letter code ("S", "E", "Z"). Never an amount.
 */
export function isVatRate(text: string): boolean {
  return /^(?:\d{1,2}(?:\.\d+)?\s*%|exempt|exempted|zero(?:[\s-]rated)?|std|standard|reduced|outside\s+scope|n\/?a|nil|[SEZO])$/i.test(text.trim());
}

/** A split part of a printed item; `column` when its place was decided by its neighbours' order. */
type SplitPart = LayoutCell & { column?: number };

/** The figures of one printed run: "31/10/26 31nights", "705.00 Exempt", "4 sessions", "1,800.00 CR". */
function figureTokens(item: LayoutCell): SplitPart[] | null {
  const words = wordsOf(item);
  const tokens: SplitPart[] = [];
  for (const word of words) {
    const last = tokens[tokens.length - 1];
    // A unit, a currency word or CR/DR, a lone "%" or "£" belongs with the figure beside it.
    if (last && (/^(?:CR|DR|GBP|%)\.?$/i.test(word.text) || /^£$/.test(last.text) || (parseUnit(word.text) !== null && parseQuantity(last.text) !== null && parseQuantity(`${last.text} ${word.text}`) !== null))) {
      tokens[tokens.length - 1] = { text: `${last.text} ${word.text}`, left: last.left, right: word.right };
      continue;
    }
    tokens.push(word);
  }
  return tokens.length >= 2 && tokens.every((t) => isFigure(t.text)) ? tokens : null;
}

/**
 * Where headings are narrower than their columns (a spreadsheet's left-aligned headings over
 * right-aligned figures), a run of figures joined across columns ("705.00 Exempt" under "Rate"
 * and "VAT Rate") has words under no heading. One of its figures aligned with a heading anchors
 * the run; its other figures take the neighbouring columns in order. Only when there are such
 * columns for every figure is the run split; otherwise it stays whole.
 */
function splitByOrder(item: LayoutCell, columns: readonly Column[], height: number): SplitPart[] | null {
  const tokens = figureTokens(item);
  if (!tokens) return null;
  const tolerance = Math.max(3, height * 0.3);
  for (const [k, token] of tokens.entries()) {
    const anchor = columns.findIndex((c) => Math.abs(token.left - c.left) <= tolerance || Math.abs(token.right - c.right) <= tolerance);
    if (anchor < 0) continue;
    const first = anchor - k;
    const last = first + tokens.length - 1;
    if (first < 0 || last >= columns.length) return null;
    // The run must lie over the columns it is given: no part may start beyond its next column.
    const fits = tokens.every((t, j) => {
      const next = columns[first + j + 1];
      const previous = columns[first + j - 1];
      return (next === undefined || t.left < next.left) && (previous === undefined || t.right > previous.right);
    });
    return fits ? tokens.map((t, j) => ({ ...t, column: first + j })) : null;
  }
  return null;
}

/**
 * Some producers (Chromium among them) print the figures of neighbouring cells as one run of
 * text: "7 nights" across the Qty and Unit columns, "150.00 1,050.00" across Rate and Amount.
 * Such an item is split back into its columns when its words fall under two headings or more
 * and every part is a figure; text (a long description running under the next heading) is
 * never split.
 */
const SPACE_GROUPED_FIGURE = /^\(?-?\s*£?\s*\d{1,3}(?:[ \u00a0\u202f\u2009]\d{3})+\.\d{2}\)?(?:\s+(?:CR|DR|GBP)\.?)?$/i;

function splitAcrossColumns(item: LayoutCell, columns: readonly Column[], height: number): SplitPart[] {
  if (!/\s/.test(item.text.trim())) return [item];
  // "240.00 CR", "636.00 GBP": one figure with its mark, however far the mark reaches right.
  if (/^\(?-?\s*£?\s*\d[\d,]*(?:\.\d{1,2})?\)?\s+(?:CR|DR|GBP)\.?$/i.test(item.text.trim())) return [item];
  // "3 750.00", "£4 185.00 GBP": one figure whose thousands a space groups, however far its
  // first group reaches left (under a rate or a count), never a count and an amount.
  if (SPACE_GROUPED_FIGURE.test(item.text.trim())) return [item];
  const words = wordsOf(item);
  const under = (word: LayoutCell): number => {
    const centre = (word.left + word.right) / 2;
    return columns.findIndex((column) => centre >= column.left && centre <= column.right);
  };
  const groups: Array<{ column: number; words: LayoutCell[] }> = [];
  for (const word of words) {
    const column = under(word);
    const last = groups[groups.length - 1];
    if (last && (column < 0 || column === last.column)) last.words.push(word);
    else groups.push({ column, words: [word] });
  }
  const atReference = splitAtReference(groups, columns);
  if (atReference) return atReference;
  if (groups.length < 2 || groups.some((g) => g.column < 0)) {
    // One figure of a run under no heading of its own: its neighbours' order places it.
    return groups.length === 1 && groups[0]?.column !== undefined && groups[0].column >= 0 && isFigure(item.text.trim()) ? [item] : (splitByOrder(item, columns, height) ?? [item]);
  }
  const parts = groups.map((g) => ({ text: g.words.map((w) => w.text).join(" "), left: g.words[0]?.left ?? item.left, right: g.words[g.words.length - 1]?.right ?? item.right }));
  // A count at its rate ("30 nights × £5.00") is figures too: a charge-basis cell run into the
  // amount beside it is split as any figures are.
  return parts.every((part) => isFigure(part.text) || splitQuantityAtRate(part.text) !== null) ? parts : [item];
}

/**
 * A narrow reference cell whose reference touches the next cell's text, drawn as one run
 * ("PO-410201 Standard fostering" under "PO No." and "Service"): the reference is the run's
 * first word, alone under its reference heading, and the rest lies under one other column that
 * names a field of its own. Split at the reference's end, the rest given to the column it lies
 * under. Not under a joined heading ("Child / PO": joined-references.ts splits those), and not
 * when the rest is only a name's words after a child's reference ("C1001 Jayden Morris"): a name
 * beside the reference is the child cell's (child-cell.ts), never another column's text.
 */
function splitAtReference(groups: ReadonlyArray<{ column: number; words: LayoutCell[] }>, columns: readonly Column[]): SplitPart[] | null {
  const [first, rest, ...more] = groups;
  if (!first || !rest || more.length > 0 || first.words.length !== 1) return null;
  const [reference] = first.words;
  const own = columns[first.column];
  const next = columns[rest.column];
  if (!reference || !own || !next || own.joined || next.joined || next.field === null) return null;
  if ((own.field !== "child" && own.field !== "placement") || next.field === own.field || next.field === "child" || next.field === "placement") return null;
  if (!REFERENCE_WORD.test(reference.text)) return null;
  if (own.field === "child" && rest.words.every((w) => NAME_WORD.test(w.text))) return null;
  const restLeft = rest.words[0]?.left ?? reference.right;
  const restRight = rest.words[rest.words.length - 1]?.right ?? restLeft;
  return [
    { text: reference.text, left: reference.left, right: reference.right, column: first.column },
    { text: rest.words.map((w) => w.text).join(" "), left: restLeft, right: restRight, column: rest.column },
  ];
}

/** The text of a column's items in reading order. */
export function columnText(cells: readonly LayoutCell[] | undefined): string {
  if (!cells || cells.length === 0) return "";
  return cleanText([...cells].sort((a, b) => a.left - b.left).map((c) => c.text).join(" "));
}

/**
 * A row of headings that is not a line table's ("Rate  Net  VAT" over a VAT analysis): every cell
 * a heading or totals word, no data. It starts another table, so the lines above it have ended.
 */
export function isOtherTablesHeading(row: LayoutRow, config: ExtractionConfig): boolean {
  if (row.cells.length < 2 || row.cells.some(looksLikeData)) return false;
  // A line table's own headings (repeated, or not matched) name a description, child or placement.
  if (row.cells.some((cell) => REFERENCE_FIELDS.includes(fieldOf(cell.text, config) as ColumnField))) return false;
  return row.cells.every((cell) => {
    const text = cleanText(cell.text);
    if (fieldOf(text, config) !== null || totalsFieldOf(text) !== null) return true;
    // "VAT Rate": a totals label qualified by a heading word is a heading too.
    const label = matchHeaderLabel(text, config.headerLabels);
    return label !== null && (label.rest === "" || fieldOf(label.rest, config) !== null);
  });
}
