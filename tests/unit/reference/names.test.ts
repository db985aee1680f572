import { describe, expect, it } from "vitest";
import { matchHeaders } from "../../../src/reference/headers.js";
import { formatOf, tableFromFileName } from "../../../src/reference/table-name.js";
import { compact, REFERENCE_TABLES, TABLES } from "../../../src/reference/tables.js";

describe("table from the file name", () => {
  it("recognises every table, in the spellings exports and people use", () => {
    expect(REFERENCE_TABLES.map((table) => tableFromFileName(`${table}.csv`))).toEqual([...REFERENCE_TABLES]);
    expect(tableFromFileName("Placements.XLSX")).toBe("placements");
    expect(tableFromFileName("placement-fees.csv")).toBe("placement_fees");
    expect(tableFromFileName("Placement Fees.xlsx")).toBe("placement_fees");
    expect(tableFromFileName("PlacementFees.csv")).toBe("placement_fees");
    expect(tableFromFileName("01_providers.csv")).toBe("providers");
    expect(tableFromFileName("absences (2).csv")).toBe("absences");
    expect(tableFromFileName("rates_2026_export.csv")).toBe("rates");
    expect(tableFromFileName("/some/dir/contract.csv")).toBe("contracts");
  });

  it("does not guess from a name that only contains a table name", () => {
    expect(tableFromFileName("placement_packages.csv")).toBe(null);
    expect(tableFromFileName("notes.csv")).toBe(null);
    expect(tableFromFileName("2026.csv")).toBe(null);
  });

  it("format from the extension, else from the content", () => {
    expect(formatOf("a.csv", Buffer.from("x"))).toBe("csv");
    expect(formatOf("a.TSV", Buffer.from("x"))).toBe("csv");
    expect(formatOf("a.xlsx", Buffer.from("x"))).toBe("xlsx");
    expect(formatOf("a", Buffer.from("PK\u0003\u0004"))).toBe("xlsx");
    expect(formatOf("a", Buffer.from("a,b"))).toBe("csv");
    expect(formatOf("a.xls", Buffer.from("x"))).toEqual({ unsupported: "an old-style .xls workbook is not supported: save it as .xlsx or .csv" });
    expect(formatOf("a.pdf", Buffer.from("x"))).toEqual({ unsupported: "a .pdf file is not CSV or XLSX" });
  });
});

describe("headers", () => {
  it("match case-insensitively and by their human spellings", () => {
    const match = matchHeaders(TABLES.placements, ["Child Ref", "PLACEMENT_ID", "Provider", "Contract ID", "Start Date", "End Date (DD/MM/YYYY)", "Weekly Fee (£)", "PO Number", " Notes "]);
    expect(Object.fromEntries(match.columns)).toEqual({ child_ref: 0, placement_id: 1, provider_id: 2, contract_id: 3, start_date: 4, end_date: 5, weekly_fee: 6, po_number: 7 });
    expect(match.ignored).toEqual(["Notes"]);
    expect(match.missing).toEqual([]);
  });

  it("% and £ in headers", () => {
    const match = matchHeaders(TABLES.contracts, ["Contract ID", "Provider ID", "Title", "Start Date", "Absence Retainer %", "Absence Retainer Max Nights"]);
    expect(match.columns.get("absence_retainer_pct")).toBe(4);
    expect(match.columns.get("absence_retainer_max_nights")).toBe(5);
  });

  it("no header spelling means two columns of one table", () => {
    for (const table of REFERENCE_TABLES) {
      const owner = new Map<string, string>();
      for (const column of TABLES[table].columns) {
        for (const spelling of [column.name, ...column.synonyms]) {
          const key = compact(spelling);
          expect(owner.get(key) ?? column.name, `${table}: "${spelling}"`).toBe(column.name);
          owner.set(key, column.name);
        }
      }
    }
  });
});
