import { isAppError } from "../domain/errors.js";
import { readCsv } from "../tabular/csv.js";
import { readXlsx } from "../tabular/xlsx.js";
import type { SheetCells } from "./recognise.js";
import type { TabularFormat } from "./table-name.js";

/**
 * The rows of a reference file as cells: a CSV file (any of the usual encodings and delimiters)
 * as one unnamed sheet, or every sheet of an XLSX workbook. rows[i] is spreadsheet row i + 1.
 */
export async function readTableFile(bytes: Uint8Array, format: TabularFormat): Promise<SheetCells[]> {
  if (format === "csv") return [{ name: null, rows: readCsv(bytes) }];
  return (await readXlsx(bytes)).map((sheet) => ({ name: sheet.name, rows: sheet.rows, date1904: sheet.date1904 === true }));
}

/** A reader failure as a message for the file (coded errors keep their code). */
export function describeReadError(error: unknown): { code: string; message: string } {
  if (isAppError(error)) return { code: error.code, message: error.message };
  return { code: "file.unreadable", message: `the file could not be read: ${(error as Error).message}` };
}
