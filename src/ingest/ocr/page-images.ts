import { NeedsAttentionError } from "../types.js";

// Loaded on the first scan only: text PDFs, workbooks and CSVs never pay for a canvas.
const canvasModule = (): Promise<typeof import("@napi-rs/canvas")> => import("@napi-rs/canvas");

/**
 * The page images OCR reads, one page at a time (a 300 dpi A4 page is ~35 MB of pixels while it
 * is drawn, so pages are never all held at once). PDF pages are rendered by pdf-parse's
 * getScreenshot through its own @napi-rs/canvas; PNG and JPEG are handed to tesseract as they
 * are (it decodes both); TIFF, which tesseract.js cannot decode, is decoded with utif2 and
 * re-encoded as PNG.
 */
export type ImageFormat = "png" | "jpeg" | "tiff";

export interface PageImage {
  /** 1-based page number. */
  page: number;
  /** PNG or JPEG bytes. */
  image: Uint8Array;
  width: number;
  height: number;
  /** PDF pages: points per pixel at the scale rendered (images: unknown, taken as A4 across). */
  pointsPerPixel?: number;
}

/**
 * PDF pages are rendered at this resolution: the ~300 dpi tesseract is trained for (its x-height
 * sweet spot for 9–11 pt invoice print); 200 dpi lost small print, 400 dpi only cost time.
 */
export const RENDER_DPI = 300;

/** More pages than an invoice has: a longer scan (a ledger) goes to a person unread. */
export const MAX_SCAN_PAGES = 20;

/** More pixels than a 600 dpi A3 page: a forged header claiming a gigapixel image is refused unread. */
export const MAX_PAGE_PIXELS = 7100 * 10000;

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47];
const JPEG_MAGIC = [0xff, 0xd8, 0xff];
const TIFF_MAGICS = [
  [0x49, 0x49, 0x2a, 0x00],
  [0x4d, 0x4d, 0x00, 0x2a],
];

const startsWith = (bytes: Uint8Array, magic: readonly number[]): boolean => magic.every((b, i) => bytes[i] === b);

/** PNG, JPEG or TIFF by the first bytes; null for anything else. */
export function imageFormatOf(bytes: Uint8Array): ImageFormat | null {
  if (startsWith(bytes, PNG_MAGIC)) return "png";
  if (startsWith(bytes, JPEG_MAGIC)) return "jpeg";
  if (TIFF_MAGICS.some((magic) => startsWith(bytes, magic))) return "tiff";
  return null;
}

function checkSize(width: number, height: number, page: number): void {
  if (!(width > 0 && height > 0) || width * height > MAX_PAGE_PIXELS) {
    throw new NeedsAttentionError("too_large", `Page ${page} of the scan is ${width} × ${height} pixels, more than a scanned invoice page: it was kept but not read.`);
  }
}

type PdfParseModule = typeof import("pdf-parse");
let pdfParse: Promise<PdfParseModule> | null = null;

/** How many pages a PDF has (cheap: no page is rendered). */
export async function pdfPageCount(bytes: Uint8Array): Promise<number> {
  const { PDFParse } = await (pdfParse ??= import("pdf-parse"));
  const parser = new PDFParse({ data: new Uint8Array(bytes), verbosity: 0 });
  try {
    const info = await parser.getInfo();
    return info.total;
  } finally {
    await parser.destroy();
  }
}

async function* pdfPages(bytes: Uint8Array): AsyncGenerator<PageImage> {
  const { PDFParse } = await (pdfParse ??= import("pdf-parse"));
  // pdfjs may detach the buffer it is given: each parser gets its own copy.
  const parser = new PDFParse({ data: new Uint8Array(bytes), verbosity: 0 });
  try {
    const { total } = await parser.getInfo();
    if (total > MAX_SCAN_PAGES) {
      throw new NeedsAttentionError("too_large", `The scan has ${total} pages, more than the ${MAX_SCAN_PAGES} a scanned invoice may have: it was kept but not read.`, { pages: total });
    }
    for (let page = 1; page <= total; page++) {
      // The page's size is read before it is drawn: a forged 200-inch page is drawn smaller
      // (never more than MAX_PAGE_PIXELS), not allocated at 300 dpi.
      const size = (await parser.getInfo({ parsePageInfo: true, partial: [page] })).pages[0];
      const area = size ? Math.max(1, size.width * size.height) : 595 * 842;
      const scale = Math.min(RENDER_DPI / 72, Math.sqrt(MAX_PAGE_PIXELS / 4 / area));
      const shot = await parser.getScreenshot({ partial: [page], scale, imageBuffer: true, imageDataUrl: false });
      const rendered = shot.pages[0];
      if (!rendered) continue;
      checkSize(rendered.width, rendered.height, page);
      yield { page, image: rendered.data, width: rendered.width, height: rendered.height, pointsPerPixel: 1 / scale };
    }
  } finally {
    await parser.destroy();
  }
}

