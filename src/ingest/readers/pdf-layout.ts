import type { LayoutCell, LayoutRow } from "../types.js";

/**
 * Rebuilds rows and cells from positioned PDF text items. Reading order in a PDF is whatever the
 * producer wrote (side-by-side header blocks interleave, STACK.md), so rows are rebuilt from the
 * y position of each item's baseline (within ~2 pt), and cells from the gaps between items.
 */
export interface PositionedText {
  text: string;
  /** Left edge, points from the left of the page. */
  x: number;
  /** Baseline, points from the TOP of the page. */
  top: number;
  width: number;
  /** Font size (text height) in points. */
  height: number;
  /** OCR only: the reader's confidence in the text, 0–100 (its least sure word). */
  confidence?: number;
  /** Set in a fixed-pitch font (Courier & co.), as the PDF's font says: every character one pitch wide. */
  monospaced?: boolean;
}

/** Items whose baselines differ by no more than this share a row. */
export const ROW_TOLERANCE_PT = 2;

/**
 * Producers that lay text out with spaces (typewriter-style reports, some accounting packages)
 * put a whole row in one item: "Foster care    31    £131.00". Runs of two spaces or more are
 * gaps between columns, so such an item is split there, each part placed by its share of the
 * item's width (monospaced or near enough for column alignment).
 */
/** The parts of an item's text a pattern matches, each placed by its share of the item's width. */
function placedParts(item: PositionedText, pattern: RegExp): Array<{ text: string; x: number; width: number }> {
  const perChar = item.width / Math.max(1, item.text.length);
  return [...item.text.matchAll(pattern)].map((part) => ({ text: part[0], x: item.x + part.index * perChar, width: part[0].length * perChar }));
}

export function splitSpacedItems(items: readonly PositionedText[]): PositionedText[] {
  const out: PositionedText[] = [];
  for (const item of items) {
    const text = item.text.replace(/\s+$/, "");
    if (!/\S\s{2,}\S/.test(text)) {
      out.push(item);
      continue;
    }
    for (const part of placedParts(item, /\S+(?: \S+)*/g)) out.push({ ...item, ...part });
  }
  return out;
}

/** Typographic ligatures (U+FB00–FB06) as the letters they stand for. */
const LIGATURES: Readonly<Record<string, string>> = { "\uFB00": "ff", "\uFB01": "fi", "\uFB02": "fl", "\uFB03": "ffi", "\uFB04": "ffl", "\uFB05": "st", "\uFB06": "st" };

/** A run that is only a ligature's letters ("ffi" drawn as one glyph, written as its own text item). */
const LIGATURE_RUN = /^(?:ff|fi|fl|ffi|ffl)$/;

/**
 * One word drawn as several text items: producers write a ligature glyph ("ffi" in "staffing",
 * Chromium, LibreOffice, pdfTeX) or a change of font or colour mid-word as an item of its own, set
 * flush against its neighbours. Items that touch (no visible gap), or a ligature run within a thin
 * gap of the letters before or after it, are one item: the word is read as printed, never as
 * "sta ffi ng".
 */
export function joinTouchingItems(byX: readonly PositionedText[], height: number): PositionedText[] {
  const out: PositionedText[] = [];
  let lastPiece = "";
  for (const raw of byX) {
    const item = /[\uFB00-\uFB06]/.test(raw.text) ? { ...raw, text: raw.text.replace(/[\uFB00-\uFB06]/g, (c) => LIGATURES[c] ?? c) } : raw;
    const last = out[out.length - 1];
    if (last) {
      const gap = item.x - (last.x + last.width);
      const flush = gap <= Math.max(0.25, height * 0.04) && gap >= -height * 0.3;
      const ligature = (LIGATURE_RUN.test(item.text.trim()) || LIGATURE_RUN.test(lastPiece.trim())) && gap <= height * 0.2 && gap >= -height * 0.3;
      // Letters on both sides, or a closing bracket or stop drawn flush after a word ("staff" ")").
      const wordEdge =
        /\S$/.test(last.text) &&
        /^\S/.test(item.text) &&
        ((/\p{L}$/u.test(last.text) && /^\p{L}/u.test(item.text)) || (flush && /[\p{L}\d]$/u.test(last.text) && /^[)\],.;:]+$/u.test(item.text.trim())));
      if ((flush || ligature) && wordEdge && Math.abs(item.top - last.top) <= 0.5) {
        const right = Math.max(last.x + last.width, item.x + item.width);
        out[out.length - 1] = { ...last, text: `${last.text}${item.text}`, width: right - last.x, ...(item.confidence === undefined ? {} : { confidence: Math.min(last.confidence ?? 100, item.confidence) }) };
        lastPiece = item.text;
        continue;
      }
    }
    out.push(item);
    lastPiece = item.text;
  }
  return out;
}

