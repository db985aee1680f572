import { describe, expect, it } from "vitest";
import { parseTable } from "../../../src/reference/parse-table.js";
import { TABLES } from "../../../src/reference/tables.js";

const HEADER = "placement_id,child_ref,provider_id,contract_id,start_date,po_number";
const rows = (text: string): string[][] => text.split("\n").map((line) => line.split(","));

describe("identifiers a spreadsheet mangled", () => {
  it("a child reference shorter than its zero-padded peers is refused, naming row, column and value", () => {
    const parsed = parseTable("placements.csv", TABLES.placements, rows(`${HEADER}\nPL1,004711,P1,C1,2026-01-01,\nPL2,4712,P1,C1,2026-01-01,\nPL3,004713,P1,C1,2026-01-01,`));
    expect(parsed.errors.map((issue) => [issue.code, issue.row, issue.column, issue.value, issue.message])).toEqual([
      [
        "field.identifier_mangled", 3, "child_ref", "4712",
        'placements.csv row 3, child_ref: "4712" looks like "004712" with its leading zeros dropped by a spreadsheet (child_ref values here are zero-padded, e.g. "004711"): write it as text, e.g. format the column as Text in Excel',
      ],
    ]);
    expect(parsed.rows.map((row) => row.values.child_ref)).toEqual(["004711", "004713"]);
  });

  it("the stored rows count as peers: one new row with a dropped zero is caught", () => {
    const stored = new Map([["PL1", { placement_id: "PL1", child_ref: "000917" }]]);
    const parsed = parseTable("placements.csv", TABLES.placements, rows(`${HEADER}\nPL9,918,P1,C1,2026-01-01,`), { stored });
    expect(parsed.errors.map((issue) => issue.code)).toEqual(["field.identifier_mangled"]);
  });

  it("plain numbers with nothing padded beside them are read as written", () => {
    const parsed = parseTable("placements.csv", TABLES.placements, rows(`${HEADER}\nPL1,4711,P1,C1,2026-01-01,\nPL2,123456,P1,C1,2026-01-01,`));
    expect(parsed.errors).toEqual([]);
    expect(parsed.rows.map((row) => row.values.child_ref)).toEqual(["4711", "123456"]);
  });

  it("an XLSX number cell: shown through a 000000 format it keeps its zeros; shown in scientific notation it is refused", () => {
    const header = HEADER.split(",").map((text) => ({ text, value: text }));
    const cells = (child: { text: string; value: number }, id: string) => [{ text: id, value: id }, child, ...["P1", "C1", "2026-01-01", ""].map((text) => ({ text, value: text }))];
    const parsed = parseTable("placements.xlsx", TABLES.placements, [header, cells({ text: "004712", value: 4712 }, "PL1"), cells({ text: "1.23457E+11", value: 123456789012 }, "PL2")]);
    expect(parsed.rows.map((row) => row.values.child_ref)).toEqual(["004712"]);
    expect(parsed.errors.map((issue) => issue.message)).toEqual([
      'placements.xlsx row 3, child_ref: "1.23457E+11" is a number a spreadsheet has shown in scientific notation, so its digits are lost: export the column as text',
    ]);
  });

  it("a row repeated to the letter is loaded once with a warning; the same key with other values is still refused", () => {
    const parsed = parseTable("placements.csv", TABLES.placements, rows(`${HEADER}\nPL1,C1,P1,C1,2026-01-01,\nPL1,C1,P1,C1,2026-01-01,\nPL1,C2,P1,C1,2026-01-01,`));
    expect(parsed.rows).toHaveLength(1);
    expect(parsed.warnings.map((issue) => issue.message)).toEqual(["placements.csv row 3: repeats row 2 exactly (every value the same): loaded once"]);
    expect(parsed.errors.map((issue) => issue.message)).toEqual(['placements.csv row 4, placement_id: "PL1" appears twice (also row 2)']);
  });
});

describe("total and note rows under a hand-kept table", () => {
  it("skips a row that starts with Total/Count/End of report and leaves required columns blank, with a warning", () => {
    const parsed = parseTable("placements.csv", TABLES.placements, rows(`${HEADER}\nPL1,C1,P1,C1,2026-01-01,\nTotal,,,,,\nGrand total: 1,,,,,\nEnd of report,,,,,`));
    expect(parsed.rows).toHaveLength(1);
    expect(parsed.errors).toEqual([]);
    expect(parsed.warnings.map((issue) => [issue.code, issue.row, issue.value])).toEqual([
      ["row.summary", 3, "Total"],
      ["row.summary", 4, "Grand total: 1"],
      ["row.summary", 5, "End of report"],
    ]);
  });

  it("a full row whose id merely starts with such a word, or a Sum-1 id with a blank, is a row, not a total", () => {
    const parsed = parseTable("placements.csv", TABLES.placements, rows(`${HEADER}\nTotal-7,C1,P1,C1,2026-01-01,\nSum-1,,P1,C1,2026-01-01,`));
    expect(parsed.rows.map((row) => row.values.placement_id)).toEqual(["Total-7"]);
    expect(parsed.errors.map((issue) => issue.message)).toEqual(["placements.csv row 3, child_ref: a value is required but the cell is blank"]);
  });
});
