import ExcelJS from "exceljs";
import type { IsoDate } from "../domain/dates.js";
import { toCsv } from "../tabular/csv-write.js";
import { printSetup, TableWriter, type TableColumn } from "./xlsx-table.js";

/**
 * The findings page's export of its filtered list: the columns `findings --format csv` prints
 * (AUDIT.md "Machine-readable results"), with the finding's id, invoice date, line, amount
 * recovered and a link back to the finding. CSV cells go through the CLI's formula guard, XLSX
 * cells through the workbooks' (safeText); money is a number in the workbook.
 */
export interface FindingExportRecord {
  id: string;
  provider_id: string;
  invoice_number: string;
  invoice_date: IsoDate;
  line_no: number;
  child_ref: string;
  rule: string;
  category: string;
  amount: string;
  recovered_amount: string;
  status: string;
  explanation: string;
  link: string;
}

export const FINDING_EXPORT_COLUMNS = [
  "id", "provider_id", "invoice_number", "invoice_date", "line_no", "child_ref", "rule", "category", "amount", "recovered_amount", "status", "explanation", "link",
] as const satisfies readonly (keyof FindingExportRecord)[];

const KINDS: Readonly<Record<(typeof FINDING_EXPORT_COLUMNS)[number], TableColumn["kind"]>> = {
  id: "text", provider_id: "text", invoice_number: "text", invoice_date: "date", line_no: "integer", child_ref: "text", rule: "text",
  category: "text", amount: "money", recovered_amount: "money", status: "text", explanation: "text", link: "text",
};

export function findingsCsv(records: readonly FindingExportRecord[]): string {
  return toCsv(FINDING_EXPORT_COLUMNS, records);
}

export function findingsWorkbook(records: readonly FindingExportRecord[]): ExcelJS.Workbook {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet("Findings");
  const table = new TableWriter(sheet, FINDING_EXPORT_COLUMNS.map((c) => ({ header: c, kind: KINDS[c], ...(c === "explanation" ? { maxWidth: 80 } : {}) })));
  table.header(1);
  records.forEach((record, i) => table.row(i + 2, FINDING_EXPORT_COLUMNS.map((c) => record[c])));
  table.finish(1, records.length + 1);
  printSetup(sheet, 1);
  return workbook;
}
