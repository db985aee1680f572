import { createRequire } from "node:module";
import path from "node:path";
import { NeedsAttentionError, type LayoutDocument, type LayoutRow } from "../types.js";
import { rowsFromItems, type PositionedText } from "./pdf-layout.js";
import { checkPdfStreams } from "./pdf-streams.js";
import { withoutSheetHeadings } from "./sheet-headings.js";

/**
 * Reads a PDF's text layer with pdfjs-dist (legacy build: the modern one needs Node 22) as
 * positioned text items, and rebuilds rows and cells from their positions. The first parse in a
 * process costs about a second (module load and font setup); later ones 10–25 ms a page.
 */

type PdfJs = typeof import("pdfjs-dist/legacy/build/pdf.mjs");

let pdfjsModule: Promise<PdfJs> | null = null;

function loadPdfJs(): Promise<PdfJs> {
  pdfjsModule ??= import("pdfjs-dist/legacy/build/pdf.mjs");
  return pdfjsModule;
}

// pdfjs needs the standard 14 fonts' metrics to place text drawn in Helvetica & co. correctly.
const standardFontDataUrl = (() => {
  const require = createRequire(import.meta.url);
  return `${path.join(path.dirname(require.resolve("pdfjs-dist/package.json")), "standard_fonts")}${path.sep}`;
})();

/** Load pdfjs ahead of the first file so that its one-off cost is not charged to it. */
export async function warmUpPdfReader(): Promise<void> {
  await loadPdfJs();
}

interface TextItemLike {
  str: string;
  fontName?: string;
  transform: number[];
  width: number;
  height: number;
}

function isTextItem(item: unknown): item is TextItemLike {
  return typeof item === "object" && item !== null && "str" in item && "transform" in item;
}

/**
 * More pages than any invoice has: each page's text stays in memory until the file is read, so a
 * longer document (a statement, a whole ledger) goes to a person instead of exhausting memory.
 */
export const MAX_PDF_PAGES = 500;

/**
 * More text items on one page than any invoice prints (a dense page has a few thousand): a
 * page with millions of text operators kept the reader busy for most of a minute (issue 22), so
 * the text is read as a stream and the page given up as soon as it passes this.
 */
export const MAX_TEXT_ITEMS_PER_PAGE = 20_000;

/** Text may overhang the page's edge by a fraction of a glyph (a italic's slant, rounding) and be whole. */
const EDGE_SLACK_PT = 0.5;

/** The page's text items, and the fonts pdf.js found to be fixed-pitch (its "monospace" family). */
async function pageTextItems(page: { streamTextContent(): ReadableStream }, pageNumber: number): Promise<{ items: unknown[]; monospacedFonts: Set<string> }> {
  const reader = (page.streamTextContent() as ReadableStream<{ items: unknown[]; styles?: Record<string, { fontFamily?: string }> }>).getReader();
  const items: unknown[] = [];
  const monospacedFonts = new Set<string>();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return { items, monospacedFonts };
    for (const [font, style] of Object.entries(value.styles ?? {})) if (style.fontFamily === "monospace") monospacedFonts.add(font);
    for (const item of value.items) items.push(item);
    if (items.length > MAX_TEXT_ITEMS_PER_PAGE) {
      await reader.cancel();
      throw new NeedsAttentionError(
        "too_large",
        `Page ${pageNumber} of the PDF has more than ${MAX_TEXT_ITEMS_PER_PAGE} pieces of text, more than an invoice prints: it was kept but not read.`,
      );
    }
  }
}

