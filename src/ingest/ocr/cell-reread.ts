import { Dec } from "../../domain/money.js";
import { lineTolerance } from "../extract/certainty.js";
import { parseMoneyText, parseQuantity, type Quantity } from "../text/values.js";
import type { LayoutCell, LayoutRow, PixelBox } from "../types.js";

/**
 * A line table's numeric cells read again, one cell at a time (DATA.md "Scans"). A page read in
 * sparse-text mode loses characters a cell read on its own keeps: on a page whose glyphs are drawn
 * as paths (paps), every lone "1" of "1 wk" and every decimal point went missing, so quantity,
 * rate and amount came out empty or split ("4,935" "00"). second-look.ts only re-reads words OCR
 * already found; a character never found as a word is only found again by reading the cell's
 * whole column span on the row, as one line. What such a re-read gives stands only when the
 * line's own arithmetic closes (quantity × rate = amount, within a penny or the rounding of a
 * fractional quantity, as AUDIT.md's line check): otherwise the cells stay uncertain.
 * This module works out where to look and what the readings prove; it does not read.
 */

/** A column's horizontal extent in page points (from its heading and the cells under it). */
export interface ColumnSpan {
  left: number;
  right: number;
}

/** Paper kept between a band and its neighbours' ink, points. */
const NEIGHBOUR_GAP_PT = 1.5;
/** How far past its last ink a band ends when nothing prints to its right (the page's last column), points. */
const OPEN_EDGE_PT = 6;

/**
 * A numeric column's span on one row, to read its cell again. The heading's span alone is too
 * narrow: figures are right-aligned and reach left of a short heading ("1 wk" under "Qty" starts
 * 25 pt before it), and a character the page read lost is in that reach. The span runs from the
 * nearest ink of the row's other cells on the left to theirs on the right; the cells that belong
 * to the column are those lying across its heading, and those lying across no heading that are
 * nearer to it than to any other and are figures (`5` of "5 nights" printed 20 pt left of "Qty"; a
 * description's words overhang nothing, they run on from their own heading at the left).
 */
export function columnBand(row: LayoutRow, heading: ColumnSpan, otherHeadings: readonly ColumnSpan[] = []): ColumnSpan {
  const overlaps = (cell: LayoutCell, span: ColumnSpan): boolean => cell.left < span.right && span.left < cell.right;
  const distance = (cell: LayoutCell, span: ColumnSpan): number => Math.max(span.left - cell.right, cell.left - span.right, 0);
  const across = (cell: LayoutCell): boolean =>
    overlaps(cell, heading) || (otherHeadings.length > 0 && FIGURE.test(cell.text) && !otherHeadings.some((h) => overlaps(cell, h)) && otherHeadings.every((h) => distance(cell, heading) < distance(cell, h)));
  const members = row.cells.filter(across);
  const inkLeft = Math.min(heading.left, ...members.map((c) => c.left));
  const inkRight = Math.max(heading.right, ...members.map((c) => c.right));
  const others = row.cells.filter((cell) => !across(cell));
  const leftNeighbours = others.filter((c) => c.right <= inkLeft).map((c) => c.right);
  const rightNeighbours = others.filter((c) => c.left >= inkRight).map((c) => c.left);
  return {
    left: leftNeighbours.length > 0 ? Math.max(...leftNeighbours) + NEIGHBOUR_GAP_PT : inkLeft - OPEN_EDGE_PT,
    right: rightNeighbours.length > 0 ? Math.min(...rightNeighbours) - NEIGHBOUR_GAP_PT : inkRight + OPEN_EDGE_PT,
  };
}

/** A figure's text: digits and their separators, a pound sign or a minus. */
const FIGURE = /^[£\-–]?[\d.,]+$/;

/** How far a row's band reaches above its baseline and below it, in row heights. */
const ABOVE_BASELINE_EM = 1.0;
const BELOW_BASELINE_EM = 0.4;

/**
 * The pixel box of one cell: the column's span across the row's band. Rows' `top` is the
 * baseline in points (ocr-layout.ts), `ptPerPx` the page's points per pixel (72 / dpi).
 */
export function cellBox(row: LayoutRow, column: ColumnSpan, ptPerPx: number): PixelBox {
  const height = Math.max(row.height, 1);
  return {
    x0: Math.floor(column.left / ptPerPx),
    y0: Math.floor((row.top - ABOVE_BASELINE_EM * height) / ptPerPx),
    x1: Math.ceil(column.right / ptPerPx),
    y1: Math.ceil((row.top + BELOW_BASELINE_EM * height) / ptPerPx),
  };
}

/** One row's numeric cells as a re-read gave them (null: nothing was read there). */
export interface RereadCells {
  quantity: string | null;
  rate: string | null;
  amount: string | null;
}

export interface AcceptedCells {
  quantity: Quantity;
  rate: Dec;
  amount: Dec;
}

export type RereadVerdict = { accepted: AcceptedCells } | { refused: string };

/**
 * What a row's re-read cells prove: the three values when each reads as what its column holds
 * and quantity × rate = amount closes; else why not (the cells then stay uncertain).
 */
export function acceptRereadCells(read: RereadCells): RereadVerdict {
  const quantity = read.quantity === null ? null : parseQuantity(read.quantity);
  const rate = read.rate === null ? null : parseMoneyText(read.rate);
  const amount = read.amount === null ? null : parseMoneyText(read.amount);
  if (quantity === null) return { refused: `the quantity re-read as ${quoted(read.quantity)}, not a quantity` };
  if (rate === null) return { refused: `the rate re-read as ${quoted(read.rate)}, not an amount of money` };
  if (amount === null) return { refused: `the amount re-read as ${quoted(read.amount)}, not an amount of money` };
  const expected = quantity.value.times(rate).toDecimalPlaces(2, Dec.ROUND_HALF_UP);
  if (expected.minus(amount).abs().gt(lineTolerance(quantity.value, rate))) {
    return { refused: `the re-read cells do not agree: ${quantity.value.toString()} × ${rate.toFixed(2)} = ${expected.toFixed(2)}, not ${amount.toFixed(2)}` };
  }
  return { accepted: { quantity, rate, amount } };
}

const quoted = (text: string | null): string => (text === null ? "nothing" : `"${text}"`);
