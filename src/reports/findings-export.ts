import ExcelJS from "exceljs";
import type { IsoDate } from "../domain/dates.js";
import type { FindingStatus } from "../domain/finding.js";
import { toCsv } from "../tabular/csv-write.js";
import { printSetup, TableWriter, type TableColumn } from "./xlsx-table.js";

/**
 * Findings as `findings` prints them (AUDIT.md "Machine-readable results", then INTERFACES.md's
 * round-2 columns) and as the findings page exports its filtered list (the same, with a link
 * back to each finding). CSV cells go through the CLI's formula guard, XLSX cells through the
 * workbooks' (safeText); money is a number in the workbook.
 */
export interface FindingRecord {
  provider_id: string;
  invoice_number: string;
  child_ref: string;
  rule: string;
  category: string;
  amount: string;
  status: FindingStatus;
  explanation: string;
  id: string;
  invoice_date: IsoDate;
  /** 0 for a whole-invoice finding. */
  line: number;
  recovered_amount: string;
  /** Still to recover: the amount less what was recovered; nothing for a dismissed finding. */
  outstanding: string;
}

/** AUDIT.md's columns first, in its order (outside checks read them), then the round-2 additions. */
export const FINDING_COLUMNS = [
  "provider_id", "invoice_number", "child_ref", "rule", "category", "amount", "status", "explanation",
  "id", "invoice_date", "line", "recovered_amount", "outstanding",
] as const satisfies readonly (keyof FindingRecord)[];

export type FindingExportRecord = FindingRecord & { link: string };
export const FINDING_EXPORT_COLUMNS = [...FINDING_COLUMNS, "link"] as const;

const KINDS: Readonly<Record<(typeof FINDING_EXPORT_COLUMNS)[number], TableColumn["kind"]>> = {
  provider_id: "text", invoice_number: "text", child_ref: "text", rule: "text", category: "text", amount: "money", status: "text",
  explanation: "text", id: "text", invoice_date: "date", line: "integer", recovered_amount: "money", outstanding: "money", link: "text",
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
