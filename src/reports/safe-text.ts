/**
 * Text from outside data (provider names, invoice numbers, child references, explanations that
 * quote them) is made safe before it goes into a spreadsheet cell or a CSV field.
 *
 * exceljs already writes JavaScript strings as text (shared strings), never as formulas, and this
 * module's callers never write formula cells. But a value that starts with = + - @ (or a tab or
 * carriage return, which some spreadsheet programs skip before such a character) is still dangerous once someone
 * copies it into another sheet, saves as CSV, or re-types it: OWASP "CSV injection". Such values
 * get a leading apostrophe, as OWASP recommends, so they read as the text they are. Leading
 * spaces before one of those characters count too, and so do the full-width forms (＝ ＋ － ＠).
 *
 * Characters XML 1.0 cannot carry (C0 controls other than tab, line feed and carriage return,
 * lone surrogates, U+FFFE/U+FFFF) would make the file unreadable, so they are dropped.
 */
const DANGEROUS_START = /^[\s\u00a0]*[=+\-@\t\r\uff1d\uff0b\uff0d\uff20]/;
// eslint-disable-next-line no-control-regex -- these are exactly the characters to remove
const XML_INVALID = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function safeText(value: string | null | undefined): string {
  if (value === null || value === undefined) return "";
  const clean = value.replace(XML_INVALID, "");
  return DANGEROUS_START.test(clean) ? `'${clean}` : clean;
}
