import type { Line, Page, Symbol, Word } from "tesseract.js";
import { describe, expect, it } from "vitest";
import { extractInvoice } from "../../../src/ingest/index.js";
import { fixedPitch, ocrPageLayout } from "../../../src/ingest/ocr/ocr-layout.js";
import type { LayoutDocument } from "../../../src/ingest/types.js";

/**
 * Round 15 of the reader (issue 16): a typed invoice scanned (a fixed-pitch font, no text layer)
 * printed "30 nights" in its quantity column. Tesseract's boxes are ink, so one space in a
 * fixed-pitch font leaves a gap of a whole character cell plus the letters' side bearings, about
 * 0.75 of the row height, wider than the proportional word spaces the phrase rule was measured on
 * (0.35–0.5): "30" and "nights" became two cells, the count left of the "Qty" heading and "nights"
 * alone under it, and the scan was refused. Drawn here as tesseract reports such a page: other
 * words, another pitch, row height and column order; the expected values are what the page prints.
 */

/** Pixels per character cell; the font's size is about 1.7 pitches (Courier-like: 0.6 em a cell). */
const PITCH = 30;
const ROW_HEIGHT = 50;

interface Drawn {
  text: string;
  /** Left edge of its first character's cell, in cells from the page's left. */
  at: number;
  baselineY: number;
  /** "mono": every character one cell; "proportional": cells of varying width (narrow i, l, t; wide m, w). */
  font?: "mono" | "proportional";
}

const WIDTHS: Readonly<Record<string, number>> = { i: 0.45, l: 0.45, t: 0.6, f: 0.6, r: 0.65, m: 1.5, w: 1.4, M: 1.5, W: 1.6 };

/** One tesseract line: each word with its ink box and its characters' ink boxes (a fifth of a cell of bearing each side). */
function drawLine({ text, at, baselineY, font = "mono" }: Drawn): Line {
  const words: Word[] = [];
  let x = at * PITCH;
  let symbols: Symbol[] = [];
  const flush = (): void => {
    if (symbols.length === 0) return;
    const first = symbols[0] as Symbol;
    const last = symbols[symbols.length - 1] as Symbol;
    const bbox = { x0: first.bbox.x0, y0: baselineY - 30, x1: last.bbox.x1, y1: baselineY };
    words.push({ text: symbols.map((s) => s.text).join(""), confidence: 95, bbox, symbols, choices: [], font_name: "" });
    symbols = [];
  };
  for (const char of text) {
    const cell = font === "mono" ? PITCH : PITCH * (WIDTHS[char] ?? 1);
    if (char === " ") flush();
    else {
      const bearing = cell * 0.15;
      symbols.push({ text: char, confidence: 95, bbox: { x0: x + bearing, y0: baselineY - 30, x1: x + cell - bearing, y1: baselineY }, is_superscript: false, is_subscript: false, is_dropcap: false });
    }
    x += cell;
  }
  flush();
  const bbox = { x0: words[0]?.bbox.x0 ?? 0, y0: baselineY - 30, x1: words[words.length - 1]?.bbox.x1 ?? 0, y1: baselineY };
  return { words, text, confidence: 95, baseline: { x0: bbox.x0, y0: baselineY, x1: bbox.x1, y1: baselineY }, rowAttributes: { rowHeight: ROW_HEIGHT, ascenders: 10, descenders: 10 }, bbox };
}

function page(lines: readonly Drawn[]): Page {
  // Only the blocks are read; the rest of tesseract's page is not needed.
  return { blocks: [{ paragraphs: [{ lines: lines.map(drawLine) }] }] } as unknown as Page;
}

/** Cells of each row, as the page model gives them (points: 0.24 pt a pixel, 300 dpi). */
function cellsOf(lines: readonly Drawn[]): string[][] {
  return ocrPageLayout(page(lines), 1, 3508, 0.24).rows.map((row) => row.cells.map((cell) => cell.text));
}

describe("a scan typed in a fixed-pitch font", () => {
  it("reads a count and its unit one space apart as one cell, and columns two spaces apart as columns", () => {
    expect(cellsOf([{ text: "Respite care weekend  3 sessions  85.00  255.00", at: 8, baselineY: 1000 }])).toEqual([["Respite care weekend", "3 sessions", "85.00", "255.00"]]);
    expect(cellsOf([{ text: "GRAND TOTAL  £1,275.50", at: 40, baselineY: 1000 }])).toEqual([["GRAND TOTAL", "£1,275.50"]]);
  });

  it("finds the pitch of a fixed-pitch line and none in a proportional one", () => {
    expect(fixedPitch(drawLine({ text: "14 weeks at  210.00", at: 5, baselineY: 500 }))).toBeCloseTo(PITCH, 5);
    expect(fixedPitch(drawLine({ text: "Milltown foster placement", at: 5, baselineY: 500, font: "proportional" }))).toBeNull();
    // Too few characters to tell: the row-height rule alone.
    expect(fixedPitch(drawLine({ text: "4 wk", at: 5, baselineY: 500 }))).toBeNull();
  });

  it("leaves a proportional line's wide gaps as columns", () => {
    // The same gap after "7" as a fixed-pitch space leaves (0.78 of the row height) is a column gap here.
    expect(cellsOf([{ text: "Milltown 7 nights", at: 8, baselineY: 1000, font: "proportional" }])).toEqual([["Milltown", "7", "nights"]]);
  });

  it("reads the line's quantity with its unit under a right-aligned heading, and the total", () => {
    // Columns as a typewriter sets them: text padded with spaces, figures right-aligned under their headings.
    const table = (child: string, service: string, quantity: string, rate: string, amount: string): string =>
      child.padEnd(8) + service.padEnd(24) + quantity.padStart(10) + rate.padStart(10) + amount.padStart(12);
    const lines: Drawn[] = [
      { text: "Invoice No:  TW-2210", at: 8, baselineY: 300 },
      { text: "Invoice Date:  30/11/2026", at: 8, baselineY: 360 },
      { text: table("Child", "Service", "Quantity", "Rate", "Amount"), at: 8, baselineY: 600 },
      { text: table("C5101", "Supported lodgings", "21 nights", "120.00", "2,520.00"), at: 8, baselineY: 680 },
      { text: table("C5102", "Outreach support", "6 sessions", "45.00", "270.00"), at: 8, baselineY: 740 },
      { text: "TOTAL DUE  £2,790.00", at: 8 + 64 - 20, baselineY: 860 },
    ];
    const doc: LayoutDocument = {
      format: "pdf",
      pageCount: 1,
      pageHeights: [842],
      rows: ocrPageLayout(page(lines), 1, 3508, 0.24).rows,
      notes: [],
    };
    const draft = extractInvoice(doc);
    expect(draft.lines.map((l) => [l.childRef, l.description, l.quantity?.toFixed(2), l.unit, l.unitRate?.toFixed(2), l.amount?.toFixed(2)])).toEqual([
      ["C5101", "Supported lodgings", "21.00", "night", "120.00", "2520.00"],
      ["C5102", "Outreach support", "6.00", "session", "45.00", "270.00"],
    ]);
    expect(draft.total?.toFixed(2)).toBe("2790.00");
    expect(draft.uncertain).toEqual([]);
  });
});
