import ExcelJS from "exceljs";
import { formatDate, type IsoDate } from "../domain/dates.js";
import type { Category, FindingStatus } from "../domain/finding.js";
import { formatMoney, type DecimalString } from "../domain/money.js";
import { categorySentence, type FigureSet, type SavingsFigures } from "./figures.js";
import { periodLabel } from "../domain/months.js";
import { ruleLabel } from "../../rules/catalogue.js";
import { safeCellText } from "../domain/text-hygiene.js";
import { applyWidths, printSetup, TableWriter, type CellInput, type TableColumn } from "./xlsx-table.js";

/** One finding as the Findings sheet lists it. */
export interface SavingsFindingRow {
  findingId: string;
  providerId: string;
  providerName: string;
  invoiceNumber: string;
  invoiceDate: IsoDate;
  childRef: string | null;
  rule: string;
  category: Category;
  status: FindingStatus;
  amount: DecimalString;
  recoveredAmount: DecimalString | null;
  recoveredOn: IsoDate | null;
  /** Still owed by the provider (src/domain/recovery.ts outstandingOf). */
  outstanding: DecimalString;
  explanation: string;
  dismissedReason: string | null;
}

export const SHEET_NAMES = ["Summary", "By month", "By provider", "By rule", "Findings"] as const;

const FIGURE_COLUMNS: readonly TableColumn[] = [
  { header: "Identified", kind: "money" },
  { header: "Realised", kind: "money" },
  { header: "Outstanding", kind: "money" },
  { header: "At risk", kind: "money" },
  { header: "Dismissed", kind: "money" },
  { header: "Findings", kind: "integer" },
];

function figureCells(f: FigureSet): CellInput[] {
  return [f.identified, f.realised, f.outstanding, f.atRisk, f.dismissed, f.findings];
}

export const SUMMARY_HEADINGS = ["Figure", "This period", "Year to date", "Annualised (12 months)"] as const;
export const CATEGORY_HEADINGS = ["Category", ...FIGURE_COLUMNS.map((c) => c.header), "What commissioners call it"] as const;
export const BY_MONTH_HEADINGS = ["Month", "Category", ...FIGURE_COLUMNS.map((c) => c.header)] as const;
export const BY_PROVIDER_HEADINGS = ["Provider", "Provider ID", ...FIGURE_COLUMNS.map((c) => c.header)] as const;
export const BY_RULE_HEADINGS = ["Rule", "Category", "Description", ...FIGURE_COLUMNS.map((c) => c.header)] as const;
export const FINDINGS_HEADINGS = [
  "Provider", "Provider ID", "Invoice number", "Invoice date", "Child ref", "Rule", "Category", "Status",
  "Amount", "Recovered amount", "Recovered on", "Explanation", "Dismissed reason", "Outstanding",
] as const;

/** Row numbers of the Summary sheet that tests and readers rely on. */
export const SUMMARY_LAYOUT = { headlineHeader: 4, identified: 5, realised: 6, outstanding: 7, atRisk: 8, dismissed: 9, categoryHeader: 11 } as const;

export interface SavingsWorkbookInput {
  figures: SavingsFigures;
  findings: readonly SavingsFindingRow[];
  /** Provider's name when the report is for one provider. */
  providerName?: string | null;
  generatedOn: IsoDate;
}

/**
 * The commissioners' savings workbook. Every money cell is a real number in £#,##0.00; no
 * cell is a formula (totals are written as values computed exactly with Dec); every text cell
 * goes through safeCellText.
 */
export function savingsWorkbook(input: SavingsWorkbookInput): ExcelJS.Workbook {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = "placement-audit";
  workbook.title = `Savings report ${input.figures.period.label}`;
  workbook.created = new Date(`${input.generatedOn}T00:00:00Z`);
  summarySheet(workbook, input);
  byMonthSheet(workbook, input.figures);
  byProviderSheet(workbook, input.figures);
  byRuleSheet(workbook, input.figures);
  findingsSheet(workbook, input.findings);
  return workbook;
}

