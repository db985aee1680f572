import { otherToolReason } from "../../tabular/other-tools.js";
import type { IsoDate } from "../../domain/dates.js";
import { Dec } from "../../domain/money.js";
import type { Unit } from "../../domain/reference.js";
import { bareTotalsFieldOf, columnFieldOf, isCarryRow, matchHeaderLabel, otherLanguage, totalsFieldOf, unitsOfHeading, type ColumnField, type HeaderField } from "../text/labels.js";
import {
  cleanText,
  findPeriodInText,
  findVatNumbers,
  isoFromCellDate,
  parseDateText,
  parseMoneyText,
  parsePeriodText,
  parseQuantity,
  parseRate,
  parseUnit,
  periodOfOneDate,
  splitQuantityAtRate,
  stripVatBasis,
  type Period,
} from "../text/values.js";
import type { ArithmeticCheck, DraftLine, InvoiceDraft, LayoutCell, LayoutDocument, LayoutRow, LineDraftField, UncertainField } from "../types.js";
import { assignToColumns, columnText, detectHeaderAt, isOtherTablesHeading, isVatHeading, type CellAbove, type TableHeader } from "./columns.js";
import { emptyConfig, type ExtractionConfig } from "./config.js";
import { findFurniture, type FurnitureKind } from "./page-model.js";
import { readItemBlocks, UNLABELLED_REFERENCE } from "./item-blocks.js";
import { readChildCell, settleChildCells, wrapsChildName } from "./child-cell.js";
import { readJoinedReferences, splitStackedReference } from "./joined-references.js";
import { centredAround, referenceAloneUnderJoinedHeading } from "./centred-references.js";
import { strayReferences } from "./stray-references.js";
import { settleBlankReferenceCells } from "./blank-reference-cells.js";
import { settleUnitChoices } from "./unit-alternatives.js";
import { readCalculation } from "./calculation-cell.js";
import { noteDescriptionEdge, withDescriptionWords, type DescriptionEdges } from "./description-edge.js";
import { plausibilityDoubts } from "./guards/index.js";
import { ambiguity, arithmeticNotes, checkLine, creditSignsAgainst, evidenceOf, resolveTotals, unexplainedGap, valueText, type UnreadRow } from "./certainty.js";
import {
  creditedInvoiceInSentence,
  findHeaderCandidates,
  joinSpacedLabels,
  parseHeaderValue,
  pickHeaderCandidate,
  saysCreditNote,
  titleRowSaysCreditNote,
  saysCreditingAdjustment,
  statesNoVatAmount,
  type HeaderCandidate,
  type HeaderValue,
} from "./header-fields.js";

/**
 * The generic extractor: no template needed. It finds the line table by its headings (DATA.md
 * label spellings, any column order), reads the lines, totals and header fields around it, and
 * returns an InvoiceDraft. What it cannot read stays null; deciding whether that is acceptable is
 * the next step's job (toInvoice), so the draft always says everything that was found.
 */

type TotalsField = "subtotal" | "vat" | "total";

interface LineMeta {
  line: DraftLine;
  page: number;
  bottom: number;
  /** The index of the line's own row (its figures) in the document. */
  rowIndex?: number;
  /** What the line printed under its period headings, for a period its cell wraps onto the next printed line. */
  periodCells?: Map<ColumnField, LayoutCell[]>;
  /** A date and a dash printed alone under the description: a period whose second date is on the next printed line. */
  openPeriod?: { text: string; descriptionBefore: string } | undefined;
  /** What the line printed under its quantity heading, for a calculation its cell wraps onto the next printed line. */
  quantityText?: string;
  /** The line's own row (its figures), and how far above it its middle-aligned cells began. */
  rowTop?: number;
  aboveSpan?: number;
  /** The reference columns of the line's table, whose blank cells may say "as above" (blank-reference-cells.ts). */
  refColumns?: { child: boolean; placement: boolean };
  /** How many statement block headings stood above the line (blank reference cells never reach across one). */
  block?: number;
  /** The units its quantity heading names when it names two ("Weeks / Hrs") and the line printed none. */
  unitChoices?: Unit[];
  /** Where the line's own cells begin, under its table's headings: a row under it may wrap them (assignToColumns). */
  cells?: { header: TableHeader; starts: CellAbove[] };
  /** A reference printed alone just above the line's row, the upper half of a cell centred on it (centred-references.ts). */
  referenceAbove?: HeldReference & { line: LayoutRow };
}

/** Where each cell of a line's row begins, and under which column. */
function cellStarts(header: TableHeader, placed: ReadonlyMap<number, LayoutCell[]>): { header: TableHeader; starts: CellAbove[] } {
  const starts = [...placed].flatMap(([column, cells]) => cells.map((cell) => ({ column, left: cell.left })));
  return { header, starts };
}

/** A row that printed one reference alone under a joined heading, not yet any line's. */
interface HeldReference {
  row: LayoutRow;
  index: number;
  text: string;
}

/** A row of words only (a description's, a period's), waiting for the line whose cells are middle-aligned beside it. */
interface Fragment {
  row: LayoutRow;
  description: string;
  periodCells: Map<ColumnField, LayoutCell[]>;
}

const PERIOD_FIELDS: ReadonlySet<ColumnField> = new Set(["from", "to", "period", "date"]);

/** The cells a row printed under the table's period headings. */
function periodCellsOf(header: TableHeader, placed: Map<number, LayoutCell[]>): Map<ColumnField, LayoutCell[]> {
  const cells = new Map<ColumnField, LayoutCell[]>();
  header.columns.forEach((column, index) => {
    const printed = placed.get(index);
    if (column.field !== null && PERIOD_FIELDS.has(column.field) && printed) cells.set(column.field, printed);
  });
  return cells;
}

interface TableState {
  header: TableHeader | null;
  closed: boolean;
  consumed: Set<number>;
  lines: LineMeta[];
  /** Totals rows of the table, in order (the last of each field is the invoice's). */
  totals: HeaderCandidate[];
  /** Page furniture met inside the table (footers, page numbers) and not read as lines. */
  furnitureSkipped: number;
  /**
   * The page where the lines paused: after a totals row or another table's headings (a VAT
   * analysis). 0 when reading lines; a new heading, block or page resumes them.
   */
  pausedOnPage: number;
  groupChild: string | null;
  groupPlacement: string | null;
  /**
   * A statement block's references printed with no label ("C1001 · PO-410201" in a shaded bar):
   * the lines below carry them for the reference data to place (`unlabelledReferences`).
   */
  groupUnlabelled: string[];
  /** Where the current statement block's references were printed. */
  groupSource: string | null;
  sawTable: boolean;
  /** The row of the table's first heading (the header block is above it). */
  firstHeading: number | null;
  /** Header fields read from columns of a flat table. */
  headerCandidates: HeaderCandidate[];
  /** Cells of heading rows (a heading such as "Credit Note No" says what the document is). */
  headingTexts: string[];
  /** Page of the last row read as part of the table; on a new page, rows before the first line are page furniture. */
  lastPage: number;
  /** What a person checking the extraction should know (kept with the invoice). */
  notes: string[];
  /** Serial day numbers read as dates under date headings, as `"46327" = 2026-11-01`. */
  serialDates: string[];
  /** Rows among the lines that print an amount yet were not read as lines (checked against the totals). */
  unread: UnreadRow[];
  /** Cells of read lines printed under a heading but not readable as its field (`line` is the line's index). */
  /** `reason`, when set, says why in its own words (else: the cell could not be read as its field). */
  /** `wordless`: a description doubted only because the line's row printed no words (middle-aligned words may still come). */
  unreadCells: Array<{ line: number; field: LineDraftField; text: string; where: string; reason?: string; wordless?: true }>;
  /** Lines whose amount is quantity × rate plus the VAT printed beside it (a gross amount). */
  grossLines: Array<{ line: number; where: string; gross: Dec; net: Dec }>;
  /** Where the heading last read stands (a heading repeated at a page's top), for a description carried over a page. */
  lastHeading?: { page: number; top: number };
  /**
   * Cells middle-aligned in their row (WeasyPrint's and browsers' default for table cells): a
   * wrapped description starts above its line's figures and ends below them. Set once the first
   * line shows it (words above its figures and as many below, at the same distance).
   */
  middleAligned?: boolean;
  /** Rows of words only seen since the last line, for the next line when cells are middle-aligned. */
  pendingAbove?: Fragment[];
  /** Where the description cells of the lines read so far start, for a wrapped word far from its heading. */
  descriptionEdges?: DescriptionEdges;
  /** Line descriptions that may go on across a page break with text the reader could not place for sure. */
  unsureCarried?: Array<{ line: number; where: string; text: string; description: string }>;
  /** Rows read as statement block headings so far, whether or not the table took their references. */
  blockHeadings: number;
  /** Item blocks' references printed with no label (`line` is the line's index). */
  unlabelledReferences?: Array<{ line: number; text: string; where: string }>;
  /** The last row that printed one reference alone under a joined heading, for the line below it. */
  referenceAbove?: HeldReference;
  /** Rows read as page furniture (never the table's). */
  furniture?: ReadonlyMap<number, FurnitureKind>;
}

/**
 * Unit nouns a description may name against its column's heading, not after a count: distance
 * ("Mileage – school transport" under "No. of nights"), which no night, week or session can be,
 * and hours counted ("1:1 support hours" under "Nights": 36 of them at £24 in a month of 30
 * nights), which no provider calls its nights. Not hours as a time of day ("out of hours",
 * "after hours"). A "therapy session" under "Nights" keeps the heading's unit: a provider may
 * bill it so.
 */
const DESCRIPTION_UNITS: ReadonlyArray<readonly [RegExp, Unit]> = [
  [/(?<![\d.]\s*)\b(?:mileage|miles)\b/i, "mile"],
  [/(?<![\d.]\s*|\b(?:of|after|office|opening|working|unsocial|anti-?social)[\s-]+)\b(?:hours|hrs)\b/i, "hour"],
];

/** The one unit a description names; null when it names none or more than one. */
function unitNamedIn(description: string): Unit | null {
  const found = new Set(DESCRIPTION_UNITS.filter(([pattern]) => pattern.test(description)).map(([, unit]) => unit));
  const [only] = [...found];
  return found.size === 1 && only !== undefined ? only : null;
}

const EMPTY_REF = /^(?:-+|–|n\/?a|none|tbc|\.)$/i;

function ref(text: string): string | null {
  const value = cleanText(text);
  return value === "" || EMPTY_REF.test(value) ? null : value;
}

function typedValue(cells: readonly LayoutCell[] | undefined): LayoutCell["value"] | undefined {
  return cells && cells.length === 1 ? cells[0]?.value : undefined;
}

function decimalFromNumber(value: number, places: number): Dec {
  return new Dec(String(value)).toDecimalPlaces(places, Dec.ROUND_HALF_UP);
}

function moneyOf(cells: readonly LayoutCell[] | undefined): Dec | null {
  const value = typedValue(cells);
  if (typeof value === "number") return decimalFromNumber(value, 2);
  return parseMoneyText(columnText(cells));
}

/** `: it looks like a US (month-first) date…` for a cell in another tool's spelling; else "". */
function whyNot(text: string): string {
  const reason = otherToolReason(cleanText(text));
  return reason === null ? "" : `: it ${reason}`;
}

/**
 * The date under a date heading: a date cell, a date in any DATA.md spelling, or a bare serial
 * day number (a date column pasted as values), which `serials` records for the invoice's notes.
 */
function dateOf(cells: readonly LayoutCell[] | undefined, config: ExtractionConfig, serials?: string[]): IsoDate | null {
  const value = typedValue(cells);
  if (value instanceof Date) return isoFromCellDate(value);
  const parsed = parseDateText(columnText(cells), config.dateFormats);
  if (parsed !== null || cells?.length !== 1) return parsed;
  const serial = cells[0]?.serialDate ?? null;
  if (serial !== null) serials?.push(`"${cells[0]?.text ?? ""}" = ${serial}`);
  return serial;
}

function rowLabel(doc: LayoutDocument, row: LayoutRow): string {
  if (doc.format === "pdf") return doc.pageCount > 1 ? `page ${row.page} row ${row.rowNumber}` : `row ${row.rowNumber}`;
  return doc.pageCount > 1 ? `sheet ${row.page} row ${row.rowNumber}` : `row ${row.rowNumber}`;
}

const REF_VALUE = "([A-Za-z0-9][A-Za-z0-9/_.-]*\\d[A-Za-z0-9/_.-]*|\\d[A-Za-z0-9/_.-]*)";
const CHILD_BLOCK_LABEL =
  "(?:child(?:\\s*(?:ref(?:erence)?|id|no\\.?))?|young\\s+person(?:\\s*(?:ref(?:erence)?|id))?|yp(?:\\s*(?:ref|id))?|client\\s*(?:ref(?:erence)?|id)|la\\s*ref(?:erence)?|service\\s+user(?:\\s*(?:ref|id))?)";
// "Placement" alone labels the reference only with a colon, "#" or dash after it ("Placement:
// PL-1"): followed by a space it may start a line's words ("Placement 2 of 3", "Placement fee").
const PLACEMENT_BLOCK_LABEL =
  "(?:placement\\s*(?:ref(?:erence)?|id|no\\.?)|placement(?=\\s*[:#–])|po(?:\\s*(?:number|no\\.?|ref))?|(?:purchase\\s+|your\\s+)?order(?:\\s*(?:number|no\\.?|ref(?:erence)?))?)";
