import type { Request, Response } from "express";
import { AppError, isAppError } from "../../domain/errors.js";
import { addProviderAlias } from "../../services/ingest/provider-aliases.js";
import { auditRunProgress, listAuditRuns } from "../../db/queries/audit-runs.query.js";
import { listProviders } from "../../db/queries/providers.query.js";
import { filesNeedingAttention, receivedFile } from "../../db/queries/received-files.query.js";
import { discardedFiles, invoicesToVerify } from "../../db/queries/keying.query.js";
import { field, UPLOAD_LIMITS } from "../body.js";
import { actorOf, scopeOf, type WebContext } from "../context.js";
import { REFERENCE_TABLES } from "../../reference/tables.js";
import { formatBytes } from "../format.js";
import { pagination, selectItems } from "../listing.js";
import { isMonth, pageRequest, type FieldErrors } from "../params.js";
import type { ServiceReport, UploadedFile } from "../service-ports.js";
import { render } from "../views.js";

// Needs attention

async function showNeedsAttention(ctx: WebContext, req: Request, res: Response, errors: FieldErrors = {}, status = 200, report: ServiceReport | null = null): Promise<void> {
  const scope = scopeOf(req);
  const ports = ctx.ports;
  const providers = await listProviders(ctx.db, scope);
  await render(
    ctx, req, res, "needs-attention.njk",
    {
      files: await filesNeedingAttention(ctx.db, scope),
      providers,
      providerItems: selectItems("Select a provider", providers.map((p) => ({ value: p.providerId, text: `${p.name} (${p.providerId})` })), field(req, "providerId")),
      canAct: req.user?.role === "finance_officer" || req.user?.role === "admin",
      canReprocess: ports.reprocessFile !== null,
      // Keying in, verifying and discarding (issue 18): finance officers, who may read invoices.
      canKey: req.user?.role === "finance_officer",
      toVerify: req.user?.role === "admin" ? [] : await invoicesToVerify(ctx.db, scope),
      discarded: await discardedFiles(ctx.db, scope),
      errors,
      report,
      values: { providerId: field(req, "providerId"), alias: field(req, "alias") },
    },
    status,
  );
}

export function needsAttentionPage(ctx: WebContext, req: Request, res: Response): Promise<void> {
  return showNeedsAttention(ctx, req, res);
}

export async function reprocessFile(ctx: WebContext, req: Request, res: Response): Promise<void> {
  const file = await receivedFile(ctx.db, scopeOf(req), String(req.params.id));
  if (!file) throw new AppError("not_found", "There is no such file");
  const ports = ctx.ports;
  if (!ports.reprocessFile) {
    await showNeedsAttention(ctx, req, res, { reprocess: "Re-processing is not available in this version yet." }, 503);
    return;
  }
  let report: ServiceReport;
  try {
    report = await ports.reprocessFile(file.id, scopeOf(req).authorityId, actorOf(req).username);
  } catch (error) {
    if (!isAppError(error) || !error.code.startsWith("ingest.")) throw error;
    await showNeedsAttention(ctx, req, res, { reprocess: error.message }, 409);
    return;
  }
  ctx.logger.info("file re-processed from the UI", { fileId: file.id, userId: req.user?.id, ok: report.ok });
  await showNeedsAttention(ctx, req, res, {}, 200, report);
}

export async function addAlias(ctx: WebContext, req: Request, res: Response): Promise<void> {
  const providerId = field(req, "providerId");
  try {
    const aliases = await addProviderAlias(ctx.db, actorOf(req), providerId, field(req, "alias"));
    req.session.flash = { kind: "success", text: `The provider ${providerId} is now also recognised as: ${aliases.join(", ")}.` };
    res.redirect(303, "/needs-attention");
  } catch (error) {
    if (!isAppError(error) || !error.code.startsWith("alias.")) throw error;
    const name = error.context.field === "providerId" ? "providerId" : "alias";
    await showNeedsAttention(ctx, req, res, { [name]: error.message }, 400);
  }
}

// Uploads

export async function showUploads(
  ctx: WebContext,
  req: Request,
  res: Response,
  data: { errors?: FieldErrors; invoiceReport?: ServiceReport | null; referenceReport?: ServiceReport | null } = {},
  status = 200,
): Promise<void> {
  const ports = ctx.ports;
  await render(
    ctx, req, res, "uploads.njk",
    {
      errors: data.errors ?? {},
      invoiceReport: data.invoiceReport ?? null,
      referenceReport: data.referenceReport ?? null,
      canUploadInvoices: req.user?.role === "finance_officer" || req.user?.role === "admin",
      canUploadReference: req.user?.role === "admin",
      invoicesAvailable: ports.ingestInvoices !== null,
      referenceAvailable: ports.importReference !== null,
      referenceTables: REFERENCE_TABLES,
      limits: { maxFiles: UPLOAD_LIMITS.maxFiles, maxFile: formatBytes(UPLOAD_LIMITS.maxFileBytes), maxTotal: formatBytes(UPLOAD_LIMITS.maxTotalBytes) },
    },
    status,
  );
}

export function uploadsPage(ctx: WebContext, req: Request, res: Response): Promise<void> {
  return showUploads(ctx, req, res);
}

/** The count limit, which applies to the whole batch (the field's error). */
export function batchProblem(files: readonly UploadedFile[]): string | null {
  if (files.length === 0) return "Select at least one file";
  if (files.length > UPLOAD_LIMITS.maxFiles) return `Select ${UPLOAD_LIMITS.maxFiles} files or fewer at a time`;
  return null;
}

