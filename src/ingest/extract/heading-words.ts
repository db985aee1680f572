import type { LayoutCell } from "../types.js";

/** Words that join the words of one heading ("Reason for Credit", "Date of Service"). */
export const CONNECTING_WORD = /^(?:of|for|to|the|and|from|on|in|by|with|a)$/i;

/** Longest run of printed words read as one heading. */
const LONGEST_HEADING_WORDS = 5;

/** Width of one character of a printed item, from its text (monospaced producers: exact). */
function charWidth(cell: LayoutCell): number {
  return (cell.right - cell.left) / Math.max(1, cell.text.trim().length);
}

/** Two items a word-space apart (at most one and a half characters), not two columns. */
function wordGapApart(a: LayoutCell, b: LayoutCell): boolean {
  const gap = b.left - a.right;
  return gap >= 0 && gap <= 1.5 * Math.max(charWidth(a), charWidth(b));
}

/**
 * Producers that print each word as its own item (enscript and other monospaced listings) leave a
 * heading of several words ("REASON FOR CREDIT") as separate cells, and its last word ("CREDIT")
 * would then be read as a heading of its own: a second amount column over the descriptions.
 * DATA.md: a label word inside a longer label belongs to the longer label. A run of cells a
 * word-space apart is joined into one heading when the run reads as a known heading and either
 * connects its words ("for", "of") or holds a word that is no heading alone ("YOUNG" of "YOUNG
 * PERSON"). Headings that each name a field ("QTY" "UNIT") stay apart: they are two columns.
 */
export function joinHeadingWords(cells: readonly LayoutCell[], known: (text: string) => boolean): LayoutCell[] {
  const out: LayoutCell[] = [];
  let i = 0;
  while (i < cells.length) {
    let joined: { cell: LayoutCell; end: number } | null = null;
    for (let end = Math.min(cells.length, i + LONGEST_HEADING_WORDS); end >= i + 2 && !joined; end--) {
      const run = cells.slice(i, end);
      if (!run.every((cell, k) => k === 0 || wordGapApart(run[k - 1] as LayoutCell, cell))) continue;
      const text = run.map((cell) => cell.text.trim()).join(" ");
      if (!known(text)) continue;
      const connected = run.slice(1, -1).some((cell) => CONNECTING_WORD.test(cell.text.trim()));
      // A word that is no heading alone ("YOUNG" of "YOUNG PERSON") is part of the longer one;
      // a mark or a number ("#", "No") is not a word that makes a heading.
      const strayWord = run.some((cell) => /\p{L}{2,}/u.test(cell.text) && !known(cell.text));
      if (connected || strayWord) joined = { cell: { text, left: run[0]?.left ?? 0, right: run[run.length - 1]?.right ?? 0 }, end };
    }
    if (joined) {
      out.push(joined.cell);
      i = joined.end;
    } else {
      out.push(cells[i] as LayoutCell);
      i++;
    }
  }
  return out;
}