/**
 * Between a block's label and its reference: a colon, `#`, a dash or spaces. A hyphen touching the
 * label is none: "PO-460701" is a whole reference, never the label "PO" and "460701".
 */
const LABEL_TO_VALUE = "(?:\\s*[:#–]\\s*|\\s+-\\s*|\\s+)";
const CHILD_BLOCK = new RegExp(`(?:^|[\\s,;|])${CHILD_BLOCK_LABEL}${LABEL_TO_VALUE}${REF_VALUE}`, "i");
const PLACEMENT_BLOCK = new RegExp(`(?:^|[\\s,;|])${PLACEMENT_BLOCK_LABEL}${LABEL_TO_VALUE}${REF_VALUE}`, "i");
const BLOCK_START = new RegExp(`^(?:${CHILD_BLOCK_LABEL}|${PLACEMENT_BLOCK_LABEL})\\b`, "i");
/**
 * A child's name or initials printed before the block's labels and set off by a dash, `·` or `|`
 * ("A. R. — Child ID C3001 · PO PO-430401", "Jamie Taylor | Child Ref C1"): up to four words, no
 * figure among them, so a line's words ("Placement 2 – 3 nights") never pass for a name.
 */
const NAME_BEFORE_BLOCK = /^(?:[A-Z][A-Za-z'’.-]*\s*){1,4}\s[—–·|]\s+/;

/**
 * A statement block's heading ("Young Person: C1001", "Child Ref C1001 – Oak House   PO: PO-778"):
 * a row that starts with a child or placement label and prints no amount. Its references apply
 * to every line below until the next block (DATA.md "Statement layouts").
 */
function groupReference(row: LayoutRow): { child: string | null; placement: string | null; unlabelled: string[] } | null {
  const text = cleanText(row.cells.map((c) => c.text).join("  "));
  if (/£|\d\.\d{2}\b/.test(text)) return null;
  const named = NAME_BEFORE_BLOCK.exec(text);
  if (!BLOCK_START.test(text) && !(named && BLOCK_START.test(text.slice(named[0].length)))) {
    const unlabelled = unlabelledBlock(row);
    return unlabelled ? { child: null, placement: null, unlabelled } : null;
  }
  const child = CHILD_BLOCK.exec(text)?.[1] ?? null;
  const placement = PLACEMENT_BLOCK.exec(text)?.[1] ?? null;
  return child || placement ? { child: child && ref(child), placement: placement && ref(placement), unlabelled: [] } : null;
}

/** A remark's label at the start of a row: "Note:", "NB", "N.B.", "Please note", "Comment:", "Remarks –". */
const NOTE_START = /^(?:(?:notes?|nb|comments?|remarks?)\s*[:–-]|n\.b\.|please\s+note\b)/i;

/** A summary's heading alone on its row: "Summary", "Invoice Summary", "Summary of Charges". */
const SUMMARY_HEADING = /^(?:(?:invoice|statement|account|billing|charges?|payment)\s+)?summary(?:\s+of\s+(?:charges|account|invoice|statement))?\s*:?$/i;

/** A row of rule characters only. */
const RULE_ROW = /^[-=_~*–—\s]{3,}$/;

/**
 * A VAT band's label: "Zero rated", "Standard rated 20%", "Exempt supplies", "Reduced rate (5%)".
 * Below the lines, such a label with one figure is a row of the invoice's VAT analysis (the net
 * charged at that rate), neither a line nor a total (DATA.md: the VAT is the tax, never its base).
 */
const VAT_BAND_LABEL =
  /^(?:(?:total\s+|net\s+)?(?:zero|standard|reduced|lower|exempt)(?:[\s-]+(?:rated|rate))?(?:\s+(?:supplies|items|goods|services|sales|net|total))?(?:\s*(?:@|at)?\s*\(?\d{1,2}(?:\.\d+)?\s*%\)?)?|outside\s+(?:the\s+)?scope)\s*:?$/i;

/** The label of a VAT analysis row (a band's label and its one figure, a `£` aside), if the row is one. */
function vatBandRow(row: LayoutRow): string | null {
  const cells = row.cells.map((c) => cleanText(c.text)).filter((text) => !/^(?:£|GBP)$/i.test(text));
  const [label, figure] = cells;
  if (cells.length !== 2 || label === undefined || figure === undefined) return null;
  return VAT_BAND_LABEL.test(label) && parseMoneyText(figure) !== null ? label : null;
}

const BLOCK_SEPARATORS = /\s*[·•|]\s*|\s+[–—/]\s+|\s{2,}/;

/**
 * A block heading of one or two references and nothing else ("C1001 · PO-410201", "C1001 / PO-1"):
 * which is the child's and which the placement's is not printed, so neither is taken as either.
 */
function unlabelledBlock(row: LayoutRow): string[] | null {
  const references = (parts: string[]): string[] | null =>
    parts.length === 0 || parts.length > 2 || !parts.every((part) => UNLABELLED_REFERENCE.test(part) && parseMoneyText(part) === null) ? null : parts.map((part) => ref(part) ?? part);
  const parts = row.cells.flatMap((c) => c.text.split(BLOCK_SEPARATORS)).map((part) => cleanText(part)).filter((part) => part !== "");
  // An HTML page collapses the spaces between the two ("C2001   PL-3001" prints "C2001 PL-3001"):
  // two words that are each a reference's shape are two references, never one.
  return references(parts) ?? references(parts.flatMap((part) => part.split(/\s+/)));
}

function isPartialTotal(text: string): boolean {
  if (!TOTALS_START.test(text)) return false;
  const match = matchHeaderLabel(cleanText(text));
  return match !== null && (match.field === "subtotal" || match.field === "total");
}

/**
 * "Sub-total for C6003: £4,480.00", "Total for child YP-322": the words after a totals label name
 * a reference (a child's, a placement's), so the figure is that one's total, not the invoice's.
 */
function namesReference(rest: string): boolean {
  return rest
    .split(/\s+/)
    .map((word) => word.replace(/^[([]+|[)\]:;,.]+$/g, ""))
    .some((word) => UNLABELLED_REFERENCE.test(word) && /\p{L}/u.test(word) && parseDateText(word) === null && parsePeriodText(word) === null);
}

const TOTALS_START = /^\s*(?:sub|net|goods|gross|total|vat|tax|amount|balance|invoice|grand|credit|please|charges)/i;

function totalsInRow(row: LayoutRow, header: TableHeader, placed: Map<number, LayoutCell[]>): { field: TotalsField; value: Dec | null; label: string } | null {
  const amountIndex = header.columns.findIndex((c) => c.field === "amount");
  // "NET" "AMOUNT", "TOTAL" "DUE": a label's words drawn a monospaced space apart are one label.
  const cells = row.cells.some((cell) => TOTALS_START.test(cell.text)) ? joinSpacedLabels(row.cells, row.height, emptyConfig()) : row.cells;
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i] as LayoutCell;
    // Every totals label starts with one of these words; most cells are rejected here.
    if (!TOTALS_START.test(cell.text) && !TOTALS_START.test(otherLanguage(cell.text) ?? "")) continue;
    const text = cleanText(cell.text);
    const exact = totalsFieldOf(text) ?? bareTotalsFieldOf(text);
    const labelled = exact ? null : matchHeaderLabel(text);
    const field: TotalsField | null = exact ?? (labelled && (labelled.field === "subtotal" || labelled.field === "vat" || labelled.field === "total") ? labelled.field : null);
    if (!field) continue;
    const rest = labelled ? (field === "vat" ? stripVatBasis(labelled.rest) : labelled.rest) : "";
    if (field !== "vat" && namesReference(rest)) continue; // one child's or placement's total: a partial total
    // "VAT exempt  0.00": words after the label that give the VAT's treatment, its figure further on.
    const treatment = field === "vat" && statesNoVatAmount(rest);
    if (rest !== "" && !treatment) {
      const value = parseHeaderValue(field, rest, undefined, emptyConfig());
      if (value instanceof Dec) return { field, value, label: labelled?.label ?? text };
      if (!/^[\s:]*$/.test(rest)) continue; // "Total nights 31": words, not a total
    }
    // "VAT  Not applicable" where the figure goes, and no figure after it: the row prints no VAT
    // amount (words, yet no heading row). "VAT" "(EXEMPT)" "0.00": the word is the treatment.
    const noFigureAfter = !cells.slice(i + 1).some((other) => parseMoneyText(cleanText(other.text)) !== null);
    const statesNone = (other: LayoutCell | undefined): boolean => field === "vat" && other !== undefined && statesNoVatAmount(other.text);
    if (statesNone(cells[i + 1]) && noFigureAfter) return { field, value: null, label: text };
    // Words before any figure ("Net  VAT  Total VAT  24.00" along a VAT analysis heading row):
    // this cell is a column heading, and the figure further on belongs to a later label.
    const firstFigure = cells.findIndex((other, j) => j > i && parseMoneyText(cleanText(other.text)) !== null);
    const wordsBetween = cells.slice(i + 1, firstFigure < 0 ? cells.length : firstFigure).some((other) => /[a-z]{2}/i.test(other.text.replace(/\b(?:GBP|CR|DR|inc|incl|ex|excl|exempt|zero[\s-]rated|nil)\b\.?/gi, "")));
    if (wordsBetween) continue;
    // "£17 598.00" printed as one run across the rate and amount columns: a total's figure is
    // the printed run, thousands grouped by a space, not the part under the amount heading.
    const printed = cells[i + 1];
    if (printed && /\d[ \u00a0\u202f\u2009]\d{3}\b/.test(printed.text)) {
      const whole = parseMoneyText(printed.text);
      if (whole) return { field, value: whole, label: text };
    }
    const inAmountColumn = amountIndex >= 0 ? placed.get(amountIndex) : undefined;
    const fromColumn = inAmountColumn && !inAmountColumn.includes(cell) ? moneyOf(inAmountColumn) : null;
    if (fromColumn) return { field, value: fromColumn, label: text };
    let interrupted = false;
    for (const right of cells.slice(i + 1)) {
      if (statesNone(right)) {
        if (noFigureAfter) return { field, value: null, label: text };
        continue;
      }
      const value = parseHeaderValue(field, right.text, right, emptyConfig());
      if (value instanceof Dec) return { field, value, label: text };
      if (/[a-z]{2}/i.test(right.text)) {
        interrupted = true;
        break;
      }
    }
    if (interrupted) continue;
    return { field, value: null, label: text };
  }
  return null;
}

/** The period a line prints under its period headings (From/To, a period, a date), and the heading it came from. */
function readPeriodColumns(
  header: TableHeader,
  cellsOf: (field: ColumnField) => LayoutCell[] | undefined,
  config: ExtractionConfig,
  serials?: string[],
): { period: Period; column: ColumnField } | null {
  const fromCells = cellsOf("from");
  const toCells = cellsOf("to");
  if (fromCells || toCells) {
    const from = dateOf(fromCells, config, serials);
    const to = dateOf(toCells, config, serials);
    if (from && to) return { period: { from, to }, column: "from" };
    const joined = !toCells ? parsePeriodText(columnText(fromCells), config.dateFormats) : null;
    if (joined) return { period: joined, column: "from" };
  }
  const periodCells = cellsOf("period");
  if (periodCells) {
    // One date under "Dates" bills that day (a one-off item); under "Week Commencing", a week.
    const day = dateOf(periodCells, config, serials);
    const periodHeading = header.columns.find((c) => c.field === "period")?.heading ?? "";
    const period = parsePeriodText(columnText(periodCells), config.dateFormats) ?? (day ? periodOfOneDate(periodHeading, day) : null);
    if (period) return { period, column: "period" };
  }
  const dateCells = cellsOf("date");
  if (dateCells) {
    const day = dateOf(dateCells, config, serials);
    const period = day ? { from: day, to: day } : parsePeriodText(columnText(dateCells), config.dateFormats);
    if (period) return { period, column: "date" };
  }
  return null;
}

/**
 * A line's description that is no words, or only a number (a line number taken for what the line
 * is), is doubtful when words stand on the line under a heading the reader did not read ("Support
 * Type" unknown): which column says what the line is, is not known. A bare number is doubtful
 * anyway. Null when the description is words.
 */
function doubtfulDescription(description: string, header: TableHeader, placed: ReadonlyMap<number, LayoutCell[]>): { text: string; reason: string } | null {
  const bareNumber = /^\d{1,4}\.?$/.test(description);
  if (description !== "" && !bareNumber) return null;
  const words = header.columns
    .map((column, index) => ({ column, text: columnText(placed.get(index)) }))
    .find(({ column, text }) => column.field === null && column.headerField === null && !isVatHeading(column.heading) && /\p{L}{3,}/u.test(text));
  const shown = bareNumber ? `only "${description}"` : "no words";
  if (words) return { text: words.text.slice(0, 60), reason: `prints ${shown} as its description, and "${words.text.slice(0, 60)}" under "${words.column.heading}", a heading not read as any field: which is what the line is, is not known` };
  return bareNumber ? { text: description, reason: `prints only "${description}" as its description: a line number, or a description not read` } : null;
}

/**
 * A line with a rate and an amount but no quantity read, that prints a count under a heading the
 * reader did not read ("31 nights" under "Quantity Per", "1" under "Week CommencingWeeks" drawn
 * as one run): its quantity was printed and lost, never "none". Null when no such count stands
 * on the line.
 */
