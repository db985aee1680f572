import ExcelJS from "exceljs";
import { AppError } from "../domain/errors.js";
import { evaluateFormula, UNKNOWN, type CellLookup } from "./formula.js";
import { formatDateValue, formatNumber } from "./number-format.js";
import { addMissingCellAddresses } from "./xlsx-repair.js";
import { checkZipDirectory, DEFAULT_ZIP_LIMITS, type ZipLimits } from "./zip-directory.js";
import { inflateWithinBounds, type SheetBounds } from "./zip-inflate.js";

/** One spreadsheet cell. */
export interface Cell {
  /** What a person sees in the cell: numbers and dates rendered through the cell's format (UK locale). */
  text: string;
  /**
   * The typed value: a string, a number (a JS double: convert money with `new Dec(String(v))`),
   * a boolean, a Date for date-formatted cells (its UTC fields hold the date and time shown),
   * or null for an empty or error cell. For a formula, the cached result (not a recalculation).
   */
  value: string | number | boolean | Date | null;
  isFormula: boolean;
  /** A formula the file saved without its result, computed here (src/tabular/formula.ts). */
  computed?: true;
}

export interface Sheet {
  name: string;
  hidden: boolean;
  /**
   * rows[i] is spreadsheet row i + 1 and rows[i][j] is column j + 1 (A = 0), so positions map
   * straight to what the user sees. Rows are dense up to the last row holding a value; each
   * row runs to its last non-empty cell (an empty row is []). Missing cells are EMPTY_CELL.
   */
  rows: Cell[][];
  /** Rows (1-based) hidden in the sheet that hold a value: a person viewing or printing it does not see them. */
  hiddenRows?: number[];
  /** Columns (1-based) hidden in the sheet. */
  hiddenColumns?: number[];
  /**
   * The workbook counts dates in the 1904 system (day 0 = 1 January 1904): a bare serial number
   * in a column known to hold dates is read in the workbook's own system (src/tabular/other-tools.ts).
   */
  date1904?: boolean;
}

export interface XlsxOptions {
  /** Limits for the zip-bomb check (defaults: DEFAULT_ZIP_LIMITS). */
  limits?: Partial<ZipLimits>;
  /** Refuse (`xlsx.too_many_rows`) worksheets with more rows or cells, counted before they are built. */
  sheetBounds?: SheetBounds;
  /** Return only the first sheet (workbook order, hidden or not). */
  firstSheetOnly?: boolean;
  /**
   * Merged cells: by default only the top-left cell of a merged block holds the value (a person
   * sees it once); with true, every cell of the block repeats it.
   */
  fillMergedCells?: boolean;
}

export const EMPTY_CELL: Readonly<Cell> = Object.freeze({ text: "", value: null, isFormula: false });

/**
 * Reads every sheet of an XLSX workbook.
 *
 * The zip directory is checked first (checkZipDirectory: refuses non-zips and zip bombs before
 * anything is inflated). Then exceljs's DOM reader (`workbook.xlsx.load`) rather than its
 * streaming reader: the streaming reader parks sheets that precede the shared strings in
 * TMPDIR and crashes on cells without an `r` address (STACK.md); the DOM reader needs more
 * memory per row, which the size limit bounds, and reference and invoice files are small.
 */
export async function readXlsx(bytes: Uint8Array, options: XlsxOptions = {}): Promise<Sheet[]> {
  const directory = checkZipDirectory(bytes, options.limits);
  await inflateWithinBounds(bytes, { ...DEFAULT_ZIP_LIMITS, ...options.limits }, options.sheetBounds ?? null);
  let workbook: ExcelJS.Workbook;
  try {
    workbook = await loadWorkbook(bytes);
  } catch (error) {
    // Cells without an `r` address crash exceljs; rewrite them addressed and try once more.
    const repaired = addMissingCellAddresses(bytes, directory);
    if (!repaired) throw unreadable(error);
    try {
      workbook = await loadWorkbook(repaired);
    } catch {
      throw unreadable(error);
    }
  }
  const worksheets = options.firstSheetOnly ? workbook.worksheets.slice(0, 1) : workbook.worksheets;
  const date1904 = workbook.properties.date1904 === true;
  return worksheets.map((worksheet) => ({ ...readSheet(worksheet, options.fillMergedCells ?? false), date1904 }));
}

async function loadWorkbook(bytes: Uint8Array): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  // exceljs's types ask for its own Buffer type; a Node Buffer over the same memory is what it reads.
  await workbook.xlsx.load(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as unknown as ExcelJS.Buffer);
  return workbook;
}

function unreadable(error: unknown): AppError {
  return new AppError("xlsx.unreadable", `the XLSX workbook could not be read: ${(error as Error).message}`);
}

/** A formula cell saved without its result, waiting to be computed once the sheet is read. */
interface PendingFormula {
  row: number;
  column: number;
  formula: string;
  numFmt: string | undefined;
}

