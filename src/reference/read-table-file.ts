import { AppError, isAppError } from "../domain/errors.js";
import { readCsv } from "../tabular/csv.js";
import { readXlsx } from "../tabular/xlsx.js";
import type { TableCell } from "./fields.js";
import type { TabularFormat } from "./table-name.js";

/**
 * The rows of a reference file as cells: CSV (any of the usual encodings and delimiters) or the
 * first sheet of an XLSX workbook. rows[i] is spreadsheet row i + 1.
 */
export async function readTableFile(bytes: Uint8Array, format: TabularFormat): Promise<TableCell[][]> {
  if (format === "csv") return readCsv(bytes);
  const [sheet] = await readXlsx(bytes, { firstSheetOnly: true });
  if (!sheet) throw new AppError("xlsx.no_sheet", "the workbook has no sheets");
  return sheet.rows;
}

/** A reader failure as a message for the file (coded errors keep their code). */
export function describeReadError(error: unknown): { code: string; message: string } {
  if (isAppError(error)) return { code: error.code, message: error.message };
  return { code: "file.unreadable", message: `the file could not be read: ${(error as Error).message}` };
}