function countUnderUnreadHeading(header: TableHeader, placed: ReadonlyMap<number, LayoutCell[]>, config: ExtractionConfig): { text: string; reason: string } | null {
  for (const [index, column] of header.columns.entries()) {
    if (column.field !== null || column.headerField !== null || column.ledger !== undefined || isVatHeading(column.heading)) continue;
    const text = columnText(placed.get(index));
    if (text !== "" && parseQuantity(text, config.units) !== null) {
      return { text, reason: `prints "${text.slice(0, 40)}" under "${column.heading}", a heading not read as any field, and no quantity where one was read: the line's quantity is not known` };
    }
  }
  return null;
}

/**
 * A line with no period of its own that prints a date or a period under a heading the reader did
 * not read ("Dec 14, 2026" under "When"): its dates were printed and lost. Left alone, the line
 * would take the invoice's period as its own, which it plainly is not; null when no such date
 * stands on the line.
 */
function datesUnderUnreadHeading(header: TableHeader, placed: ReadonlyMap<number, LayoutCell[]>, config: ExtractionConfig): { text: string; reason: string } | null {
  for (const [index, column] of header.columns.entries()) {
    if (column.field !== null || column.headerField !== null || column.ledger !== undefined || isVatHeading(column.heading)) continue;
    const text = columnText(placed.get(index));
    if (text === "" || (parseDateText(text, config.dateFormats) === null && parsePeriodText(text, config.dateFormats) === null)) continue;
    return { text, reason: `prints "${text.slice(0, 40)}" under "${column.heading}", a heading not read as any field, and no period of its own: the line's dates are not known` };
  }
  return null;
}

function readLine(
  doc: LayoutDocument,
  row: LayoutRow,
  header: TableHeader,
  placed: Map<number, LayoutCell[]>,
  config: ExtractionConfig,
  state: TableState,
): DraftLine {
  const cellsOf = (field: ColumnField): LayoutCell[] | undefined => {
    const index = header.columns.findIndex((c) => c.field === field);
    return index >= 0 ? placed.get(index) : undefined;
  };
  const hint = (field: ColumnField): Unit | null => header.columns.find((c) => c.field === field)?.unitHint ?? null;

  const source = rowLabel(doc, row);
  const evidence: DraftLine["evidence"] = {};
  const heading = (field: LineDraftField, column: ColumnField): void => {
    evidence[field] = { via: "heading", label: header.columns.find((c) => c.field === column)?.heading ?? null, where: source };
  };

  const description = columnText(cellsOf("description"));
  if (description) heading("description", "description");
  const fromCells = cellsOf("from");
  const toCells = cellsOf("to");
  const printedPeriod = readPeriodColumns(header, cellsOf, config, state.serialDates);
  let period: Period | null = printedPeriod?.period ?? null;
  if (printedPeriod) heading("period", printedPeriod.column);
  if (!period && description) {
    period = findPeriodInText(description, config.dateFormats);
    if (period) heading("period", "description");
  }

  const quantityCells = cellsOf("quantity");
  const quantityValue = typedValue(quantityCells);
  const unitText = columnText(cellsOf("unit"));
  // A charge-basis cell prints both: "31 nights @ £124.00" (the rate may stand in its own item).
  const basis = typeof quantityValue === "number" ? null : splitQuantityAtRate(columnText(quantityCells));
  let quantity = typeof quantityValue === "number" ? { value: decimalFromNumber(quantityValue, 6), unit: null } : parseQuantity(basis?.quantity ?? columnText(quantityCells), config.units);
  if (quantity) heading("quantity", "quantity");
  // "4 sessions" set tight across the quantity and unit columns lands whole in one of them.
  if (!quantity && unitText) {
    quantity = parseQuantity(unitText, config.units);
    if (quantity) heading("quantity", "unit");
  }
  const rateCells = cellsOf("rate");
  const rateValue = typedValue(rateCells);
  const basisRate = !rateCells && basis && quantity ? parseRate(basis.rate, config.units) : null;
  const rate = typeof rateValue === "number" ? { value: decimalFromNumber(rateValue, 6), unit: null } : (parseRate(columnText(rateCells), config.units) ?? basisRate);
  if (rate) heading("unitRate", basisRate ? "quantity" : "rate");
  // A heading's unit only describes lines that print a quantity or a rate (not a discount line).
  const measured = quantity !== null || rate !== null;
  const printedUnit = unitText ? (parseUnit(unitText, config.units) ?? quantity?.unit ?? null) : null;
  const hinted = measured ? (hint("quantity") ?? hint("rate") ?? hint("unit")) : null;
  // A heading's unit is the table's usual one; a line whose description names another unit
  // ("Mileage – school transport" under "No. of nights") is billed in that one.
  const named = hinted && !printedUnit && !quantity?.unit && !rate?.unit ? unitNamedIn(description) : null;
  const unit =
    printedUnit ??
    quantity?.unit ??
    rate?.unit ??
    (named && named !== hinted ? named : null) ??
    (measured ? (hinted ?? config.defaultUnit) : null);
  if (named && named !== hinted && unit === named) evidence.unit = { via: "heading", label: "description", where: source };
  else if (unit) heading("unit", printedUnit ? "unit" : quantity?.unit ? "quantity" : rate?.unit ? "rate" : hint("quantity") ? "quantity" : hint("rate") ? "rate" : "unit");

  // Both references in one cell under a heading naming both ("Client / Order"): split at its mark.
  const joined = readJoinedReferences(header.columns, placed);
  const childRef = joined?.split ? joined.child : joined ? ref(joined.printed) : ref(columnText(cellsOf("child")));
  const placementRef = joined?.split ? joined.placement : joined ? null : ref(columnText(cellsOf("placement")));
  // A cell that does not split is kept whole as the child's, for a person to settle; one with two
  // references' shapes is marked by the child's cell reading, any other here.
  if (joined && !joined.split && readChildCell(joined.printed).kind !== "doubt") {
    state.unreadCells.push({
      line: state.lines.length,
      field: "childRef",
      text: joined.printed,
      where: source,
      reason: `prints "${joined.printed.slice(0, 60)}" under "${joined.heading}", which names a child's and a placement's reference: it does not split at the heading's mark into one of each, and which it is is not known`,
    });
  }
  if (childRef) heading("childRef", "child");
  else if (state.groupChild) evidence.childRef = { via: "statement_block", label: null, where: state.groupSource };
  if (placementRef) heading("placementRef", "placement");
  else if (state.groupPlacement) evidence.placementRef = { via: "statement_block", label: null, where: state.groupSource };
  const printedAmount = moneyOf(cellsOf("amount"));
  if (printedAmount) heading("amount", "amount");
  // A ledger's "Credit" beside its "Debit": what the line takes off is a negative amount.
  const creditIndex = header.columns.findIndex((c) => c.ledger === "credit");
  const credited = creditIndex >= 0 ? moneyOf(placed.get(creditIndex)) : null;
  const amount = printedAmount ?? (credited && !credited.isZero() ? credited.abs().negated() : null);
  if (!printedAmount && amount) evidence.amount = { via: "heading", label: header.columns[creditIndex]?.heading ?? null, where: source };
  if (printedAmount && credited && !credited.isZero() && !printedAmount.isZero()) {
    const text = `${columnText(cellsOf("amount"))} / ${columnText(placed.get(creditIndex))}`;
    state.unreadCells.push({ line: state.lines.length, field: "amount", text, where: source, reason: `prints both a debit and a credit ("${text}"): which is the line's amount is not known` });
  }

  // A figure printed under a heading that the reader could not read is never dropped silently.
  const unreadable = (field: LineDraftField, column: ColumnField, read: unknown): void => {
    const text = columnText(cellsOf(column));
    if (read === null && text !== "" && !EMPTY_REF.test(text)) state.unreadCells.push({ line: state.lines.length, field, text, where: source });
  };
  // A VAT amount printed per line beside an amount that is quantity × rate + that VAT: the
  // amount is gross, and the line's amount is its net. Not guessed: marked for a person.
  const vatIndex = header.columns.findIndex((c) => c.field === null && isVatHeading(c.heading) && !/%|rate|code/i.test(c.heading));
  const lineVat = vatIndex >= 0 ? moneyOf(placed.get(vatIndex)) : null;
  if (lineVat && !lineVat.isZero() && amount && quantity && rate) {
    const net = quantity.value.times(rate.value).toDecimalPlaces(2, Dec.ROUND_HALF_UP);
    if (!net.eq(amount) && net.plus(lineVat).eq(amount)) {
      state.grossLines.push({ line: state.lines.length, where: source, gross: amount, net });
    }
  }
  // "5% of 30 nights × £124.00": a share of a product is no count of anything, when the amount is that share.
  const share = quantity === null ? readCalculation(columnText(quantityCells), amount, config.units) : null;
  if (share?.kind !== "share") unreadable("quantity", "quantity", quantity);
  unreadable("unitRate", "rate", rate);
  unreadable("amount", "amount", amount);
  if (fromCells || toCells) unreadable("period", fromCells ? "from" : "to", period);
  else if (printedPeriod === null) {
    // A date printed in part under "Dates" or "Week commencing" ("02/11/2026 –", "1–31 October")
    // is the line's own period not read: never the invoice's period in silence. A row below that
    // completes the cell takes the mark away (joinWrappedPeriod).
    const column: ColumnField | null = cellsOf("period") ? "period" : cellsOf("date") ? "date" : null;
    const text = column === null ? "" : columnText(cellsOf(column));
    if (column !== null && /\d/.test(text)) state.unreadCells.push({ line: state.lines.length, field: "period", text, where: source });
  }
  const lostCount = quantity === null && rate !== null && amount !== null ? countUnderUnreadHeading(header, placed, config) : null;
  if (lostCount) state.unreadCells.push({ line: state.lines.length, field: "quantity", text: lostCount.text, where: source, reason: lostCount.reason });
  const lostDates = period === null && amount !== null ? datesUnderUnreadHeading(header, placed, config) : null;
  if (lostDates) state.unreadCells.push({ line: state.lines.length, field: "period", text: lostDates.text, where: source, reason: lostDates.reason });
  const doubt = doubtfulDescription(description, header, placed);
  if (amount && doubt) state.unreadCells.push({ line: state.lines.length, field: "description", text: doubt.text, where: source, reason: doubt.reason, ...(description === "" ? { wordless: true as const } : {}) });

  return {
    lineNo: 0,
    childRef: childRef ?? state.groupChild,
    placementRef: placementRef ?? state.groupPlacement,
    description,
    from: period?.from ?? null,
    to: period?.to ?? null,
    quantity: quantity?.value ?? null,
    unit,
    unitRate: rate?.value ?? null,
    amount,
    source,
    evidence,
  };
}

function collectHeaderColumns(row: LayoutRow, header: TableHeader, placed: Map<number, LayoutCell[]>, config: ExtractionConfig, state: TableState, order: number): void {
  header.columns.forEach((column, index) => {
    if (column.headerField === null) return;
    const cells = placed.get(index);
    const text = columnText(cells);
    if (text === "") return;
    const value = parseHeaderValue(column.headerField, text, cells?.length === 1 ? cells[0] : undefined, config);
    if (value !== null) state.headerCandidates.push({ field: column.headerField, value, label: column.heading, rank: 0, order, via: "heading", where: null });
  });
}

/**
 * "Child ref: C4001" printed on its own line under a line's description (a cell of two lines):
 * the reference of the line above, not a statement block's heading for the lines below. Only
 * where no block is running (a statement's first block heading stands above its first line) and
 * the line above, just above, has no such reference of its own.
 */
function refBelowLine(state: TableState, header: TableHeader, group: NonNullable<ReturnType<typeof groupReference>>, row: LayoutRow): boolean {
  const previous = state.lines[state.lines.length - 1];
  if (!previous || previous.page !== row.page || state.groupChild !== null || state.groupPlacement !== null || state.groupUnlabelled.length > 0) return false;
  if (!justUnder(previous, row)) return false;
  const child = header.fields.has("child") ? null : group.child;
  const placement = header.fields.has("placement") ? null : group.placement;
  if ((child === null && placement === null) || (child !== null && previous.line.childRef !== null) || (placement !== null && previous.line.placementRef !== null)) return false;
  const where = previous.line.source;
  if (child !== null) {
    previous.line.childRef = child;
    previous.line.evidence.childRef = { via: "label", label: "under the description", where };
  }
  if (placement !== null) {
    previous.line.placementRef = placement;
    previous.line.evidence.placementRef = { via: "label", label: "under the description", where };
  }
  previous.bottom = row.top;
  return true;
}

/** The units a quantity heading of alternatives ("Weeks / Hrs") leaves open for a line that printed none. */
function unitChoicesOf(header: TableHeader, line: DraftLine): Unit[] {
  if (line.unit !== null || line.quantity === null) return [];
  const units = unitsOfHeading(header.columns.find((c) => c.field === "quantity")?.heading ?? "");
  return units.length > 1 ? units : [];
}

/** The row is the next printed under a line (same page, no more than a blank row's gap between). */
function justUnder(previous: Pick<LineMeta, "page" | "bottom">, row: LayoutRow): boolean {
  return previous.page === row.page && row.top - previous.bottom <= 1.8 * row.height + 0.01;
}

function referenceColumns(header: TableHeader): { child: boolean; placement: boolean } {
  return { child: header.fields.has("child"), placement: header.fields.has("placement") };
}

