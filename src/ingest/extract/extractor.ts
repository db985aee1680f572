import type { IsoDate } from "../../domain/dates.js";
import { Dec } from "../../domain/money.js";
import type { Unit } from "../../domain/reference.js";
import { isCarryRow, matchHeaderLabel, totalsFieldOf, type ColumnField, type HeaderField } from "../text/labels.js";
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
  type Period,
} from "../text/values.js";
import type { DraftLine, InvoiceDraft, LayoutCell, LayoutDocument, LayoutRow } from "../types.js";
import { assignToColumns, columnText, detectHeaderAt, type TableHeader } from "./columns.js";
import { emptyConfig, type ExtractionConfig } from "./config.js";
import {
  creditedInvoiceInSentence,
  findHeaderCandidates,
  parseHeaderValue,
  pickHeaderValue,
  saysCreditNote,
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
}

interface TableState {
  header: TableHeader | null;
  closed: boolean;
  consumed: Set<number>;
  lines: LineMeta[];
  totals: Array<{ field: TotalsField; value: Dec; order: number }>;
  groupChild: string | null;
  groupPlacement: string | null;
  sawTable: boolean;
  /** Header fields read from columns of a flat table. */
  headerCandidates: HeaderCandidate[];
  /** Cells of heading rows (a heading such as "Credit Note No" says what the document is). */
  headingTexts: string[];
  /** Page of the last row read as part of the table; on a new page, rows before the first line are page furniture. */
  lastPage: number;
  /** What a person checking the extraction should know (kept with the invoice). */
  notes: string[];
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

function dateOf(cells: readonly LayoutCell[] | undefined, config: ExtractionConfig): IsoDate | null {
  const value = typedValue(cells);
  if (value instanceof Date) return isoFromCellDate(value);
  return parseDateText(columnText(cells), config.dateFormats);
}

function rowLabel(doc: LayoutDocument, row: LayoutRow): string {
  if (doc.format === "pdf") return doc.pageCount > 1 ? `page ${row.page} row ${row.rowNumber}` : `row ${row.rowNumber}`;
  return doc.pageCount > 1 ? `sheet ${row.page} row ${row.rowNumber}` : `row ${row.rowNumber}`;
}

/** A row such as "Young Person: C1001" heading a block of lines in a table with no child column. */
function groupReference(row: LayoutRow): { field: "child" | "placement"; value: string } | null {
  const text = cleanText(row.cells.map((c) => c.text).join(" "));
  const child = /^(?:child(?:\s*(?:ref(?:erence)?|id|no\.?))?|young\s+person(?:\s+ref)?|yp(?:\s*(?:ref|id))?|client\s+(?:ref|id)|la\s+ref(?:erence)?)\s*[:\-–]\s*([A-Za-z0-9][A-Za-z0-9/_.-]*)$/i.exec(text);
  if (child?.[1]) return { field: "child", value: child[1] };
  const placement = /^(?:placement\s*(?:ref(?:erence)?|id|no\.?)|po(?:\s*(?:number|no\.?|ref))?|purchase\s+order(?:\s*(?:number|no\.?))?)\s*[:\-–]\s*([A-Za-z0-9][A-Za-z0-9/_.-]*)$/i.exec(text);
  if (placement?.[1]) return { field: "placement", value: placement[1] };
  return null;
}

function isPartialTotal(text: string): boolean {
  if (!TOTALS_START.test(text)) return false;
  const match = matchHeaderLabel(cleanText(text));
  return match !== null && (match.field === "subtotal" || match.field === "total");
}

const TOTALS_START = /^\s*(?:sub|net|total|vat|tax|amount|balance|invoice|grand|credit)/i;

function totalsInRow(row: LayoutRow, header: TableHeader, placed: Map<number, LayoutCell[]>): { field: TotalsField; value: Dec | null } | null {
  const amountIndex = header.columns.findIndex((c) => c.field === "amount");
  for (let i = 0; i < row.cells.length; i++) {
    const cell = row.cells[i] as LayoutCell;
    // Every totals label starts with one of these words; most cells are rejected here.
    if (!TOTALS_START.test(cell.text)) continue;
    const text = cleanText(cell.text);
    const exact = totalsFieldOf(text);
    const labelled = exact ? null : matchHeaderLabel(text);
    const field: TotalsField | null = exact ?? (labelled && (labelled.field === "subtotal" || labelled.field === "vat" || labelled.field === "total") ? labelled.field : null);
    if (!field) continue;
    if (labelled && labelled.rest !== "") {
      const value = parseHeaderValue(field, labelled.rest, undefined, emptyConfig());
      if (value instanceof Dec) return { field, value };
      if (!/^[\s:]*$/.test(labelled.rest)) continue; // "Total nights 31": words, not a total
    }
    const inAmountColumn = amountIndex >= 0 ? placed.get(amountIndex) : undefined;
    const fromColumn = inAmountColumn && !inAmountColumn.includes(cell) ? moneyOf(inAmountColumn) : null;
    if (fromColumn) return { field, value: fromColumn };
    for (const right of row.cells.slice(i + 1)) {
      const value = parseHeaderValue(field, right.text, right, emptyConfig());
      if (value instanceof Dec) return { field, value };
    }
    return { field, value: null };
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

  const description = columnText(cellsOf("description"));
  let period: Period | null = null;
  const fromCells = cellsOf("from");
  const toCells = cellsOf("to");
  if (fromCells || toCells) {
    const from = dateOf(fromCells, config);
    const to = dateOf(toCells, config);
    if (from && to) period = { from, to };
    else if (!toCells) period = parsePeriodText(columnText(fromCells), config.dateFormats);
  }
  const periodCells = cellsOf("period");
  if (!period && periodCells) period = parsePeriodText(columnText(periodCells), config.dateFormats);
  const dateCells = cellsOf("date");
  if (!period && dateCells) {
    const day = dateOf(dateCells, config);
    period = day ? { from: day, to: day } : parsePeriodText(columnText(dateCells), config.dateFormats);
  }
  if (!period && description) period = findPeriodInText(description, config.dateFormats);

  const quantityCells = cellsOf("quantity");
  const quantityValue = typedValue(quantityCells);
  const quantity = typeof quantityValue === "number" ? { value: decimalFromNumber(quantityValue, 6), unit: null } : parseQuantity(columnText(quantityCells), config.units);
  const rateCells = cellsOf("rate");
  const rateValue = typedValue(rateCells);
  const rate = typeof rateValue === "number" ? { value: decimalFromNumber(rateValue, 6), unit: null } : parseRate(columnText(rateCells), config.units);
  const unitText = columnText(cellsOf("unit"));
  // A heading's unit only describes lines that print a quantity or a rate (not a discount line).
  const measured = quantity !== null || rate !== null;
  const unit =
    (unitText ? parseUnit(unitText, config.units) : null) ??
    quantity?.unit ??
    rate?.unit ??
    (measured ? (hint("quantity") ?? hint("rate") ?? hint("unit") ?? config.defaultUnit) : null);

  return {
    lineNo: 0,
    childRef: ref(columnText(cellsOf("child"))) ?? state.groupChild,
    placementRef: ref(columnText(cellsOf("placement"))) ?? state.groupPlacement,
    description,
    from: period?.from ?? null,
    to: period?.to ?? null,
    quantity: quantity?.value ?? null,
    unit,
    unitRate: rate?.value ?? null,
    amount: moneyOf(cellsOf("amount")),
    source: rowLabel(doc, row),
  };
}

function collectHeaderColumns(row: LayoutRow, header: TableHeader, placed: Map<number, LayoutCell[]>, config: ExtractionConfig, state: TableState, order: number): void {
  header.columns.forEach((column, index) => {
    if (column.headerField === null) return;
    const cells = placed.get(index);
    const text = columnText(cells);
    if (text === "") return;
    const value = parseHeaderValue(column.headerField, text, cells?.length === 1 ? cells[0] : undefined, config);
    if (value !== null) state.headerCandidates.push({ field: column.headerField, value, label: column.heading, rank: 0, order });
  });
}

function readTable(doc: LayoutDocument, config: ExtractionConfig): TableState {
  const rows = doc.rows;
  const state: TableState = {
    header: null,
    closed: false,
    consumed: new Set(),
    lines: [],
    totals: [],
    groupChild: null,
    groupPlacement: null,
    sawTable: false,
    headerCandidates: [],
    headingTexts: [],
    lastPage: 0,
    notes: [],
  };
  for (let i = 0; i < rows.length; i++) {
    if (state.consumed.has(i)) continue;
    const row = rows[i] as LayoutRow;
    const heading = detectHeaderAt(rows, i, config);
    if (heading) {
      // A first heading, a heading repeated on a later page, or a new table: columns from it.
      state.header = heading;
      state.closed = false;
      state.sawTable = true;
      state.lastPage = row.page;
      for (const index of heading.rowIndexes) {
        state.consumed.add(index);
        state.headingTexts.push(...(rows[index]?.cells.map((c) => c.text) ?? []));
      }
      continue;
    }
    const header = state.header;
    if (!header || state.closed) continue;
    const rowText = cleanText(row.cells.map((c) => c.text).join(" "));
    if (config.skipRows.some((pattern) => pattern.test(rowText)) || row.cells.some((c) => isCarryRow(c.text))) {
      state.consumed.add(i);
      continue;
    }
    const placed = assignToColumns(row, header.columns);
    const totals = totalsInRow(row, header, placed);
    if (totals) {
      if (totals.value) {
        state.totals.push({ field: totals.field, value: totals.value, order: i });
        state.consumed.add(i);
        if (totals.field === "total") state.closed = true;
      }
      continue;
    }
    const group = header.fields.has("child") && header.fields.has("placement") ? null : groupReference(row);
    if (group && !header.fields.has(group.field)) {
      if (group.field === "child") state.groupChild = group.value;
      else state.groupPlacement = group.value;
      state.consumed.add(i);
      continue;
    }
    const line = readLine(doc, row, header, placed, config, state);
    // "Subtotal C1001", "Total for Oak House": a running or partial total inside the table is
    // not a line (DATA.md), even when it is not the invoice's own total.
    if (line.quantity === null && line.unitRate === null && row.cells.some((c) => isPartialTotal(c.text))) {
      state.consumed.add(i);
      state.notes.push(`${rowLabel(doc, row)} ("${rowText.slice(0, 60)}") was read as a partial total, not as a line.`);
      continue;
    }
    const filled = new Set([...placed.keys()].map((index) => header.columns[index]?.field ?? null).filter((f) => f !== null));
    const hasRef = (line.childRef !== null && filled.has("child")) || (line.placementRef !== null && filled.has("placement"));
    if (line.amount !== null && (hasRef || line.description !== "" || line.childRef || line.placementRef)) {
      state.lines.push({ line, page: row.page, bottom: row.top });
      state.consumed.add(i);
      state.lastPage = row.page;
      collectHeaderColumns(row, header, placed, config, state, i);
      continue;
    }
    // On a new page, rows before the table resumes (a repeated letterhead) are not lines.
    const newPage = row.page !== state.lastPage;
    if (!newPage && line.amount === null && filled.size >= 2 && (hasRef || (line.description !== "" && (line.quantity !== null || line.unitRate !== null)))) {
      state.lines.push({ line, page: row.page, bottom: row.top });
      state.consumed.add(i);
      continue;
    }
    // A description wrapped onto the next printed line belongs to the line above it.
    const previous = state.lines[state.lines.length - 1];
    if (
      previous &&
      filled.size === 1 &&
      filled.has("description") &&
      previous.page === row.page &&
      row.top - previous.bottom <= 1.8 * row.height + 0.01
    ) {
      previous.line.description = cleanText(`${previous.line.description} ${line.description}`);
      if (!previous.line.from) {
        const period = findPeriodInText(previous.line.description, config.dateFormats);
        if (period) {
          previous.line.from = period.from;
          previous.line.to = period.to;
        }
      }
      previous.bottom = row.top;
      state.consumed.add(i);
    }
  }
  return state;
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
    if (value !== null) candidates.push({ field, value, label: "", rank: -1, order: 0 });
  }
}

export function extractInvoice(doc: LayoutDocument, config: ExtractionConfig = emptyConfig()): InvoiceDraft {
  const rows = doc.rows;
  const table = readTable(doc, config);
  const outside = rows.map((_, i) => i).filter((i) => !table.consumed.has(i));
  const candidates = [...findHeaderCandidates(rows, outside, config), ...table.headerCandidates];
  applyTemplatePatterns(documentText(rows), config, candidates);
  const notes = [...doc.notes, ...table.notes];

  const outsideText = documentText(rows, outside);
  const isCredit =
    outside.some((i) => rows[i]?.cells.some((c) => saysCreditNote(c.text))) ||
    table.headingTexts.some((text) => saysCreditNote(text)) ||
    /\bthis\s+credit\s+note\b/i.test(outsideText);

  // Credit notes: the number is the credit note's own; an "Invoice No" beside it names the invoice credited.
  const numberCandidates = candidates.filter((c) => c.field === "invoiceNumber");
  let invoiceNumber = asString(pickHeaderValue(candidates, "invoiceNumber"));
  let creditsInvoice = asString(pickHeaderValue(candidates, "creditsInvoice"));
  if (isCredit && !creditsInvoice) {
    for (const row of outside) {
      const sentence = creditedInvoiceInSentence(rows[row]?.cells.map((c) => c.text).join(" ") ?? "");
      if (sentence) {
        creditsInvoice = sentence;
        break;
      }
    }
  }
  if (isCredit) {
    const creditLabelled = numberCandidates.find((c) => /^credit/i.test(c.label));
    const invoiceLabelled = numberCandidates.find((c) => !/^credit/i.test(c.label) && c.value !== creditLabelled?.value);
    if (creditLabelled && typeof creditLabelled.value === "string") invoiceNumber = creditLabelled.value;
    if (!creditsInvoice && creditLabelled && typeof invoiceLabelled?.value === "string") {
      creditsInvoice = invoiceLabelled.value;
      notes.push(`The credit note prints its own number and an invoice number; ${creditsInvoice} was read as the invoice credited.`);
    }
    if (creditsInvoice && invoiceNumber === creditsInvoice) {
      const other = numberCandidates.find((c) => typeof c.value === "string" && c.value !== creditsInvoice);
      if (other && typeof other.value === "string") invoiceNumber = other.value;
    }
  }

  let period = asPeriod(pickHeaderValue(candidates, "period"));
  if (!period) {
    const from = asString(pickHeaderValue(candidates, "periodFrom"));
    const to = asString(pickHeaderValue(candidates, "periodTo"));
    if (from && to && from <= to) period = { from, to };
  }

  const totalOf = (field: TotalsField): Dec | null => {
    const inTable = table.totals.filter((t) => t.field === field);
    const last = inTable[inTable.length - 1];
    return last ? last.value : asDec(pickHeaderValue(candidates, field));
  };
  const fromTemplate = (field: TotalsField): Dec | null => asDec(candidates.find((c) => c.field === field && c.rank === -1)?.value ?? null);

  const vatNumbers = new Set<string>();
  const labelledVat = asString(pickHeaderValue(candidates, "vatNumber"));
  if (labelledVat) vatNumbers.add(labelledVat);
  for (const vat of findVatNumbers(outsideText)) vatNumbers.add(vat);

  const lines = table.lines.map((meta, index) => ({ ...meta.line, lineNo: index + 1 }));
  return {
    invoiceNumber,
    invoiceDate: asString(pickHeaderValue(candidates, "invoiceDate")),
    kind: isCredit ? "credit_note" : "invoice",
    creditsInvoice,
    periodFrom: period?.from ?? null,
    periodTo: period?.to ?? null,
    subtotal: fromTemplate("subtotal") ?? totalOf("subtotal"),
    vat: fromTemplate("vat") ?? totalOf("vat"),
    total: fromTemplate("total") ?? totalOf("total"),
    vatNumbers: [...vatNumbers],
    lines,
    tableFound: table.sawTable,
    notes,
  };
}

/** All the text of a document, for provider identification and template keywords. */
export function layoutText(doc: LayoutDocument): string {
  return documentText(doc.rows);
}
