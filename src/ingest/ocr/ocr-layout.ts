import type { Line, Page, Symbol, Word } from "tesseract.js";
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
 *   A line set in a fixed-pitch font (a typed or line-printer invoice) is measured in its own
 *   characters instead: one space between two words is one phrase ("30 nights"), two or more a column.
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

/**
 * A fixed-pitch line's words are one phrase when the step from the centre of one word's last
 * character to the centre of the next word's first is at most this many pitches: one space is
 * two pitches (the space's cell and half of each character's), two spaces three.
 */
export const ONE_SPACE_PITCHES = 2.5;

/** Neighbouring characters of a fixed-pitch line step by its pitch within this share of it (ink centres wander a little). */
const PITCH_TOLERANCE = 0.2;

/** So many steps between characters at least, and this share of them at one pitch, before a line counts as fixed-pitch. */
const MIN_PITCH_STEPS = 5;
const FIXED_PITCH_SHARE = 0.9;

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
  /** Deskewed centres of its first and last characters (null when tesseract gave no characters). */
  firstCentre: number | null;
  lastCentre: number | null;
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

const centreOf = (symbol: Symbol): number => (symbol.bbox.x0 + symbol.bbox.x1) / 2;

/**
 * The line's character pitch (pixels) when it is set in a fixed-pitch font, else null. In such a
 * font every character takes one cell, so the centres of neighbouring characters inside a word
 * step by one pitch whatever the letters ("il" as "mw"); in a proportional font they step by half
 * of each glyph's width, which varies by half or more between "i" and "m", so nearly every step
 * at one pitch is a fixed-pitch line. Tesseract's characters are ink boxes, whose centres wander
 * from their cells' by a little: hence the tolerance, and a share rather than all.
 */
export function fixedPitch(line: Line): number | null {
  const steps: number[] = [];
  for (const word of line.words) {
    const symbols = word.symbols ?? [];
    for (let i = 1; i < symbols.length; i++) steps.push(centreOf(symbols[i] as Symbol) - centreOf(symbols[i - 1] as Symbol));
  }
  if (steps.length < MIN_PITCH_STEPS) return null;
  const pitch = median(steps);
  if (!(pitch > 0)) return null;
  const regular = steps.filter((step) => Math.abs(step - pitch) <= PITCH_TOLERANCE * pitch).length;
  return regular >= FIXED_PITCH_SHARE * steps.length ? pitch : null;
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
      const symbols = word.symbols ?? [];
      const first = symbols[0];
      const last = symbols[symbols.length - 1];
      return {
        text: word.text.trim(),
        left: word.bbox.x0 * cos + shift,
        right: word.bbox.x1 * cos + shift,
        firstCentre: first ? centreOf(first) * cos + shift : null,
        lastCentre: last ? centreOf(last) * cos + shift : null,
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

/** Whether a word goes on the phrase before it: a word space apart (in the line's pitch when it has one, else in its row height). */
function joinsPhrase(current: PlacedWord, word: PlacedWord, emPx: number, pitch: number | null): boolean {
  if (word.left - current.right <= PHRASE_GAP_EM * emPx) return true;
  if (pitch === null || current.lastCentre === null || word.firstCentre === null) return false;
  return word.firstCentre - current.lastCentre <= ONE_SPACE_PITCHES * pitch;
}

/** Joins a line's words into phrases; each phrase keeps the lowest confidence of its words. */
function phrases(words: readonly PlacedWord[], emPx: number, pitch: number | null, ptPerPx: number, page: number, ocrWords: OcrWord[]): PositionedText[] {
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
    if (current && joinsPhrase(current, word, emPx, pitch)) {
      current = { text: `${current.text} ${word.text}`, left: current.left, right: Math.max(current.right, word.right), lastCentre: word.lastCentre, firstCentre: current.firstCentre, baseline: current.baseline, confidence: Math.min(current.confidence, word.confidence), box: current.box };
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
    items.push(...phrases(placed, fontSizePx(line), fixedPitch(line), ptPerPx, pageNumber, ocrWords));
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
