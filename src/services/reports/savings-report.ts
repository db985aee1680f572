import fs from "node:fs";
import path from "node:path";
import { outstandingOf } from "../../domain/recovery.js";
import { formatMoney } from "../../domain/money.js";
import type ExcelJS from "exceljs";
import type { Database } from "../../db/connection.js";
import { listProviders, providerById } from "../../db/queries/providers.query.js";
import { firstInvoiceDate, savingsFigureRows, savingsFindingRows } from "../../db/queries/savings.query.js";
import { providersWithFindingsOwed } from "../../db/queries/query-pack.query.js";
import { AppError } from "../../domain/errors.js";
import { CATEGORIES, type Category } from "../../domain/finding.js";
import { annualise, rollUp, sumFigures, type FigureRow, type SavingsFigures } from "../../reports/figures.js";
import { addMonths, financialYearStart, londonDate, monthsInPeriod, periodDates, requireReportMonth, type Month, type MonthPeriod } from "../../domain/months.js";
import { savingsParams } from "../../reports/params.js";
import { getAuthoritySettings } from "../authority/settings.js";
import { savingsPageView, type SavingsPageView } from "../../reports/savings.view.js";
import { monthlyReportName, savingsWorkbook, type SavingsFindingRow } from "../../reports/savings.workbook.js";

/**
 * The savings figures of issue 8 (meanings: src/reports/figures.ts): one SQL aggregation per
 * period, summed in PostgreSQL numeric and rolled up with Dec, never floats. The UI page and
 * the workbook share them.
 */
export interface SavingsQuery extends MonthPeriod {
  providerId?: string | null;
  authorityId: number;
}

function isCategory(value: string): value is Category {
  return (CATEGORIES as readonly string[]).includes(value);
}

function checkPeriod(period: MonthPeriod): void {
  requireReportMonth(period.from, "from");
  requireReportMonth(period.to, "to");
  if (period.from > period.to) throw new AppError("usage", `from (${period.from}) must not be after to (${period.to})`, { from: period.from, to: period.to });
}

async function figureRows(db: Database, period: MonthPeriod, providerId: string | null, authorityId: number): Promise<FigureRow[]> {
  const rows = await savingsFigureRows(db, authorityId, periodDates(period), providerId);
  return rows.map((r): FigureRow => {
    if (!isCategory(r.category)) throw new AppError("report.bad_category", `A finding has the unknown category "${r.category}"`, { category: r.category });
    return {
      month: r.month,
      providerId: r.provider_id,
      providerName: r.provider_name,
      category: r.category,
      rule: r.rule,
      identified: r.identified,
      realised: r.realised,
      atRisk: r.at_risk,
      dismissed: r.dismissed,
      identifiedCount: Number(r.identified_count),
      recoveredCount: Number(r.recovered_count),
      atRiskCount: Number(r.at_risk_count),
      dismissedCount: Number(r.dismissed_count),
    };
  });
}

/** The month of the earliest invoice on record (credit notes aside), for the annualised figure. */
async function firstInvoiceMonth(db: Database, providerId: string | null, authorityId: number): Promise<Month | null> {
  const first = await firstInvoiceDate(db, authorityId, providerId);
  return first ? first.slice(0, 7) : null;
}

/**
 * Figures for a period of invoice months, optionally for one provider: totals, by category,
 * month, provider and rule, year to date (April to `to`) and annualised (twelve months to `to`,
 * scaled up from the months available; src/reports/figures.ts AnnualisedFigures).
 */
export async function savingsFigures(db: Database, query: SavingsQuery): Promise<SavingsFigures> {
  checkPeriod(query);
  const { authorityId } = query;
  const providerId = query.providerId ?? null;
  const period: MonthPeriod = { from: query.from, to: query.to };
  const yearToDate: MonthPeriod = { from: financialYearStart(query.to), to: query.to };
  const window: MonthPeriod = { from: addMonths(query.to, -11), to: query.to };

  const rows = await figureRows(db, period, providerId, authorityId);
  const yearToDateRows = yearToDate.from === period.from ? rows : await figureRows(db, yearToDate, providerId, authorityId);
  const windowRows = await figureRows(db, window, providerId, authorityId);
  const first = await firstInvoiceMonth(db, providerId, authorityId);
  const monthsAvailable = first === null ? 0 : monthsInPeriod(window).filter((m) => m >= first).length;
  const windowTotals = sumFigures(windowRows);

  return rollUp({
    period,
    providerId,
    rows,
    yearToDate,
    yearToDateRows,
    annualised: annualise(window, monthsAvailable, windowTotals.identified, windowTotals.realised),
  });
}

