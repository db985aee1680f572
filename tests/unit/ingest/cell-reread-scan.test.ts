import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { extractInvoice, readLayout } from "../../../src/ingest/index.js";
import { sharedOcrEngine } from "../../../src/ingest/ocr/ocr-engine.js";
import { rereadTableCells } from "../../../src/ingest/ocr/reread-table-cells.js";
import { scanPageImages } from "../../../src/ingest/readers/ocr.reader.js";
import type { LayoutCell, LayoutDocument, LayoutRow } from "../../../src/ingest/types.js";

/**
 * A scan's line cells read again one by one (reread-table-cells.ts), on a real page image: a
 * short invoice printed through paps (rowan-lodge-paps.txt, glyphs drawn as paths, no text
 * layer), read by OCR. This page reads whole; the losses a larger page's read made (every lone
 * "1" of "1 wk" gone, decimal points lost so "1,210.00" came as "1,210" "00") are made on its
 * first line's cells, and the re-read must find what the image prints. Hand-worked: 1 × 1,210.00
 * = 1,210.00.
 */
const FILE = new URL("../../fixtures/ocr-reread/rowan-lodge-paps.pdf", import.meta.url);

/** The first line as a lossy page read gives it: the quantity's "1" lost, points lost. */
function lossy(row: LayoutRow): LayoutRow {
  const damage = (list: readonly LayoutCell[]): LayoutCell[] =>
    list.flatMap((cell) => {
      if (cell.text === "1" && cell.left > 200) return [];
      const split = /^([\d,]+)\.(\d\d)$/.exec(cell.text);
      if (!split) return [cell];
      const width = (cell.right - cell.left) / cell.text.length;
      return [
        { text: split[1] as string, left: cell.left, right: cell.left + width * (split[1] as string).length },
        { text: split[2] as string, left: cell.right - 2 * width, right: cell.right },
      ];
    });
  return { ...row, cells: damage(row.cells), ...(row.items ? { items: damage(row.items) } : {}) };
}

describe("numeric cells of a scan's line read again", () => {
  let read: LayoutDocument;
  let damaged: LayoutDocument;
  let lineRow = -1;

  beforeAll(async () => {
    read = await readLayout("rowan-lodge-paps.pdf", new Uint8Array(fs.readFileSync(FILE)));
    lineRow = read.rows.findIndex((row) => row.cells.some((c) => c.text === "C7101"));
    damaged = { ...read, rows: read.rows.map((row, i) => (i === lineRow ? lossy(row) : row)) };
  }, 120_000);

  afterAll(async () => {
    await sharedOcrEngine().stop();
  });

  it("a line whose quantity, rate and amount the page read lost is not read", () => {
    expect(lineRow).toBeGreaterThanOrEqual(0);
    const line = extractInvoice(damaged).lines.find((l) => l.childRef === "C7101");
    expect(line?.description).toBe("Short break - standard");
    expect(line?.quantity ?? null).toBeNull();
    // Undamaged, the page reads it.
    expect(extractInvoice(read).lines.find((l) => l.childRef === "C7101")?.amount?.toFixed(2)).toBe("1210.00");
  });

  it("reads them again from the image, and they stand because 1 × 1,210.00 = 1,210.00", async () => {
    const { doc, notes } = await rereadTableCells(damaged, scanPageImages(read), sharedOcrEngine());
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/1 × 1210\.00 = 1210\.00 confirms them/);
    const line = extractInvoice(doc).lines.find((l) => l.childRef === "C7101");
    expect(line?.description).toBe("Short break - standard");
    expect(line?.quantity?.toString()).toBe("1");
    expect(line?.unit).toBe("week");
    expect(line?.unitRate?.toFixed(2)).toBe("1210.00");
    expect(line?.amount?.toFixed(2)).toBe("1210.00");
    // The lines the page read whole are not read again.
    expect(doc.rows.filter((_, i) => i !== lineRow)).toEqual(damaged.rows.filter((_, i) => i !== lineRow));
  }, 120_000);
});