/** A block heading's references become the lines' own, for the columns the table lacks. */
function applyGroup(state: TableState, header: TableHeader, group: ReturnType<typeof groupReference>, where: string): boolean {
  if (!group) return false;
  const child = header.fields.has("child") ? null : group.child;
  const placement = header.fields.has("placement") ? null : group.placement;
  const unlabelled = header.fields.has("child") && header.fields.has("placement") ? [] : group.unlabelled;
  if (child === null && placement === null && unlabelled.length === 0) return false;
  // A new block starts afresh: a child printed alone does not keep the last block's placement.
  state.groupChild = child;
  state.groupPlacement = placement;
  state.groupUnlabelled = unlabelled;
  state.groupSource = where;
  return true;
}

/**
 * References with no label printed just under a line, with no block running, may be that line's
 * own (a cell of two lines) as well as a block heading for the lines below: neither is guessed,
 * the row is read as the line's text as before.
 */
function unlabelledUnderLine(state: TableState, row: LayoutRow, group: ReturnType<typeof groupReference>): boolean {
  if (!group || group.unlabelled.length === 0 || state.groupUnlabelled.length > 0 || state.groupChild !== null || state.groupPlacement !== null) return false;
  const previous = state.lines[state.lines.length - 1];
  return previous !== undefined && justUnder(previous, row);
}

/**
 * "PO-460701 · Nov 1–30, 2026" printed under a description: a line's details, references with no
 * label and its dates set apart by `·`, `•` or `|`, never more of its words. The references are
 * left for the reference data to place (a child's or a placement's is not printed).
 */
function referencesWithPeriod(text: string, config: ExtractionConfig): { references: string[]; period: { from: IsoDate; to: IsoDate } } | null {
  const parts = text.split(/\s*[·•|]\s*/).map((part) => cleanText(part)).filter((part) => part !== "");
  const references = parts.filter((part) => UNLABELLED_REFERENCE.test(part) && parseDateText(part, config.dateFormats) === null);
  const rest = parts.filter((part) => !references.includes(part));
  if (references.length === 0 || references.length > 2 || rest.length !== 1 || rest[0] === undefined) return null;
  const period = parsePeriodText(rest[0], config.dateFormats);
  if (period) return { references: references.map((part) => ref(part) ?? part), period };
  const date = parseDateText(rest[0], config.dateFormats);
  return date ? { references: references.map((part) => ref(part) ?? part), period: { from: date, to: date } } : null;
}

/**
 * A row that prints only a period, as under a description: "05/10/2026 – 09/10/2026", after a
 * period label ("Dates: …") or in brackets ("(02/11/26 - 29/11/26)", "[…]"), which only set it apart.
 */
function periodAlone(text: string, config: ExtractionConfig): Period | null {
  const unlabelled = cleanText(withoutPeriodLabel(text, config));
  const bracketed = /^\((.+)\)$|^\[(.+)\]$/.exec(unlabelled);
  return parsePeriodText(bracketed ? (bracketed[1] ?? bracketed[2] ?? "") : unlabelled, config.dateFormats);
}

/**
 * A period printed alone under a line's description (periodAlone) is the line's dates and none of
 * its words. A line with no period takes it; the same period as its own says nothing new; another
 * is not guessed between: the line's period is marked, quoting the row.
 */
function takePeriodAlone(doc: LayoutDocument, row: LayoutRow, header: TableHeader, state: TableState, previous: LineMeta, period: Period, text: string): void {
  const where = rowLabel(doc, row);
  if (!previous.line.from) {
    previous.line.from = period.from;
    previous.line.to = period.to;
    previous.line.evidence.period = { via: "heading", label: header.columns.find((c) => c.field === "description")?.heading ?? null, where };
    return;
  }
  if (period.from !== previous.line.from || period.to !== previous.line.to) {
    state.unreadCells.push({ line: state.lines.length - 1, field: "period", text, where, reason: `prints "${text.slice(0, 40)}" under the line's description, another period than its own (${previous.line.from} to ${previous.line.to ?? previous.line.from})` });
  }
}

/** "Dates: 27 Dec 2026 – 28 Dec 2026" under a description: the words after a period label. */
function withoutPeriodLabel(text: string, config: ExtractionConfig): string {
  const labelled = /^([A-Za-z][A-Za-z ]{0,24}?)\s*:\s*(.+)$/.exec(text);
  if (!labelled?.[1] || !labelled[2]) return text;
  const field = columnFieldOf(labelled[1], config.columnSynonyms);
  return field === "period" || field === "date" || field === "from" ? labelled[2] : text;
}

/**
 * A line under a block of references printed with no label carries them for the reference data
 * to place (`placeUnlabelledReferences`); until it does, the line's reference is uncertain.
 */
function noteBlockReferences(state: TableState, line: DraftLine): void {
  if (line.childRef !== null && line.placementRef !== null) return;
  for (const text of state.groupUnlabelled) {
    if (text === line.childRef || text === line.placementRef) continue;
    (state.unlabelledReferences ??= []).push({ line: state.lines.length, text, where: state.groupSource ?? line.source });
  }
}

/** A statement's first block may print its reference just above the table's headings. */
function groupAboveHeading(doc: LayoutDocument, index: number, state: TableState, header: TableHeader, furniture: ReadonlyMap<number, FurnitureKind>): void {
  const heading = doc.rows[index];
  for (let above = index - 1; above >= Math.max(0, index - 2); above--) {
    const row = doc.rows[above];
    if (!row || !heading || row.page !== heading.page || state.consumed.has(above) || furniture.has(above)) return;
    if (heading.top - row.top > 3.5 * Math.max(row.height, heading.height)) return;
    if (applyGroup(state, header, groupReference(row), rowLabel(doc, row))) {
      state.consumed.add(above);
      return;
    }
  }
}

/**
 * A row's items under the table's columns. A row printing no amount, just under a line, may be
 * that line's cells wrapped onto a next printed line: its items aligned with no heading go under
 * the column of the line's cell they start under (assignToColumns). A row with an amount is a
 * line or a total of its own, placed by the headings alone.
 */
function placeRow(row: LayoutRow, header: TableHeader, state: TableState): Map<number, LayoutCell[]> {
  const placed = assignToColumns(row, header.columns);
  const previous = state.lines[state.lines.length - 1];
  const above = previous?.cells;
  if (!previous || !above || above.header !== header || !justUnder(previous, row)) return placed;
  const amountIndex = header.columns.findIndex((c) => c.field === "amount");
  if (amountIndex >= 0 && placed.has(amountIndex)) return placed;
  return assignToColumns(row, header.columns, above.starts);
}

