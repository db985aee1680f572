import { describe, expect, it } from "vitest";
import { parseTable, type ParsedTable } from "../../../src/reference/parse-table.js";
import { TABLES } from "../../../src/reference/tables.js";
import type { RawCell } from "../../../src/reference/fields.js";
import { readCsv } from "../../../src/tabular/csv.js";

/** Reference rows written by other tools: US dates, serial numbers, decimal commas. */
const HEADER = "placement_id,child_ref,provider_id,contract_id,start_date,end_date,weekly_fee";

function parse(lines: string[], date1904 = false): ParsedTable {
  return parseTable("placements.csv", TABLES.placements, readCsv([HEADER, ...lines].join("\r\n")), { date1904 });
}

const messages = (table: ParsedTable): string[] => table.errors.map((issue) => issue.message);
const codes = (table: ParsedTable): string[] => table.errors.map((issue) => issue.code);

describe("reference cells from other tools", () => {
  it("a date only in US order is refused and said to look month-first; the column's other day/month dates are then refused as doubtful", () => {
    const table = parse([
      "PL1,C1,P1,K1,03/04/2026,",
      "PL2,C2,P1,K1,11/23/2026,",
      "PL3,C3,P1,K1,2026-03-01,04/04/2026",
      "PL4,C4,P1,K1,13/01/2026,03/04/2026",
    ]);
    expect(messages(table)).toEqual([
      'placements.csv row 2, start_date: "03/04/2026" could be read day first or month first, and this column also holds "11/23/2026" (row 3), a US (month-first) date: its order is in doubt, so it is not read (write it YYYY-MM-DD)',
      'placements.csv row 3, start_date: "11/23/2026" looks like a US (month-first) date: dates must be day/month/year (UK order) or YYYY-MM-DD',
    ]);
    expect(codes(table)).toEqual(["field.date_order_doubtful", "field.date_us_order"]);
    // ISO, a date the same either way, a day over 12, and another column without US dates: read.
    expect(table.rows.map((row) => [row.values.placement_id, row.values.start_date, row.values.end_date])).toEqual([
      ["PL3", "2026-03-01", "2026-04-04"],
      ["PL4", "2026-01-13", "2026-04-03"],
    ]);
  });

  it("without a month-first value a day/month date is read day first, as DATA.md says", () => {
    const table = parse(["PL1,C1,P1,K1,03/04/2026,"]);
    expect([table.errors, table.rows[0]?.values.start_date]).toEqual([[], "2026-04-03"]);
  });

  it("bare serial numbers in a date column are read in the 1900 system (or the workbook's 1904 system), and said once per column", () => {
    const table = parse(["PL1,C1,P1,K1,46326,46356", "PL2,C2,P1,K1,46295,", "PL3,C3,P1,K1,123,"]);
    expect(table.rows.map((row) => [row.values.start_date, row.values.end_date])).toEqual([
      ["2026-10-31", "2026-11-30"],
      ["2026-09-30", null],
    ]);
    expect(messages(table)).toEqual(['placements.csv row 4, start_date: "123" is not a date']);
    expect(table.warnings.map((issue) => issue.message)).toEqual([
      'placements.csv row 2, start_date: 2 dates written as Excel serial day numbers read in the 1900 date system (e.g. "46326" = 2026-10-31): check them in the preview',
      'placements.csv row 2, end_date: 1 date written as Excel serial day numbers read in the 1900 date system (e.g. "46356" = 2026-11-30): check them in the preview',
    ]);
    const mac = parseTable("placements.xlsx", TABLES.placements, [
      HEADER.split(",").map((text): RawCell => ({ text, value: text })),
      [...["PL1", "C1", "P1", "K1"].map((text): RawCell => ({ text, value: text })), { text: "44864", value: 44864 }],
      [...["PL2", "C2", "P1", "K1"].map((text): RawCell => ({ text, value: text })), { text: "46327.5", value: 46327.5 }],
    ], { date1904: true });
    expect(mac.rows.map((row) => row.values.start_date)).toEqual(["2026-10-31"]);
    expect(mac.errors.map((issue) => issue.message)).toEqual([
      'placements.xlsx row 3, start_date: "46327.5" is a number, not a date (as an Excel serial day number it is no date from 2000-01-01 to 2099-12-31): format the cell as a date, or write YYYY-MM-DD',
    ]);
  });

  it("decimal commas are refused, never read as thousands (12,5 is not 125)", () => {
    const table = parse(['PL1,C1,P1,K1,2026-01-01,,"12,5"', 'PL2,C2,P1,K1,2026-01-01,,"1.234,56"', 'PL3,C3,P1,K1,2026-01-01,,"1 234,56"', 'PL4,C4,P1,K1,2026-01-01,,"£1,234.56"']);
    expect(messages(table)).toEqual([
      'placements.csv row 2, weekly_fee: "12,5" looks like a number written with a decimal comma: write it with a decimal point (e.g. 1234.56); commas may only separate thousands',
      'placements.csv row 3, weekly_fee: "1.234,56" looks like a number written with a decimal comma: write it with a decimal point (e.g. 1234.56); commas may only separate thousands',
      'placements.csv row 4, weekly_fee: "1 234,56" looks like a number written with a decimal comma: write it with a decimal point (e.g. 1234.56); commas may only separate thousands',
    ]);
    expect(codes(table)).toEqual(["field.decimal_comma", "field.decimal_comma", "field.decimal_comma"]);
    expect(table.rows.map((row) => row.values.weekly_fee)).toEqual(["1234.56"]);
  });
});