function summarySheet(workbook: ExcelJS.Workbook, input: SavingsWorkbookInput): void {
  const { figures } = input;
  const sheet = workbook.addWorksheet("Summary");
  const scope = figures.providerId ? `Provider: ${input.providerName ?? figures.providerId} (${figures.providerId}).` : "All providers.";
  sheet.getCell("A1").value = "Placement invoice savings report";
  sheet.getCell("A1").font = { bold: true, size: 16 };
  sheet.getCell("A2").value = safeCellText(
    `This period: ${figures.period.label} (by invoice date). Year to date: ${figures.yearToDate.label}. ` +
      `Annualised: ${periodLabel({ from: figures.annualised.from, to: figures.annualised.to })}. ${scope}`,
  );
  sheet.getCell("A3").value = `Produced ${formatDate(input.generatedOn)} by placement-audit. Money in pounds; superseded findings never count.`;

  const headline = new TableWriter(sheet, [
    { header: SUMMARY_HEADINGS[0], kind: "text" },
    { header: SUMMARY_HEADINGS[1], kind: "money" },
    { header: SUMMARY_HEADINGS[2], kind: "money" },
    { header: SUMMARY_HEADINGS[3], kind: "money" },
  ]);
  const { totals, yearToDate, annualised } = figures;
  const L = SUMMARY_LAYOUT;
  headline.header(L.headlineHeader);
  // What each figure means is stated under "How the figures are worked out" below.
  headline.row(L.identified, ["Savings identified", totals.identified, yearToDate.totals.identified, annualised.identified], { bold: true });
  headline.row(L.realised, ["Savings realised (money recovered)", totals.realised, yearToDate.totals.realised, annualised.realised], { bold: true });
  headline.row(L.outstanding, ["Identified, not yet recovered", totals.outstanding, yearToDate.totals.outstanding, null]);
  headline.row(L.atRisk, ["Money at risk (awaiting a decision)", totals.atRisk, yearToDate.totals.atRisk, null]);
  headline.row(L.dismissed, ["Dismissed", totals.dismissed, yearToDate.totals.dismissed, null]);

  const categoryTable = new TableWriter(sheet, [
    { header: CATEGORY_HEADINGS[0], kind: "text" },
    ...FIGURE_COLUMNS,
    { header: "What commissioners call it", kind: "text" },
  ]);
  categoryTable.header(L.categoryHeader);
  let row = L.categoryHeader + 1;
  for (const category of figures.byCategory) {
    categoryTable.row(row++, [category.category, ...figureCells(category.figures), category.words]);
  }
  const lastCategoryRow = row - 1;
  categoryTable.row(row++, ["Total", ...figureCells(totals), null], { bold: true });

  row++;
  sheet.getCell(`A${row}`).value = "In words";
  sheet.getCell(`A${row}`).font = { bold: true, size: 13 };
  row++;
  const prose: string[] = figures.byCategory.map(categorySentence);
  for (const sentence of prose) writeParagraph(sheet, row++, sentence);

  row++;
  sheet.getCell(`A${row}`).value = "How the figures are worked out";
  sheet.getCell(`A${row}`).font = { bold: true, size: 13 };
  row++;
  for (const note of methodNotes(figures)) writeParagraph(sheet, row++, note);

  sheet.views = [{ state: "frozen", xSplit: 0, ySplit: L.headlineHeader, topLeftCell: `A${L.headlineHeader + 1}` }];
  sheet.autoFilter = { from: { row: L.categoryHeader, column: 1 }, to: { row: lastCategoryRow, column: CATEGORY_HEADINGS.length } };
  applyWidths(sheet, [headline, categoryTable]);
  printSetup(sheet, L.headlineHeader);
}

const PARAGRAPH_COLUMNS = 8;

/** A long sentence across the table's width, wrapped; Excel does not grow merged rows by itself. */
function writeParagraph(sheet: ExcelJS.Worksheet, rowNumber: number, text: string): void {
  sheet.mergeCells(rowNumber, 1, rowNumber, PARAGRAPH_COLUMNS);
  const cell = sheet.getCell(rowNumber, 1);
  cell.value = safeCellText(text);
  cell.alignment = { wrapText: true, vertical: "top" };
  sheet.getRow(rowNumber).height = 15 * Math.max(1, Math.ceil(text.length / 110));
}

