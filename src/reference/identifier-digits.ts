import { cellText, type TableCell } from "./fields.js";
import { quote } from "./issues.js";
import type { ReferenceRow, TableSpec } from "./tables.js";

/**
 * Identifiers a spreadsheet has mangled. Excel reads "004711" typed or opened from a CSV as the
 * number 4711 and saves it back so; a long number shows (and saves to CSV) as 1.23457E+11. The
 * identifier then names nobody, or worse someone else, so it is never taken as written: the
 * cell is refused with what was seen, and the person fixes the file.
 *
 * Leading zeros can only be missed against zero-padded peers: an all-digit identifier without a
 * leading zero, in a column (of the file, or of the rows already stored) whose all-digit
 * identifiers are zero-padded to a longer width. A column of plain numbers (person ids 4711 and
 * 123456) has nothing padded and is read as it is.
 */

const ALL_DIGITS = /^\d+$/;
/** Excel's General for a long number in a narrow column: "1.23457E+11". */
const SCIENTIFIC = /^\d(?:\.\d+)?E\+?\d+$/i;

/** The width and one example of each id column's zero-padded all-digit values. */
export type PaddedWidths = ReadonlyMap<string, { width: number; example: string }>;

export function paddedIdWidths(
  table: TableSpec,
  positions: ReadonlyMap<string, number>,
  dataRows: readonly (readonly TableCell[])[],
  stored: ReadonlyMap<string, ReferenceRow> | undefined,
): PaddedWidths {
  const widths = new Map<string, { width: number; example: string }>();
  const consider = (column: string, text: string): void => {
    if (text.length < 2 || text[0] !== "0" || !ALL_DIGITS.test(text)) return;
    const known = widths.get(column);
    if (!known || text.length > known.width) widths.set(column, { width: text.length, example: text });
  };
  for (const column of table.columns) {
    if (column.kind !== "id") continue;
    const position = positions.get(column.name);
    if (position !== undefined) for (const row of dataRows) consider(column.name, cellText(row[position]).trim());
    if (stored) {
      for (const row of stored.values()) {
        const value = row[column.name];
        if (typeof value === "string") consider(column.name, value);
      }
    }
  }
  return widths;
}

/** Why an identifier cell cannot be taken as written, or null when it can. */
export function mangledIdentifier(column: string, text: string, padded: PaddedWidths): string | null {
  if (SCIENTIFIC.test(text)) {
    return `${quote(text)} is a number a spreadsheet has shown in scientific notation, so its digits are lost: export the column as text`;
  }
  const peers = padded.get(column);
  if (peers && ALL_DIGITS.test(text) && text[0] !== "0" && text.length < peers.width) {
    const restored = text.padStart(peers.width, "0");
    return `${quote(text)} looks like ${quote(restored)} with its leading zeros dropped by a spreadsheet (${column} values here are zero-padded, e.g. ${quote(peers.example)}): write it as text, e.g. format the column as Text in Excel`;
  }
  return null;
}
