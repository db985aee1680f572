import { PDFParse } from "pdf-parse";

/** One page drawn as a PNG image. */
export interface PageImage {
  page: number;
  png: Uint8Array;
  width: number;
  height: number;
}

/**
 * Draws a PDF's pages as PNG images for the keying screen (pdf-parse's screenshot, which draws
 * with @napi-rs/canvas). Run only in the sandbox's child process (inspect.ts): a hostile PDF
 * may take memory and time, which is the child's to lose.
 */
export async function renderPdfPages(bytes: Uint8Array, scale: number, maxPages: number): Promise<PageImage[]> {
  const parser = new PDFParse({ data: new Uint8Array(bytes) });
  try {
    const result = await parser.getScreenshot({ scale, first: maxPages, imageBuffer: true, imageDataUrl: false });
    return result.pages.map((p) => ({ page: p.pageNumber, png: p.data, width: Math.round(p.width), height: Math.round(p.height) }));
  } finally {
    await parser.destroy();
  }
}

/** The image formats served as they are (no drawing needed), by their first bytes. */
export function imageTypeOf(bytes: Uint8Array): "image/png" | "image/jpeg" | null {
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return "image/png";
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "image/jpeg";
  return null;
}