/**
 * Pages narrower than this (an A4 page across at ~270 dpi) are scaled up to RENDER_DPI before
 * OCR: at 200 dpi tesseract's sparse-text mode dropped whole words of 9 pt print.
 */
const MIN_OCR_WIDTH_PX = 2200;

/** A4 across, in inches (landscape pages: A4's height). */
const A4_WIDTH_IN = 8.27;
const A4_HEIGHT_IN = 11.69;

/**
 * A PNG or JPEG is checked whole before the native decoder sees it: a truncated or damaged one
 * (a cut-off upload) crashed @napi-rs/canvas's decoder outright (a segmentation fault, measured
 * on a 6-byte JPEG), which costs a sandbox child but must not be how such a file is judged.
 * PNG: its IHDR header first and an IEND chunk; JPEG: a frame header (SOF0–SOF3) and the
 * end-of-image marker in its last kilobyte.
 */
function checkComplete(bytes: Uint8Array): void {
  const format = imageFormatOf(bytes);
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tail = (length: number): number => Math.max(0, buffer.length - length);
  const whole =
    format === "png"
      ? buffer.indexOf("IHDR") === 12 && buffer.indexOf("IEND", tail(64)) >= 0
      : format === "jpeg"
        ? [0xc0, 0xc1, 0xc2, 0xc3].some((m) => buffer.indexOf(Buffer.from([0xff, m])) > 0) && buffer.indexOf(Buffer.from([0xff, 0xd9]), tail(1024)) > 0
        : true;
  if (!whole) throw new NeedsAttentionError("corrupt", `The ${format === "png" ? "PNG" : "JPEG"} image is incomplete or damaged: it was kept but not read. Ask the provider to send it again.`);
}

async function rasterPage(bytes: Uint8Array, page = 1): Promise<PageImage> {
  checkComplete(bytes);
  const { createCanvas, loadImage } = await canvasModule();
  const image = await loadImage(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  checkSize(image.width, image.height, page);
  const across = (image.width > image.height ? A4_HEIGHT_IN : A4_WIDTH_IN) * RENDER_DPI;
  if (image.width >= MIN_OCR_WIDTH_PX) return { page, image: bytes, width: image.width, height: image.height };
  const scale = across / image.width;
  const width = Math.round(image.width * scale);
  const height = Math.round(image.height * scale);
  checkSize(width, height, page);
  const canvas = createCanvas(width, height);
  canvas.getContext("2d").drawImage(image, 0, 0, width, height);
  return { page, image: canvas.toBuffer("image/png"), width, height };
}

async function* tiffPages(bytes: Uint8Array): AsyncGenerator<PageImage> {
  const { default: UTIF } = await import("utif2");
  const { createCanvas } = await canvasModule();
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const ifds = UTIF.decode(buffer).filter((ifd) => ifd["t256"] !== undefined);
  if (ifds.length === 0) throw new NeedsAttentionError("corrupt", "The TIFF file holds no image.");
  if (ifds.length > MAX_SCAN_PAGES) throw new NeedsAttentionError("too_large", `The TIFF has ${ifds.length} pages, more than the ${MAX_SCAN_PAGES} a scanned invoice may have: it was kept but not read.`);
  let page = 0;
  for (const ifd of ifds) {
    page++;
    const width = Number((ifd["t256"] as number[])[0]);
    const height = Number((ifd["t257"] as number[] | undefined)?.[0]);
    checkSize(width, height, page);
    UTIF.decodeImage(buffer, ifd);
    const rgba = UTIF.toRGBA8(ifd);
    const canvas = createCanvas(ifd.width, ifd.height);
    const context = canvas.getContext("2d");
    const pixels = context.createImageData(ifd.width, ifd.height);
    pixels.data.set(rgba);
    context.putImageData(pixels, 0, 0);
    yield await rasterPage(canvas.toBuffer("image/png"), page);
  }
}

/** The pages of a scan, one at a time. */
export async function* pageImages(bytes: Uint8Array, format: "pdf" | ImageFormat): AsyncGenerator<PageImage> {
  switch (format) {
    case "pdf":
      yield* pdfPages(bytes);
      return;
    case "png":
    case "jpeg":
      yield await rasterPage(bytes);
      return;
    case "tiff":
      yield* tiffPages(bytes);
      return;
  }
}
