import type { LayoutCell, LayoutRow } from "../types.js";

/**
 * A spreadsheet printed "as it looks on screen" (Calc's and Excel's "print row and column
 * headings") carries the sheet's own furniture on every page: a row of column letters (A, B, C…)
 * across the top and the row numbers (1, 2, 3…) down the left edge, one on every printed row,
 * blank rows included. They are not the invoice's: a row number before a heading row makes it look
 * like data, and one before a line would be read as a figure. Both are set aside here, per page,
 * and only when both are there: a table that numbers its lines has no letter row above it, and its
 * numbers skip the header block and the blank rows a sheet's gutter numbers too.
 */

const MIN_LETTERS = 3;
const MIN_NUMBERED_ROWS = 5;

/** A row that is only the letters A, B, C… in order (the column headings of a sheet). */
function isColumnLetterRow(row: LayoutRow): boolean {
  if (row.cells.length < MIN_LETTERS) return false;
  return row.cells.every((cell, index) => cell.text.trim() === columnLetter(index));
}

function columnLetter(index: number): string {
  const first = index < 26 ? "" : String.fromCharCode(64 + Math.floor(index / 26));
  return first + String.fromCharCode(65 + (index % 26));
}

function centre(cell: LayoutCell): number {
  return (cell.left + cell.right) / 2;
}

/**
 * The rows of one page without the sheet's column letters and row numbers, and whether they were
 * found. Row numbers count only in one narrow gutter left of the first column's letter, each one
 * more than the one before, on most rows under the letter row; a row with none (a cell's text
 * wrapped onto a second line, the page footer Calc prints under the sheet) is kept as it is.
 */
export function withoutSheetHeadings(rows: readonly LayoutRow[]): { rows: LayoutRow[]; found: boolean } {
  const unchanged = { rows: [...rows], found: false };
  const letterIndex = rows.findIndex(isColumnLetterRow);
  const letters = rows[letterIndex];
  const firstLetter = letters?.cells[0];
  const below = letterIndex < 0 ? [] : rows.slice(letterIndex + 1);
  const firstNumber = below.find((row) => /^\d{1,5}$/.test(row.cells[0]?.text.trim() ?? ""))?.cells[0];
  if (!firstLetter || !firstNumber || below.length < MIN_NUMBERED_ROWS) return unchanged;
  const gutterCentre = centre(firstNumber);
  const gutterOf = (row: LayoutRow): LayoutCell | null => {
    const first = row.cells[0];
    if (!first || !/^\d{1,5}$/.test(first.text.trim())) return null;
    return Math.abs(centre(first) - gutterCentre) <= Math.max(4, row.height * 0.6) && first.right < firstLetter.left ? first : null;
  };
  let expected: number | null = null;
  let numbered = 0;
  for (const row of below) {
    const gutter = gutterOf(row);
    if (!gutter) continue;
    const number = Number(gutter.text.trim());
    if (expected !== null && number !== expected) return unchanged;
    expected = number + 1;
    numbered++;
  }
  if (numbered < MIN_NUMBERED_ROWS || numbered * 2 < below.length) return unchanged;
  const stripped: LayoutRow[] = [];
  for (const [index, row] of rows.entries()) {
    if (index === letterIndex) continue;
    const gutter = index > letterIndex ? gutterOf(row) : null;
    if (!gutter) {
      stripped.push(row);
      continue;
    }
    const cells = row.cells.slice(1);
    if (cells.length === 0) continue; // a blank sheet row: only its number was printed
    const items = row.items?.filter((item) => item.right <= gutter.left || item.left >= gutter.right);
    stripped.push({ ...row, cells, ...(items ? { items } : {}) });
  }
  return { rows: stripped.map((row, index) => ({ ...row, rowNumber: index + 1 })), found: true };
}
