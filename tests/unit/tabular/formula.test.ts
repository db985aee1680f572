import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { evaluateFormula, UNKNOWN, type CellLookup } from "../../../src/tabular/formula.js";
import { readXlsx } from "../../../src/tabular/xlsx.js";

/** A sheet as a map of "A1" → value. */
function sheet(cells: Record<string, number | string | typeof UNKNOWN>): CellLookup {
  return (row, column) => cells[`${String.fromCharCode(64 + column)}${row}`] ?? null;
}

describe("formulas saved without results", () => {
  const lookup = sheet({ G12: 30, I12: 150, G13: 4.2857, I13: 1050, J14: "Net", A1: 0.1, A2: 0.2, B1: UNKNOWN });

  it("computes the arithmetic invoices use, exactly", () => {
    expect(evaluateFormula("G12*I12", lookup)?.toFixed()).toBe("4500");
    expect(evaluateFormula("=ROUND(G13*I13,2)", lookup)?.toFixed()).toBe("4499.99");
    expect(evaluateFormula("$G$12*$I$12-(10+5)/3", lookup)?.toFixed()).toBe("4495");
    expect(evaluateFormula("-G12*I12", lookup)?.toFixed()).toBe("-4500");
    expect(evaluateFormula("A1+A2", lookup)?.toFixed()).toBe("0.3");
    expect(evaluateFormula("ROUND(4500*20%,2)", lookup)?.toFixed()).toBe("900");
    // Excel rounds halves away from zero.
    expect(evaluateFormula("ROUND(2.675,2)", lookup)?.toFixed()).toBe("2.68");
    expect(evaluateFormula("ROUND(-2.675,2)", lookup)?.toFixed()).toBe("-2.68");
  });

  it("SUM takes ranges and values, passing over text and blanks", () => {
    expect(evaluateFormula("SUM(I12:I14)", lookup)?.toFixed()).toBe("1200");
    expect(evaluateFormula("SUM(G12,I12,5)", lookup)?.toFixed()).toBe("185");
    expect(evaluateFormula("sum(J10:J20)", lookup)?.toFixed()).toBe("0");
  });

  it("leaves alone what it does not know: other sheets, other functions, text in arithmetic, uncomputable cells", () => {
    expect(evaluateFormula("Cover!B4*2", lookup)).toBeNull();
    expect(evaluateFormula("VLOOKUP(A1,B1:C9,2)", lookup)).toBeNull();
    expect(evaluateFormula("J14*2", lookup)).toBeNull();
    expect(evaluateFormula("B1+1", lookup)).toBeNull();
    expect(evaluateFormula("G12/0", lookup)).toBeNull();
    expect(evaluateFormula("G12*", lookup)).toBeNull();
  });

  it("readXlsx fills in formula cells that have no saved result, in dependency order, and marks them computed", async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet("Invoice");
    ws.getCell("A1").value = 30;
    ws.getCell("B1").value = 124;
    ws.getCell("C1").value = { formula: "A1*B1" };
    ws.getCell("C1").numFmt = '"£"#,##0.00';
    ws.getCell("C2").value = { formula: "C1*-0.05" };
    ws.getCell("C3").value = { formula: "SUM(C1:C2)" };
    ws.getCell("C4").value = { formula: "C3+C4" }; // circular: never computed
    ws.getCell("C5").value = { formula: "A1*B1", result: 1 }; // a saved result is read as saved
    const [read] = await readXlsx(new Uint8Array(await wb.xlsx.writeBuffer()));
    const cell = (row: number): unknown => read?.rows[row - 1]?.[2];
    expect(cell(1)).toEqual({ text: "£3,720.00", value: 3720, isFormula: true, computed: true });
    expect(cell(2)).toMatchObject({ value: -186, computed: true });
    expect(cell(3)).toMatchObject({ value: 3534, computed: true });
    expect(cell(4)).toBeUndefined();
    expect(cell(5)).toEqual({ text: "1", value: 1, isFormula: true });
  });
});
