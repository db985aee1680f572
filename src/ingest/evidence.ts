import { columnFieldOf } from "./text/labels.js";
import type { LayoutDocument, LayoutRow } from "./types.js";

/**
 * What a refusal quotes: the text the reader stopped at, as printed. Only the header block (the
 * rows above the line table on the first page) is ever quoted for the provider and the invoice's
 * own fields, so a message about an unknown provider never repeats the children's lines.
 */

const QUOTE_LIMIT = 120;
const HEADER_BLOCK_ROWS = 30;

/**
 * Characters no text layer means: NUL and the other C0/C1 controls (tab and line breaks aside),
 * private-use code points (a font's unmapped glyphs) and U+FFFD (a decoder's "unknown").
 */
// eslint-disable-next-line no-control-regex -- finding control characters is this pattern's job
const UNREADABLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ue000-\uf8ff\ufffd]/;
const UNREADABLE_ALL = new RegExp(UNREADABLE.source, "g");

/** Text safe to store and show: every unreadable character written as its code ("\u0000"). */
export function visibleText(text: string): string {
  return text.replace(UNREADABLE_ALL, (ch) => `\\u${(ch.codePointAt(0) ?? 0).toString(16).padStart(4, "0")}`);
}

export function hasUnreadableCharacters(text: string): boolean {
  return UNREADABLE.test(text);
}

/** A quotation: visible characters, single spaces, at most QUOTE_LIMIT characters. */
export function quote(text: string): string {
  const flat = visibleText(text).replace(/\s+/g, " ").trim();
  return flat.length > QUOTE_LIMIT ? `${flat.slice(0, QUOTE_LIMIT - 1)}…` : flat;
}

/** A row as printed, its cells separated by " | " so the columns the reader saw show. */
export function rowText(row: LayoutRow): string {
  return row.cells.map((c) => c.text.trim()).filter((t) => t !== "").join(" | ");
}

function headingScore(row: LayoutRow): number {
  return row.cells.filter((c) => columnFieldOf(c.text) !== null).length;
}

/** The row most like a line table's headings (two recognised headings or more), if any. */
export function headingRowCandidate(doc: LayoutDocument): LayoutRow | null {
  let best: LayoutRow | null = null;
  for (const row of doc.rows.slice(0, 400)) {
    if (headingScore(row) >= 2 && (!best || headingScore(row) > headingScore(best))) best = row;
  }
  return best;
}

/** The first page's rows above the line table (or its first rows when no table was seen). */
export function headerBlock(doc: LayoutDocument): LayoutRow[] {
  const firstPage = doc.rows.filter((r) => r.page === (doc.rows[0]?.page ?? 1));
  const heading = firstPage.findIndex((r) => headingScore(r) >= 2);
  return firstPage.slice(0, heading >= 0 ? Math.min(heading, HEADER_BLOCK_ROWS) : HEADER_BLOCK_ROWS);
}

/** The header-block rows that mention a label the reader looked for, quoted (e.g. every "invoice" row). */
export function headerRowsMatching(doc: LayoutDocument, pattern: RegExp, limit = 3): string[] {
  return headerBlock(doc)
    .map(rowText)
    .filter((text) => pattern.test(text))
    .slice(0, limit)
    .map(quote);
}

const TITLE = /^(?:tax |vat )?(?:invoice|credit note|statement(?: of account)?|remittance advice)\b/i;
const ORGANISATION = /\b(?:ltd|limited|cic|llp|plc|trust|charity|services|care|fostering|homes?|living|centre|foundation)\b/i;

/**
 * The name the document seems to come from: the first cell of the header block that reads like
 * an organisation, else its first cell that is not a title or a label with a value.
 */
export function senderNameSeen(doc: LayoutDocument): string | null {
  const cells = headerBlock(doc)
    .flatMap((row) => row.cells.map((c) => c.text.trim()))
    .filter((t) => /[a-z]{2}/i.test(t) && !TITLE.test(t) && !t.includes(":"));
  const name = cells.find((t) => ORGANISATION.test(t)) ?? cells[0];
  return name ? quote(name) : null;
}

/** Where unreadable characters first appear in the document, quoted with their codes. */
export function unreadableEvidence(doc: LayoutDocument): string | null {
  for (const row of doc.rows) {
    const text = rowText(row);
    if (hasUnreadableCharacters(text)) return `page ${row.page} row ${row.rowNumber}: "${quote(text)}"`;
  }
  return null;
}
