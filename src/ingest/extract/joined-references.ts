import { splitAtJoiningMarks, type ColumnField, type JoiningMark } from "../text/labels.js";
import { cleanText } from "../text/values.js";
import type { LayoutCell } from "../types.js";
import { REFERENCE_WORD } from "./child-cell.js";
import { columnText, type Column } from "./columns.js";

/**
 * Under a heading naming both references joined by a mark ("Client / Order", "Child/PO",
 * "Young person – placement ref"), a line prints both joined the same way: "C8004 / PO-480906".
 * The cell is split at that mark, and each part goes to the field its half of the heading names,
 * only when the parts fit: as many parts as halves, each one word of a reference's shape (a digit
 * in it), and the child's never a purchase order's ("PO-…": a placement's reference, so the cell
 * is not in the heading's order). A part may be left blank after the mark ("C8004 /": no order
 * printed). Any other cell ("C8004" alone, "C8004 / PO 480906 x") is not split: which reference
 * it is, the heading does not say, and the line's child is marked uncertain with the cell quoted.
 */
export type JoinedReferences =
  | { split: true; child: string | null; placement: string | null }
  | { split: false; printed: string; heading: string };

/** A purchase order's own mark before its number: "PO-480906", "PO 1234", "P.O. 77". */
export const PURCHASE_ORDER = /^P\.?O\.?(?:[-\s#]|\d)/i;

/** The parts of a cell at the heading's mark (the dashes one family: producers swap en dash and hyphen). */
function partsAt(text: string, mark: JoiningMark): string[] | null {
  const split = splitAtJoiningMarks(text);
  if (split.marks.length !== 1 || split.marks[0] !== mark) return null;
  return split.parts.map((part) => part.trim());
}

function fitsField(part: string, field: ColumnField): boolean {
  if (part === "") return true;
  if (!REFERENCE_WORD.test(part)) return false;
  return field !== "child" || !PURCHASE_ORDER.test(part);
}

/** The references one joined cell prints, in the heading's order, or null when it does not split so. */
export function splitJoinedReference(text: string, mark: JoiningMark, fields: readonly [ColumnField, ColumnField]): Partial<Record<ColumnField, string | null>> | null {
  const parts = partsAt(cleanText(text), mark);
  if (!parts || parts.length !== 2 || parts.every((part) => part === "")) return null;
  if (!parts.every((part, k) => fitsField(part, fields[k] as ColumnField))) return null;
  return Object.fromEntries(fields.map((field, k) => [field, parts[k] === "" ? null : (parts[k] as string)]));
}

/** The mark as printed between two references, for reading a stacked cell as a joined one. */
const PRINTED_MARK: Record<JoiningMark, string> = { "/": "/", "|": "|", "·": "·", dash: "–" };

/**
 * A joined heading's cell may print its two references on two printed lines of the cell instead
 * of joined by the mark ("C4001" over "PO-440501", under "Client Ref /" over "Order"): read by the
 * same rules as a joined cell, in the heading's order, each printed line one reference and both
 * printed (a line with one reference alone is not a stacked pair).
 */
export function splitStackedReference(first: string, second: string, mark: JoiningMark, fields: readonly [ColumnField, ColumnField]): Partial<Record<ColumnField, string | null>> | null {
  const [upper, lower] = [cleanText(first), cleanText(second)];
  if (upper === "" || lower === "" || /\s/.test(upper) || /\s/.test(lower)) return null;
  const read = splitJoinedReference(`${upper} ${PRINTED_MARK[mark]} ${lower}`, mark, fields);
  return read && fields.every((field) => read[field]) ? read : null;
}

/**
 * The references a line prints under a joined heading's two columns (whichever of the two its
 * items were placed under), or null when the table has no such heading or the line prints nothing
 * there.
 */
export function readJoinedReferences(columns: readonly Column[], placed: ReadonlyMap<number, LayoutCell[]>): JoinedReferences | null {
  const first = columns.findIndex((c, k) => c.joined?.part === 0 && columns[k + 1]?.joined?.part === 1);
  const [a, b] = [columns[first], columns[first + 1]];
  if (first < 0 || !a?.joined || !b || a.field === null || b.field === null) return null;
  const printed = columnText([...(placed.get(first) ?? []), ...(placed.get(first + 1) ?? [])]);
  if (printed === "") return null;
  const read = splitJoinedReference(printed, a.joined.mark, [a.field, b.field]);
  if (!read) return { split: false, printed, heading: a.heading };
  return { split: true, child: read.child ?? null, placement: read.placement ?? null };
}