export async function readPdf(bytes: Uint8Array): Promise<LayoutDocument> {
  checkPdfStreams(bytes);
  const pdfjs = await loadPdfJs();
  // pdfjs takes ownership of (and may detach) the buffer it is given: pass a copy.
  const task = pdfjs.getDocument({
    data: new Uint8Array(bytes),
    standardFontDataUrl,
    isEvalSupported: false,
    useSystemFonts: false,
    disableFontFace: true,
    verbosity: 0,
    stopAtErrors: false,
  });
  let document: Awaited<typeof task.promise>;
  try {
    document = await task.promise;
  } catch (error) {
    await task.destroy();
    throw classifyPdfError(error);
  }
  try {
    if (document.numPages > MAX_PDF_PAGES) {
      throw new NeedsAttentionError(
        "too_large",
        `The PDF has ${document.numPages} pages, more than the ${MAX_PDF_PAGES} an invoice may have: it was kept but not read.`,
        { pages: document.numPages },
      );
    }
    const rows: LayoutRow[] = [];
    const pageHeights: number[] = [];
    let characters = 0;
    let rotated = 0;
    let sheetPages = 0;
    const cutAtEdge: NonNullable<LayoutDocument["cutAtEdge"]> = [];
    for (let pageNumber = 1; pageNumber <= document.numPages; pageNumber++) {
      const page = await document.getPage(pageNumber);
      // The page as a reader sees it: /Rotate applied, y growing down from the top edge. A
      // landscape invoice made by rotating a portrait page reads like any other.
      const viewport = page.getViewport({ scale: 1 });
      pageHeights.push(viewport.height);
      const items: PositionedText[] = [];
      const { items: textItems, monospacedFonts } = await pageTextItems(page, pageNumber);
      for (const item of textItems) {
        if (!isTextItem(item) || item.str.trim() === "") continue;
        const [a, b, c, d, x, top] = onPage(viewport.transform, (item.transform as unknown[]).map(Number));
        if (Math.abs(b) > 0.01 || Math.abs(c) > 0.01 || a <= 0 || d >= 0) {
          rotated++; // watermarks and vertical margin text are not part of the invoice's rows
          continue;
        }
        characters += item.str.trim().length;
        const monospaced = item.fontName !== undefined && monospacedFonts.has(item.fontName);
        items.push({ text: item.str, x, top, width: item.width, height: Math.abs(d) || item.height || 10, ...(monospaced ? { monospaced } : {}) });
        // pdf.js drops the glyphs outside the page: an item running past the right edge lost its end.
        if (x + item.width > viewport.width + EDGE_SLACK_PT) cutAtEdge.push({ page: pageNumber, top, text: item.str.trim() });
      }
      const sheet = withoutSheetHeadings(rowsFromItems(items, pageNumber));
      if (sheet.found) sheetPages++;
      rows.push(...sheet.rows);
      page.cleanup();
    }
    if (characters === 0) {
      throw new NeedsAttentionError(
        "no_text_layer",
        "The PDF has no text layer (it looks like a scan or an image): it must be keyed in or sent again as a text PDF.",
        { pages: document.numPages },
      );
    }
    const notes = rotated > 0 ? [`${rotated} rotated text item(s) ignored (watermark or margin text).`] : [];
    if (sheetPages > 0) notes.push(`A spreadsheet printed with its column letters and row numbers: they were set aside on ${sheetPages} page(s), not read as the invoice's text.`);
    if (cutAtEdge.length > 0) notes.push(`${cutAtEdge.length} piece(s) of text run past the right edge of the page and are cut there (${cutAtEdge.map((c) => `"${c.text}…" on page ${c.page}`).slice(0, 3).join(", ")}): what was printed beyond the edge cannot be read.`);
    return { format: "pdf", pageCount: document.numPages, pageHeights, rows, notes, ...(cutAtEdge.length > 0 ? { cutAtEdge } : {}) };
  } finally {
    await document.destroy();
  }
}

type Matrix = [number, number, number, number, number, number];

/** A text item's matrix in the viewport's space (the product of the two affine matrices). */
function onPage(viewport: readonly number[], text: readonly number[]): Matrix {
  const [v0 = 1, v1 = 0, v2 = 0, v3 = 1, v4 = 0, v5 = 0] = viewport;
  const [t0 = 1, t1 = 0, t2 = 0, t3 = 1, t4 = 0, t5 = 0] = text;
  return [v0 * t0 + v2 * t1, v1 * t0 + v3 * t1, v0 * t2 + v2 * t3, v1 * t2 + v3 * t3, v0 * t4 + v2 * t5 + v4, v1 * t4 + v3 * t5 + v5];
}

function classifyPdfError(error: unknown): Error {
  const name = typeof error === "object" && error !== null && "name" in error ? String(error.name) : "";
  const message = error instanceof Error ? error.message : String(error);
  if (name === "PasswordException") {
    return new NeedsAttentionError("encrypted", "The PDF is password-protected: ask the provider for an unprotected copy.");
  }
  return new NeedsAttentionError("corrupt", `The PDF could not be read (${name || "error"}: ${message}).`);
}
