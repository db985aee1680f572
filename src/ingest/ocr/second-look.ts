import type { LayoutDocument, OcrWord, PixelBox } from "../types.js";
import type { OcrEngine } from "./ocr-engine.js";
import type { PageImage } from "./page-images.js";

/**
 * A second, independent reading of a doubtful value (DATA.md "Scans"; issue 17). The page read
 * sees the whole page in sparse-text mode with tesseract's own page-wide threshold; a value it
 * was unsure of is read again from its own words' box only: binarised at that crop's own Otsu
 * threshold (the page's grey and noise around it no longer count) and read as one text line, with
 * each character's alternatives (tesseract's LSTM choices, `lstm_choice_mode` 2). Measured on the
 * scanned corpus: a date the page read as `01/06/2026` (confidence 60) reads `01/08/2026` (95),
 * as printed; `PO-430402` (48) reads the same, its only doubt an O that might be a 0.
 * validate-ocr.ts decides what the two readings prove; this module only reads.
 */

export interface CharAlternative {
  text: string;
  /** 0–100. */
  confidence: number;
}

export interface CharRead {
  text: string;
  /** 0–100. */
  confidence: number;
  /** Other characters the reader weighed for this one (never the character itself), most likely first. */
  alternatives: CharAlternative[];
}

export interface LineRead {
  /** Words joined by single spaces. */
  text: string;
  /** The least sure word's confidence, 0–100. */
  confidence: number;
  /** Every character, spaces left out. */
  chars: CharRead[];
}

/** Which words of a page a value was printed in (indices into `doc.ocr.words`, left to right). */
export interface WordSpan {
  page: number;
  words: number[];
}

export const spanKey = (span: WordSpan): string => `${span.page}:${span.words.join(",")}`;

/** Second readings by span (spanKey). */
export type SecondLooks = ReadonlyMap<string, LineRead>;

