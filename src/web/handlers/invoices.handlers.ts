import path from "node:path";
import type { Request, Response } from "express";
import { cleanFileName } from "../../domain/text-hygiene.js";
import { AppError } from "../../domain/errors.js";
import { INVOICE_STATUSES } from "../../domain/invoice.js";
import { londonMonth, monthBounds } from "../../domain/months.js";
import { dashboardSummary } from "../../db/queries/dashboard.query.js";
import { invoiceDetail, invoiceFile } from "../../db/queries/invoice-detail.query.js";
import { listInvoices, type InvoiceSort } from "../../db/queries/invoice-list.query.js";
import { listProviders } from "../../db/queries/providers.query.js";
import { scopeOf, type WebContext } from "../context.js";
import { pagination, selectItems, sortLinks } from "../listing.js";
import { statusTag } from "../format.js";
import { invoiceQuery, isMonth, pageRequest, queryString, queryValue } from "../params.js";
import { render } from "../views.js";
import { DATABASE_PREFIX, originalsStore } from "../../services/originals/originals.js";

export const INVOICE_PAGE_SIZE = 50;
const INVOICE_SORT_COLUMNS: readonly InvoiceSort[] = ["invoice_date", "provider", "invoice_number", "total", "flagged", "status"];

function shiftMonth(month: string, by: number): string {
  const [year = 0, m = 1] = month.split("-").map(Number);
  const index = year * 12 + (m - 1) + by;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, "0")}`;
}

export async function dashboard(ctx: WebContext, req: Request, res: Response): Promise<void> {
  const requested = queryValue(req, "month");
  const thisMonth = londonMonth(ctx.now());
  const month = isMonth(requested) ? requested : thisMonth;
  const summary = await dashboardSummary(ctx.db, scopeOf(req), month);
  await render(ctx, req, res, "dashboard.njk", {
    summary,
    isThisMonth: month === thisMonth,
    monthStart: monthBounds(month).from,
    previousMonth: shiftMonth(month, -1),
    nextMonth: month < thisMonth ? shiftMonth(month, 1) : null,
  });
}

export async function invoicesPage(ctx: WebContext, req: Request, res: Response): Promise<void> {
  const scope = scopeOf(req);
  const query = invoiceQuery(req);
  const page = await listInvoices(ctx.db, scope, query.filter, query.sort, pageRequest(req, INVOICE_PAGE_SIZE));
  const keep = { ...query.params, ...(query.sort.by !== "invoice_date" || query.sort.direction !== "desc" ? { sort: query.sort.by, dir: query.sort.direction } : {}) };
  const providers = await listProviders(ctx.db, scope);
  await render(ctx, req, res, "invoices.njk", {
    page,
    query,
    selects: {
      provider: selectItems("All providers", providers.map((p) => ({ value: p.providerId, text: p.name })), query.filter.providerId ?? ""),
      status: selectItems("Any status", INVOICE_STATUSES.map((s) => ({ value: s, text: statusTag(s).text })), query.filter.status ?? ""),
    },
    sortLinks: sortLinks("/invoices", INVOICE_SORT_COLUMNS, query.sort, query.params),
    pagination: pagination("/invoices", page, keep),
    values: { month: queryValue(req, "month"), has_findings: query.params.has_findings ?? "" },
  });
}

async function requireInvoice(ctx: WebContext, req: Request): Promise<NonNullable<Awaited<ReturnType<typeof invoiceDetail>>>> {
  const invoice = await invoiceDetail(ctx.db, scopeOf(req), String(req.params.id));
  if (!invoice) throw new AppError("not_found", "There is no such invoice");
  return invoice;
}

export async function invoicePage(ctx: WebContext, req: Request, res: Response): Promise<void> {
  const invoice = await requireInvoice(ctx, req);
  await render(ctx, req, res, "invoice.njk", { invoice, returnTo: `/invoices/${invoice.id}` });
}

/**
 * The original file, always as a download: never rendered by the browser (octet-stream,
 * nosniff, attachment), read through the originals store (the database on a PostgreSQL server;
 * under DATA_DIR, and only from inside it, for the embedded database).
 */
export async function invoiceFileDownload(ctx: WebContext, req: Request, res: Response): Promise<void> {
  const file = await invoiceFile(ctx.db, scopeOf(req), String(req.params.id));
  if (!file) throw new AppError("not_found", "There is no such invoice");
  const store = originalsStore(ctx.db, ctx.dataDir);
  if (store.kind === "data_dir" || !file.storedPath.startsWith(DATABASE_PREFIX)) {
    const root = path.resolve(ctx.dataDir);
    const full = path.resolve(root, file.storedPath);
    if (!full.startsWith(root + path.sep)) {
      ctx.logger.warn("stored file outside DATA_DIR refused", { invoiceId: req.params.id });
      throw new AppError("not_found", "The original file is not available");
    }
  }
  const bytes = await store.read(file);
  res.attachment(cleanFileName(file.originalName));
  res.set({ "Content-Type": "application/octet-stream", "X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store" });
  res.send(bytes);
}

// JSON API

export async function apiInvoices(ctx: WebContext, req: Request, res: Response): Promise<void> {
  const query = invoiceQuery(req);
  if (Object.keys(query.errors).length > 0) {
    res.status(400).json({ error: { code: "query.invalid", message: Object.values(query.errors).join("; "), fields: query.errors } });
    return;
  }
  const page = await listInvoices(ctx.db, scopeOf(req), query.filter, query.sort, pageRequest(req, INVOICE_PAGE_SIZE));
  const next = page.page < page.pageCount ? `/api/invoices${queryString({ ...query.params, sort: query.sort.by, dir: query.sort.direction, page: page.page + 1 })}` : null;
  res.json({ ...page, next });
}

export async function apiInvoice(ctx: WebContext, req: Request, res: Response): Promise<void> {
  const invoice = await requireInvoice(ctx, req);
  res.json({ ...invoice, fileUrl: `/invoices/${invoice.id}/file` });
}