/**
 * A space inside a run of fixed-pitch text is a whole character wide (0.6 em in Courier), wider
 * than the gap pdf.js keeps inside one item, so "4 nts" set in Courier comes as two items one
 * pitch apart. Two fixed-pitch items of one size on one baseline exactly a character's width apart
 * (a space's advance, within rounding) are one run of words. Columns drawn by separate operators
 * land wherever their producer put them: "PO-440501" and "RESIDENTIAL CARE" 1.2 pitches apart
 * (a PostScript ledger) are two cells, never one.
 */
export function joinMonospacedWords(byX: readonly PositionedText[]): PositionedText[] {
  const out: PositionedText[] = [];
  for (const item of byX) {
    const last = out[out.length - 1];
    if (last?.monospaced && item.monospaced && Math.abs(item.height - last.height) <= 0.1 && Math.abs(item.top - last.top) <= 0.5) {
      const pitch = last.width / Math.max(1, last.text.length);
      const ownPitch = item.width / Math.max(1, item.text.length);
      const gap = item.x - (last.x + last.width);
      if (Math.abs(pitch - ownPitch) <= pitch * 0.05 && Math.abs(gap - pitch) <= pitch * 0.05) {
        out[out.length - 1] = { ...last, text: `${last.text} ${item.text}`, width: item.x + item.width - last.x };
        continue;
      }
    }
    out.push(item);
  }
  return out;
}

interface Token {
  text: string;
  x: number;
  width: number;
  /** Index of the item it came from. */
  from: number;
}

