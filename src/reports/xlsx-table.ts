import type ExcelJS from "exceljs";
import { dayFromIso } from "../domain/dates.js";
import { formatMoney, moneyString } from "../domain/money.js";
import { safeCellText } from "../domain/text-hygiene.js";

/**
 * Writes plain tables into exceljs worksheets the same way everywhere: money as real numbers
 * in £#,##0.00, dates as real dates, every text cell through safeCellText (never a formula), a
 * bold header row, frozen panes below it, an autofilter over the table and column widths that
 * fit what is written.
 */
export const MONEY_FORMAT = "£#,##0.00";
export const DATE_FORMAT = "d mmm yyyy";
export const MONTH_FORMAT = "mmm yyyy";

export type ColumnKind = "text" | "money" | "date" | "month" | "integer";

export interface TableColumn {
  header: string;
  kind: ColumnKind;
  /** Widest the column grows (characters); long text wraps beyond it. */
  maxWidth?: number;
}

/** text: any string (outside data welcome); money: a decimal string; date: YYYY-MM-DD; month: YYYY-MM. */
export type CellInput = string | number | null;

const MIN_WIDTH = 8;
const DEFAULT_MAX_WIDTH = 50;

function excelDate(iso: string): Date {
  // exceljs turns a Date into a serial day from its UTC fields: midnight UTC is the calendar date.
  return new Date(dayFromIso(iso) * 86_400_000);
}

export class TableWriter {
  private readonly widths: number[];

  constructor(
    private readonly sheet: ExcelJS.Worksheet,
    private readonly columns: readonly TableColumn[],
  ) {
    this.widths = columns.map((c) => Math.min(c.maxWidth ?? DEFAULT_MAX_WIDTH, c.header.length + 3));
  }

  get columnCount(): number {
    return this.columns.length;
  }

  header(rowNumber: number): void {
    const row = this.sheet.getRow(rowNumber);
    this.columns.forEach((column, i) => {
      const cell = row.getCell(i + 1);
      cell.value = safeCellText(column.header);
      cell.font = { bold: true };
      cell.fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFE8E8E8" } };
      cell.border = { bottom: { style: "thin" } };
      cell.alignment = { vertical: "top", wrapText: false, ...(column.kind === "text" ? {} : { horizontal: "right" }) };
    });
  }

  /** `labelFirst` writes the first cell as text whatever its column's kind (a "Total" row). */
  row(rowNumber: number, values: readonly CellInput[], options: { bold?: boolean; labelFirst?: boolean } = {}): void {
    const row = this.sheet.getRow(rowNumber);
    this.columns.forEach((column, i) => {
      const value = values[i] ?? null;
      const cell = row.getCell(i + 1);
      if (options.bold) cell.font = { bold: true };
      if (value === null || value === "") return;
      const kind: ColumnKind = options.labelFirst && i === 0 ? "text" : column.kind;
      switch (kind) {
        case "text": {
          const text = safeCellText(String(value));
          cell.value = text;
          const longest = Math.max(...text.split("\n").map((line) => line.length));
          this.fit(i, longest);
          if (longest > (column.maxWidth ?? DEFAULT_MAX_WIDTH) || text.includes("\n")) cell.alignment = { wrapText: true, vertical: "top" };
          return;
        }
        case "money": {
          const money = moneyString(String(value));
          cell.value = Number(money);
          cell.numFmt = MONEY_FORMAT;
          this.fit(i, formatMoney(money).length);
          return;
        }
        case "date":
          cell.value = excelDate(String(value));
          cell.numFmt = DATE_FORMAT;
          this.fit(i, 11);
          return;
        case "month":
          cell.value = excelDate(`${String(value)}-01`);
          cell.numFmt = MONTH_FORMAT;
          this.fit(i, 8);
          return;
        case "integer":
          cell.value = Number(value);
          this.fit(i, String(value).length);
          return;
      }
    });
  }

  /**
   * A total row: for each money or whole-number column given a value, `SUM()` over the data rows
   * with that value cached as the formula's result (what Excel shows before it recalculates, and
   * what readers that do not calculate see); the value is the exact total worked out with Dec.
   * Other columns are written as `row` writes them (the label). No data rows: the value alone.
   */
  totalRow(rowNumber: number, firstDataRow: number, lastDataRow: number, values: readonly CellInput[], options: { labelFirst?: boolean } = {}): void {
    this.row(rowNumber, values, { bold: true, ...options });
    if (lastDataRow < firstDataRow) return;
    this.columns.forEach((column, i) => {
      const value = values[i] ?? null;
      if (value === null || value === "" || (options.labelFirst && i === 0)) return;
      if (column.kind !== "money" && column.kind !== "integer") return;
      const letter = this.sheet.getColumn(i + 1).letter;
      this.formula(rowNumber, i, `SUM(${letter}${firstDataRow}:${letter}${lastDataRow})`, value);
    });
  }

  /** A formula in a money or whole-number column, its exact value cached as the result. */
  formula(rowNumber: number, columnIndex: number, formula: string, result: string | number): void {
    const column = this.columns[columnIndex];
    const cell = this.sheet.getRow(rowNumber).getCell(columnIndex + 1);
    const value = column?.kind === "money" ? Number(moneyString(String(result))) : Number(result);
    cell.value = { formula, result: value };
    if (column?.kind === "money") cell.numFmt = MONEY_FORMAT;
  }

  /** Freezes the rows down to the header, filters the table and sets the widths. */
  finish(headerRow: number, lastDataRow: number): void {
    this.sheet.views = [{ state: "frozen", xSplit: 0, ySplit: headerRow, topLeftCell: `A${headerRow + 1}` }];
    this.sheet.autoFilter = { from: { row: headerRow, column: 1 }, to: { row: Math.max(headerRow, lastDataRow), column: this.columns.length } };
    this.applyWidths();
  }

  applyWidths(): void {
    applyWidths(this.sheet, [this]);
  }

  /** The widths (characters) the written cells need, column by column. */
  neededWidths(): readonly number[] {
    return this.widths;
  }

  fit(columnIndex: number, length: number): void {
    const column = this.columns[columnIndex];
    const max = column?.maxWidth ?? DEFAULT_MAX_WIDTH;
    this.widths[columnIndex] = Math.min(max, Math.max(this.widths[columnIndex] ?? 0, length));
  }
}

/** Sets each column to the widest any of the tables written in the sheet needs. */
export function applyWidths(sheet: ExcelJS.Worksheet, tables: readonly TableWriter[], minimum: readonly number[] = []): void {
  const count = Math.max(minimum.length, ...tables.map((t) => t.columnCount));
  for (let i = 0; i < count; i++) {
    const width = Math.max(minimum[i] ?? 0, ...tables.map((t) => t.neededWidths()[i] ?? 0));
    sheet.getColumn(i + 1).width = Math.max(MIN_WIDTH, width + 2);
  }
}

/** Landscape, one page wide, the header rows repeated on every printed page. */
export function printSetup(sheet: ExcelJS.Worksheet, headerRow: number): void {
  sheet.pageSetup = { orientation: "landscape", fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: `1:${headerRow}`, paperSize: 9 };
}
