import { extractInvoice } from "../../src/ingest/extract/extractor.js";
import { rowsFromItems, type PositionedText } from "../../src/ingest/readers/pdf-layout.js";
import type { InvoiceDraft } from "../../src/ingest/types.js";

/**
 * A page drawn item by item for the reader's unit tests (rounds 7–9): text at 9 pt, each
 * character 4.5 pt wide (placement only needs to be consistent), read as one A4 page.
 */
export const SIZE = 9;
export const CHAR = 4.5;

/** A piece of text drawn with its left edge at `x` and its top at `top`. */
export function item(x: number, top: number, text: string, width = text.length * CHAR): PositionedText {
  return { text, x, top, width, height: SIZE };
}

/** The invoice the reader makes of the drawn items. */
export function read(items: PositionedText[]): InvoiceDraft {
  return extractInvoice({ format: "pdf", pageCount: 1, pageHeights: [842], rows: rowsFromItems(items, 1), notes: [] });
}