/** The rules of the figures, in words, as the Summary sheet states them. */
export function methodNotes(figures: SavingsFigures): string[] {
  return [
    "Identified = findings confirmed with the provider plus findings recovered, at each finding's full amount (AUDIT.md: identified = confirmed + recovered).",
    "Realised = money recovered: the recovered amount recorded on each recovered finding, by a reviewer or automatically from a provider's credit note. A finding of £80 recovered for £50 counts £80 identified and £50 realised.",
    "Identified, not yet recovered = identified less realised: raised with the provider, money still owed.",
    "At risk = findings still open (awaiting a reviewer's decision), in every category; queries (needs a person) stay here until someone decides them. Dismissed findings are shown apart and are not savings. Superseded findings (replaced by a later audit) never count.",
    "Each finding counts in the month of its invoice's date, whenever the money came back.",
    `Year to date = from April, the start of the financial year, to the report's last month: ${figures.yearToDate.label}.`,
    `Annualised (12 months): ${figures.annualised.basis}` +
      (figures.annualised.identified === null ? "" : ` Identified in those months: ${formatMoney(figures.annualised.identifiedInWindow)}; realised: ${formatMoney(figures.annualised.realisedInWindow)}.`),
  ];
}

function byMonthSheet(workbook: ExcelJS.Workbook, figures: SavingsFigures): void {
  const sheet = workbook.addWorksheet("By month");
  const table = new TableWriter(sheet, [{ header: "Month", kind: "month" }, { header: "Category", kind: "text" }, ...FIGURE_COLUMNS]);
  table.header(1);
  let row = 2;
  for (const month of figures.byMonth) {
    for (const category of figures.byCategory) {
      table.row(row++, [month.month, category.category, ...figureCells(month.byCategory[category.category])]);
    }
  }
  const last = row - 1;
  table.row(row + 1, ["Total", null, ...figureCells(figures.totals)], { bold: true, labelFirst: true });
  table.finish(1, last);
  printSetup(sheet, 1);
}

function byProviderSheet(workbook: ExcelJS.Workbook, figures: SavingsFigures): void {
  const sheet = workbook.addWorksheet("By provider");
  const table = new TableWriter(sheet, [{ header: "Provider", kind: "text" }, { header: "Provider ID", kind: "text" }, ...FIGURE_COLUMNS]);
  table.header(1);
  let row = 2;
  for (const provider of figures.byProvider) table.row(row++, [provider.name, provider.providerId, ...figureCells(provider.totals)]);
  const last = row - 1;
  table.row(row + 1, ["Total", null, ...figureCells(figures.totals)], { bold: true });
  table.finish(1, last);
  printSetup(sheet, 1);
}

function byRuleSheet(workbook: ExcelJS.Workbook, figures: SavingsFigures): void {
  const sheet = workbook.addWorksheet("By rule");
  const table = new TableWriter(sheet, [
    { header: "Rule", kind: "text" },
    { header: "Category", kind: "text" },
    { header: "Description", kind: "text" },
    ...FIGURE_COLUMNS,
  ]);
  table.header(1);
  let row = 2;
  for (const rule of figures.byRule) table.row(row++, [rule.rule, rule.category, ruleLabel(rule.rule), ...figureCells(rule.totals)]);
  const last = row - 1;
  table.row(row + 1, ["Total", null, null, ...figureCells(figures.totals)], { bold: true });
  table.finish(1, last);
  printSetup(sheet, 1);
}

function findingsSheet(workbook: ExcelJS.Workbook, findings: readonly SavingsFindingRow[]): void {
  const sheet = workbook.addWorksheet("Findings");
  const table = new TableWriter(sheet, [
    { header: "Provider", kind: "text", maxWidth: 40 },
    { header: "Provider ID", kind: "text" },
    { header: "Invoice number", kind: "text" },
    { header: "Invoice date", kind: "date" },
    { header: "Child ref", kind: "text" },
    { header: "Rule", kind: "text" },
    { header: "Category", kind: "text" },
    { header: "Status", kind: "text" },
    { header: "Amount", kind: "money" },
    { header: "Recovered amount", kind: "money" },
    { header: "Recovered on", kind: "date" },
    { header: "Explanation", kind: "text", maxWidth: 80 },
    { header: "Dismissed reason", kind: "text", maxWidth: 50 },
    { header: "Outstanding", kind: "money" },
  ]);
  table.header(1);
  let row = 2;
  for (const f of findings) {
    table.row(row++, [
      f.providerName, f.providerId, f.invoiceNumber, f.invoiceDate, f.childRef, f.rule, f.category, f.status,
      f.amount, f.recoveredAmount, f.recoveredOn, f.explanation, f.dismissedReason, f.outstanding,
    ]);
  }
  table.finish(1, row - 1);
  printSetup(sheet, 1);
}

/** "savings-2026-10.xlsx"-style label for a month, used by the monthly job's file names. */
export function monthlyReportName(month: string): string {
  return `savings-${month}.xlsx`;
}
