import { createHash } from "node:crypto";
import type { Request, Response } from "express";
import type ExcelJS from "exceljs";
import { buildQueryPackWorkbook, queryPackHtml } from "../../services/reports/query-pack.js";
import { savingsPageData, savingsWorkbookForRequest } from "../../services/reports/savings-report.js";
import { scopeOf, type WebContext } from "../context.js";
import { render } from "../views.js";

/**
 * The commissioners' savings report and the providers' query packs (src/reports/WEB-INTEGRATION.md).
 * All GET: they change nothing. The figures, workbooks and templates are the reports module's;
 * these handlers only read the request, pick the status and send the result.
 */
export const REPORTS_BASE = "/reports";
const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/** A file name safe in a Content-Disposition header and on any file system. */
function safeFileStem(value: string): string {
  return value.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 80) || "provider";
}

async function showSavings(ctx: WebContext, req: Request, res: Response): Promise<void> {
  const view = await savingsPageData(ctx.db, req.query, { now: ctx.now(), authorityId: scopeOf(req).authorityId, basePath: REPORTS_BASE });
  await render(ctx, req, res, "savings.njk", { ...view }, view.form.errors.length > 0 ? 400 : 200);
}

/** GET /reports/savings?from=YYYY-MM&to=YYYY-MM&provider=ID: figures, charts and tables; bad input → 400 with an error summary. */
export function savingsPage(ctx: WebContext, req: Request, res: Response): Promise<void> {
  return showSavings(ctx, req, res);
}

async function sendWorkbook(res: Response, workbook: ExcelJS.Workbook, fileName: string): Promise<void> {
  // Written to a buffer first, so a failure is still an error page rather than half a file.
  const bytes = await workbook.xlsx.writeBuffer();
  res.attachment(fileName);
  res.type(XLSX_TYPE);
  res.send(Buffer.from(bytes));
}

/** GET /reports/savings.xlsx (same query as the page): the workbook as an attachment; bad input → the page with its errors, 400. */
export async function savingsDownload(ctx: WebContext, req: Request, res: Response): Promise<void> {
  const download = await savingsWorkbookForRequest(ctx.db, req.query, { now: ctx.now(), authorityId: scopeOf(req).authorityId });
  if (!download) {
    await showSavings(ctx, req, res);
    return;
  }
  ctx.logger.info("savings workbook downloaded", { userId: req.user?.id });
  await sendWorkbook(res, download.workbook, download.fileName);
}

/**
 * The printable page is a standalone document with its own inline print CSS. The app's policy
 * (style-src 'self') would refuse that block, so this response's policy allows exactly those
 * style blocks by their hash: still no scripts, no other sources.
 */
function queryPackPolicy(html: string): string {
  const hashes = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => `'sha256-${createHash("sha256").update(m[1] ?? "", "utf8").digest("base64")}'`);
  return [
    "default-src 'none'",
    `style-src ${hashes.length > 0 ? hashes.join(" ") : "'none'"}`,
    "img-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** GET /reports/query-pack/:providerId: the provider's confirmed findings as a printable page; unknown provider → 404. */
export async function queryPackPage(ctx: WebContext, req: Request, res: Response): Promise<void> {
  const html = await queryPackHtml(ctx.db, String(req.params.providerId), { now: ctx.now(), authorityId: scopeOf(req).authorityId });
  res.set("Content-Security-Policy", queryPackPolicy(html));
  res.type("html").send(html);
}

/** GET /reports/query-pack/:providerId.xlsx: the same as a workbook attachment; unknown provider → 404. */
export async function queryPackDownload(ctx: WebContext, req: Request, res: Response): Promise<void> {
  const providerId = String(req.params.providerId);
  const workbook = await buildQueryPackWorkbook(ctx.db, providerId, { now: ctx.now(), authorityId: scopeOf(req).authorityId });
  ctx.logger.info("query pack downloaded", { providerId, userId: req.user?.id });
  await sendWorkbook(res, workbook, `query-${safeFileStem(providerId)}.xlsx`);
}