function readTable(doc: LayoutDocument, config: ExtractionConfig): TableState {
  const rows = doc.rows;
  const state: TableState = {
    header: null,
    closed: false,
    consumed: new Set(),
    lines: [],
    totals: [],
    furnitureSkipped: 0,
    pausedOnPage: 0,
    groupChild: null,
    groupPlacement: null,
    groupUnlabelled: [],
    groupSource: null,
    sawTable: false,
    firstHeading: null,
    headerCandidates: [],
    headingTexts: [],
    lastPage: 0,
    notes: [],
    serialDates: [],
    unread: [],
    unreadCells: [],
    grossLines: [],
    blockHeadings: 0,
  };
  const furniture = findFurniture(doc);
  state.furniture = furniture;
  for (let i = 0; i < rows.length; i++) {
    if (state.consumed.has(i)) continue;
    const row = rows[i] as LayoutRow;
    const furnished = furniture.get(i);
    if (furnished === "remittance") continue;
    const heading = detectHeaderAt(rows, i, config);
    if (heading) {
      if (!state.header) groupAboveHeading(doc, i, state, heading, furniture);
      state.firstHeading ??= i;
      state.pausedOnPage = 0;
      // A first heading, a heading repeated on a later page, or a new table: columns from it.
      state.header = heading;
      state.closed = false;
      state.sawTable = true;
      state.lastPage = row.page;
      const lastHeadingRow = rows[heading.rowIndexes[heading.rowIndexes.length - 1] ?? i];
      state.lastHeading = { page: row.page, top: lastHeadingRow?.top ?? row.top };
      for (const index of heading.rowIndexes) {
        state.consumed.add(index);
        state.headingTexts.push(...(rows[index]?.cells.map((c) => c.text) ?? []));
      }
      continue;
    }
    const header = state.header;
    if (!header || state.closed) continue;
    if (furnished) {
      state.furnitureSkipped++;
      continue;
    }
    const rowText = cleanText(row.cells.map((c) => c.text).join(" "));
    // A rule drawn in characters ("-----", "=====") by a plain-text system separates, and is not
    // part of the line above: placed under the first column, it would run into its cell.
    if (config.skipRows.some((pattern) => pattern.test(rowText)) || row.cells.some((c) => isCarryRow(c.text)) || RULE_ROW.test(rowText)) {
      state.consumed.add(i);
      continue;
    }
    if (isOtherTablesHeading(row, config)) {
      state.pausedOnPage = row.page;
      continue;
    }
    // "Summary" alone under the lines heads the totals: the rows below it sum the lines (read as
    // totals where labelled so), they are not one more line of the last block.
    if (state.lines.length > 0 && SUMMARY_HEADING.test(rowText)) {
      state.consumed.add(i);
      state.pausedOnPage = row.page;
      state.notes.push(`${rowLabel(doc, row)} ("${rowText.slice(0, 40)}") heads a summary: the rows below it on the page are totals, not lines.`);
      continue;
    }
    const placed = withDescriptionWords(placeRow(row, header, state), header.columns, state.descriptionEdges);
    const totals = totalsInRow(row, header, placed);
    if (totals) {
      if (totals.value) {
        state.totals.push({ field: totals.field, value: totals.value, label: totals.label, rank: 0, order: i, via: "totals_row", where: rowLabel(doc, row) });
        state.consumed.add(i);
        state.pausedOnPage = row.page;
        if (totals.field === "total") state.closed = true;
      }
      continue;
    }
    const band = state.lines.length > 0 ? vatBandRow(row) : null;
    if (band !== null) {
      state.consumed.add(i);
      state.pausedOnPage = row.page;
      state.notes.push(`${rowLabel(doc, row)} ("${rowText.slice(0, 60)}") was read as a row of the VAT analysis (the net at one rate), not as a line.`);
      continue;
    }
    const found = groupReference(row);
    if (found) state.blockHeadings++;
    const group = unlabelledUnderLine(state, row, found) ? null : found;
    if (group && refBelowLine(state, header, group, row)) {
      state.consumed.add(i);
      continue;
    }
    if (applyGroup(state, header, group, rowLabel(doc, row))) {
      state.pausedOnPage = 0;
      state.consumed.add(i);
      continue;
    }
    // Below the totals, a row is a VAT analysis, bank details or a note, not a line; the table
    // goes on only after a new heading, a new statement block or on the next page.
    if (state.pausedOnPage === row.page) continue;
    const unreadMark = state.unreadCells.length;
    const grossMark = state.grossLines.length;
    const line = readLine(doc, row, header, placed, config, state);
    // "Subtotal C1001", "Total for Oak House": a running or partial total inside the table is
    // not a line (DATA.md), even when it is not the invoice's own total.
    if (line.quantity === null && line.unitRate === null && row.cells.some((c) => isPartialTotal(c.text))) {
      state.consumed.add(i);
      state.unreadCells.length = unreadMark;
      state.grossLines.length = grossMark;
      state.notes.push(`${rowLabel(doc, row)} ("${rowText.slice(0, 60)}") was read as a partial total, not as a line.`);
      continue;
    }
    const filled = new Set([...placed.keys()].map((index) => header.columns[index]?.field ?? null).filter((f) => f !== null));
    if (nameWrappedUnderChild(doc, row, header, placed, filled, line, state)) {
      if (filled.size === 0) {
        state.consumed.add(i);
        continue;
      }
    }
    const hasRef = (line.childRef !== null && filled.has("child")) || (line.placementRef !== null && filled.has("placement"));
    if (line.amount !== null && (hasRef || line.description !== "" || line.childRef || line.placementRef || wordsWaitAbove(state, row))) {
      noteBlockReferences(state, line);
      const quantityText = columnText(placed.get(header.columns.findIndex((c) => c.field === "quantity")));
      state.lines.push({ line, page: row.page, bottom: row.top, rowIndex: i, periodCells: periodCellsOf(header, placed), quantityText, rowTop: row.top, aboveSpan: 0, refColumns: referenceColumns(header), block: state.blockHeadings, unitChoices: unitChoicesOf(header, line), cells: cellStarts(header, placed) });
      state.descriptionEdges = noteDescriptionEdge(state.descriptionEdges, header.columns, placed);
      state.consumed.add(i);
      state.lastPage = row.page;
      collectHeaderColumns(row, header, placed, config, state, i);
      takeFragmentsAbove(doc, i, header, config, state);
      takeReferenceAbove(row, state);
      continue;
    }
    const before = state.lines[state.lines.length - 1];
    if (before && (joinBrokenReference(doc, row, header, placed, config, state, before, line) || joinStackedReference(doc, row, header, placed, config, state, before, line, unreadMark))) {
      state.unreadCells.length = Math.min(unreadMark, state.unreadCells.length);
      state.grossLines.length = grossMark;
      state.consumed.add(i);
      continue;
    }
    const alone = line.amount === null ? referenceAloneUnderJoinedHeading(header.columns, placed) : null;
    if (alone !== null) {
      state.unreadCells.length = unreadMark;
      state.grossLines.length = grossMark;
      if (before && joinCentredReference(doc, row, header, state, before, alone)) {
        state.consumed.add(i);
        continue;
      }
      // Held for the line below; a reference no line takes is left unconsumed, for the guard.
      state.referenceAbove = { row, index: i, text: alone };
      continue;
    }
    // On a new page, rows before the table resumes (a repeated letterhead) are not lines.
    const newPage = row.page !== state.lastPage;
    if (!newPage && line.amount === null && filled.size >= 2 && (hasRef || (line.description !== "" && (line.quantity !== null || line.unitRate !== null)))) {
      noteBlockReferences(state, line);
      state.lines.push({ line, page: row.page, bottom: row.top, rowIndex: i, periodCells: periodCellsOf(header, placed), refColumns: referenceColumns(header), block: state.blockHeadings, unitChoices: unitChoicesOf(header, line), cells: cellStarts(header, placed) });
      state.descriptionEdges = noteDescriptionEdge(state.descriptionEdges, header.columns, placed);
      state.consumed.add(i);
      continue;
    }
    // A description wrapped onto the next printed line belongs to the line above it.
    state.unreadCells.length = unreadMark; // the row is not a line of its own: its cells are not a line's
    state.grossLines.length = grossMark;
    const previous = state.lines[state.lines.length - 1];
    // "Note: …", "Comment: …" printed between item lines remarks on a line; its words are not
    // the line's description, nor the next line's (above middle-aligned cells).
    if (previous && line.amount === null && line.quantity === null && line.unitRate === null && NOTE_START.test(rowText)) {
      state.consumed.add(i);
      state.notes.push(`${rowLabel(doc, row)} ("${rowText.slice(0, 40)}") is a note between the lines, not a line nor part of one.`);
      continue;
    }
    if (previous && joinWrappedCalculation(doc, row, header, placed, filled, line, config, state, previous)) {
      state.consumed.add(i);
      continue;
    }
    if (previous && joinCarriedUnit(doc, row, header, placed, filled, line, config, state, previous)) {
      state.consumed.add(i);
      continue;
    }
    if (isFragment(filled, line)) {
      const around = previous && !state.middleAligned ? wrappedAroundNextRow(doc, i, header, state, previous) : null;
      if (around && !around.sure && previous) {
        // Words nearer a row of figures that prints no description than the line above, yet no
        // words under those figures to show the cells middle-aligned: either line's, so the line
        // above keeps them as before, marked for a person.
        const where = rowLabel(doc, row);
        state.unreadCells.push({ line: state.lines.length - 1, field: "description", text: line.description, where, reason: `prints "${line.description.slice(0, 40)}" under this line's description but nearer the next row of figures, which prints none: the words may be that line's` });
      }
      if (around?.sure) {
        // The row's words start a description middle-aligned on the row of figures below them.
        for (const index of around.rows) {
          const fragmentRow = doc.rows[index] as LayoutRow;
          const fragmentPlaced = withDescriptionWords(assignToColumns(fragmentRow, header.columns), header.columns, state.descriptionEdges);
          (state.pendingAbove ??= []).push({ row: fragmentRow, description: columnText(fragmentPlaced.get(header.columns.findIndex((c) => c.field === "description"))), periodCells: periodCellsOf(header, fragmentPlaced) });
          state.consumed.add(index);
        }
        continue;
      }
      const below = previous && state.middleAligned && previous.page === row.page && row.top - (previous.rowTop ?? previous.bottom) <= (previous.aboveSpan ?? 0) + 0.5 * row.height;
      if (previous && below) {
        joinWrappedPeriod(doc, row, header, placed, config, state, previous, line.description);
        state.consumed.add(i);
        continue;
      }
      if (state.middleAligned || state.lines.length === 0) {
        (state.pendingAbove ??= []).push({ row, description: line.description, periodCells: periodCellsOf(header, placed) });
        state.consumed.add(i);
        continue;
      }
    }
    if (
      previous &&
      wrapsPeriodCell(filled, line) &&
      justUnder(previous, row)
    ) {
      joinWrappedPeriod(doc, row, header, placed, config, state, previous, line.description);
      state.consumed.add(i);
      continue;
    }
    if (
      previous &&
      filled.size === 1 &&
      filled.has("description") &&
      justUnder(previous, row)
    ) {
      // A period printed on its own under the description ("05/10/2026 – 09/10/2026") is the
      // line's dates, not more of its words; so is one the narrow cell wrapped at its dash
      // ("13 Nov 2026 –" / "15 Nov 2026"), read when its second date comes.
      const open = previous.openPeriod;
      previous.openPeriod = undefined;
      const wrappedPeriod = open ? parsePeriodText(`${open.text} ${line.description}`, config.dateFormats) : null;
      if (open && wrappedPeriod) previous.line.description = open.descriptionBefore;
      const tagged = open || previous.line.from ? null : referencesWithPeriod(line.description, config);
      if (tagged) {
        previous.line.from = tagged.period.from;
        previous.line.to = tagged.period.to;
        previous.line.evidence.period = { via: "heading", label: header.columns.find((c) => c.field === "description")?.heading ?? null, where: rowLabel(doc, row) };
        for (const text of tagged.references) {
          if (text === previous.line.childRef || text === previous.line.placementRef) continue;
          (state.unlabelledReferences ??= []).push({ line: state.lines.length - 1, text, where: rowLabel(doc, row) });
        }
        previous.bottom = row.top;
        state.consumed.add(i);
        continue;
      }
      const alone = wrappedPeriod ? null : periodAlone(line.description, config);
      if (!wrappedPeriod && !alone && !previous.line.from && periodOpensAt(line.description, config)) {
        previous.openPeriod = { text: line.description, descriptionBefore: previous.line.description };
      }
      if (wrappedPeriod) {
        previous.line.from = wrappedPeriod.from;
        previous.line.to = wrappedPeriod.to;
        previous.line.evidence.period = { via: "heading", label: header.columns.find((c) => c.field === "description")?.heading ?? null, where: rowLabel(doc, row) };
        previous.bottom = row.top;
        state.consumed.add(i);
        continue;
      }
      if (alone) {
        takePeriodAlone(doc, row, header, state, previous, alone, line.description);
        previous.bottom = row.top;
        state.consumed.add(i);
        continue;
      }
      previous.line.description = joinWrapped(previous.line.description, line.description);
      if (!previous.line.from) {
        const period = findPeriodInText(previous.line.description, config.dateFormats);
        if (period) {
          previous.line.from = period.from;
          previous.line.to = period.to;
        }
      }
      previous.bottom = row.top;
      state.consumed.add(i);
      continue;
    }
    // A description that wraps across a page break: its last words stand alone under the
    // description heading as the first row of the next page (under the repeated headings, or
    // at the page's top). Joined when the words before plainly go on (an open bracket, a
    // trailing "of", a lower-case start); text that may be a caption instead is never joined by
    // a guess: the line's description is marked uncertain, quoting both.
    if (previous && line.amount === null && filled.size === 1 && filled.has("description") && previous.page === row.page - 1 && firstRowOfPage(state, row)) {
      if (continuesText(previous.line.description, line.description)) {
        previous.line.description = joinWrapped(previous.line.description, line.description);
        previous.page = row.page;
        previous.bottom = row.top;
        state.consumed.add(i);
        state.notes.push(`${rowLabel(doc, row)} ("${line.description.slice(0, 40)}") continues line ${state.lines.length}'s description from the page before.`);
        continue;
      }
      if (state.lastHeading?.page === row.page) {
        (state.unsureCarried ??= []).push({ line: state.lines.length - 1, where: rowLabel(doc, row), text: line.description.slice(0, 60), description: previous.line.description.slice(0, 60) });
        state.consumed.add(i);
        continue;
      }
    }
    if (line.amount !== null) state.unread.push({ where: rowLabel(doc, row), text: rowText.slice(0, 80), amount: line.amount });
  }
  // Column headings with no line under them (a running header repeated on a page that holds only
  // the totals) do not make the page's items a table: they may still be item blocks or records.
  if (!state.sawTable || state.lines.length === 0) readItemList(doc, furniture, config, state);
  return state;
}

/** No row of column headings: the lines may be item blocks (item-blocks.ts), read into the table's state. */
function readItemList(doc: LayoutDocument, furniture: ReadonlyMap<number, FurnitureKind>, config: ExtractionConfig, state: TableState): void {
  // A details row in small print may sit in a page's foot band: only that kind of furniture is its own.
  const skip = (index: number, details: boolean): boolean => state.consumed.has(index) || (furniture.has(index) && !(details && furniture.get(index) === "small_print"));
  const { items, unread } = readItemBlocks(doc, skip, config, (row) => rowLabel(doc, row));
  if (items.length === 0) return;
  for (const row of unread) state.unread.push({ where: rowLabel(doc, doc.rows[row.index] as LayoutRow), text: row.text, amount: row.amount });
  state.sawTable = true;
  state.firstHeading = items[0]?.rows[0] ?? null;
  for (const item of items) {
    const index = state.lines.length;
    const where = item.line.source;
    for (const text of item.unread) {
      state.unreadCells.push({ line: index, field: "description", text, where, reason: `prints "${text.slice(0, 40)}" among the item's details, which could not be read as any field` });
    }
    if (item.unlabelledReference !== null) (state.unlabelledReferences ??= []).push({ line: index, text: item.unlabelledReference, where });
    const lastRow = doc.rows[item.rows[item.rows.length - 1] ?? 0];
    state.lines.push({ line: item.line, page: item.page, bottom: lastRow?.top ?? 0, ...(item.rows[0] !== undefined ? { rowIndex: item.rows[0] } : {}) });
    for (const row of item.rows) state.consumed.add(row);
  }
  state.notes.push(`No row of column headings: the ${items.length} lines were read as item blocks (a description and amount, with its details printed below).`);
}

/**
 * A cell's text wrapped onto the next printed line. A narrow cell breaks a date or a reference
 * at its hyphen or slash ("01-09-" / "2026", "PO-" / "410201"): those parts join with no space.
 */
export function joinCellText(first: string, next: string): string {
  if (first === "") return cleanText(next);
  if (/[\p{L}\d][-/.]$/u.test(first) && /^[\p{L}\d]/u.test(next) && !/\s[-–]$/.test(first)) return cleanText(`${first}${next}`);
  return cleanText(`${first} ${next}`);
}

/** Two printed lines of the same cells, read as one cell each (the first line's words first). */
function combineCells(first: ReadonlyMap<ColumnField, LayoutCell[]>, second: ReadonlyMap<ColumnField, LayoutCell[]>): Map<ColumnField, LayoutCell[]> {
  const joined = new Map(first);
  for (const [field, cells] of second) {
    const before = joined.get(field) ?? [];
    const all = [...before, ...cells];
    const text = joinCellText(columnText(before), columnText(cells));
    joined.set(field, [{ text, left: Math.min(...all.map((c) => c.left)), right: Math.max(...all.map((c) => c.right)) }]);
  }
  return joined;
}

/** "13 Nov 2026 –", "01/11/2026 to": one date and the word or dash that joins it to the next. */
function periodOpensAt(text: string, config: ExtractionConfig): boolean {
  const m = /^(.*\d)\s*(?:-|–|—|to|until)$/i.exec(cleanText(text));
  return m?.[1] !== undefined && parseDateText(m[1], config.dateFormats) !== null;
}

/**
 * A row that goes on with the line above's calculation cell, the cell having wrapped "3 nights ×"
 * / "£124.00" or "5% of 30 nights" / "× £124.00" onto two printed lines (with the description's
 * next words beside it). Only under a quantity heading that has no rate column beside it, only
 * when the line above printed an amount and its cell could not be read alone, and only when the
 * joined cell reads whole (a share only when the amount is that share): otherwise the row is
 * left to the other rules and the line's cell stays marked.
 */
function joinWrappedCalculation(
  doc: LayoutDocument,
  row: LayoutRow,
  header: TableHeader,
  placed: Map<number, LayoutCell[]>,
  filled: ReadonlySet<ColumnField>,
  line: DraftLine,
  config: ExtractionConfig,
  state: TableState,
  previous: LineMeta,
): boolean {
  if (line.amount !== null || !filled.has("quantity") || ![...filled].every((f) => f === "description" || f === "quantity")) return false;
  if (header.columns.some((c) => c.field === "rate") || previous.line.quantity !== null || previous.line.amount === null || !previous.quantityText) return false;
  if (!justUnder(previous, row)) return false;
  const more = columnText(placed.get(header.columns.findIndex((c) => c.field === "quantity")));
  const joined = joinCellText(previous.quantityText, more);
  const read = readCalculation(joined, previous.line.amount, config.units);
  if (!read) return false;
  const lineIndex = state.lines.length - 1;
  removeFrom(state.unreadCells, (cell) => cell.line === lineIndex && cell.field === "quantity");
  previous.quantityText = joined;
  if (read.kind === "count_at_rate") {
    previous.line.quantity = read.quantity;
    previous.line.unitRate = read.rate;
    previous.line.unit = read.unit ?? header.columns.find((c) => c.field === "quantity")?.unitHint ?? config.defaultUnit;
    const label = header.columns.find((c) => c.field === "quantity")?.heading ?? null;
    const where = rowLabel(doc, row);
    previous.line.evidence.quantity = { via: "heading", label, where };
    previous.line.evidence.unitRate = { via: "heading", label, where };
    previous.line.evidence.unit = { via: "heading", label, where };
  }
  if (line.description !== "") previous.line.description = joinWrapped(previous.line.description, line.description);
  previous.bottom = row.top;
  state.notes.push(`${rowLabel(doc, row)} goes on with line ${state.lines.length}'s calculation cell ("${joined.slice(0, 60)}").`);
  return true;
}

