import { cleanText, parseDateText, parseMoneyText } from "../text/values.js";
import type { LayoutRow, UncertainField } from "../types.js";
import { UNLABELLED_REFERENCE } from "./item-blocks.js";
import { PURCHASE_ORDER } from "./joined-references.js";

/**
 * A guard run once the lines are built: a reference the table printed and no line took, or one
 * taken into the other reference's field, never passes silently. The ways a line's references
 * come apart from its row are many (a cell wrapped, stacked, centred on its row, a heading read
 * as the wrong field); whichever way the next producer finds, what it leaves behind is the same:
 * a word of a reference's shape inside the table that no line carries, or a purchase order in a
 * child's field. Each is marked on the line nearest it, the word quoted, for a person to settle.
 */
export interface BuiltLine {
  lineNo: number;
  /** The line's own row (its figures) and the lowest row it took. */
  rowIndex: number;
  page: number;
  bottom: number;
  childRef: string | null;
  placementRef: string | null;
}

/** Words of a cell: split at spaces and the marks that set references apart. */
const WORD_BREAK = /[\s·•|,;()[\]]+/;
/** A month's name before a year ("Oct-2026", "Nov/26") has a reference's shape and is a date. */
const MONTH_WORD = /^(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[-/]?\d/i;

/** The words of a row that have a reference's shape (letters then digits: "C2001", "PO-420301"). */
export function referenceWords(row: LayoutRow): string[] {
  return row.cells
    .flatMap((cell) => cleanText(cell.text).split(WORD_BREAK))
    .map((word) => word.replace(/[.:]+$/, ""))
    .filter((word) => UNLABELLED_REFERENCE.test(word) && !MONTH_WORD.test(word) && parseDateText(word) === null && parseMoneyText(word) === null);
}

/**
 * The rows of the table no rule took: between two lines of one page, just under a page's last
 * line, and between the table's heading and its first line. Not a page's running header or
 * footer between one page's lines and the next's.
 */
function untakenRows(rows: readonly LayoutRow[], taken: (index: number) => boolean, headingRow: number, lines: readonly BuiltLine[]): number[] {
  const inside = new Set<number>();
  const first = lines[0];
  if (first && rows[headingRow]?.page === first.page) for (let index = headingRow + 1; index < first.rowIndex; index++) inside.add(index);
  lines.forEach((line, k) => {
    const next = lines[k + 1];
    if (next && next.page === line.page) {
      for (let index = line.rowIndex + 1; index < next.rowIndex; index++) inside.add(index);
      return;
    }
    for (let index = line.rowIndex + 1; index < rows.length; index++) {
      const row = rows[index] as LayoutRow;
      if (row.page !== line.page || row.top - line.bottom > 1.8 * row.height + 0.01) break;
      inside.add(index);
    }
  });
  return [...inside].filter((index) => !taken(index)).sort((a, b) => a - b);
}

/** The line printed nearest a row (on its page; the one above on a tie). */
function nearestLine(rows: readonly LayoutRow[], lines: readonly BuiltLine[], row: LayoutRow): BuiltLine | null {
  let best: { line: BuiltLine; distance: number } | null = null;
  for (const line of lines) {
    const own = rows[line.rowIndex];
    if (!own || own.page !== row.page) continue;
    const distance = Math.abs(own.top - row.top);
    if (best === null || distance < best.distance) best = { line, distance };
  }
  return best?.line ?? null;
}

export function strayReferences(rows: readonly LayoutRow[], taken: (index: number) => boolean, headingRow: number | null, lines: readonly BuiltLine[], label: (row: LayoutRow) => string): UncertainField[] {
  const marks = new Map<string, UncertainField>();
  const mark = (field: string, reason: string, text: string): void => {
    const known = marks.get(field);
    if (known) known.candidates.push(text);
    else marks.set(field, { code: "uncertain_value", field, reason, candidates: [text] });
  };
  if (headingRow !== null && lines.length > 0) {
    const carried = new Set(lines.flatMap((line) => [line.childRef, line.placementRef]).filter((ref) => ref !== null));
    for (const index of untakenRows(rows, taken, headingRow, lines)) {
      const row = rows[index] as LayoutRow;
      const line = nearestLine(rows, lines, row);
      const words = referenceWords(row);
      if (!line || words.length === 0) continue;
      // A row of references alone is a line's cell; among other words ("Resident total C4001",
      // a block's caption) a reference some line carries is that line's, printed again.
      const referencesAlone = row.cells.every((cell) => cleanText(cell.text).split(WORD_BREAK).every((word) => word === "" || words.includes(word.replace(/[.:]+$/, ""))));
      for (const word of words) {
        if (word === line.childRef || word === line.placementRef || (!referencesAlone && carried.has(word))) continue;
        const field = PURCHASE_ORDER.test(word) ? "placementRef" : "childRef";
        mark(`line ${line.lineNo} ${field}`, `${label(row)} prints "${word}" inside the line table, of a reference's shape, and no line took it: line ${line.lineNo}'s reference (the line printed nearest it), or another's, not read`, word);
      }
    }
  }
  const children = new Set(lines.map((line) => line.childRef?.toUpperCase()).filter((ref) => ref !== undefined));
  for (const line of lines) {
    if (line.childRef !== null && PURCHASE_ORDER.test(line.childRef)) {
      mark(`line ${line.lineNo} childRef`, `line ${line.lineNo}'s child reference "${line.childRef}" has a purchase order's shape: the placement's reference read as the child's`, line.childRef);
    }
    if (line.placementRef !== null && children.has(line.placementRef.toUpperCase())) {
      mark(`line ${line.lineNo} placementRef`, `line ${line.lineNo}'s placement reference "${line.placementRef}" is a child's reference on the invoice's lines: the child's reference read as the placement's`, line.placementRef);
    }
  }
  return [...marks.values()];
}
