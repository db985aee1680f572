import yauzl from "yauzl";
import { AppError } from "../domain/errors.js";
import type { ZipLimits } from "./zip-directory.js";

/**
 * Inflates every part of a workbook once, bounded, before exceljs sees it (issue 22: JSZip,
 * inside exceljs, inflates a whole entry before checking its size, so a 1 MB file whose zip
 * directory under-stated one part reached 1.2 GB). yauzl checks each entry's real size
 * against the size it declares (validateEntrySizes) as it streams, so a forged directory
 * stops at the declared size; the declared sizes were already held to the limits by
 * checkZipDirectory. Worksheet rows and cells are counted while streaming, so a workbook
 * within every size limit but with more rows than the caller accepts is refused before the
 * DOM reader builds it (a 14.7 MB workbook took 3.7 GB there).
 */
export interface SheetBounds {
  maxRows: number;
  maxCells: number;
}

function bomb(message: string): AppError {
  return new AppError("xlsx.zip_bomb", message);
}

/** Counts `needle` in a stream of text chunks, including across chunk boundaries. */
function counter(pattern: RegExp, carry: number): (chunk: string) => number {
  let tail = "";
  return (chunk: string): number => {
    const text = tail + chunk;
    tail = text.slice(-carry);
    const matches = text.slice(0, text.length - carry).match(pattern);
    return matches ? matches.length : 0;
  };
}

export function inflateWithinBounds(bytes: Uint8Array, limits: ZipLimits, sheets: SheetBounds | null): Promise<void> {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buffer, { lazyEntries: true, validateEntrySizes: true, decodeStrings: true }, (openError, zip) => {
      if (openError || !zip) {
        reject(new AppError("xlsx.corrupt", `the XLSX workbook is not a sound zip archive (${openError?.message ?? "no archive"})`));
        return;
      }
      let total = 0;
      let rows = 0;
      let cells = 0;
      let failed = false;
      const fail = (error: AppError): void => {
        if (failed) return;
        failed = true;
        zip.close();
        reject(error);
      };
      zip.on("error", (error: Error) => fail(bomb(`the workbook's parts do not match its directory (${error.message})`)));
      zip.on("end", () => {
        if (!failed) resolve();
      });
      zip.on("entry", (entry: yauzl.Entry) => {
        if (entry.fileName.endsWith("/")) {
          zip.readEntry();
          return;
        }
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError || !stream) {
            fail(bomb(`the part ${entry.fileName} cannot be read (${streamError?.message ?? "no data"})`));
            return;
          }
          const isSheet = sheets !== null && /^xl\/worksheets\/[^/]+\.xml$/i.test(entry.fileName);
          const countRows = counter(/<row[\s>/]/g, 5);
          const countCells = counter(/<c[\s>/]/g, 3);
          stream.on("data", (chunk: Buffer) => {
            total += chunk.byteLength;
            if (total > limits.maxTotalUncompressedBytes) {
              stream.destroy();
              fail(bomb(`the workbook expands to more than ${Math.round(limits.maxTotalUncompressedBytes / (1024 * 1024))} MB`));
              return;
            }
            if (isSheet && sheets) {
              const text = chunk.toString("latin1");
              rows += countRows(text);
              cells += countCells(text);
              if (rows > sheets.maxRows || cells > sheets.maxCells) {
                stream.destroy();
                fail(new AppError("xlsx.too_many_rows", `the workbook has more than ${rows > sheets.maxRows ? `${sheets.maxRows} rows` : `${sheets.maxCells} cells`}`));
              }
            }
          });
          stream.on("error", (error: Error) => fail(bomb(`the part ${entry.fileName} does not match its declared size (${error.message})`)));
          stream.on("end", () => {
            if (!failed) zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}
