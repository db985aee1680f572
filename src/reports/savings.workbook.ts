import ExcelJS from "exceljs";
import { formatDate, type IsoDate } from "../domain/dates.js";
import { CATEGORIES, type Category, type FindingStatus } from "../domain/finding.js";
import { formatMoney, moneyString, ZERO, type DecimalString } from "../domain/money.js";
import { categorySentence, type FigureSet, type SavingsFigures } from "./figures.js";
import { periodLabel } from "../domain/months.js";
import { ruleLabel } from "../../rules/catalogue.js";
import { monthlyChartImage, providerChartImage, type ChartImage } from "./chart-images.js";
import { CATEGORY_CHART_LABELS } from "./charts.js";
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

export const SHEET_NAMES = ["Summary", "Charts", "By month", "By provider", "By rule", "Findings"] as const;

/** Statuses as people read them (the review pages' words). */
export const STATUS_WORDS: Readonly<Record<FindingStatus, string>> = {
  open: "Open", confirmed: "Confirmed", recovered: "Recovered", dismissed: "Dismissed", superseded: "Superseded",
};

/** "Correct fees and discounts", as the charts and the page name the categories. */
export function categoryWords(category: Category): string {
  return CATEGORY_CHART_LABELS[category];
}

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
/** Months as rows: identified and at risk for each category, then the month's totals. */
const BY_MONTH_COLUMNS: readonly TableColumn[] = [
  { header: "Month", kind: "month" },
  ...CATEGORIES.map((c): TableColumn => ({ header: `Identified: ${CATEGORY_CHART_LABELS[c]}`, kind: "money" })),
  ...CATEGORIES.map((c): TableColumn => ({ header: `At risk: ${CATEGORY_CHART_LABELS[c]}`, kind: "money" })),
  ...FIGURE_COLUMNS,
];
export const BY_MONTH_HEADINGS = BY_MONTH_COLUMNS.map((c) => c.header);
export const BY_PROVIDER_HEADINGS = ["Provider", "Provider ID", ...FIGURE_COLUMNS.map((c) => c.header)] as const;
export const BY_RULE_HEADINGS = ["Rule", "Category", ...FIGURE_COLUMNS.map((c) => c.header)] as const;
export const FINDINGS_HEADINGS = [
  "Finding", "Provider", "Provider ID", "Invoice number", "Invoice date", "Child ref", "Rule", "Category", "Status",
  "Amount", "Recovered amount", "Recovered on", "Explanation", "Dismissed reason", "Outstanding", "Link",
] as const;

/** Row numbers of the Summary sheet that tests and readers rely on. */
export const SUMMARY_LAYOUT = { headlineHeader: 4, identified: 5, realised: 6, outstanding: 7, atRisk: 8, dismissed: 9, categoryHeader: 11 } as const;

export interface SavingsWorkbookInput {
  figures: SavingsFigures;
  findings: readonly SavingsFindingRow[];
  /** Provider's name when the report is for one provider. */
  providerName?: string | null;
  generatedOn: IsoDate;
  /** Where people open this service (authority settings): each finding's row links to its page. */
  publicUrl?: string | null;
}

/**
 * The commissioners' savings workbook, ready for a panel: charts (pictures, exceljs writes no
 * native charts), figures by month with the categories side by side, rules and categories in
 * words, each finding with its id and a link back. Every money cell is a real number in
 * £#,##0.00; totals are SUM() formulas whose cached results are the exact totals computed with
 * Dec (so the file reads right before Excel recalculates); every text cell goes through
 * safeCellText (outside text never becomes a formula).
 */
