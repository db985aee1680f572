import fs from "node:fs";
import path from "node:path";
import type ExcelJS from "exceljs";
import type { Database } from "../../db/connection.js";
import { AppError } from "../../domain/errors.js";
import { CATEGORIES, type Category, type FindingStatus } from "../../domain/finding.js";
import { annualise, rollUp, sumFigures, type FigureRow, type SavingsFigures } from "../../reports/figures.js";
import { addMonths, financialYearStart, londonDate, monthsInPeriod, periodDates, requireReportMonth, type Month, type MonthPeriod } from "../../reports/period.js";
import { savingsParams } from "../../reports/params.js";
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

// What each status contributes (src/reports/figures.ts has the table). Realised is the recorded
// recovered_amount, never more than the finding's amount; null (not recorded) realises nothing.
const FIGURE_SQL = `
  to_char(i.invoice_date, 'YYYY-MM') as month,
  f.provider_id,
  coalesce(max(p.name), f.provider_id) as provider_name,
  f.category,
  f.rule,
  coalesce(sum(f.amount) filter (where f.status in ('confirmed','recovered')), 0) as identified,
  coalesce(sum(least(coalesce(f.recovered_amount, 0), f.amount)) filter (where f.status = 'recovered'), 0) as realised,
  coalesce(sum(f.amount) filter (where f.status = 'open'), 0) as at_risk,
  coalesce(sum(f.amount) filter (where f.status = 'dismissed'), 0) as dismissed,
  count(*) filter (where f.status in ('confirmed','recovered')) as identified_count,
  count(*) filter (where f.status = 'recovered') as recovered_count,
  count(*) filter (where f.status = 'open') as at_risk_count,
  count(*) filter (where f.status = 'dismissed') as dismissed_count`;

interface FigureSqlRow {
  month: string;
  provider_id: string;
  provider_name: string;
  category: string;
  rule: string;
  identified: string;
  realised: string;
  at_risk: string;
  dismissed: string;
  identified_count: string | number;
  recovered_count: string | number;
  at_risk_count: string | number;
  dismissed_count: string | number;
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
  const dates = periodDates(period);
  const query = db
    .knex("findings as f")
    .join("invoices as i", "i.id", "f.invoice_id")
    .leftJoin("providers as p", function joinProvider() {
      this.on("p.authority_id", "=", "f.authority_id").andOn("p.provider_id", "=", "f.provider_id");
    })
    .select(db.knex.raw(FIGURE_SQL))
    .where("f.authority_id", authorityId)
    .andWhereNot("f.status", "superseded")
    .andWhereBetween("i.invoice_date", [dates.from, dates.to])
    .groupByRaw("1, 2, 4, 5")
    .orderByRaw("1, 2, 4, 5");
  if (providerId) void query.andWhere("f.provider_id", providerId);
  const rows = (await query) as FigureSqlRow[];
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
  const query = db.knex("invoices").where({ authority_id: authorityId, kind: "invoice" }).min({ first: "invoice_date" });
  if (providerId) void query.andWhere("provider_id", providerId);
  const row = (await query.first()) as { first: string | null } | undefined;
  return row?.first ? row.first.slice(0, 7) : null;
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

interface FindingSqlRow {
  id: string;
  provider_id: string;
  provider_name: string | null;
  invoice_number: string;
  invoice_date: string;
  child_ref: string | null;
  rule: string;
  category: string;
  status: FindingStatus;
  amount: string;
  recovered_amount: string | null;
  recovered_on: string | null;
  explanation: string;
  dismissed_reason: string | null;
}

/** Every finding of the period but superseded ones, in invoice date, provider, invoice and line order. */
export async function savingsFindings(db: Database, query: SavingsQuery): Promise<SavingsFindingRow[]> {
  checkPeriod(query);
  const dates = periodDates(query);
  const builder = db
    .knex("findings as f")
    .join("invoices as i", "i.id", "f.invoice_id")
    .leftJoin("providers as p", function joinProvider() {
      this.on("p.authority_id", "=", "f.authority_id").andOn("p.provider_id", "=", "f.provider_id");
    })
    .select(
      "f.id", "f.provider_id", "p.name as provider_name", "i.invoice_number", "i.invoice_date", "f.child_ref", "f.rule",
      "f.category", "f.status", "f.amount", "f.recovered_amount", "f.recovered_on", "f.explanation", "f.dismissed_reason",
    )
    .where("f.authority_id", query.authorityId)
    .andWhereNot("f.status", "superseded")
    .andWhereBetween("i.invoice_date", [dates.from, dates.to])
    .orderBy([{ column: "i.invoice_date" }, { column: "f.provider_id" }, { column: "i.invoice_number" }, { column: "f.line_no" }, { column: "f.id" }]);
  if (query.providerId) void builder.andWhere("f.provider_id", query.providerId);
  const rows = (await builder) as FindingSqlRow[];
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
      explanation: r.explanation,
      dismissedReason: r.status === "dismissed" ? r.dismissed_reason : null,
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
    const provider = await db.knex<{ authority_id: number; provider_id: string; name: string }>("providers")
      .where({ authority_id: options.authorityId, provider_id: options.providerId })
      .first("name");
    providerName = provider?.name ?? null;
  }
  return savingsWorkbook({ figures, findings, providerName, generatedOn: londonDate(options.now ?? new Date()) });
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
  const rows = await db.knex<{ authority_id: number; provider_id: string; name: string }>("providers")
    .where({ authority_id: authorityId })
    .orderBy([{ column: "name" }, { column: "provider_id" }])
    .select("provider_id", "name");
  return rows.map((r) => ({ providerId: r.provider_id, name: r.name }));
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
  return savingsPageView(figures, {
    providers,
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
