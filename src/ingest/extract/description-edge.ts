import { findDates } from "../text/values.js";
import type { LayoutCell } from "../types.js";
import type { Column } from "./columns.js";

/**
 * Where a table's description cells start. A heading centred over a wide column stands far from
 * its cells' left edge: a short word the description wrapped onto its next printed line
 * ("package", "needs") then lies nearer another heading (a date's, a reference's) and is placed
 * under it. The lines read so far say where the description's cells really start.
 */
export interface DescriptionEdges {
  /** The description heading's left edge when the edges were seen (a new table starts afresh). */
  headingLeft: number;
  /** The left edges of the description cells of the lines read under it. */
  lefts: number[];
}

/** How far a word may stand from the edge and still be set flush with it (a glyph's side bearing). */
const FLUSH = 1.5;

/** Cells under a column that are not what it holds: words under a date's or a reference's heading. */
function notWhatItHolds(column: Column, cells: readonly LayoutCell[]): boolean {
  const text = cells.map((c) => c.text).join(" ");
  if (!/\p{L}{2}/u.test(text)) return false;
  switch (column.field) {
    case "child":
    case "placement":
      return !/\d/.test(text);
    case "from":
    case "to":
    case "date":
    case "period":
      return findDates(text).length === 0;
    case "amount":
    case "rate":
    case "quantity":
    case "unit":
    case "description":
    case null:
      return false;
  }
}

/** Records where a line's description cell starts, for the rows read after it. */
export function noteDescriptionEdge(edges: DescriptionEdges | undefined, columns: readonly Column[], placed: ReadonlyMap<number, LayoutCell[]>): DescriptionEdges | undefined {
  const index = columns.findIndex((c) => c.field === "description");
  const column = columns[index];
  const cells = placed.get(index);
  if (!column || !cells || cells.length === 0) return edges;
  const left = Math.min(...cells.map((c) => c.left));
  const kept = edges && Math.abs(edges.headingLeft - column.left) < 0.5 ? edges.lefts : [];
  return { headingLeft: column.left, lefts: [...kept, left] };
}

/**
 * A row's words placed under a date's or a reference's heading that are no date or reference,
 * set flush with the left edge of the description cells above and not with their own heading:
 * they are the description's, moved under its heading (in printed order). Anything else stays.
 */
export function withDescriptionWords(placed: Map<number, LayoutCell[]>, columns: readonly Column[], edges: DescriptionEdges | undefined): Map<number, LayoutCell[]> {
  const index = columns.findIndex((c) => c.field === "description");
  const description = columns[index];
  if (!description || !edges || Math.abs(edges.headingLeft - description.left) >= 0.5 || edges.lefts.length === 0) return placed;
  const flush = (left: number): boolean => edges.lefts.some((edge) => Math.abs(edge - left) <= FLUSH);
  let moved: Map<number, LayoutCell[]> | null = null;
  for (const [k, cells] of placed) {
    const column = columns[k];
    if (k === index || !column || !notWhatItHolds(column, cells)) continue;
    const first = Math.min(...cells.map((c) => c.left));
    if (!flush(first) || Math.abs(first - column.left) <= FLUSH) continue;
    moved ??= new Map(placed);
    moved.delete(k);
    moved.set(index, [...(moved.get(index) ?? []), ...cells].sort((a, b) => a.left - b.left));
  }
  return moved ?? placed;
}
