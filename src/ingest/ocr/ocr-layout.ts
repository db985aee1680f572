import type { Line, Page, Word } from "tesseract.js";
import { rowsFromItems, type PositionedText } from "../readers/pdf-layout.js";
import type { LayoutRow, OcrWord, PixelBox } from "../types.js";

/**
 * Tesseract's words (boxes in pixels, confidences 0–100) become the positioned text the PDF
 * reader produces (points, baselines from the top of the page), so that the one extractor reads
 * text PDFs and scans alike. Two things a scan adds:
 * - skew: a page fed 0.3–1.5° askew drifts 10–60 px across its width, which would split one
 *   printed row into several; the page's angle is taken from tesseract's line baselines and every
 *   word's position turned back by it (the pixels are not rotated: only positions matter here);
 * - word spacing: tesseract gives single words; words of one line closer than about half a row height
 *   are one phrase ("Residential care – standard"); a wider gap (a column, a label and its value) separates them.
 */

export interface OcrPageLayout {
  rows: LayoutRow[];
  /** Page height in points. */
  height: number;
  /** The skew found and undone, degrees (positive: text ran down to the right). */
  skewDegrees: number;
  words: number;
  meanConfidence: number;
  /** The words with their pixel boxes, each at the position of the phrase it joined. */
  ocrWords: OcrWord[];
}

/** Words of one tesseract line this close (in its row heights) are one phrase: measured word spaces are 0.35–0.5, column gaps 0.9 and more. */
export const PHRASE_GAP_EM = 0.6;

/** Baselines shorter than this (pixels) say too little about the page's angle. */
const MIN_BASELINE_PX = 120;

/** Larger angles are not a feeder's skew: a page scanned sideways is not straightened here. */
const MAX_SKEW_DEGREES = 5;

function linesOf(page: Page): Line[] {
  return (page.blocks ?? []).flatMap((block) => block.paragraphs.flatMap((paragraph) => paragraph.lines));
}

function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** The page's skew (radians), the median angle of its longer baselines. */
export function pageSkew(lines: readonly Line[]): number {
  const angles = lines
    .map((line) => line.baseline)
    .filter((b) => b.x1 - b.x0 >= MIN_BASELINE_PX)
    .map((b) => Math.atan2(b.y1 - b.y0, b.x1 - b.x0))
    .filter((angle) => Math.abs(angle) <= (MAX_SKEW_DEGREES * Math.PI) / 180);
  return median(angles);
}

/** Noise specks read as punctuation with little confidence are not text. */
function isSpeck(word: Word): boolean {
  return !/[\p{L}\p{N}£€$%]/u.test(word.text) && word.confidence < 60;
}

interface PlacedWord {
  text: string;
  left: number;
  right: number;
  baseline: number;
  confidence: number;
  box: PixelBox;
}

/** OCR is unsure of a line whose words' mean confidence is below this. */
const UNSURE_LINE_CONFIDENCE = 50;

/**
 * A rule drawn in characters ("-----", "=====", a plain-text system's table edges) that OCR reads
 * as letters ("mmm mm mmm", "EEE mm"): every word a run of one or two characters, none a digit,
 * the line read with little confidence. Not text: read, it would be a row of the table under its heading.
 */
export function isRuleReadAsLetters(line: Line): boolean {
  const words = line.words.filter((word) => word.text.trim() !== "");
  if (words.length === 0 || !words.every((word) => !/\d/.test(word.text) && new Set(word.text.trim()).size <= 2)) return false;
  return words.reduce((total, word) => total + word.confidence, 0) / words.length < UNSURE_LINE_CONFIDENCE;
}

/** A line's words with baselines, deskewed (pixels). */
function placedWords(line: Line, cos: number, sin: number): PlacedWord[] {
  const { x0, y0, x1, y1 } = line.baseline;
  const slope = x1 > x0 ? (y1 - y0) / (x1 - x0) : 0;
  return line.words
    .filter((word) => word.text.trim() !== "" && !isSpeck(word))
    .map((word) => {
      const middle = (word.bbox.x0 + word.bbox.x1) / 2;
      const baseline = x1 > x0 ? y0 + (middle - x0) * slope : word.bbox.y1;
      // Turned back about the page's origin: x' = x cos θ + y sin θ, y' = y cos θ − x sin θ.
      const shift = baseline * sin;
      return {
        text: word.text.trim(),
        left: word.bbox.x0 * cos + shift,
        right: word.bbox.x1 * cos + shift,
        baseline: baseline * cos - middle * sin,
        confidence: word.confidence,
        box: { x0: word.bbox.x0, y0: word.bbox.y0, x1: word.bbox.x1, y1: word.bbox.y1 },
      };
    })
    .sort((a, b) => a.left - b.left);
}

/** A line's font size in pixels: tesseract's row height, else its tallest word. */
function fontSizePx(line: Line): number {
  const row = line.rowAttributes?.rowHeight ?? 0;
  if (row > 0) return row;
  return Math.max(1, ...line.words.map((w) => w.bbox.y1 - w.bbox.y0));
}

/** Joins a line's words into phrases; each phrase keeps the lowest confidence of its words. */
function phrases(words: readonly PlacedWord[], emPx: number, ptPerPx: number, page: number, ocrWords: OcrWord[]): PositionedText[] {
  const out: PositionedText[] = [];
  let current: PlacedWord | null = null;
  let members: PlacedWord[] = [];
  const flush = (): void => {
    if (!current) return;
    const top = current.baseline * ptPerPx;
    for (const word of members) ocrWords.push({ page, top, left: word.left * ptPerPx, text: word.text, confidence: word.confidence, box: word.box });
    out.push({
      text: current.text,
      x: current.left * ptPerPx,
      top: current.baseline * ptPerPx,
      width: (current.right - current.left) * ptPerPx,
      height: emPx * ptPerPx,
      confidence: current.confidence,
    });
  };
  for (const word of words) {
    if (current && word.left - current.right <= PHRASE_GAP_EM * emPx) {
      current = { text: `${current.text} ${word.text}`, left: current.left, right: Math.max(current.right, word.right), baseline: current.baseline, confidence: Math.min(current.confidence, word.confidence), box: current.box };
      members.push(word);
    } else {
      flush();
      current = { ...word };
      members = [word];
    }
  }
  flush();
  return out;
}

/**
 * One page's rows. `ptPerPx` converts pixels to points (72 / dpi): rows, gaps and page furniture
 * are then measured as on a text PDF of the same page.
 */
export function ocrPageLayout(page: Page, pageNumber: number, heightPx: number, ptPerPx: number): OcrPageLayout {
  const lines = linesOf(page);
  const angle = pageSkew(lines);
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const items: PositionedText[] = [];
  const ocrWords: OcrWord[] = [];
  let words = 0;
  let confidence = 0;
  for (const line of lines) {
    if (isRuleReadAsLetters(line)) continue;
    const placed = placedWords(line, cos, sin);
    words += placed.length;
    confidence += placed.reduce((total, w) => total + w.confidence, 0);
    items.push(...phrases(placed, fontSizePx(line), ptPerPx, pageNumber, ocrWords));
  }
  return {
    rows: rowsFromItems(items, pageNumber),
    height: heightPx * ptPerPx,
    skewDegrees: (angle * 180) / Math.PI,
    words,
    meanConfidence: words > 0 ? confidence / words : 0,
    ocrWords,
  };
}
