import { isAppError } from "../../domain/errors.js";
import { checkZipDirectory, decodeText, EMPTY_CELL, readCsv, readXlsx, type Cell, type Sheet } from "../../tabular/index.js";
import { dateFromSerial, serialFromText } from "../../tabular/other-tools.js";
import { NeedsAttentionError, isNeedsAttention, type LayoutCell, type LayoutDocument, type LayoutRow } from "../types.js";

/**
 * XLSX and CSV invoices as layout rows (src/tabular does the decoding: BOM, Windows-1252,
 * delimiters, the zip-bomb check, real date and number cells, formulas' cached results).
 * Column j becomes the cell span [j, j + 1], so the extractor places spreadsheet cells under
 * their headings exactly, by column.
 */
function layoutCell(cell: Cell, column: number, date1904: boolean): LayoutCell | null {
  const text = cell.text.trim();
  if (text === "" && (cell.value === null || cell.value === "")) return null;
  const value = typeof cell.value === "string" ? undefined : cell.value;
  const layout: LayoutCell = { text: text === "" ? String(cell.value) : text, left: column, right: column + 1, value, isFormula: cell.isFormula };
  // A date column pasted as values (or written so by an export) holds serial day numbers.
  const serial = typeof cell.value === "number" ? cell.value : serialFromText(text);
  const serialDate = serial === null ? null : dateFromSerial(serial, date1904);
  if (serialDate !== null) layout.serialDate = serialDate;
  return layout;
}

function columnLetters(index: number): string {
  let letters = "";
  let n = index + 1;
  while (n > 0) {
    letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
    n = Math.floor((n - 1) / 26);
  }
  return letters;
}

function shownCells(sheet: Sheet, notes: string[], named: boolean): Cell[][] {
  const hiddenRows = new Set(sheet.hiddenRows ?? []);
  const hiddenColumns = new Set(sheet.hiddenColumns ?? []);
  if (hiddenRows.size === 0 && hiddenColumns.size === 0) return sheet.rows;
  const where = named ? `sheet ${sheet.name}: ` : "";
  const quoted: string[] = [];
  const rows = sheet.rows.map((cells, index) => {
    if (hiddenRows.has(index + 1)) {
      const text = cells.map((cell) => cell.text.trim()).filter((t) => t !== "").join(" | ");
      if (text !== "") quoted.push(`row ${index + 1} "${text.length > 120 ? `${text.slice(0, 117)}...` : text}"`);
      return [];
    }
    return hiddenColumns.size === 0 ? cells : cells.map((cell, column) => (hiddenColumns.has(column + 1) ? EMPTY_CELL : cell));
  });
  if (quoted.length > 0) notes.push(`${where}hidden rows not read (not shown or printed): ${quoted.join("; ")}.`);
  const columnsWithValues = [...hiddenColumns].filter((column) => sheet.rows.some((cells) => (cells[column - 1]?.text.trim() ?? "") !== ""));
  if (columnsWithValues.length > 0) notes.push(`${where}hidden columns not read (not shown or printed): ${columnsWithValues.map((column) => columnLetters(column - 1)).join(", ")}.`);
  return rows;
}

function sheetRows(rows: readonly (readonly Cell[])[], page: number, date1904 = false): LayoutRow[] {
  const out: LayoutRow[] = [];
  rows.forEach((cells, index) => {
    const layout = cells.map((cell, column) => layoutCell(cell, column, date1904)).filter((c): c is LayoutCell => c !== null);
    if (layout.length === 0) return;
    out.push({ page, top: index + 1, height: 1, cells: layout, rowNumber: index + 1 });
  });
  return out;
}

/**
 * More rows than any invoice has (a month's lines for a large provider are a few thousand): a
 * bigger sheet is a ledger or a mistake, and reading it would take minutes, so a person sees it.
 */
export const MAX_SPREADSHEET_ROWS = 50_000;
/** Cells across the workbook's sheets: 50,000 rows of 20 columns. */
export const MAX_SPREADSHEET_CELLS = 1_000_000;

function checkRowCount(count: number): void {
  if (count > MAX_SPREADSHEET_ROWS) {
    throw new NeedsAttentionError(
      "too_large",
      `The file has ${count} rows, more than the ${MAX_SPREADSHEET_ROWS} an invoice may have: it was kept but not read.`,
      { rows: count },
    );
  }
}

const OLE_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const ENCRYPTED_PACKAGE = Buffer.from("EncryptedPackage", "utf16le");

/** A password-protected workbook is an OLE container holding an "EncryptedPackage" stream. */
export function isEncryptedWorkbook(bytes: Uint8Array): boolean {
  return OLE_MAGIC.every((b, i) => bytes[i] === b) && Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes(ENCRYPTED_PACKAGE);
}