/**
 * A count's unit the narrow quantity cell wrapped onto the row under the line ("20" over "items"),
 * with the line's other cells that wrapped beside it (the description's next words, the rest of a
 * period: "02/11/2026 –" over "27/11/2026"). The unit is the line's, read with its count as one
 * cell (wrappedQuantityUnit), and the rest goes on with the line's cells as any wrapped row does.
 * Nothing but those cells may stand on the row: a figure, a rate or a reference is not this.
 */
function joinCarriedUnit(
  doc: LayoutDocument,
  row: LayoutRow,
  header: TableHeader,
  placed: Map<number, LayoutCell[]>,
  filled: ReadonlySet<ColumnField>,
  line: DraftLine,
  config: ExtractionConfig,
  state: TableState,
  previous: LineMeta,
): boolean {
  if (line.amount !== null || line.unitRate !== null || !filled.has("quantity")) return false;
  if (![...filled].every((f) => f === "quantity" || f === "description" || PERIOD_FIELDS.has(f)) || !justUnder(previous, row)) return false;
  const unit = wrappedQuantityUnit(header, placed, previous, config);
  if (unit === null) return false;
  const where = rowLabel(doc, row);
  const unitText = columnText(placed.get(header.columns.findIndex((c) => c.field === "quantity")));
  previous.line.unit = unit;
  previous.line.evidence.unit = { via: "heading", label: header.columns.find((c) => c.field === "quantity")?.heading ?? null, where };
  previous.quantityText = joinCellText(previous.quantityText ?? "", unitText);
  previous.unitChoices = []; // the cell prints its unit: no choice between the heading's is left
  // Beside the unit, under the description, a period alone ("21/11/2026 - 22/11/2026" over
  // "days"): the line's dates, as on a row of its own, never more of its words.
  const alone = [...filled].some((f) => PERIOD_FIELDS.has(f)) ? null : periodAlone(line.description, config);
  if (alone) takePeriodAlone(doc, row, header, state, previous, alone, line.description);
  joinWrappedPeriod(doc, row, header, placed, config, state, previous, alone ? "" : line.description);
  state.notes.push(`${where} goes on with line ${state.lines.length}'s quantity cell ("${previous.quantityText.slice(0, 40)}").`);
  return true;
}

/** A row of words only, under the description or a period heading: part of a cell wrapped onto several printed lines. */
function isFragment(filled: ReadonlySet<ColumnField>, line: DraftLine): boolean {
  const fields = [...filled];
  return line.amount === null && line.quantity === null && line.unitRate === null && fields.length > 0 && fields.every((f) => f === "description" || PERIOD_FIELDS.has(f));
}

/** Words of a middle-aligned description wait just above the row (a line printed only as its figures beside them). */
function wordsWaitAbove(state: TableState, row: LayoutRow): boolean {
  return (state.pendingAbove ?? []).some((f) => f.description !== "" && f.row.page === row.page && row.top > f.row.top && row.top - f.row.top <= 1.6 * row.height);
}

/** The fields a row prints under the table's headings (a wrapped word set flush with the description's cells counted as the description's). */
function filledFields(row: LayoutRow, header: TableHeader, state: TableState): { placed: Map<number, LayoutCell[]>; fields: Set<ColumnField> } {
  const placed = withDescriptionWords(assignToColumns(row, header.columns), header.columns, state.descriptionEdges);
  const fields = new Set([...placed.keys()].map((k) => header.columns[k]?.field ?? null).filter((f): f is ColumnField => f !== null));
  return { placed, fields };
}

/**
 * The child's name wrapped onto the printed line under a line whose child cell printed the
 * reference beside the name ("C1001 Jayden" over "Morris"): the surname is no field (DATA.md: the
 * child appears by reference only), so it is taken out of the row, which then goes on with the
 * line's other cells (the description's next words, a period wrapped at its dash, a count's unit)
 * as any wrapped row does. A row printing figures of its own is a line and is left alone.
 */
function nameWrappedUnderChild(
  doc: LayoutDocument,
  row: LayoutRow,
  header: TableHeader,
  placed: Map<number, LayoutCell[]>,
  filled: Set<ColumnField>,
  line: DraftLine,
  state: TableState,
): boolean {
  const previous = state.lines[state.lines.length - 1];
  if (!previous || previous.line.childRef === null || line.amount !== null || line.quantity !== null || line.unitRate !== null || !justUnder(previous, row)) return false;
  const childColumns = [...placed.keys()].filter((index) => header.columns[index]?.field === "child");
  const [childColumn] = childColumns;
  if (childColumn === undefined || childColumns.length > 1) return false;
  const printed = columnText(placed.get(childColumn));
  if (!wrapsChildName(previous.line.childRef, printed)) return false;
  placed.delete(childColumn);
  filled.delete("child");
  line.childRef = null;
  state.notes.push(`${rowLabel(doc, row)} goes on with line ${state.lines.length}'s child cell, a name beside the reference: not read.`);
  return true;
}

/** A row of words only under the description (or a period's heading), none of its figures. */
function wordsOnly(fields: ReadonlySet<ColumnField>): boolean {
  return fields.size > 0 && [...fields].every((f) => f === "description" || PERIOD_FIELDS.has(f));
}

/**
 * Cells middle-aligned in their row in a table whose first line did not show it: a description
 * of two printed lines stands half above its row of figures and half below, a line's height
 * from each; its other lines keep one row. Rows of words starting at rows[index] are taken to
 * start the next row's description, not to go on with the line above, only when the page says
 * so: the row of figures under them prints no description of its own, they are clearly nearer
 * it than the line above (a wrapped line is as near the line it wraps from as the next row, or
 * nearer), and as many words stand under the figures at the same distance. Without those words
 * under it the rows are not sure to be either line's (`sure` false); null when they plainly go on
 * with the line above.
 */
function wrappedAroundNextRow(doc: LayoutDocument, index: number, header: TableHeader, state: TableState, previous: LineMeta): { rows: number[]; sure: boolean } | null {
  const rows = doc.rows;
  const first = rows[index];
  if (!first || previous.page !== first.page) return null;
  const run = [index];
  while (run.length < 3) {
    const next = rows[index + run.length];
    if (!next || next.page !== first.page || !wordsOnly(filledFields(next, header, state).fields)) break;
    run.push(index + run.length);
  }
  const lastIndex = run[run.length - 1] as number;
  const last = rows[lastIndex] as LayoutRow;
  const figures = rows[lastIndex + 1];
  const under = rows[lastIndex + 2];
  if (!figures || figures.page !== first.page) return null;
  const { placed, fields } = filledFields(figures, header, state);
  if (fields.has("description") || moneyOf(placed.get(header.columns.findIndex((c) => c.field === "amount"))) === null) return null;
  const gapAbove = first.top - previous.bottom;
  const gapBelow = figures.top - last.top;
  if (gapBelow > 0.75 * gapAbove || gapBelow > 1.6 * figures.height) return null;
  if (!under || under.page !== first.page) return { rows: run, sure: false };
  const mirrored = Math.abs(under.top - figures.top - gapBelow) <= 0.35 * figures.height;
  const underFields = filledFields(under, header, state).fields;
  return { rows: run, sure: mirrored && underFields.has("description") && wordsOnly(underFields) };
}

/**
 * The line just read at rows[index] takes the rows of words printed just above it when its cells
 * are middle-aligned. The table is taken to be so only when its first line shows it: words above
 * its figures and the next row words below them at the same distance (a title row over the lines
 * has no such mirror). Rows above a line that is not so are left unread, as before.
 */
function takeFragmentsAbove(doc: LayoutDocument, index: number, header: TableHeader, config: ExtractionConfig, state: TableState): void {
  const row = doc.rows[index];
  const meta = state.lines[state.lines.length - 1];
  const pending = (state.pendingAbove ?? []).filter((f) => row && f.row.page === row.page && row.top - f.row.top <= 4 * row.height);
  state.pendingAbove = [];
  if (!row || !meta || pending.length === 0) return;
  if (!state.middleAligned) {
    const nearest = pending[pending.length - 1] as Fragment;
    const next = doc.rows[index + 1];
    const above = row.top - nearest.row.top;
    if (!next || next.page !== row.page || above > 1.6 * row.height) return;
    const nextPlaced = withDescriptionWords(assignToColumns(next, header.columns), header.columns, state.descriptionEdges);
    const nextFilled = new Set([...nextPlaced.keys()].map((k) => header.columns[k]?.field ?? null).filter((f): f is ColumnField => f !== null));
    const nextLine: Pick<DraftLine, "amount" | "quantity" | "unitRate"> = {
      amount: moneyOf(nextPlaced.get(header.columns.findIndex((c) => c.field === "amount"))),
      quantity: null,
      unitRate: null,
    };
    const mirrored = Math.abs(next.top - row.top - above) <= 0.35 * row.height;
    if (!mirrored || nextLine.amount !== null || ![...nextFilled].every((f) => f === "description" || PERIOD_FIELDS.has(f)) || nextFilled.size === 0) return;
    state.middleAligned = true;
    state.notes.push(`The line table's cells are middle-aligned (${rowLabel(doc, row)}): words printed above a line's figures are read with that line.`);
  }
  const first = pending[0] as Fragment;
  const words = pending.map((f) => f.description).filter((d) => d !== "");
  if (words.length > 0) {
    // The words printed above the line's figures are its description: a cell under a heading not
    // read ("5102-RES" under "Cost Centre") is then no longer a candidate for what the line is.
    const lineIndex = state.lines.length - 1;
    if (meta.line.description === "") removeFrom(state.unreadCells, (cell) => cell.line === lineIndex && cell.field === "description" && cell.wordless === true);
    meta.line.description = cleanText([...words, meta.line.description].join(" "));
  }
  const periodAbove = pending.reduce((acc, f) => combineCells(acc, f.periodCells), new Map<ColumnField, LayoutCell[]>());
  meta.periodCells = combineCells(periodAbove, meta.periodCells ?? new Map());
  if (meta.line.from === null && periodAbove.size > 0) {
    const read = readPeriodColumns(header, (field) => meta.periodCells?.get(field), config, state.serialDates);
    if (read) {
      meta.line.from = read.period.from;
      meta.line.to = read.period.to;
      meta.line.evidence.period = { via: "heading", label: header.columns.find((c) => c.field === read.column)?.heading ?? null, where: rowLabel(doc, row) };
      const lineIndex = state.lines.length - 1;
      removeFrom(state.unreadCells, (cell) => cell.line === lineIndex && cell.field === "period");
    }
  }
  meta.aboveSpan = row.top - first.row.top;
}

function removeFrom<T>(list: T[], unwanted: (entry: T) => boolean): void {
  const kept = list.filter((entry) => !unwanted(entry));
  list.splice(0, list.length, ...kept);
}

/**
 * A row that only goes on with the line above: words under the description and part of a
 * period under a period heading, a narrow cell having wrapped "01/11/2026 to" / "30/11/2026"
 * onto two printed lines. No amount, quantity or rate of its own.
 */
function wrapsPeriodCell(filled: ReadonlySet<ColumnField>, line: DraftLine): boolean {
  const fields = [...filled];
  return (
    line.amount === null &&
    line.quantity === null &&
    line.unitRate === null &&
    fields.some((f) => PERIOD_FIELDS.has(f)) &&
    fields.every((f) => f === "description" || PERIOD_FIELDS.has(f))
  );
}

/**
 * Joins a wrapped period cell (and the description beside it) onto the line above and reads the
 * period again from the whole cell. A line that had no period takes the one the joined cell
 * prints; one that had another, or a joined cell that is still no period, is marked uncertain
 * (quoting the cell), never silently kept or replaced.
 */
function joinWrappedPeriod(
  doc: LayoutDocument,
  row: LayoutRow,
  header: TableHeader,
  placed: Map<number, LayoutCell[]>,
  config: ExtractionConfig,
  state: TableState,
  previous: LineMeta,
  description: string,
): void {
  const lineIndex = state.lines.length - 1;
  const more = periodCellsOf(header, placed);
  const joined = combineCells(previous.periodCells ?? new Map(), more);
  previous.periodCells = joined;
  if (description !== "") previous.line.description = joinWrapped(previous.line.description, description);
  previous.bottom = row.top;
  if (more.size === 0) return; // words only: the period stands as read
  const read = readPeriodColumns(header, (field) => joined.get(field), config, state.serialDates);
  const where = rowLabel(doc, row);
  const text = [...joined.values()].map((cells) => columnText(cells)).join(" ");
  const others = state.unreadCells.filter((cell) => !(cell.line === lineIndex && cell.field === "period"));
  if (read && previous.line.from === null) {
    previous.line.from = read.period.from;
    previous.line.to = read.period.to;
    previous.line.evidence.period = { via: "heading", label: header.columns.find((c) => c.field === read.column)?.heading ?? null, where };
    state.unreadCells.splice(0, state.unreadCells.length, ...others);
    state.notes.push(`${where} goes on with line ${lineIndex + 1}'s period cell ("${text.slice(0, 60)}").`);
    return;
  }
  if (read && read.period.from === previous.line.from && read.period.to === previous.line.to) return;
  // A single date on the line's row that the wrapped cell carries on into a period from that
  // date ("2 November 2026" / "– 29 November" / "2026"): the whole cell is the line's period.
  if (read && read.period.from === previous.line.from && previous.line.to === previous.line.from && read.period.to > read.period.from) {
    previous.line.to = read.period.to;
    previous.line.evidence.period = { via: "heading", label: header.columns.find((c) => c.field === read.column)?.heading ?? null, where };
    state.unreadCells.splice(0, state.unreadCells.length, ...others);
    state.notes.push(`${where} goes on with line ${lineIndex + 1}'s period cell ("${text.slice(0, 60)}").`);
    return;
  }
  state.unreadCells.splice(0, state.unreadCells.length, ...others, { line: lineIndex, field: "period", text, where });
}