const ENTITIES: Record<string, string> = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'", "&apos;": "'" };
const decode = (text: string): string => text.replace(/&(?:amp|lt|gt|quot|apos|#39);/g, (entity) => ENTITIES[entity] ?? entity);

/**
 * The line in tesseract's hOCR (with `hocr_char_boxes` and `lstm_choice_mode` 2): each
 * `ocrx_word` with its `x_wconf`, each character's `x_conf`, then its `lstm_choices` block.
 * Null when no word was read.
 */
export function parseHocrLine(hocr: string): LineRead | null {
  const words: Array<{ confidence: number; chars: CharRead[] }> = [];
  const token = /<span class='ocrx_word'[^>]*x_wconf (\d+)[^>]*>|<span class='ocrx_cinfo' title='[^']*x_conf ([\d.]+)'>([^<]*)<\/span>|<span class='ocrx_cinfo' id='choice_[^']*' title='x_confs ([\d.]+)'>([^<]*)<\/span>/g;
  for (const match of hocr.matchAll(token)) {
    if (match[1] !== undefined) {
      words.push({ confidence: Number(match[1]), chars: [] });
      continue;
    }
    const word = words[words.length - 1];
    if (!word) continue;
    if (match[2] !== undefined) {
      word.chars.push({ text: decode(match[3] ?? ""), confidence: Number(match[2]), alternatives: [] });
      continue;
    }
    const char = word.chars[word.chars.length - 1];
    const text = decode(match[5] ?? "");
    const confidence = Number(match[4]);
    if (char && text !== char.text && confidence > 0) char.alternatives.push({ text, confidence });
  }
  const read = words.filter((w) => w.chars.length > 0);
  if (read.length === 0) return null;
  for (const word of read) for (const char of word.chars) char.alternatives.sort((a, b) => b.confidence - a.confidence);
  return {
    text: read.map((w) => w.chars.map((c) => c.text).join("")).join(" "),
    confidence: Math.min(...read.map((w) => w.confidence)),
    chars: read.flatMap((w) => w.chars),
  };
}

/** Otsu's threshold of a grey histogram: the level that best splits ink from paper. */
export function otsuThreshold(grey: ArrayLike<number>): number {
  const histogram = new Array<number>(256).fill(0);
  for (let i = 0; i < grey.length; i++) histogram[grey[i] as number] = (histogram[grey[i] as number] as number) + 1;
  const total = grey.length;
  let sumAll = 0;
  for (let level = 0; level < 256; level++) sumAll += level * (histogram[level] as number);
  let sumBelow = 0;
  let countBelow = 0;
  let best = 127;
  let bestVariance = -1;
  for (let level = 0; level < 256; level++) {
    countBelow += histogram[level] as number;
    if (countBelow === 0) continue;
    const countAbove = total - countBelow;
    if (countAbove === 0) break;
    sumBelow += level * (histogram[level] as number);
    const meanBelow = sumBelow / countBelow;
    const meanAbove = (sumAll - sumBelow) / countAbove;
    const variance = countBelow * countAbove * (meanBelow - meanAbove) ** 2;
    if (variance > bestVariance) {
      bestVariance = variance;
      best = level;
    }
  }
  return best;
}

/** Paper around the words, in pixels: enough for the line to be found, little of its neighbours. */
const MARGIN_PX = 6;

/** The union of the words' boxes. */
export function spanBox(words: readonly OcrWord[]): PixelBox {
  return {
    x0: Math.min(...words.map((w) => w.box.x0)),
    y0: Math.min(...words.map((w) => w.box.y0)),
    x1: Math.max(...words.map((w) => w.box.x1)),
    y1: Math.max(...words.map((w) => w.box.y1)),
  };
}

export type CanvasImage = Awaited<ReturnType<typeof import("@napi-rs/canvas").loadImage>>;

/** The span's box cut from the page image and binarised at its own threshold, as PNG. */
export async function croppedLine(page: CanvasImage, box: PixelBox): Promise<Uint8Array> {
  const { createCanvas } = await import("@napi-rs/canvas");
  const x = Math.max(0, Math.floor(box.x0 - MARGIN_PX));
  const y = Math.max(0, Math.floor(box.y0 - MARGIN_PX));
  const width = Math.min(page.width - x, Math.ceil(box.x1 - box.x0 + 2 * MARGIN_PX));
  const height = Math.min(page.height - y, Math.ceil(box.y1 - box.y0 + 2 * MARGIN_PX));
  const canvas = createCanvas(Math.max(1, width), Math.max(1, height));
  const context = canvas.getContext("2d");
  context.fillStyle = "#fff";
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.drawImage(page, x, y, width, height, 0, 0, width, height);
  const pixels = context.getImageData(0, 0, canvas.width, canvas.height);
  const grey = new Uint8Array(canvas.width * canvas.height);
  for (let i = 0; i < grey.length; i++) {
    const [r, g, b] = [pixels.data[i * 4] as number, pixels.data[i * 4 + 1] as number, pixels.data[i * 4 + 2] as number];
    grey[i] = Math.round(0.299 * r + 0.587 * g + 0.114 * b);
  }
  const threshold = otsuThreshold(grey);
  for (let i = 0; i < grey.length; i++) {
    const value = (grey[i] as number) <= threshold ? 0 : 255;
    pixels.data[i * 4] = value;
    pixels.data[i * 4 + 1] = value;
    pixels.data[i * 4 + 2] = value;
    pixels.data[i * 4 + 3] = 255;
  }
  context.putImageData(pixels, 0, 0);
  return canvas.toBuffer("image/png");
}

/** Reads each span again from its page image; a span that cannot be read again is left out. */
export async function lookAgain(doc: LayoutDocument, images: readonly PageImage[], spans: readonly WordSpan[], engine: OcrEngine): Promise<Map<string, LineRead>> {
  const looks = new Map<string, LineRead>();
  const words = doc.ocr?.words ?? [];
  const { loadImage } = await import("@napi-rs/canvas");
  const decoded = new Map<number, CanvasImage>();
  for (const span of spans) {
    const key = spanKey(span);
    if (looks.has(key)) continue;
    const image = images.find((i) => i.page === span.page);
    const spanWords = span.words.map((i) => words[i]).filter((w): w is OcrWord => w !== undefined);
    if (!image || spanWords.length === 0) continue;
    let page = decoded.get(span.page);
    if (!page) {
      page = await loadImage(Buffer.from(image.image.buffer, image.image.byteOffset, image.image.byteLength));
      decoded.set(span.page, page);
    }
    const read = parseHocrLine(await engine.readLine(await croppedLine(page, spanBox(spanWords))));
    if (read) looks.set(key, read);
  }
  return looks;
}