function readSheet(worksheet: ExcelJS.Worksheet, fillMerged: boolean): Sheet {
  const rows: Cell[][] = [];
  let lastRow = 0;
  const pending = new Map<string, PendingFormula>();
  const hiddenRows: number[] = [];
  worksheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    if (row.hidden && row.hasValues) hiddenRows.push(rowNumber);
    const cells: Cell[] = [];
    let lastColumn = 0;
    row.eachCell({ includeEmpty: false }, (cell, columnNumber) => {
      const converted = convertCell(cell, fillMerged);
      if (converted.isFormula && converted.value === null && converted.text === "" && typeof cell.formula === "string" && cell.formula !== "") {
        pending.set(`${rowNumber}:${columnNumber}`, { row: rowNumber, column: columnNumber, formula: cell.formula, numFmt: cell.numFmt });
      }
      if (converted.text === "" && converted.value === null) return;
      while (cells.length < columnNumber - 1) cells.push(EMPTY_CELL);
      cells[columnNumber - 1] = converted;
      lastColumn = columnNumber;
    });
    if (lastColumn === 0) return;
    while (rows.length < rowNumber - 1) rows.push([]);
    rows[rowNumber - 1] = cells.slice(0, lastColumn);
    lastRow = rowNumber;
  });
  rows.length = lastRow;
  if (pending.size > 0) computePending(rows, pending);
  const hiddenColumns: number[] = [];
  for (let column = 1; column <= worksheet.columnCount; column += 1) if (worksheet.getColumn(column).hidden) hiddenColumns.push(column);
  return { name: worksheet.name, hidden: worksheet.state !== "visible", rows, hiddenRows, hiddenColumns };
}

/** Fills in formulas saved without results, in dependency order (a total over computed amounts). */
function computePending(rows: Cell[][], pending: ReadonlyMap<string, PendingFormula>): void {
  const done = new Map<string, Cell | null>();
  const visiting = new Set<string>();
  const lookup: CellLookup = (row, column) => {
    const key = `${row}:${column}`;
    const formula = pending.get(key);
    if (formula) {
      const cell = compute(key, formula);
      return cell === null ? UNKNOWN : (cell.value as number);
    }
    const value = rows[row - 1]?.[column - 1]?.value ?? null;
    if (value === null || typeof value === "number" || typeof value === "string") return value;
    // A date, a boolean: not something an invoice's arithmetic adds up.
    return UNKNOWN;
  };
  const compute = (key: string, formula: PendingFormula): Cell | null => {
    if (done.has(key)) return done.get(key) ?? null;
    if (visiting.has(key)) return null; // a circular reference: Excel cannot compute it either
    visiting.add(key);
    const result = evaluateFormula(formula.formula, lookup);
    visiting.delete(key);
    const value = result === null ? null : Number(result.toDecimalPlaces(10).toString());
    const cell: Cell | null = value === null ? null : { text: formatNumber(value, formula.numFmt), value, isFormula: true, computed: true };
    done.set(key, cell);
    return cell;
  };
  for (const [key, formula] of pending) {
    const cell = compute(key, formula);
    if (cell === null) continue;
    while (rows.length < formula.row) rows.push([]);
    const cells = rows[formula.row - 1] ?? [];
    while (cells.length < formula.column - 1) cells.push(EMPTY_CELL);
    cells[formula.column - 1] = cell;
    rows[formula.row - 1] = cells;
  }
}

export function convertCell(cell: ExcelJS.Cell, fillMerged: boolean): Cell {
  if (cell.type === ExcelJS.ValueType.Merge) {
    if (!fillMerged || cell.master === cell) return EMPTY_CELL;
    return convertCell(cell.master, false);
  }
  const numFmt = cell.numFmt;
  const raw: unknown = cell.value;
  if (cell.type === ExcelJS.ValueType.Formula) {
    const result = (raw as { result?: unknown } | null)?.result;
    return { ...convertValue(result, numFmt), isFormula: true };
  }
  return { ...convertValue(raw, numFmt), isFormula: false };
}

function convertValue(raw: unknown, numFmt: string | undefined): Omit<Cell, "isFormula"> {
  if (raw === null || raw === undefined) return { text: "", value: null };
  if (typeof raw === "string") return { text: raw, value: raw };
  if (typeof raw === "number") return { text: formatNumber(raw, numFmt), value: raw };
  if (typeof raw === "boolean") return { text: raw ? "TRUE" : "FALSE", value: raw };
  if (raw instanceof Date) {
    if (Number.isNaN(raw.getTime())) return { text: "", value: null };
    return { text: formatDateValue(raw, numFmt), value: raw };
  }
  if (typeof raw === "object") {
    const object = raw as { richText?: Array<{ text?: string }>; text?: unknown; error?: unknown };
    if (Array.isArray(object.richText)) {
      const text = object.richText.map((run) => run.text ?? "").join("");
      return { text, value: text };
    }
    if (object.text !== undefined) {
      // A hyperlink: what shows is its text (itself plain or rich).
      return convertValue(object.text, numFmt);
    }
    if (typeof object.error === "string") return { text: object.error, value: null };
  }
  return { text: "", value: null };
}
