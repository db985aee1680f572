import { describe, expect, it } from "vitest";
import { acceptRereadCells, cellBox } from "../../../src/ingest/ocr/cell-reread.js";
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
