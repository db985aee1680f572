import { extractInvoice } from "../../src/ingest/extract/extractor.js";
import { readPdf } from "../../src/ingest/readers/pdf.reader.js";
import type { InvoiceDraft } from "../../src/ingest/types.js";

/**
 * A page for the reader's unit tests written as a real PDF, its content stream by hand (as mutool's and
 * other small producers' are), so the text goes through the PDF reader's own measuring: Times-Roman
 * (proportional) unless a piece says "mono" (Courier), both standard fonts named without widths.
 */
export interface DrawnText {
  x: number;
  /** Baseline, points from the top of an A4 page. */
  top: number;
  text: string;
  font?: "serif" | "mono";
}

const PAGE_HEIGHT = 842;

export function drawnPdf(pieces: readonly DrawnText[], size = 9): Uint8Array {
  const escape = (text: string): string => text.replace(/[\\()]/g, (c) => `\\${c}`);
  const content = pieces.map((p) => `BT /${p.font === "mono" ? "F2" : "F1"} ${size} Tf ${p.x} ${PAGE_HEIGHT - p.top} Td (${escape(p.text)}) Tj ET`).join("\n");
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 ${PAGE_HEIGHT}] /Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman /Encoding /WinAnsiEncoding >>",
    "<< /Type /Font /Subtype /Type1 /BaseFont /Courier /Encoding /WinAnsiEncoding >>",
    `<< /Length ${Buffer.byteLength(content, "latin1")} >>\nstream\n${content}\nendstream`,
  ];
  let pdf = "%PDF-1.4\n";
  const offsets = objects.map((body, index) => {
    const offset = Buffer.byteLength(pdf, "latin1");
    pdf += `${index + 1} 0 obj\n${body}\nendobj\n`;
    return offset;
  });
  const xref = Buffer.byteLength(pdf, "latin1");
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("")}`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return new Uint8Array(Buffer.from(pdf, "latin1"));
}

/** The invoice the reader makes of the drawn PDF. */
export async function readDrawnPdf(pieces: readonly DrawnText[], size = 9): Promise<InvoiceDraft> {
  return extractInvoice(await readPdf(drawnPdf(pieces, size)));
}
