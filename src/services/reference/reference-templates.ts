import ExcelJS from "exceljs";
import { REFERENCE_TABLES, TABLES, type ReferenceTableName } from "../../reference/tables.js";

export function isReferenceTable(name: string): name is ReferenceTableName {
  return (REFERENCE_TABLES as readonly string[]).includes(name);
}

/**
 * A blank workbook for one table: its columns as the header row (required ones marked in a
 * note row below), a sheet named after the table so the import recognises it whatever the file
 * is later called. Dates are formatted as UK dates, money with two decimals.
 */
export async function referenceTemplate(table: ReferenceTableName): Promise<Buffer> {
  const spec = TABLES[table];
  const workbook = new ExcelJS.Workbook();
  workbook.creator = "placement-audit";
  const sheet = workbook.addWorksheet(table);
  sheet.addRow(spec.columns.map((column) => column.name)).font = { bold: true };
  spec.columns.forEach((column, index) => {
    const letter = sheet.getColumn(index + 1);
    letter.width = Math.max(14, column.name.length + 4);
    if (column.kind === "date") letter.numFmt = "dd/mm/yyyy";
    if (column.kind === "money") letter.numFmt = "0.00";
    sheet.getCell(1, index + 1).note = column.required ? "required" : "optional";
  });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