/** A letter or a label's punctuation printed on its own ("T", ":", "#"); never a digit or `£`. */
const SPACED_CHARACTER = /^[\p{L}:#.&/'’-]$/u;

/**
 * A label set with its letters spaced, as a legacy system prints headings in Courier
 * ("T A X  P O I N T", "I N V O I C E  N O :"): each letter a character's width apart, the words
 * a wider gap apart. Read letter by letter it is no label at all, so a run of three or more
 * single letters at one pitch is read as its words ("TAX POINT"), one item; a letter printed in
 * the same item as the value after it ("D" of "PERIOD" before "October 2026") goes to the run and
 * the value stays an item of its own. Single letters further apart than a few characters (a
 * sheet's column letters, VAT codes in their column) are left as printed.
 */
export function joinLetterSpacedItems(byX: readonly PositionedText[]): PositionedText[] {
  const tokens: Token[] = [];
  byX.forEach((item, from) => {
    for (const part of placedParts(item, /\S+/g)) tokens.push({ ...part, from });
  });
  const inRun: Array<string | null> = tokens.map(() => null);
  let i = 0;
  while (i < tokens.length) {
    const run = [i];
    while (run.length > 0) {
      const last = tokens[run[run.length - 1] as number] as Token;
      const next = tokens[run[run.length - 1] as number + 1];
      if (!SPACED_CHARACTER.test(last.text) || !next || !SPACED_CHARACTER.test(next.text)) break;
      // A colon ends a label: "I N V O I C E  N O :   D A T E :" is two labels side by side,
      // however narrow the gap the producer left between them.
      if (last.text.endsWith(":")) break;
      const pitch = Math.max(last.width, next.width);
      const step = next.x - last.x;
      if (step < 1.5 * pitch || step > 3.6 * pitch) break;
      run.push(run[run.length - 1] as number + 1);
    }
    const letters = run.filter((k) => /\p{L}/u.test((tokens[k] as Token).text)).length;
    if (run.length >= 3 && letters >= 3 && SPACED_CHARACTER.test((tokens[i] as Token).text)) {
      let text = "";
      run.forEach((k, n) => {
        const token = tokens[k] as Token;
        const previous = tokens[run[n - 1] ?? k] as Token;
        const wordGap = n > 0 && token.x - previous.x > 2.5 * Math.max(token.width, previous.width);
        text += `${wordGap ? " " : ""}${token.text}`;
      });
      run.forEach((k, n) => (inRun[k] = n === 0 ? text : ""));
      i = (run[run.length - 1] as number) + 1;
    } else i++;
  }
  if (inRun.every((t) => t === null)) return [...byX];
  // Items none of whose words joined a run stay exactly as they were.
  const touched = new Set(tokens.filter((_, k) => inRun[k] !== null).map((t) => t.from));
  const out: PositionedText[] = [];
  tokens.forEach((token, k) => {
    const item = byX[token.from] as PositionedText;
    const first = k === 0 || (tokens[k - 1] as Token).from !== token.from;
    if (!touched.has(token.from)) {
      if (first) out.push(item);
      return;
    }
    const joined = inRun[k];
    if (joined === "") {
      const last = out[out.length - 1] as PositionedText;
      out[out.length - 1] = { ...last, width: token.x + token.width - last.x };
      return;
    }
    const previous = tokens[k - 1];
    const continuing = joined === null && previous !== undefined && previous.from === token.from && inRun[k - 1] === null;
    if (continuing) {
      const last = out[out.length - 1] as PositionedText;
      out[out.length - 1] = { ...last, text: `${last.text} ${token.text}`, width: token.x + token.width - last.x };
    } else out.push({ ...item, text: joined ?? token.text, x: token.x, width: token.width });
  });
  return out;
}

export function rowsFromItems(items: readonly PositionedText[], page: number): LayoutRow[] {
  const visible = splitSpacedItems(items.filter((item) => item.text.trim() !== ""));
  const sorted = [...visible].sort((a, b) => a.top - b.top || a.x - b.x);
  const groups: PositionedText[][] = [];
  let current: PositionedText[] = [];
  let anchor = Number.NEGATIVE_INFINITY;
  for (const item of sorted) {
    if (current.length > 0 && Math.abs(item.top - anchor) <= ROW_TOLERANCE_PT) {
      current.push(item);
    } else {
      if (current.length > 0) groups.push(current);
      current = [item];
      anchor = item.top;
    }
  }
  if (current.length > 0) groups.push(current);

  return groups.map((group, index) => {
    const sortedByX = [...group].sort((a, b) => a.x - b.x);
    const height = median(sortedByX.map((item) => item.height)) || 10;
    const byX = joinLetterSpacedItems(joinMonospacedWords(joinTouchingItems(sortedByX, height)));
    const items: LayoutCell[] = byX.map((item) => ({
      text: item.text.trim(),
      left: item.x,
      right: item.x + Math.max(item.width, 0.1),
      ...(item.confidence === undefined ? {} : { confidence: item.confidence }),
    }));
    return {
      page,
      top: Math.min(...group.map((item) => item.top)),
      height,
      cells: joinCells(items, height),
      items,
      rowNumber: index + 1,
    };
  });
}

/**
 * Items closer than about a space's width belong to one cell ("Child" + "Ref"); a wider gap
 * separates cells (columns, or a label and its value).
 */
export function joinCells(items: readonly LayoutCell[], height: number): LayoutCell[] {
  const gap = Math.max(1.5, height * 0.3);
  const cells: LayoutCell[] = [];
  for (const item of items) {
    const last = cells[cells.length - 1];
    if (last && item.left - last.right <= gap) {
      // A visible gap is a space; no gap (a font change mid-word) joins the text as printed.
      const space = item.left - last.right > height * 0.1 ? " " : "";
      last.text = `${last.text}${space}${item.text}`.replace(/\s+/g, " ");
      last.right = Math.max(last.right, item.right);
      if (item.confidence !== undefined) last.confidence = Math.min(last.confidence ?? 100, item.confidence);
    } else {
      cells.push({ ...item });
    }
  }
  return cells;
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}