/** A line just read with no reference of its own takes the reference held just above its row, as a cell's upper half. */
function takeReferenceAbove(row: LayoutRow, state: TableState): void {
  const held = state.referenceAbove;
  state.referenceAbove = undefined;
  const meta = state.lines[state.lines.length - 1];
  if (!held || !meta || meta.line.childRef !== null || meta.line.placementRef !== null) return;
  if (held.row.page !== row.page || row.top - held.row.top > 1.6 * row.height) return;
  meta.referenceAbove = { ...held, line: row };
}

/**
 * The row under a line that prints the other half of the line's centred reference cell: the
 * reference held above the line's row over this one, read as a joined heading's halves in order
 * (joined-references.ts), only when the two lie as far above the row as below it and the pair
 * fits the heading. Otherwise nothing is taken, and both rows are left to the guard.
 */
function joinCentredReference(doc: LayoutDocument, row: LayoutRow, header: TableHeader, state: TableState, previous: LineMeta, below: string): boolean {
  const above = previous.referenceAbove;
  if (!above || previous.line.childRef !== null || previous.line.placementRef !== null || !centredAround(above.row, above.line, row)) return false;
  const first = header.columns.find((c) => c.joined?.part === 0);
  const second = header.columns.find((c) => c.joined?.part === 1);
  if (!first?.joined || first.field === null || second?.field === null || second?.field === undefined) return false;
  const read = splitStackedReference(above.text, below, first.joined.mark, [first.field, second.field]);
  if (!read) return false;
  previous.line.childRef = read.child ?? null;
  previous.line.placementRef = read.placement ?? null;
  const where = rowLabel(doc, row);
  previous.line.evidence.childRef = { via: "heading", label: first.heading, where: rowLabel(doc, above.row) };
  previous.line.evidence.placementRef = { via: "heading", label: first.heading, where };
  previous.referenceAbove = undefined;
  previous.bottom = row.top;
  state.consumed.add(above.index);
  state.notes.push(`Line ${state.lines.length}'s cell under "${first.heading}" is centred on its row: "${above.text}" above its figures (${rowLabel(doc, above.row)}) and "${below}" below them (${where}).`);
  return true;
}

const REFERENCE_COLUMNS = ["child", "placement"] as const;

/**
 * A narrow reference cell wraps at its hyphen or slash ("PO-" over "410201"): the row under the
 * line, with no figures of its own, goes on with that line's reference (and its description and
 * period cells). Taken only when every reference the row prints finishes one the line above
 * left open at a hyphen or slash; anything else is not joined here.
 */
function joinBrokenReference(
  doc: LayoutDocument,
  row: LayoutRow,
  header: TableHeader,
  placed: Map<number, LayoutCell[]>,
  config: ExtractionConfig,
  state: TableState,
  previous: LineMeta,
  line: DraftLine,
): boolean {
  if (line.amount !== null || line.quantity !== null || line.unitRate !== null) return false;
  if (!justUnder(previous, row)) return false;
  const cellsOf = new Map<ColumnField, string>();
  for (const [index, cells] of placed) {
    const field = header.columns[index]?.field ?? null;
    if (field === null) return false;
    cellsOf.set(field, columnText(cells));
  }
  const references = REFERENCE_COLUMNS.filter((field) => cellsOf.has(field));
  if (references.length === 0) return false;
  if (![...cellsOf.keys()].every((field) => field === "description" || PERIOD_FIELDS.has(field) || field === "child" || field === "placement")) return false;
  const open = (value: string | null): value is string => value !== null && /[\p{L}\d][-/]$/u.test(value);
  for (const field of references) if (!open(field === "child" ? previous.line.childRef : previous.line.placementRef)) return false;
  for (const field of references) {
    const rest = cellsOf.get(field) ?? "";
    if (field === "child") previous.line.childRef = joinCellText(previous.line.childRef ?? "", rest);
    else previous.line.placementRef = joinCellText(previous.line.placementRef ?? "", rest);
  }
  joinWrappedPeriod(doc, row, header, placed, config, state, previous, line.description);
  state.notes.push(`${rowLabel(doc, row)} goes on with line ${state.lines.length}'s reference wrapped at its hyphen ("${references.map((f) => cellsOf.get(f)).join(" ")}").`);
  return true;
}

/**
 * Under a heading naming both references joined by a mark, the row under a line, with no figures
 * of its own, may print the cell's second reference ("C4001" on the line's row, "PO-440501" under
 * it): the two read as the heading's halves in order (joined-references.ts), and the row's
 * description and period cells go on with the line's. Taken only when the line's own cell was one
 * reference that did not split and the pair fits the heading; otherwise the row is left to the
 * other rules and the line's child stays marked.
 */
function joinStackedReference(
  doc: LayoutDocument,
  row: LayoutRow,
  header: TableHeader,
  placed: Map<number, LayoutCell[]>,
  config: ExtractionConfig,
  state: TableState,
  previous: LineMeta,
  line: DraftLine,
  unreadMark: number,
): boolean {
  if (line.amount !== null || line.quantity !== null || line.unitRate !== null) return false;
  if (!justUnder(previous, row)) return false;
  const first = header.columns.find((c) => c.joined?.part === 0);
  const second = header.columns.find((c) => c.joined?.part === 1);
  if (!first?.joined || first.field === null || second?.field === null || second?.field === undefined) return false;
  const fields = [...placed.keys()].map((index) => header.columns[index]?.field ?? null);
  const unitBelow = fields.includes("quantity") ? wrappedQuantityUnit(header, placed, previous, config) : null;
  if (fields.includes("quantity") && unitBelow === null) return false;
  if (!fields.every((field) => field === "description" || field === "child" || field === "placement" || field === "quantity" || (field !== null && PERIOD_FIELDS.has(field)))) return false;
  const below = readJoinedReferences(header.columns, placed);
  const lineIndex = state.lines.length - 1;
  const upper = previous.line.childRef;
  if (!below || below.split || upper === null || previous.line.placementRef !== null) return false;
  const unsplit = (cell: TableState["unreadCells"][number]): boolean => cell.line === lineIndex && cell.field === "childRef" && cell.text === upper;
  if (!state.unreadCells.slice(0, unreadMark).some(unsplit)) return false;
  const read = splitStackedReference(upper, below.printed, first.joined.mark, [first.field, second.field]);
  if (!read) return false;
  previous.line.childRef = read.child ?? null;
  previous.line.placementRef = read.placement ?? null;
  const where = rowLabel(doc, row);
  previous.line.evidence.placementRef = { via: "heading", label: first.heading, where };
  if (unitBelow !== null) {
    previous.line.unit = unitBelow;
    previous.line.evidence.unit = { via: "heading", label: header.columns.find((c) => c.field === "quantity")?.heading ?? null, where };
  }
  state.unreadCells.length = unreadMark; // the row's own cells are not a line's
  removeFrom(state.unreadCells, unsplit);
  joinWrappedPeriod(doc, row, header, placed, config, state, previous, line.description);
  state.notes.push(`${where} prints line ${lineIndex + 1}'s second reference under "${first.heading}" ("${upper}" over "${below.printed}").`);
  return true;
}

/**
 * A count's unit wrapped onto the row below its count ("212" over "miles" under "Qty"): the unit
 * the joined cell reads, only when the line read that count with no unit of its own and the row
 * prints a unit word alone there.
 */
function wrappedQuantityUnit(header: TableHeader, placed: Map<number, LayoutCell[]>, previous: LineMeta, config: ExtractionConfig): Unit | null {
  const text = columnText(placed.get(header.columns.findIndex((c) => c.field === "quantity")));
  if (previous.line.quantity === null || !previous.quantityText || parseQuantity(previous.quantityText, config.units)?.unit !== null) return null;
  if (!/^\p{L}+\.?$/u.test(text) || parseUnit(text, config.units) === null) return null;
  const joined = parseQuantity(joinCellText(previous.quantityText, text), config.units);
  return joined?.unit && joined.value.equals(previous.line.quantity) ? joined.unit : null;
}

/** The row is the table's first on its page: right under a repeated heading, or no line read on the page yet. */
function firstRowOfPage(state: TableState, row: LayoutRow): boolean {
  const previous = state.lines[state.lines.length - 1];
  if (!previous || previous.page === row.page) return false;
  const heading = state.lastHeading;
  if (heading && heading.page === row.page) return row.top - heading.top <= 3 * row.height + 0.01;
  return true;
}

/** Words that plainly go on: an unclosed bracket, a trailing joining word or mark, or a lower-case start. */
function continuesText(before: string, after: string): boolean {
  const open = (before.match(/\(/g) ?? []).length > (before.match(/\)/g) ?? []).length;
  if (open && /\)/.test(after)) return true;
  if (/[,\-–—/&(]$|\b(?:of|and|the|for|to|at|in|on|with|see|per|from|by|a|an|or|re|incl|including|between)$/i.test(before.trim())) return true;
  return /^\p{Ll}/u.test(after.trim());
}

/**
 * Words that stand before a hyphen in compounds ("self-care", "one-to-one", "short-break") and
 * that a producer's hyphenation never leaves at a line's end as a syllable of a longer word.
 */
const COMPOUND_HEADS = /(?:^|[\s(])(?:self|non|one|two|three|four|five|half|well|full|part|short|long|high|low|day|week|night|year|term|step|face|cross|semi)-$/i;

/**
 * A description's next printed line. A word the producer hyphenated at the line's end ("ed-"
 * "ucation") is joined whole; a break at a compound's own hyphen keeps it: the next part goes on
 * with another hyphen ("out-" "of-hours"), the part before has one already ("out-of-" "hours"),
 * or it is a compound's head word. A closing bracket or stop carried onto the next line joins
 * with no space.
 */
function joinWrapped(first: string, next: string): string {
  if (/\p{Ll}-$/u.test(first) && /^\p{Ll}/u.test(next)) {
    const compound = /^\p{L}+-/u.test(next) || /\p{L}-\p{L}+-$/u.test(first) || COMPOUND_HEADS.test(first);
    return cleanText(compound ? `${first}${next}` : `${first.slice(0, -1)}${next}`);
  }
  if (/^[)\]},.;:]/.test(next.trim())) return cleanText(`${first}${next.trim()}`);
  return cleanText(`${first} ${next}`);
}

function asString(value: HeaderValue | null): string | null {
  return typeof value === "string" ? value : null;
}

function asPeriod(value: HeaderValue | null): Period | null {
  return value !== null && typeof value === "object" && !(value instanceof Dec) ? value : null;
}

function asDec(value: HeaderValue | null): Dec | null {
  return value instanceof Dec ? value : null;
}

function documentText(rows: readonly LayoutRow[], indexes?: readonly number[]): string {
  const list = indexes ? indexes.map((i) => rows[i]).filter((r): r is LayoutRow => r !== undefined) : rows;
  return list.map((row) => row.cells.map((c) => cleanText(c.text)).join("  ")).join("\n");
}

function applyTemplatePatterns(text: string, config: ExtractionConfig, candidates: HeaderCandidate[]): void {
  for (const [field, pattern] of Object.entries(config.fieldPatterns) as [HeaderField, RegExp][]) {
    const match = pattern.exec(text);
    const raw = match?.[1] ?? match?.[0];
    if (raw === undefined) continue;
    const value = parseHeaderValue(field, raw, undefined, config);
    if (value !== null) candidates.push({ field, value, label: "", rank: -1, order: 0, via: "template", where: null });
  }
}

/**
 * The rows of the paragraph a row belongs to: the single-cell rows set close above and below it
 * from the same left edge on the same page (a sentence wrapped over printed lines).
 */
function paragraphAround(rows: readonly LayoutRow[], index: number): Set<number> {
  const members = new Set([index]);
  const prose = (row: LayoutRow | undefined, next: LayoutRow | undefined): boolean =>
    row !== undefined && next !== undefined && row.cells.length === 1 && next.cells.length === 1 && row.page === next.page &&
    Math.abs((row.cells[0]?.left ?? 0) - (next.cells[0]?.left ?? 0)) <= 3 && Math.abs(next.top - row.top) <= 1.6 * Math.max(row.height, next.height);
  for (let i = index; prose(rows[i], rows[i + 1]); i++) members.add(i + 1);
  for (let i = index; prose(rows[i - 1], rows[i]); i--) members.add(i - 1);
  return members;
}

/**
 * A billing period printed under no period label, in the header block above the line table: in a
 * sentence ("Fostering placements for November 2026") or another label's value ("Reference  Nov
 * 2026 placements"). Taken only when the header block says one period, and then as certain only
 * when every line that prints its own dates lies inside it; with no line dates to confirm it, it
 * is marked for a person (`uncertain_value`), and a period some line falls outside is not taken.
 */