export function savingsWorkbook(input: SavingsWorkbookInput): ExcelJS.Workbook {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = "placement-audit";
  workbook.title = `Savings report ${input.figures.period.label}`;
  workbook.created = new Date(`${input.generatedOn}T00:00:00Z`);
  summarySheet(workbook, input);
  chartsSheet(workbook, input.figures);
  byMonthSheet(workbook, input.figures);
  byProviderSheet(workbook, input.figures);
  byRuleSheet(workbook, input.figures);
  findingsSheet(workbook, input.findings, input.publicUrl ?? null);
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
  // This period's figures are the category table's total row (below), by reference.
  const categoryTotalRow = L.categoryHeader + 1 + figures.byCategory.length;
  const headlineFigures: [number, string, DecimalString][] = [
    [L.identified, "B", totals.identified], [L.realised, "C", totals.realised], [L.outstanding, "D", totals.outstanding], [L.atRisk, "E", totals.atRisk], [L.dismissed, "F", totals.dismissed],
  ];
  for (const [row, column, value] of headlineFigures) headline.formula(row, 1, `${column}${categoryTotalRow}`, value);

  const categoryTable = new TableWriter(sheet, [
    { header: CATEGORY_HEADINGS[0], kind: "text" },
    ...FIGURE_COLUMNS,
    { header: "What commissioners call it", kind: "text" },
  ]);
  categoryTable.header(L.categoryHeader);
  let row = L.categoryHeader + 1;
  for (const category of figures.byCategory) {
    categoryTable.row(row++, [categoryWords(category.category), ...figureCells(category.figures), category.words]);
  }
  const lastCategoryRow = row - 1;
  categoryTable.totalRow(row++, L.categoryHeader + 1, lastCategoryRow, ["Total", ...figureCells(totals), null]);

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
  const table = new TableWriter(sheet, BY_MONTH_COLUMNS);
  table.header(1);
  const identifiedColumn = 1 + 2 * CATEGORIES.length;
  const letter = (index: number): string => sheet.getColumn(index + 1).letter;
  let row = 2;
  for (const month of figures.byMonth) {
    const byCategory = CATEGORIES.map((c) => month.byCategory[c]);
    table.row(row, [month.month, ...byCategory.map((f) => f.identified), ...byCategory.map((f) => f.atRisk), ...figureCells(month.totals)]);
    // The month's identified and at risk are its categories' sums: formulas over the row.
    table.formula(row, identifiedColumn, `SUM(${letter(1)}${row}:${letter(CATEGORIES.length)}${row})`, month.totals.identified);
    table.formula(row, identifiedColumn + 3, `SUM(${letter(1 + CATEGORIES.length)}${row}:${letter(2 * CATEGORIES.length)}${row})`, month.totals.atRisk);
    row++;
  }
  const last = row - 1;
  const byCategory = CATEGORIES.map((c) => figures.byCategory.find((x) => x.category === c)?.figures ?? null);
  table.totalRow(row + 1, 2, last, ["Total", ...byCategory.map((f) => f?.identified ?? "0"), ...byCategory.map((f) => f?.atRisk ?? "0"), ...figureCells(figures.totals)], { labelFirst: true });
  table.finish(1, last);
  printSetup(sheet, 1);
}

/** The web page's two charts as pictures, each with what it shows in words above it. */
function chartsSheet(workbook: ExcelJS.Workbook, figures: SavingsFigures): void {
  const sheet = workbook.addWorksheet("Charts");
  sheet.getCell("A1").value = "Charts";
  sheet.getCell("A1").font = { bold: true, size: 16 };
  sheet.getCell("A2").value = "Pictures of the figures on the sheets By month and By provider (identified = confirmed + recovered, at each finding's full amount).";
  sheet.getColumn(1).width = 12;
  const charts: ChartImage[] = [monthlyChartImage(figures.byMonth), providerChartImage(figures.byProvider)];
  let row = 3; // zero-based row of the next picture's top edge
  const pixelsPerRow = 20;
  for (const chart of charts) {
    const cell = sheet.getCell(row + 1, 1);
    cell.value = chart.title;
    cell.font = { bold: true };
    const image = workbook.addImage({ buffer: chart.png as unknown as ExcelJS.Buffer, extension: "png" });
    sheet.addImage(image, { tl: { col: 0, row: row + 1 }, ext: { width: chart.width, height: chart.height } });
    row += 2 + Math.ceil(chart.height / pixelsPerRow);
  }
  sheet.pageSetup = { orientation: "landscape", fitToPage: true, fitToWidth: 1, fitToHeight: 0, paperSize: 9 };
}

function byProviderSheet(workbook: ExcelJS.Workbook, figures: SavingsFigures): void {
  const sheet = workbook.addWorksheet("By provider");
  const table = new TableWriter(sheet, [{ header: "Provider", kind: "text" }, { header: "Provider ID", kind: "text" }, ...FIGURE_COLUMNS]);
  table.header(1);
  let row = 2;
  for (const provider of figures.byProvider) table.row(row++, [provider.name, provider.providerId, ...figureCells(provider.totals)]);
  const last = row - 1;
  table.totalRow(row + 1, 2, last, ["Total", null, ...figureCells(figures.totals)]);
  table.finish(1, last);
  printSetup(sheet, 1);
}

