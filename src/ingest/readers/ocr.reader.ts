import { sharedOcrEngine, OcrTimeout, type OcrEngine } from "../ocr/ocr-engine.js";
import { ocrPageLayout } from "../ocr/ocr-layout.js";
import { pageImages, pdfPageCount, type ImageFormat, type PageImage } from "../ocr/page-images.js";
import { NeedsAttentionError, type LayoutDocument, type LayoutRow, type OcrWord } from "../types.js";

/**
 * Reads a scan (a PDF without a text layer, or a PNG, JPEG or TIFF) by OCR into the same layout
 * rows as a text PDF (DATA.md "Scans"). What OCR read is not yet trusted: the document carries
 * `ocr`, and validate-ocr.ts decides which values stand and which a person must verify.
 */
export interface ScanHooks {
  /**
   * Called once the page count is known, before any page is read: the sandbox asks its parent for
   * a scan's time and memory (and waits for a free OCR place) here.
   */
  beforeOcr?(pages: number): Promise<void>;
  /** Each page read (for progress on a terminal). */
  onPage?(page: number, pages: number): void;
}

/** Points per pixel: PDF pages are rendered at a known scale; an image is taken as an A4 page across. */
function pointsPerPixel(image: PageImage): number {
  return image.pointsPerPixel ?? (image.width > image.height ? 842 : 595) / image.width;
}

/**
 * A scan's page images, kept with the document read from them for as long as it is held: a
 * doubtful value is looked at again in its page's pixels (second-look.ts). Not on the document
 * itself, which is plain data that crosses process boundaries (the keying inspection); at most
 * MAX_SCAN_PAGES compressed images, a few MB.
 */
const imagesOfScans = new WeakMap<LayoutDocument, readonly PageImage[]>();

/** The page images a scan's document was read from (none for a document not read by OCR here). */
export function scanPageImages(doc: LayoutDocument): readonly PageImage[] {
  return imagesOfScans.get(doc) ?? [];
}

async function pageCount(bytes: Uint8Array, format: "pdf" | ImageFormat): Promise<number> {
  return format === "pdf" ? pdfPageCount(bytes) : 1;
}

export async function readScan(bytes: Uint8Array, format: "pdf" | ImageFormat, hooks: ScanHooks = {}, engine: OcrEngine = sharedOcrEngine()): Promise<LayoutDocument> {
  const expected = await pageCount(bytes, format);
  await hooks.beforeOcr?.(expected);
  const rows: LayoutRow[] = [];
  const pageHeights: number[] = [];
  const skews: number[] = [];
  const ocrWords: OcrWord[] = [];
  const images: PageImage[] = [];
  let words = 0;
  let confidence = 0;
  let pages = 0;
  for await (const image of pageImages(bytes, format)) {
    let page;
    try {
      page = await engine.recognize(image.image);
    } catch (error) {
      const why = error instanceof OcrTimeout ? error.message : `OCR failed (${error instanceof Error ? error.message : String(error)})`;
      throw new NeedsAttentionError("ocr_failed", `Page ${image.page} of the scan could not be read: ${why}. Key the invoice in from the page image.`, { page: image.page });
    }
    const layout = ocrPageLayout(page, image.page, image.height, pointsPerPixel(image));
    rows.push(...layout.rows);
    ocrWords.push(...layout.ocrWords);
    images.push(image);
    pageHeights.push(layout.height);
    skews.push(Math.round(layout.skewDegrees * 100) / 100);
    words += layout.words;
    confidence += layout.meanConfidence * layout.words;
    pages++;
    hooks.onPage?.(image.page, Math.max(expected, pages));
  }
  if (words === 0) {
    throw new NeedsAttentionError("ocr_failed", "No text was found on the scan's pages (blank, or not a document): key the invoice in from the page image.", { pages });
  }
  const meanConfidence = Math.round((confidence / words) * 10) / 10;
  const doc: LayoutDocument = {
    format: "pdf",
    pageCount: pages,
    pageHeights,
    rows,
    notes: [`Read by OCR from ${pages} page image(s) (mean word confidence ${meanConfidence}).`],
    ocr: { pages, meanConfidence, skewDegrees: skews, words: ocrWords },
  };
  imagesOfScans.set(doc, images);
  return doc;
}
