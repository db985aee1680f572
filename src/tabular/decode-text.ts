/**
 * Bytes of a text file (CSV exported by whatever a council or provider uses) to a string.
 *
 * Order of evidence: a byte-order mark wins (UTF-8, UTF-16 LE/BE); otherwise bytes that are
 * valid UTF-8 are UTF-8; otherwise Windows-1252, which is what Excel on Windows writes for
 * "CSV" and where `£` is the single byte 0xA3. Windows-1252 decodes every byte, so it is the
 * last resort that never fails. UTF-16 without a BOM is recognised by its NUL bytes (ASCII
 * text in UTF-16 has a zero in every other byte), which no real CSV in the other encodings has.
 */
export type TextEncodingName = "utf-8" | "utf-16le" | "utf-16be" | "windows-1252";

export interface DecodedText {
  text: string;
  encoding: TextEncodingName;
  /** True when a byte-order mark was present (and removed). */
  bom: boolean;
}

export function detectEncoding(bytes: Uint8Array): { encoding: TextEncodingName; bomLength: number } {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { encoding: "utf-8", bomLength: 3 };
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: "utf-16le", bomLength: 2 };
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: "utf-16be", bomLength: 2 };
  const utf16 = utf16WithoutBom(bytes);
  if (utf16) return { encoding: utf16, bomLength: 0 };
  return { encoding: isValidUtf8(bytes) ? "utf-8" : "windows-1252", bomLength: 0 };
}

export function decodeTextDetailed(bytes: Uint8Array): DecodedText {
  const { encoding, bomLength } = detectEncoding(bytes);
  const body = bytes.subarray(bomLength);
  // ignoreBOM: the mark is already cut off; a second one would be content.
  const text = encoding === "windows-1252" ? decodeWindows1252(body) : new TextDecoder(encoding, { ignoreBOM: true }).decode(body);
  return { text, encoding, bom: bomLength > 0 };
}

/**
 * Windows-1252 by hand: Node's TextDecoder("windows-1252") decodes 0x80–0x9F as Latin-1
 * control characters (measured on Node 20: 0x80 gave U+0080, not €), so those 32 bytes are
 * mapped here; every other byte is its Latin-1 code point.
 */
const WINDOWS_1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
];

function decodeWindows1252(bytes: Uint8Array): string {
  const latin1 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
  return latin1.replace(/[\u0080-\u009f]/g, (ch) => String.fromCharCode(WINDOWS_1252_HIGH[ch.charCodeAt(0) - 0x80] ?? ch.charCodeAt(0)));
}

/** The text of a file, whatever of the usual encodings it was saved in (see above). */
export function decodeText(bytes: Uint8Array): string {
  return decodeTextDetailed(bytes).text;
}

function isValidUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

function utf16WithoutBom(bytes: Uint8Array): "utf-16le" | "utf-16be" | null {
  const sample = Math.min(bytes.length - (bytes.length % 2), 4096);
  if (sample < 4) return null;
  let zeroEven = 0;
  let zeroOdd = 0;
  for (let i = 0; i < sample; i += 2) {
    if (bytes[i] === 0) zeroEven += 1;
    if (bytes[i + 1] === 0) zeroOdd += 1;
  }
  const pairs = sample / 2;
  // Mostly-ASCII text: one byte of every pair is zero, the other almost never.
  if (zeroOdd > pairs * 0.6 && zeroEven < pairs * 0.05) return "utf-16le";
  if (zeroEven > pairs * 0.6 && zeroOdd < pairs * 0.05) return "utf-16be";
  return null;
}
