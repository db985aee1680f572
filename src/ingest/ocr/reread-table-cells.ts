import { emptyConfig } from "../extract/config.js";
import { detectHeaderAt, type TableHeader } from "../extract/columns.js";
import { parseMoneyText, parseQuantity } from "../text/values.js";
import type { LayoutCell, LayoutDocument, LayoutRow } from "../types.js";
import { acceptRereadCells, cellBox, columnBand, type ColumnSpan } from "./cell-reread.js";
import type { OcrEngine } from "./ocr-engine.js";
import type { PageImage } from "./page-images.js";
import { croppedLine, parseHocrLine, type CanvasImage } from "./second-look.js";

/**
 * Before a scan's line table is read: each line row whose quantity, rate or amount the page read
 * did not give as one value is read again cell by cell (cell-reread.ts), and the cells replaced
 * only when quantity × rate = amount closes on the re-read. Every replacement is noted; rows the
 * re-read does not prove keep what the page read (and stay uncertain downstream).
 */

/** A page turned by more than this is not re-read: rows' positions are deskewed, its pixels are not. */
const MAX_SKEW_DEGREES = 0.1;

type NumericField = "quantity" | "rate" | "amount";
const NUMERIC: readonly NumericField[] = ["quantity", "rate", "amount"];

function numericColumns(header: TableHeader): Map<NumericField, ColumnSpan> | null {
  const spans = new Map<NumericField, ColumnSpan>();
  for (const field of NUMERIC) {
    const column = header.columns.filter((c) => c.field === field);
    if (column.length !== 1 || !column[0]) return null;
    spans.set(field, { left: column[0].left, right: column[0].right });
  }
  return spans;
}

const across = (cell: LayoutCell, span: ColumnSpan): boolean => cell.left < span.right && span.left < cell.right;
const joined = (cells: readonly LayoutCell[]): string => cells.map((c) => c.text).join(" ");

/** The row's cells under each numeric heading, when the row is a line the page read left unsure. */
function doubtfulCells(row: LayoutRow, columns: ReadonlyMap<NumericField, ColumnSpan>): Map<NumericField, LayoutCell[]> | null {
  const members = new Map<NumericField, LayoutCell[]>();
  for (const [field, span] of columns) members.set(field, row.cells.filter((c) => across(c, span)));
  // A line prints figures under at least two of the three headings (a description's second line,
  // a totals row under the amount alone, are not lines).
  const filled = [...members.values()].filter((cells) => cells.length > 0).length;
  if (filled < 2) return null;
  const sure =
    // A quantity and its unit may be two cells ("4" "trips"); a sum of money split in two ("1,210"
    // "00") has lost its point.
    parseQuantity(joined(members.get("quantity") ?? [])) !== null &&
    NUMERIC.slice(1).every((field) => members.get(field)?.length === 1 && parseMoneyText(joined(members.get(field) ?? [])) !== null);
  return sure ? null : members;
}

export interface RereadOutcome {
  doc: LayoutDocument;
  notes: string[];
}

export async function rereadTableCells(doc: LayoutDocument, images: readonly PageImage[], engine: OcrEngine): Promise<RereadOutcome> {
  if (!doc.ocr || images.length === 0) return { doc, notes: [] };
  const { loadImage } = await import("@napi-rs/canvas");
  const decoded = new Map<number, CanvasImage>();
  const rows = [...doc.rows];
  const notes: string[] = [];
  const config = emptyConfig();
  let columns: Map<NumericField, ColumnSpan> | null = null;
  let header: TableHeader | null = null;
  let headerPage = 0;
  for (let index = 0; index < rows.length; index++) {
    const row = rows[index] as LayoutRow;
    const heading = detectHeaderAt(rows, index, config);
    if (heading) {
      header = heading;
      columns = numericColumns(heading);
      headerPage = row.page;
      continue;
    }
    if (!columns || !header || row.page !== headerPage) continue;
    const image = images.find((i) => i.page === row.page);
    if (!image || Math.abs(doc.ocr.skewDegrees[row.page - 1] ?? 0) > MAX_SKEW_DEGREES) continue;
    const members = doubtfulCells(row, columns);
    if (!members) continue;
    let page = decoded.get(row.page);
    if (!page) {
      page = await loadImage(Buffer.from(image.image.buffer, image.image.byteOffset, image.image.byteLength));
      decoded.set(row.page, page);
    }
    const ptPerPx = image.pointsPerPixel ?? 595 / image.width;
    const bands = new Map<NumericField, ColumnSpan>();
    const read = new Map<NumericField, string | null>();
    const headings = header.columns.map((c) => ({ left: c.left, right: c.right }));
    for (const [field, span] of columns) {
      const band = columnBand(row, span, headings.filter((h) => h.left !== span.left || h.right !== span.right));
      bands.set(field, band);
      read.set(field, parseHocrLine(await engine.readLine(await croppedLine(page, cellBox(row, band, ptPerPx))))?.text ?? null);
    }
    const verdict = acceptRereadCells({ quantity: read.get("quantity") ?? null, rate: read.get("rate") ?? null, amount: read.get("amount") ?? null });
    if (!("accepted" in verdict)) continue;
    // What the page read inside each band gives way to what the band read as one line.
    const inside = (cell: LayoutCell, band: ColumnSpan): boolean => cell.left >= band.left && cell.right <= band.right;
    const fresh: LayoutCell[] = NUMERIC.map((field) => {
      const band = bands.get(field) as ColumnSpan;
      const within = row.cells.filter((c) => inside(c, band));
      return { text: read.get(field) as string, left: within.length > 0 ? Math.min(...within.map((c) => c.left)) : band.left, right: within.length > 0 ? Math.max(...within.map((c) => c.right)) : band.right };
    });
    const kept = (cell: LayoutCell): boolean => !NUMERIC.some((f) => inside(cell, bands.get(f) as ColumnSpan));
    const cells = [...row.cells.filter(kept), ...fresh].sort((a, b) => a.left - b.left);
    rows[index] = { ...row, cells, ...(row.items ? { items: [...row.items.filter(kept), ...fresh].sort((a, b) => a.left - b.left) } : {}) };
    const { quantity, rate, amount } = verdict.accepted;
    notes.push(
      `Page ${row.page} row ${row.rowNumber}: the page's reading had "${NUMERIC.map((f) => joined(members.get(f) ?? [])).join('" "')}" under quantity, rate and amount; ` +
        `each cell read again on its own gave "${NUMERIC.map((f) => read.get(f)).join('" "')}", and ${quantity.value.toString()} × ${rate.toFixed(2)} = ${amount.toFixed(2)} confirms them.`,
    );
  }
  return { doc: { ...doc, rows }, notes };
}
