import zlib from "node:zlib";
import { AppError } from "../domain/errors.js";
import { readU16, readU32, type ZipDirectory, type ZipEntryInfo } from "./zip-directory.js";

/**
 * Some generators write worksheet cells without their `r` address (`<c t="s"><v>0</v></c>`),
 * which the XLSX standard allows (the position follows from order) but exceljs's readers do
 * not: both crash (STACK.md; the DOM reader too, measured). This rewrites such a workbook with
 * every row and cell addressed, so exceljs can read it. It runs only when a first read fails.
 *
 * Inflating is bounded by the sizes the directory declares (already checked against the
 * zip-bomb limits): an entry that inflates beyond its declared size is refused.
 */
export function addMissingCellAddresses(bytes: Uint8Array, directory: ZipDirectory): Buffer | null {
  let changed = false;
  const parts = directory.entries.map((entry) => {
    const data = inflateEntry(bytes, entry);
    if (!/^xl\/worksheets\/[^/]+\.xml$/i.test(entry.name)) return { name: entry.name, data };
    const xml = data.toString("utf8");
    const fixed = addressCells(xml);
    if (fixed === xml) return { name: entry.name, data };
    changed = true;
    return { name: entry.name, data: Buffer.from(fixed, "utf8") };
  });
  return changed ? writeStoredZip(parts) : null;
}

function inflateEntry(bytes: Uint8Array, entry: ZipEntryInfo): Buffer {
  const at = entry.localHeaderOffset;
  if (at + 30 > bytes.length || readU32(bytes, at) !== 0x04034b50) {
    throw new AppError("xlsx.corrupt", `the file is not a readable XLSX workbook: the part ${entry.name} is damaged`);
  }
  const start = at + 30 + readU16(bytes, at + 26) + readU16(bytes, at + 28);
  const compressed = Buffer.from(bytes.buffer, bytes.byteOffset + start, Math.min(entry.compressedSize, bytes.length - start));
  if (entry.method === 0) return Buffer.from(compressed);
  if (entry.method !== 8) throw new AppError("xlsx.corrupt", `the part ${entry.name} uses an unsupported compression method (${entry.method})`);
  try {
    return zlib.inflateRawSync(compressed, { maxOutputLength: Math.max(entry.uncompressedSize, 1) });
  } catch (error) {
    const tooBig = (error as { code?: string }).code === "ERR_BUFFER_TOO_LARGE" || error instanceof RangeError;
    throw new AppError(
      tooBig ? "xlsx.zip_bomb" : "xlsx.corrupt",
      tooBig ? `the workbook was refused: the part ${entry.name} expands beyond its declared size; it may be a zip bomb` : `the part ${entry.name} is damaged`,
      tooBig ? { reason: "size" } : {},
    );
  }
}

const TAG = /<row\b[^>]*>|<\/row>|<c\b[^>]*?\/?>/g;

/** Numbers rows and cells in document order, keeping any addresses already present. */
export function addressCells(xml: string): string {
  let rowNumber = 0;
  let column = 0;
  return xml.replace(TAG, (tag) => {
    if (tag === "</row>") return tag;
    if (tag.startsWith("<row")) {
      const r = /\sr="(\d+)"/.exec(tag);
      rowNumber = r ? Number(r[1]) : rowNumber + 1;
      column = 0;
      return r ? tag : tag.replace(/^<row/, `<row r="${rowNumber}"`);
    }
    const r = /\sr="([A-Z]+)(\d+)"/.exec(tag);
    if (r) {
      column = columnNumber(r[1] ?? "A");
      return tag;
    }
    column += 1;
    return tag.replace(/^<c/, `<c r="${columnLetters(column)}${rowNumber}"`);
  });
}

function columnNumber(letters: string): number {
  let n = 0;
  for (const ch of letters) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n;
}

export function columnLetters(n: number): string {
  let letters = "";
  let rest = n;
  while (rest > 0) {
    const remainder = (rest - 1) % 26;
    letters = String.fromCharCode(65 + remainder) + letters;
    rest = Math.floor((rest - 1) / 26);
  }
  return letters;
}

/** A zip with every part stored uncompressed: the simplest archive exceljs reads. */
function writeStoredZip(parts: Array<{ name: string; data: Buffer }>): Buffer {
  const chunks: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const part of parts) {
    const name = Buffer.from(part.name, "utf8");
    const crc = zlib.crc32(part.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // names are UTF-8
    local.writeUInt16LE(0, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(part.data.length, 18);
    local.writeUInt32LE(part.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    chunks.push(local, name, part.data);
    const header = Buffer.alloc(46);
    header.writeUInt32LE(0x02014b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(20, 6);
    header.writeUInt16LE(0x0800, 8);
    header.writeUInt32LE(crc, 16);
    header.writeUInt32LE(part.data.length, 20);
    header.writeUInt32LE(part.data.length, 24);
    header.writeUInt16LE(name.length, 28);
    header.writeUInt32LE(offset, 42);
    central.push(header, name);
    offset += local.length + name.length + part.data.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...chunks, directory, end]);
}
