import type { LayoutCell, LayoutRow } from "../types.js";
import { REFERENCE_WORD } from "./child-cell.js";
import { columnText, type Column } from "./columns.js";

/**
 * A table whose cells are vertically centred on their row (xhtml2pdf's and browsers' table cells)
 * prints a joined heading's two references ("Child / PO") as a cell of two printed lines around
 * a line whose other cells are one printed line: the child ABOVE the line's figures and the
 * order BELOW them, so neither stands on the line's own row. The two rows are the line's cell
 * when each prints one reference word under the joined heading and nothing else, and they lie
 * as far above the line's row as below it (the cell's middle is the row's middle).
 */

/** The reference a row prints alone under a joined heading's columns (one word of a reference's shape), or null. */
export function referenceAloneUnderJoinedHeading(columns: readonly Column[], placed: ReadonlyMap<number, LayoutCell[]>): string | null {
  if (placed.size === 0) return null;
  const cells: LayoutCell[] = [];
  for (const [index, printed] of placed) {
    if (columns[index]?.joined === undefined) return null;
    cells.push(...printed);
  }
  const text = columnText(cells);
  return REFERENCE_WORD.test(text) ? text : null;
}

/** Rows measured by their tops on one page: how far the row above and the row below lie from the line's row. */
export function centredAround(above: Pick<LayoutRow, "page" | "top">, line: Pick<LayoutRow, "page" | "top" | "height">, below: Pick<LayoutRow, "page" | "top">): boolean {
  if (above.page !== line.page || below.page !== line.page) return false;
  const up = line.top - above.top;
  const down = below.top - line.top;
  // Both within a printed line of the row (a cell's own lines, not the rows of the next line),
  // and the same distance give or take a third of a line (the lines may differ in size).
  return up > 0 && down > 0 && up <= 1.6 * line.height && down <= 1.6 * line.height && Math.abs(up - down) <= 0.35 * line.height;
}
