import zlib from "node:zlib";
import { NeedsAttentionError } from "../types.js";

/**
 * A bound on what a PDF's compressed streams decode to, checked before the PDF reader sees the
 * file (issue 22: a 1 MB PDF whose content stream inflated to 1 GiB took a server from 227 MB
 * to 2.57 GB). Every `stream … endstream` body is inflated with zlib's maxOutputLength, so no
 * stream can decode past the cap; bodies that are not deflate data (images, fonts in other
 * codecs) are skipped. Invoices decode to a few megabytes; scans' page images to tens.
 */
export const PDF_STREAM_LIMITS = Object.freeze({
  maxStreamBytes: 64 * 1024 * 1024,
  maxTotalBytes: 256 * 1024 * 1024,
});

const STREAM = Buffer.from("stream");
const END_STREAM = Buffer.from("endstream");

function tooLarge(what: string): NeedsAttentionError {
  return new NeedsAttentionError("too_large", `The PDF ${what}: it was kept but not read.`);
}

function isTooLarge(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === "ERR_BUFFER_TOO_LARGE" || error instanceof RangeError;
}

export function checkPdfStreams(bytes: Uint8Array, limits = PDF_STREAM_LIMITS): void {
  const pdf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let total = 0;
  let at = pdf.indexOf(STREAM);
  while (at !== -1) {
    // "stream" followed by CRLF or LF opens a body; "endstream" also contains "stream".
    let start = at + STREAM.length;
    const isEnd = at >= 3 && pdf.toString("latin1", at - 3, at) === "end";
    if (!isEnd && (pdf[start] === 0x0d || pdf[start] === 0x0a)) {
      if (pdf[start] === 0x0d) start++;
      if (pdf[start] === 0x0a) start++;
      const end = pdf.indexOf(END_STREAM, start);
      if (end === -1) break;
      const remaining = Math.min(limits.maxStreamBytes, limits.maxTotalBytes - total);
      try {
        const decoded = zlib.inflateSync(pdf.subarray(start, end), { maxOutputLength: remaining + 1, finishFlush: zlib.constants.Z_SYNC_FLUSH });
        total += decoded.byteLength;
      } catch (error) {
        if (isTooLarge(error)) {
          throw remaining < limits.maxStreamBytes
            ? tooLarge(`streams decode to more than ${limits.maxTotalBytes / (1024 * 1024)} MB in all`)
            : tooLarge(`has a stream that decodes to more than ${limits.maxStreamBytes / (1024 * 1024)} MB`);
        }
        // Not deflate data (or damaged): the reader deals with it.
      }
      if (total > limits.maxTotalBytes) throw tooLarge(`streams decode to more than ${limits.maxTotalBytes / (1024 * 1024)} MB in all`);
      at = pdf.indexOf(STREAM, end + END_STREAM.length);
      continue;
    }
    at = pdf.indexOf(STREAM, at + STREAM.length);
  }
}