/** Every finding of the period but superseded ones, in invoice date, provider, invoice and line order. */
export async function savingsFindings(db: Database, query: SavingsQuery): Promise<SavingsFindingRow[]> {
  checkPeriod(query);
  const rows = await savingsFindingRows(db, query.authorityId, periodDates(query), query.providerId ?? null);
  return rows.map((r) => {
    if (!isCategory(r.category)) throw new AppError("report.bad_category", `A finding has the unknown category "${r.category}"`, { category: r.category });
    return {
      findingId: String(r.id),
      providerId: r.provider_id,
      providerName: r.provider_name ?? r.provider_id,
      invoiceNumber: r.invoice_number,
      invoiceDate: r.invoice_date,
      childRef: r.child_ref,
      rule: r.rule,
      category: r.category,
      status: r.status,
      amount: r.amount,
      recoveredAmount: r.status === "recovered" ? r.recovered_amount : null,
      recoveredOn: r.status === "recovered" ? r.recovered_on : null,
      outstanding: outstandingOf(r.status, r.amount, r.recovered_amount, r.written_off_amount),
      explanation: r.explanation,
      dismissedReason: r.status === "dismissed" ? r.dismissed_reason : r.written_off_amount ? `Balance of ${formatMoney(r.written_off_amount)} written off: ${r.written_off_reason ?? ""}` : null,
    };
  });
}

export interface BuildOptions extends SavingsQuery {
  /** The clock, for the "Produced" date (tests fix it). */
  now?: Date;
}

/** The commissioners' savings workbook (sheets Summary, By month, By provider, By rule, Findings). */
export async function buildSavingsWorkbook(db: Database, options: BuildOptions): Promise<ExcelJS.Workbook> {
  const figures = await savingsFigures(db, options);
  const findings = await savingsFindings(db, options);
  let providerName: string | null = null;
  if (options.providerId) {
    providerName = (await providerById(db, { authorityId: options.authorityId }, options.providerId))?.name ?? null;
  }
  const { publicUrl } = await getAuthoritySettings(db, options.authorityId);
  return savingsWorkbook({ figures, findings, providerName, publicUrl, generatedOn: londonDate(options.now ?? new Date()) });
}

/**
 * Writes the workbook to `file` through a temporary file in the same directory, so a reader
 * (or a crash) never sees half a file.
 */
export async function writeWorkbookFile(workbook: ExcelJS.Workbook, file: string): Promise<void> {
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  try {
    await workbook.xlsx.writeFile(temporary);
    fs.renameSync(temporary, file);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw new AppError("report.write_failed", `Could not write ${file}: ${(error as Error).message}`, { file });
  }
}

/**
 * The monthly job's report: the financial year to date up to `month` (April to `month`, the
 * same period `report savings` uses by default when run the month after), written to
 * DATA_DIR/reports/savings-YYYY-MM.xlsx. Returns the file's path. Re-running replaces the file.
 */
export async function writeMonthlyReport(db: Database, month: string, dataDir: string, options: { now?: Date; authorityId: number }): Promise<string> {
  requireReportMonth(month, "month");
  const directory = path.join(dataDir, "reports");
  fs.mkdirSync(directory, { recursive: true });
  const file = path.join(directory, monthlyReportName(month));
  const workbook = await buildSavingsWorkbook(db, { from: financialYearStart(month), to: month, ...options });
  await writeWorkbookFile(workbook, file);
  return file;
}

async function providerOptions(db: Database, authorityId: number): Promise<{ providerId: string; name: string }[]> {
  return (await listProviders(db, { authorityId })).map((p) => ({ providerId: p.providerId, name: p.name }));
}

/**
 * Everything savings.njk needs for one request: `query` is the request's query string
 * (`from`, `to`, `provider`; blanks mean the defaults). Invalid input comes back as
 * `form.errors` (GOV.UK error summary) above the default period's figures; render with
 * status 400 when `form.errors` is not empty.
 */
export async function savingsPageData(
  db: Database,
  query: Record<string, unknown>,
  options: { now?: Date; authorityId: number; basePath?: string },
): Promise<SavingsPageView> {
  const { authorityId } = options;
  const now = options.now ?? new Date();
  const providers = await providerOptions(db, authorityId);
  const params = savingsParams(query, { now, providerIds: new Set(providers.map((p) => p.providerId)) });
  const figures = await savingsFigures(db, { ...params.period, providerId: params.providerId, authorityId });
  const queryable = new Set((await providersWithFindingsOwed(db, authorityId)).map((p) => p.provider_id));
  return savingsPageView(figures, {
    providers,
    queryable,
    errors: params.errors,
    input: params.input,
    generatedOn: londonDate(now),
    ...(options.basePath ? { basePath: options.basePath } : {}),
  });
}

/**
 * The workbook for a download request with the same query string as the page; null (answer
 * 400, or show the page with its errors) when the input is invalid.
 */
export async function savingsWorkbookForRequest(
  db: Database,
  query: Record<string, unknown>,
  options: { now?: Date; authorityId: number },
): Promise<{ workbook: ExcelJS.Workbook; fileName: string } | null> {
  const { authorityId } = options;
  const now = options.now ?? new Date();
  const providers = await providerOptions(db, authorityId);
  const params = savingsParams(query, { now, providerIds: new Set(providers.map((p) => p.providerId)) });
  if (params.errors.length > 0) return null;
  const workbook = await buildSavingsWorkbook(db, { ...params.period, providerId: params.providerId, authorityId, now });
  const scope = params.providerId ? `-${params.providerId.replace(/[^A-Za-z0-9_-]/g, "_")}` : "";
  return { workbook, fileName: `savings-${params.period.from}-to-${params.period.to}${scope}.xlsx` };
}