/** Why one file of a batch is not read (too large, empty), or null: the rest are still read. */
export function fileProblem(file: UploadedFile): string | null {
  if (file.bytes.byteLength > UPLOAD_LIMITS.maxFileBytes) return `${file.name} is larger than ${formatBytes(UPLOAD_LIMITS.maxFileBytes)}: not read`;
  if (file.bytes.byteLength === 0) return `${file.name} is empty: not read`;
  return null;
}

/**
 * For uploads read as one batch (reference data applies whole or not at all): the count limit,
 * then the first file that is too large or empty.
 */
export function uploadProblem(files: readonly UploadedFile[]): string | null {
  return batchProblem(files) ?? files.map(fileProblem).find((p) => p !== null) ?? null;
}

async function handleUpload(ctx: WebContext, req: Request, res: Response, which: "invoices"): Promise<void> {
  const files = req.uploads ?? [];
  const fieldName = "invoiceFiles";
  const reportKey = "invoiceReport";
  const problem = batchProblem(files);
  if (problem) {
    await showUploads(ctx, req, res, { errors: { [fieldName]: problem } }, 400);
    return;
  }
  const ports = ctx.ports;
  const port = ports.ingestInvoices;
  if (!port) {
    await showUploads(ctx, req, res, { errors: { [fieldName]: "This upload is not available in this version yet." } }, 503);
    return;
  }
  const refused = files.map(fileProblem).filter((p): p is string => p !== null);
  const accepted = files.filter((f) => fileProblem(f) === null);
  if (accepted.length === 0) {
    await showUploads(ctx, req, res, { errors: { [fieldName]: refused.join(". ") }, [reportKey]: { ok: false, summary: [], problems: refused } }, 400);
    return;
  }
  ctx.logger.info("upload received", { kind: which, files: accepted.length, refused: refused.length, bytes: accepted.reduce((n, f) => n + f.bytes.byteLength, 0), userId: req.user?.id });
  const report = await port(accepted, scopeOf(req).authorityId, actorOf(req).username);
  const merged: ServiceReport = { ok: report.ok && refused.length === 0, summary: report.summary, problems: [...refused, ...report.problems] };
  await showUploads(ctx, req, res, { [reportKey]: merged });
}

export function uploadInvoices(ctx: WebContext, req: Request, res: Response): Promise<void> {
  return handleUpload(ctx, req, res, "invoices");
}


// Audit runs

export const AUDIT_RUN_PAGE_SIZE = 25;

async function showAuditRuns(ctx: WebContext, req: Request, res: Response, errors: FieldErrors = {}, status = 200): Promise<void> {
  const page = await listAuditRuns(ctx.db, scopeOf(req), pageRequest(req, AUDIT_RUN_PAGE_SIZE));
  const ports = ctx.ports;
  await render(
    ctx, req, res, "audit-runs.njk",
    {
      page,
      pagination: pagination("/audit-runs", page, {}),
      canRun: req.user?.role === "finance_officer" || req.user?.role === "admin",
      auditAvailable: ports.runAudit !== null,
      errors,
      values: { scope: field(req, "scope") || "month", month: field(req, "month") },
    },
    status,
  );
}

export function auditRunsPage(ctx: WebContext, req: Request, res: Response): Promise<void> {
  return showAuditRuns(ctx, req, res);
}

/** A run's progress as JSON: its parts (total, done, failed, running, waiting) and lines (planned, of the parts done). */
export async function apiAuditRunProgress(ctx: WebContext, req: Request, res: Response): Promise<void> {
  const progress = await auditRunProgress(ctx.db, scopeOf(req), String(req.params.id));
  if (!progress) throw new AppError("not_found", "There is no such audit run");
  res.json(progress);
}

/**
 * "Run an audit now". The audit may take a while, so it is started and the page returns at
 * once; its progress and result appear in the history (audit_runs).
 */
export async function runAuditNow(ctx: WebContext, req: Request, res: Response): Promise<void> {
  const scope = field(req, "scope");
  const month = field(req, "month").trim();
  if (scope !== "all" && !isMonth(month)) {
    await showAuditRuns(ctx, req, res, { month: "Enter the month to audit, like 2026-10, or choose all invoices" }, 400);
    return;
  }
  const ports = ctx.ports;
  if (!ports.runAudit) {
    await showAuditRuns(ctx, req, res, { scope: "Running an audit from here is not available in this version yet." }, 503);
    return;
  }
  const request = { month: scope === "all" ? null : month, authorityId: scopeOf(req).authorityId, actor: actorOf(req).username };
  ctx.logger.info("audit requested from the UI", { month: request.month ?? "all", userId: req.user?.id });
  let started: Awaited<ReturnType<NonNullable<typeof ports.runAudit>>>;
  try {
    started = await ports.runAudit(request);
  } catch (error) {
    // One audit at a time: the one running is in the list this page shows first.
    if (!isAppError(error) || error.code !== "audit.already_running") throw error;
    req.session.flash = { kind: "important", title: "An audit is already running", text: `Not started. ${error.message}` };
    res.redirect(303, "/audit-runs");
    return;
  }
  started.finished.then(
    (report) => ctx.logger.info("audit from the UI finished", { ok: report.ok, auditRun: started.runId }),
    (error: unknown) => ctx.logger.error("audit from the UI failed", { error: error instanceof Error ? error.message : String(error) }),
  );
  req.session.flash = { kind: "success", text: `Audit of ${request.month ?? "all invoices"} started (run ${started.runId}). Refresh this page to see its progress.` };
  res.redirect(303, "/audit-runs");
}