function periodInHeaderText(
  doc: LayoutDocument,
  table: TableState,
  outside: readonly number[],
  lines: readonly DraftLine[],
  config: ExtractionConfig,
): { period: Period; found: HeaderCandidate; note: string; uncertain: UncertainField | null } | null {
  const first = table.firstHeading;
  if (first === null) return null;
  const headingPage = doc.rows[first]?.page;
  const found = new Map<string, { period: Period; where: string; text: string }>();
  for (const index of outside) {
    const row = doc.rows[index];
    if (index >= first || !row || row.page !== headingPage) continue;
    for (const cell of row.cells) {
      const period = findPeriodInText(cell.text, config.dateFormats);
      if (period) found.set(`${period.from}/${period.to}`, { period, where: rowLabel(doc, row), text: cleanText(cell.text).slice(0, 60) });
    }
  }
  const [only] = [...found.values()];
  if (found.size !== 1 || !only) return null;
  const dated = lines.filter((line) => line.from !== null && line.to !== null);
  if (dated.some((line) => (line.from as string) < only.period.from || (line.to as string) > only.period.to)) return null;
  const candidate: HeaderCandidate = { field: "period", value: only.period, label: "", rank: 0, order: 0, via: "sentence", where: only.where };
  const note = `The billing period ${only.period.from} to ${only.period.to} was read from "${only.text}" (${only.where}), printed under no period label.`;
  const uncertain: UncertainField | null =
    dated.length > 0
      ? null
      : { code: "uncertain_value", field: "period", reason: `${only.where} prints "${only.text}" under no period label, and no line prints dates that confirm it`, candidates: [`${only.period.from} to ${only.period.to}`] };
  return { period: only.period, found: candidate, note, uncertain };
}

export function extractInvoice(doc: LayoutDocument, config: ExtractionConfig = emptyConfig()): InvoiceDraft {
  const rows = doc.rows;
  const table = readTable(doc, config);
  const outside = rows.map((_, i) => i).filter((i) => !table.consumed.has(i));
  const candidates = [...findHeaderCandidates(rows, outside, config, (row) => rowLabel(doc, row)), ...table.headerCandidates];
  applyTemplatePatterns(documentText(rows), config, candidates);
  const notes = [...doc.notes, ...table.notes];
  if (table.furnitureSkipped > 0) {
    notes.push(`${table.furnitureSkipped} row(s) among the lines were read as page furniture (page numbers, running headers or footers, a remittance slip), not as lines.`);
  }
  const evidence: InvoiceDraft["evidence"] = {};
  const uncertain: UncertainField[] = [];
  const pick = (field: HeaderField): HeaderCandidate | null => pickHeaderCandidate(candidates, field);

  const outsideText = documentText(rows, outside);
  const isCredit =
    outside.some((i) => rows[i]?.cells.some((c) => saysCreditNote(c.text))) ||
    // A title set in spaced capitals comes apart into one cell a word ("CREDIT" "MEMO").
    outside.some((i) => titleRowSaysCreditNote(rows[i]?.cells.map((c) => c.text) ?? [])) ||
    table.headingTexts.some((text) => saysCreditNote(text)) ||
    /\bthis\s+credit\s+note\b/i.test(outsideText) ||
    saysCreditingAdjustment(documentText(rows));

  // Credit notes: the number is the credit note's own; an "Invoice No" beside it names the invoice credited.
  const numberCandidates = candidates.filter((c) => c.field === "invoiceNumber" && typeof c.value === "string");
  let number = pick("invoiceNumber");
  let credited = pick("creditsInvoice");
  // The paragraph naming the invoice credited describes that invoice (its date, its period).
  let aboutCredited: ReadonlySet<number> = new Set();
  if (isCredit && !credited) {
    for (const row of outside) {
      const printed = rows[row];
      const sentence = creditedInvoiceInSentence(printed?.cells.map((c) => c.text).join(" ") ?? "");
      if (sentence && printed) {
        aboutCredited = paragraphAround(rows, row);
        credited = { field: "creditsInvoice", value: sentence, label: "", rank: 0, order: 0, via: "sentence", where: rowLabel(doc, printed) };
        break;
      }
    }
  }
  if (isCredit) {
    // The note's own number: "Credit Note No", or an adjustment note's "Adjustment Note No".
    const ownLabel = /^(?:credit|adjustment)/i;
    const creditLabelled = numberCandidates.find((c) => ownLabel.test(c.label));
    const invoiceLabelled = numberCandidates.find((c) => !ownLabel.test(c.label) && c.value !== creditLabelled?.value);
    if (creditLabelled) number = creditLabelled;
    if (!credited && creditLabelled && invoiceLabelled) {
      credited = { ...invoiceLabelled, field: "creditsInvoice" };
      notes.push(`The credit note prints its own number and an invoice number; ${valueText(invoiceLabelled.value)} was read as the invoice credited.`);
    }
    if (credited && number && number.value === credited.value) {
      number = numberCandidates.find((c) => c.value !== credited?.value) ?? number;
    }
  }
  const numberUnsure = isCredit
    ? ambiguity("invoiceNumber", numberCandidates.filter((c) => (number && /^credit/i.test(number.label) ? /^credit/i.test(c.label) : true)), credited ? [credited.value] : [])
    : ambiguity("invoiceNumber", candidates);
  if (numberUnsure) uncertain.push(numberUnsure);

  const date = pick("invoiceDate");
  const dateUnsure = ambiguity("invoiceDate", candidates);
  if (dateUnsure) uncertain.push(dateUnsure);
  // Serial day numbers are read only where a date is expected; the notes say which, so whoever
  // checks the invoice can compare them with the provider's own copy.
  const serials = [...(date?.serial ? [`invoice date "${date.serial}" = ${asString(date.value) ?? ""}`] : []), ...table.serialDates];
  if (serials.length > 0) {
    const shown = serials.length > 10 ? `${serials.slice(0, 10).join(", ")} and ${serials.length - 10} more` : serials.join(", ");
    notes.push(`Dates written as Excel serial day numbers (a date column pasted as values) were read in the ${doc.date1904 ? "1904" : "1900"} date system: ${shown}.`);
  }

  let periodFound = pick("period");
  let period = asPeriod(periodFound?.value ?? null);
  if (period) {
    const periodUnsure = ambiguity("period", candidates);
    if (periodUnsure) uncertain.push(periodUnsure);
  } else {
    const from = pick("periodFrom");
    const to = pick("periodTo");
    const fromDate = asString(from?.value ?? null);
    const toDate = asString(to?.value ?? null);
    if (from && fromDate && toDate && fromDate <= toDate) {
      period = { from: fromDate, to: toDate };
      periodFound = from;
    }
  }

  const lines = table.lines.map((meta, index) => ({ ...meta.line, lineNo: index + 1 }));
  uncertain.push(...settleChildCells(lines, notes));
  const referenceCells = lines.map((line, index) => ({ line, columns: table.lines[index]?.refColumns ?? { child: false, placement: false }, block: table.lines[index]?.block ?? 0 }));
  uncertain.push(...settleBlankReferenceCells(referenceCells, notes));
  const unitChoices = lines.map((line, index) => ({ line, choices: table.lines[index]?.unitChoices ?? [] })).filter((c) => c.choices.length > 1);
  uncertain.push(...settleUnitChoices(unitChoices, notes));
  if (!period) {
    // "…against invoice OFP-1377 (foster placements, November 2026)": the invoice's period, not the note's.
    const said = periodInHeaderText(doc, table, outside.filter((i) => !aboutCredited.has(i)), lines, config);
    if (said) {
      period = said.period;
      periodFound = said.found;
      notes.push(said.note);
      if (said.uncertain) uncertain.push(said.uncertain);
    }
  }
  const cut = doc.cutAtEdge?.[0];
  if (!period && cut) {
    // The period may be what the page's edge cut off ("Cyfnod / Period:" drawn past it): not "none printed".
    uncertain.push({ code: "uncertain_value", field: "period", reason: `no billing period was read, and text on page ${cut.page} runs past the page's right edge ("${cut.text}…"), where one may be printed`, candidates: [] });
  }
  for (const gross of table.grossLines) {
    uncertain.push({
      code: "uncertain_value",
      field: `line ${gross.line + 1} amount`,
      reason: `${gross.where} prints £${gross.gross.toFixed(2)}, which is quantity × rate (£${gross.net.toFixed(2)}) plus the VAT printed beside it: a gross amount where the line's net is meant`,
      candidates: [gross.gross.toFixed(2), gross.net.toFixed(2)],
    });
  }
  for (const carried of table.unsureCarried ?? []) {
    uncertain.push({
      code: "uncertain_value",
      field: `line ${carried.line + 1} description`,
      reason: `${carried.where} prints "${carried.text}" alone under the description heading at the top of a page: the end of "${carried.description}" from the page before, or a caption`,
      candidates: [carried.description, carried.text],
    });
  }
  for (const reference of table.unlabelledReferences ?? []) {
    uncertain.push({
      code: "uncertain_value",
      field: `line ${reference.line + 1} childRef`,
      reason: `${reference.where} prints "${reference.text}" with no label: a child's or a placement's reference, which the reference data did not settle`,
      candidates: [reference.text],
    });
  }
  for (const cell of table.unreadCells) {
    uncertain.push({
      code: "uncertain_value",
      field: `line ${cell.line + 1} ${cell.field}`,
      reason: cell.reason ? `${cell.where} ${cell.reason}` : `${cell.where} prints "${cell.text.slice(0, 60)}" under the ${cell.field} heading, which could not be read as one${whyNot(cell.text)}`,
      candidates: [cell.text.slice(0, 60)],
    });
  }
  // Last, once every rule has taken its rows: references left in the table, or in the wrong field.
  const built = table.lines.flatMap((meta, index) => {
    const line = lines[index];
    return line && meta.rowIndex !== undefined ? [{ lineNo: line.lineNo, rowIndex: meta.rowIndex, page: meta.page, bottom: meta.bottom, childRef: line.childRef, placementRef: line.placementRef }] : [];
  });
  const taken = (index: number): boolean => table.consumed.has(index) || (table.furniture?.has(index) ?? false);
  const marked = new Set(uncertain.map((u) => u.field));
  uncertain.push(...strayReferences(rows, taken, table.firstHeading, built, (row) => rowLabel(doc, row)).filter((u) => !marked.has(u.field)));
  const lineChecks = lines.map(checkLine).filter((c): c is ArithmeticCheck => c !== null);

  // The totals: a template's pattern first, then the table's last totals row, then the best label.
  const preferredOf = (field: TotalsField): HeaderCandidate | null => {
    const template = candidates.find((c) => c.field === field && c.rank === -1 && c.value instanceof Dec);
    const inTable = table.totals.filter((t) => t.field === field);
    return template ?? inTable[inTable.length - 1] ?? pickHeaderCandidate(candidates.filter((c) => c.value instanceof Dec), field);
  };
  const totals = resolveTotals(
    lines,
    { subtotal: preferredOf("subtotal"), vat: preferredOf("vat"), total: preferredOf("total") },
    [...table.totals, ...candidates.filter((c) => (c.field === "subtotal" || c.field === "vat" || c.field === "total") && c.value instanceof Dec)],
    isCredit,
  );
  uncertain.push(...totals.uncertain);
  notes.push(...totals.notes);
  const gap = totals.uncertain.length === 0 ? unexplainedGap(lines, totals.reading, table.unread, isCredit) : null;
  if (gap) uncertain.push(gap);
  uncertain.push(...creditSignsAgainst(lines, asDec(totals.reading.total?.value ?? null), isCredit));
  // Values that read cleanly yet cannot be right as read: marked, never changed (guards/index.ts).
  uncertain.push(
    ...plausibilityDoubts(
      {
        rows,
        outside,
        rowLabel: (row) => rowLabel(doc, row),
        lines,
        kind: isCredit ? "credit_note" : "invoice",
        invoiceDate: asString(date?.value ?? null),
        period,
        total: asDec(totals.reading.total?.value ?? null),
        dateFormats: config.dateFormats,
        units: config.units,
      },
      uncertain,
    ),
  );
  const arithmetic = [...lineChecks, ...totals.checks];
  notes.push(...arithmeticNotes(arithmetic));

  if (number) evidence.invoiceNumber = evidenceOf(number);
  if (date) evidence.invoiceDate = evidenceOf(date);
  if (credited) evidence.creditsInvoice = evidenceOf(credited);
  if (period && periodFound) evidence.period = evidenceOf(periodFound);
  for (const field of ["subtotal", "vat", "total"] as const) {
    const found = totals.reading[field];
    if (found) evidence[field] = evidenceOf(found);
  }

  const vatNumbers = new Set<string>();
  const labelledVat = asString(pick("vatNumber")?.value ?? null);
  if (labelledVat) vatNumbers.add(labelledVat);
  for (const vat of findVatNumbers(outsideText)) vatNumbers.add(vat);

  return {
    invoiceNumber: asString(number?.value ?? null),
    invoiceDate: asString(date?.value ?? null),
    kind: isCredit ? "credit_note" : "invoice",
    creditsInvoice: asString(credited?.value ?? null),
    periodFrom: period?.from ?? null,
    periodTo: period?.to ?? null,
    subtotal: asDec(totals.reading.subtotal?.value ?? null),
    vat: asDec(totals.reading.vat?.value ?? null),
    total: asDec(totals.reading.total?.value ?? null),
    vatNumbers: [...vatNumbers],
    lines,
    tableFound: table.sawTable,
    notes,
    evidence,
    uncertain,
    arithmetic,
    ...(table.unlabelledReferences ? { unlabelledReferences: table.unlabelledReferences.map((r) => ({ line: r.line + 1, text: r.text })) } : {}),
  };
}

/** All the text of a document, for provider identification and template keywords. */
export function layoutText(doc: LayoutDocument): string {
  return documentText(doc.rows);
}
