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
}

/** Items whose baselines differ by no more than this share a row. */
export const ROW_TOLERANCE_PT = 2;

/**
 * Producers that lay text out with spaces (typewriter-style reports, some accounting packages)
 * put a whole row in one item: "Foster care    31    £131.00". Runs of two spaces or more are
 * gaps between columns, so such an item is split there, each part placed by its share of the
 * item's width (monospaced or near enough for column alignment).
 */
export function splitSpacedItems(items: readonly PositionedText[]): PositionedText[] {
  const out: PositionedText[] = [];
  for (const item of items) {
    const text = item.text.replace(/\s+$/, "");
    if (!/\S\s{2,}\S/.test(text)) {
      out.push(item);
      continue;
    }
    const perChar = item.width / Math.max(1, item.text.length);
    for (const part of text.matchAll(/\S+(?: \S+)*/g)) {
      out.push({ ...item, text: part[0], x: item.x + part.index * perChar, width: part[0].length * perChar });
    }
  }
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
    const byX = [...group].sort((a, b) => a.x - b.x);
    const height = median(byX.map((item) => item.height)) || 10;
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
