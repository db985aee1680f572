import { describe, expect, it } from "vitest";
import { acceptRereadCells, cellBox, columnBand } from "../../../src/ingest/ocr/cell-reread.js";
import type { LayoutRow } from "../../../src/ingest/types.js";

/**
 * A line table's numeric cells read again one cell at a time (cell-reread.ts): where to look, and
 * what the readings prove. Figures worked by hand: 1 × 4,935.00 = 4,935.00; 4.43 wk × 917.00 =
 * 4,062.31 (4062.31 exactly: 4.43 × 917 = 4062.31); 3 × 26.00 = 78.00, not 87.00.
 */
describe("cell re-read", () => {
  const row: LayoutRow = { page: 1, top: 198, height: 11.5, cells: [], rowNumber: 9 };

  it("looks at the column's whole span across the row's band, in pixels", () => {
    // 300 dpi: 72 / 300 points per pixel. Qty column 405–458 pt → 1687.5–1908.3 px.
    const box = cellBox(row, { left: 405, right: 458 }, 72 / 300);
    expect(box).toEqual({ x0: 1687, y0: Math.floor((198 - 11.5) * (300 / 72)), x1: 1909, y1: Math.ceil((198 + 4.6) * (300 / 72)) });
    expect(box.y0).toBeLessThan(198 * (300 / 72));
    expect(box.y1).toBeGreaterThan(198 * (300 / 72));
  });

  // A row as a page read lost its characters (drawn here by hand, other words and positions than
  // any fixture): "8 nights" read as "nights", "£62.50" and "£500.00" split at their lost points.
  const lost: LayoutRow = {
    page: 1, top: 300, height: 10, rowNumber: 4,
    cells: [
      { text: "Respite stay", left: 40, right: 110 },
      { text: "31/01/27", left: 250, right: 290 },
      { text: "nights", left: 330, right: 360 },
      { text: "£62", left: 385, right: 402 },
      { text: "50", left: 406, right: 416 },
      { text: "£500", left: 470, right: 492 },
      { text: "00", left: 496, right: 506 },
    ],
  };

  it("reaches a right-aligned figure's lost characters left of a short heading", () => {
    // "Nights" heading at 340–360: the band runs from the date's ink to the rate's.
    expect(columnBand(lost, { left: 340, right: 360 })).toEqual({ left: 291.5, right: 383.5 });
    // "Rate" at 395–416 takes both halves of the split rate; "Total" at 480–506 is the last column.
    expect(columnBand(lost, { left: 395, right: 416 })).toEqual({ left: 361.5, right: 468.5 });
    expect(columnBand(lost, { left: 480, right: 506 })).toEqual({ left: 417.5, right: 512 });
  });

  it("takes a figure overhanging its heading as its column's, never a description's words", () => {
    // "12 nights" with "12" across no heading, nearer "Nights" (340–360) than "Date" (250–280).
    const overhang: LayoutRow = { ...lost, cells: [{ text: "Respite stay extended", left: 40, right: 300 }, { text: "12", left: 318, right: 328 }, ...lost.cells.slice(2)] };
    const headings = [{ left: 40, right: 80 }, { left: 250, right: 280 }, { left: 395, right: 416 }, { left: 480, right: 506 }];
    expect(columnBand(overhang, { left: 340, right: 360 }, headings)).toEqual({ left: 301.5, right: 383.5 });
  });

  it("reads an empty cell's whole gap", () => {
    const empty: LayoutRow = { ...lost, cells: lost.cells.filter((c) => c.text !== "nights") };
    expect(columnBand(empty, { left: 340, right: 360 })).toEqual({ left: 291.5, right: 383.5 });
  });

  it("accepts a quantity the page read lost when the line's arithmetic closes", () => {
    const verdict = acceptRereadCells({ quantity: "1 wk", rate: "4,935.00", amount: "4,935.00" });
    expect("accepted" in verdict && verdict.accepted.quantity.value.toString()).toBe("1");
    expect("accepted" in verdict && verdict.accepted.quantity.unit).toBe("week");
    expect("accepted" in verdict && verdict.accepted.amount.toFixed(2)).toBe("4935.00");
  });

  it("accepts a fractional weekly quantity within its rounding", () => {
    const verdict = acceptRereadCells({ quantity: "4.43 wks", rate: "917.00", amount: "4,062.31" });
    expect("accepted" in verdict).toBe(true);
  });

  it("refuses readings whose arithmetic does not close", () => {
    const verdict = acceptRereadCells({ quantity: "3", rate: "26.00", amount: "87.00" });
    expect(verdict).toEqual({ refused: "the re-read cells do not agree: 3 × 26.00 = 78.00, not 87.00" });
  });

  it("refuses a cell that still does not read as its column's value", () => {
    expect(acceptRereadCells({ quantity: "wk", rate: "4,935.00", amount: "4,935.00" })).toEqual({ refused: 'the quantity re-read as "wk", not a quantity' });
    expect(acceptRereadCells({ quantity: "1 wk", rate: null, amount: "4,935.00" })).toEqual({ refused: "the rate re-read as nothing, not an amount of money" });
  });
});
