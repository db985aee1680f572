import { AppError } from "../domain/errors.js";

/**
 * Zip-bomb guard for XLSX (an XLSX file is a zip of XML parts). exceljs inflates whatever
 * it is given (a bomb grows it to about 1 GB, STACK.md), so before handing it bytes we read
 * the zip's central directory, which states every entry's compressed and uncompressed size,
 * and refuse files that would inflate too far. Reading the directory inflates nothing and
 * takes milliseconds.
 *
 * The directory is what the file claims; a forged directory that understates sizes is not
 * caught here. exceljs's DOM reader (JSZip) also works from this directory, and the byte
 * limit on uploads bounds what a forged entry can hold.
 */
export interface ZipLimits {
  /** Refuse when the entries inflate to more than this in total. */
  maxTotalUncompressedBytes: number;
  /** Refuse when an entry inflates to more than this many times its compressed size. */
  maxCompressionRatio: number;
  /** Only entries at least this large (uncompressed) are held to the ratio: tiny parts compress absurdly well. */
  ratioCheckMinBytes: number;
  /** Refuse archives with more entries than this (a workbook has tens). */
  maxEntries: number;
}

export const DEFAULT_ZIP_LIMITS: Readonly<ZipLimits> = Object.freeze({
  maxTotalUncompressedBytes: 200 * 1024 * 1024,
  maxCompressionRatio: 200,
  ratioCheckMinBytes: 1024 * 1024,
  maxEntries: 5_000,
});

export interface ZipEntryInfo {
  name: string;
  /** 0 stored, 8 deflate, others rare. */
  method: number;
  compressedSize: number;
  uncompressedSize: number;
  /** Where the entry's local header starts in the file. */
  localHeaderOffset: number;
}

export interface ZipDirectory {
  entries: ZipEntryInfo[];
  totalUncompressedBytes: number;
}

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_DIRECTORY = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_END = 0x06064b50;
const OLE_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && readU32(bytes, 0) === LOCAL_HEADER;
}

/**
 * Reads the central directory and throws a coded AppError when the file is not a zip
 * (`xlsx.not_zip`), is damaged (`xlsx.corrupt`) or exceeds the limits (`xlsx.zip_bomb`, with
 * `reason` size, ratio or entries in the context). Returns the directory otherwise.
 */
export function checkZipDirectory(bytes: Uint8Array, limits: Partial<ZipLimits> = {}): ZipDirectory {
  const limit: ZipLimits = { ...DEFAULT_ZIP_LIMITS, ...limits };
  if (!isZip(bytes)) {
    const ole = bytes.length >= 8 && OLE_MAGIC.every((b, i) => bytes[i] === b);
    throw new AppError(
      "xlsx.not_zip",
      ole
        ? "the file is not an XLSX workbook: it is an old-style .xls file or a password-protected workbook (save it as an unprotected .xlsx or as .csv)"
        : "the file is not an XLSX workbook (an XLSX file is a zip archive, and this is not one)",
      { ole },
    );
  }
  const { count, offset, size } = locateDirectory(bytes);
  if (count > limit.maxEntries) bomb("entries", `the workbook has ${count} parts (more than ${limit.maxEntries})`, count);
  if (offset + size > bytes.length) corrupt("the zip directory lies beyond the end of the file");

  const entries: ZipEntryInfo[] = [];
  let total = 0;
  let position = offset;
  for (let i = 0; i < count; i += 1) {
    if (position + 46 > bytes.length || readU32(bytes, position) !== CENTRAL_HEADER) corrupt("the zip directory is damaged");
    const method = readU16(bytes, position + 10);
    let compressedSize = readU32(bytes, position + 20);
    let uncompressedSize = readU32(bytes, position + 24);
    const nameLength = readU16(bytes, position + 28);
    const extraLength = readU16(bytes, position + 30);
    const commentLength = readU16(bytes, position + 32);
    let localHeaderOffset = readU32(bytes, position + 42);
    const nameStart = position + 46;
    const extraStart = nameStart + nameLength;
    if (extraStart + extraLength + commentLength > bytes.length) corrupt("the zip directory is damaged");
    const name = new TextDecoder("utf-8").decode(bytes.subarray(nameStart, extraStart));
    if (uncompressedSize === 0xffffffff || compressedSize === 0xffffffff || localHeaderOffset === 0xffffffff) {
      const zip64 = readZip64Fields(bytes, extraStart, extraLength, {
        uncompressed: uncompressedSize === 0xffffffff,
        compressed: compressedSize === 0xffffffff,
        offset: localHeaderOffset === 0xffffffff,
      });
      uncompressedSize = zip64.uncompressed ?? uncompressedSize;
      compressedSize = zip64.compressed ?? compressedSize;
      localHeaderOffset = zip64.offset ?? localHeaderOffset;
    }
    total += uncompressedSize;
    if (total > limit.maxTotalUncompressedBytes) {
      bomb("size", `the workbook would expand to more than ${megabytes(limit.maxTotalUncompressedBytes)}`, total);
    }
    if (uncompressedSize >= limit.ratioCheckMinBytes && uncompressedSize > compressedSize * limit.maxCompressionRatio) {
      bomb("ratio", `the part ${name} would expand more than ${limit.maxCompressionRatio} times`, uncompressedSize);
    }
    entries.push({ name, method, compressedSize, uncompressedSize, localHeaderOffset });
    position = extraStart + extraLength + commentLength;
  }
  return { entries, totalUncompressedBytes: total };
}