function byRuleSheet(workbook: ExcelJS.Workbook, figures: SavingsFigures): void {
  const sheet = workbook.addWorksheet("By rule");
  const table = new TableWriter(sheet, [
    { header: "Rule", kind: "text" },
    { header: "Category", kind: "text" },
    ...FIGURE_COLUMNS,
  ]);
  table.header(1);
  let row = 2;
  for (const rule of figures.byRule) table.row(row++, [ruleLabel(rule.rule), categoryWords(rule.category), ...figureCells(rule.totals)]);
  const last = row - 1;
  table.totalRow(row + 1, 2, last, ["Total", null, ...figureCells(figures.totals)]);
  table.finish(1, last);
  printSetup(sheet, 1);
}

function findingsSheet(workbook: ExcelJS.Workbook, findings: readonly SavingsFindingRow[], publicUrl: string | null): void {
  const sheet = workbook.addWorksheet("Findings");
  const table = new TableWriter(sheet, [
    { header: "Finding", kind: "integer" },
    { header: "Provider", kind: "text", maxWidth: 40 },
    { header: "Provider ID", kind: "text" },
    { header: "Invoice number", kind: "text" },
    { header: "Invoice date", kind: "date" },
    { header: "Child ref", kind: "text" },
    { header: "Rule", kind: "text", maxWidth: 32 },
    { header: "Category", kind: "text" },
    { header: "Status", kind: "text" },
    { header: "Amount", kind: "money" },
    { header: "Recovered amount", kind: "money" },
    { header: "Recovered on", kind: "date" },
    { header: "Explanation", kind: "text", maxWidth: 80 },
    { header: "Dismissed reason", kind: "text", maxWidth: 50 },
    { header: "Outstanding", kind: "money" },
    { header: "Link", kind: "text", maxWidth: 60 },
  ]);
  table.header(1);
  let row = 2;
  const linkColumn = FINDINGS_HEADINGS.indexOf("Link") + 1;
  table.fit(linkColumn - 1, 10); // exceljs drops a width of exactly 9 (its default) when writing
  for (const f of findings) {
    table.row(row, [
      Number(f.findingId), f.providerName, f.providerId, f.invoiceNumber, f.invoiceDate, f.childRef, ruleLabel(f.rule), categoryWords(f.category), STATUS_WORDS[f.status] ?? f.status,
      f.amount, f.recoveredAmount, f.recoveredOn, f.explanation, f.dismissedReason, f.outstanding, null,
    ]);
    if (publicUrl) {
      const url = findingUrl(publicUrl, f.findingId);
      const cell = sheet.getRow(row).getCell(linkColumn);
      cell.value = { text: url, hyperlink: url, tooltip: `Open finding ${f.findingId}` };
      cell.font = { color: { argb: "FF1D70B8" }, underline: true };
      table.fit(linkColumn - 1, url.length);
    }
    row++;
  }
  const last = row - 1;
  const recovered = findings.reduce((sum, f) => sum.plus(f.recoveredAmount ?? "0"), ZERO);
  const amount = findings.reduce((sum, f) => sum.plus(f.amount), ZERO);
  const outstanding = findings.reduce((sum, f) => sum.plus(f.outstanding), ZERO);
  table.totalRow(row + 1, 2, last, [null, "Total", null, null, null, null, null, null, null, moneyString(amount), moneyString(recovered), null, null, null, moneyString(outstanding), null]);
  if (!publicUrl) {
    sheet.getCell(row + 3, 1).value = "No links: set the web address of this service (placement-audit authority set --public-url https://…) to link each finding to its page.";
  }
  table.finish(1, last);
  printSetup(sheet, 1);
}

/** The finding's page in the review UI. */
export function findingUrl(publicUrl: string, findingId: string): string {
  return `${publicUrl.replace(/\/+$/, "")}/findings/${encodeURIComponent(findingId)}`;
}

/** "savings-2026-10.xlsx"-style label for a month, used by the monthly job's file names. */
export function monthlyReportName(month: string): string {
  return `savings-${month}.xlsx`;
}
