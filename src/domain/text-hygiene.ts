/**
 * Text from outside (requests, command-line arguments, file names, cells written to
 * spreadsheets) made safe in one place (issue 22).
 */

// C0 controls other than tab, line feed and carriage return; DEL; the C1 controls. NUL in a
// query reached PostgreSQL ("invalid byte sequence") and came back as a 500.
// eslint-disable-next-line no-control-regex -- these are exactly the characters refused
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
// eslint-disable-next-line no-control-regex -- and removed from file names
const CONTROL_ALL = /[\u0000-\u001f\u007f-\u009f]/g;
// Unicode format characters: bidirectional overrides and isolates (U+202A–U+202E,
// U+2066–U+2069), zero-width joiners, the byte-order mark and the like. A right-to-left
// override makes "invoice\u202Efdp.exe" display as "invoiceexe.pdf".
const FORMAT = /\p{Cf}/gu;

export function hasControlCharacter(value: string): boolean {
  return CONTROL.test(value);
}

export function stripFormatCharacters(value: string): string {
  return value.replace(FORMAT, "");
}

/** A received file's name as stored and shown: no format or control characters, no path. */
export function cleanFileName(name: string): string {
  const base = name.replace(/\\/g, "/").split("/").pop() ?? "";
  const clean = stripFormatCharacters(base).replace(CONTROL_ALL, "").trim();
  return clean === "" || clean === "." || clean === ".." ? "file" : clean;
}

/**
 * The formula-injection guard for every CSV field and spreadsheet cell we write (OWASP "CSV
 * injection"). A value whose first visible character would start a formula — = + - @, their
 * full-width (＝ ＋ － ＠) and small (﹦ ﹢ ﹣) forms, the minus sign, or a tab or carriage
 * return, after any spaces or invisible format characters — gets a leading apostrophe so it
 * reads as the text it is. Plain numbers ("-12.50") are not formulas and are left alone.
 * Characters XML 1.0 cannot carry (C0 controls other than tab, LF and CR, lone surrogates,
 * U+FFFE/U+FFFF) would make a workbook unreadable, so they are dropped.
 */
const DANGEROUS_START = /^[\s\u00a0\p{Cf}]*[=+\-@\t\r\uff1d\uff0b\uff0d\uff20\ufe66\ufe62\ufe63\u2212]/u;
const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;
// eslint-disable-next-line no-control-regex -- these are exactly the characters to remove
const XML_INVALID = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function safeCellText(value: string | null | undefined): string {
  if (value === null || value === undefined) return "";
  const clean = value.replace(XML_INVALID, "");
  return DANGEROUS_START.test(clean) && !PLAIN_NUMBER.test(clean) ? `'${clean}` : clean;
}