function locateDirectory(bytes: Uint8Array): { count: number; offset: number; size: number } {
  // The end record is 22 bytes plus a comment of at most 65535 bytes, at the very end.
  const earliest = Math.max(0, bytes.length - 22 - 0xffff);
  let end = -1;
  for (let i = bytes.length - 22; i >= earliest; i -= 1) {
    if (readU32(bytes, i) === END_OF_DIRECTORY) {
      end = i;
      break;
    }
  }
  if (end < 0) corrupt("the zip archive has no directory (the file is truncated or damaged)");
  let count = readU16(bytes, end + 10);
  let size = readU32(bytes, end + 12);
  let offset = readU32(bytes, end + 16);
  const locator = end - 20;
  if ((count === 0xffff || size === 0xffffffff || offset === 0xffffffff) && locator >= 0 && readU32(bytes, locator) === ZIP64_LOCATOR) {
    const zip64End = readU64(bytes, locator + 8);
    if (zip64End + 56 > bytes.length || readU32(bytes, zip64End) !== ZIP64_END) corrupt("the zip64 directory is damaged");
    count = readU64(bytes, zip64End + 32);
    size = readU64(bytes, zip64End + 40);
    offset = readU64(bytes, zip64End + 48);
  }
  return { count, offset, size };
}

interface Zip64Fields {
  uncompressed?: number;
  compressed?: number;
  offset?: number;
}

/** The zip64 extra field holds, in this order, only the values whose 32-bit field is 0xFFFFFFFF. */
function readZip64Fields(bytes: Uint8Array, start: number, length: number, wanted: Record<keyof Zip64Fields, boolean>): Zip64Fields {
  let position = start;
  while (position + 4 <= start + length) {
    const id = readU16(bytes, position);
    const size = readU16(bytes, position + 2);
    if (id === 0x0001) {
      const end = position + 4 + size;
      let field = position + 4;
      const result: Zip64Fields = {};
      for (const key of ["uncompressed", "compressed", "offset"] as const) {
        if (!wanted[key]) continue;
        if (field + 8 > end) break;
        result[key] = readU64(bytes, field);
        field += 8;
      }
      return result;
    }
    position += 4 + size;
  }
  return {};
}

function bomb(reason: "size" | "ratio" | "entries", detail: string, value: number): never {
  throw new AppError("xlsx.zip_bomb", `the workbook was refused: ${detail}; it may be a zip bomb`, { reason, value });
}

function corrupt(detail: string): never {
  throw new AppError("xlsx.corrupt", `the file is not a readable XLSX workbook: ${detail}`);
}

function megabytes(bytes: number): string {
  return `${Math.round(bytes / (1024 * 1024))} MB`;
}

export function readU16(bytes: Uint8Array, at: number): number {
  return (bytes[at] ?? 0) | ((bytes[at + 1] ?? 0) << 8);
}

export function readU32(bytes: Uint8Array, at: number): number {
  return (readU16(bytes, at) + readU16(bytes, at + 2) * 0x10000) >>> 0;
}

function readU64(bytes: Uint8Array, at: number): number {
  // Sizes beyond 2^53 are not real workbooks; the limits refuse them long before.
  return readU32(bytes, at) + readU32(bytes, at + 4) * 0x1_0000_0000;
}