export async function readXlsxInvoice(bytes: Uint8Array): Promise<LayoutDocument> {
  if (isEncryptedWorkbook(bytes)) {
    throw new NeedsAttentionError("encrypted", "The workbook is password-protected: ask the provider for an unprotected copy.");
  }
  let sheets: Sheet[];
  try {
    sheets = await readXlsx(bytes, { sheetBounds: { maxRows: MAX_SPREADSHEET_ROWS, maxCells: MAX_SPREADSHEET_CELLS } });
  } catch (error) {
    throw spreadsheetProblem(error);
  }
  const visible = sheets.filter((sheet) => !sheet.hidden);
  checkRowCount(visible.reduce((sum, sheet) => sum + sheet.rows.length, 0));
  const notes = sheets.length > visible.length ? [`${sheets.length - visible.length} hidden sheet(s) ignored.`] : [];
  // Hidden rows and columns are not part of the invoice a person sees or prints (a cancelled
  // line hidden rather than deleted, an internal code): they are not read, and the notes quote them.
  const rows = visible.flatMap((sheet, index) => sheetRows(shownCells(sheet, notes, visible.length > 1), index + 1, sheet.date1904 === true));
  // A formula's saved result is what the provider's program last computed, not a recalculation.
  const formulas = visible.flatMap((sheet) =>
    sheet.rows.flatMap((cells, r) =>
      cells.flatMap((cell, c) => (cell.isFormula ? [`${visible.length > 1 ? `${sheet.name}!` : ""}${columnLetters(c)}${r + 1}`] : [])),
    ),
  );
  const computed = visible.flatMap((sheet) =>
    sheet.rows.flatMap((cells, r) =>
      cells.flatMap((cell, c) => (cell.computed ? [`${visible.length > 1 ? `${sheet.name}!` : ""}${columnLetters(c)}${r + 1}`] : [])),
    ),
  );
  const saved = formulas.filter((address) => !computed.includes(address));
  const list = (cells: string[]): string => (cells.length > 20 ? `${cells.slice(0, 20).join(", ")} and ${cells.length - 20} more` : cells.join(", "));
  if (saved.length > 0) notes.push(`Formula cells read by their saved result, not recalculated (unverified): ${list(saved)}.`);
  // The program that wrote the file saved formulas without results (libraries do): computed here
  // exactly, as a spreadsheet would on opening; a formula outside the simple arithmetic is left unread.
  if (computed.length > 0) notes.push(`Formula cells saved without a result, computed here from their formulas: ${list(computed)}.`);
  // Said on the invoice, so that whoever opens the original knows what it holds.
  if (holdsMacros(bytes)) notes.push("The workbook holds macros (a VBA project); they were not run: only cell values were read.");
  return { format: "xlsx", pageCount: visible.length, rows, notes, date1904: visible.some((sheet) => sheet.date1904 === true) };
}

/**
 * Text files hold no control characters other than tab, line feed, form feed and carriage return
 * (and decoding leaves no NUL in a UTF-16 file): a file that does is binary (an image, a
 * document) given a .csv name, and would otherwise be reported as an unknown provider.
 */
function looksBinary(text: string): boolean {
  const sample = text.slice(0, 65_536);
  for (let i = 0; i < sample.length; i++) {
    const code = sample.charCodeAt(i);
    if (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0c && code !== 0x0d) return true;
  }
  return false;
}

export function readCsvInvoice(bytes: Uint8Array): LayoutDocument {
  let rows: string[][];
  try {
    const text = decodeText(bytes);
    if (looksBinary(text)) {
      throw new NeedsAttentionError("unsupported_format", "The file is named as a CSV but holds binary data, not text: it is not an invoice this service reads.");
    }
    rows = readCsv(text);
  } catch (error) {
    throw spreadsheetProblem(error);
  }
  checkRowCount(rows.length);
  const cells: Cell[][] = rows.map((row) => row.map((text) => ({ text, value: text, isFormula: false })));
  return { format: "csv", pageCount: 1, rows: sheetRows(cells, 1), notes: [] };
}

function spreadsheetProblem(error: unknown): Error {
  if (isNeedsAttention(error)) return error;
  if (!isAppError(error)) {
    return new NeedsAttentionError("corrupt", `The file could not be read (${error instanceof Error ? error.message : String(error)}).`);
  }
  const message = error.message.charAt(0).toUpperCase() + error.message.slice(1);
  switch (error.code) {
    case "xlsx.zip_bomb":
      return new NeedsAttentionError("suspicious_archive", `${message}. The file was not opened.`);
    case "xlsx.too_many_rows":
      return new NeedsAttentionError("too_large", `${message}, more than an invoice may have: it was kept but not read.`);
    case "xlsx.not_zip":
      return new NeedsAttentionError("unsupported_format", `${message}.`);
    default:
      return new NeedsAttentionError("corrupt", `${message}.`);
  }
}

/** Whether a workbook (already read, so a sound zip) carries a VBA project, as .xlsm files may. */
function holdsMacros(bytes: Uint8Array): boolean {
  return checkZipDirectory(bytes).entries.some((entry) => /(^|\/)vbaProject\.bin$/i.test(entry.name));
}
