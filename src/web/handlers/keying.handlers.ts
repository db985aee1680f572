import type { Request, Response } from "express";
import { AppError, isAppError } from "../../domain/errors.js";
import { invoicesToVerify, taughtTemplateDetail, taughtTemplateList } from "../../db/queries/keying.query.js";
import { discardFile, DISCARD_REASONS, restoreFile } from "../../services/keying/discard-file.js";
import { pageImage } from "../../services/keying/file-inspection.js";
import { emptyLine, HEADER_FIELDS, LINE_FIELDS, lineFieldId, type FormCheck, type KeyedForm, type KeyedLineForm } from "../../services/keying/keyed-form.js";
import { keyingScreen, type KeyingScreen, type KeyingTarget } from "../../services/keying/keying-screen.js";
import { checkKeyed, saveKeyedInvoice, type SaveKeyedResult } from "../../services/keying/save-keyed.js";
import { removeTaughtTemplate } from "../../services/keying/teach-layout.js";
import { arrivalAuditSummary } from "../../services/audit/audit-arrivals.js";
import { field } from "../body.js";
import { actorOf, scopeOf, type WebContext } from "../context.js";
import { render } from "../views.js";

/**
 * The keying screen (issue 18): key in a file from "needs attention", verify an invoice read
 * with uncertain values, discard or restore a file, and the taught templates (admin). Works
 * without JavaScript: lines are added by a submit button and removed by a tick.
 */

const MAX_FORM_LINES = 200;

/** The form as posted (page) or sent (API): every value as text. */
function formFromBody(body: unknown): { form: KeyedForm; removed: number } {
  const source = body !== null && typeof body === "object" ? (body as Record<string, unknown>) : {};
  const text = (name: string): string => (typeof source[name] === "string" ? source[name] : "");
  const form: KeyedForm = { providerId: "", kind: "invoice", invoiceNumber: "", invoiceDate: "", creditsInvoice: "", periodFrom: "", periodTo: "", subtotal: "", vat: "", total: "", lines: [] };
  for (const name of HEADER_FIELDS) form[name] = text(name);
  let removed = 0;
  if (Array.isArray(source.lines)) {
    // JSON: lines as an array of objects.
    for (const item of source.lines.slice(0, MAX_FORM_LINES)) {
      const line = emptyLine();
      const values = item !== null && typeof item === "object" ? (item as Record<string, unknown>) : {};
      for (const name of LINE_FIELDS) if (typeof values[name] === "string") line[name] = values[name];
      form.lines.push(line);
    }
    return { form, removed };
  }
  for (let i = 0; i < MAX_FORM_LINES; i++) {
    if (!LINE_FIELDS.some((name) => typeof source[lineFieldId(i, name)] === "string")) continue;
    if (text(`lines-${i}-remove`) === "yes") {
      removed++;
      continue;
    }
    const line: KeyedLineForm = emptyLine();
    for (const name of LINE_FIELDS) line[name] = text(lineFieldId(i, name));
    form.lines.push(line);
  }
  return { form, removed };
}

function targetOf(req: Request, kind: KeyingTarget["kind"]): KeyingTarget {
  const id = String(req.params.id);
  if (!/^\d{1,18}$/.test(id)) throw new AppError("not_found", kind === "file" ? "There is no such file" : "There is no such invoice");
  return kind === "file" ? { kind, fileId: id } : { kind, invoiceId: id };
}

function actionOf(target: KeyingTarget): string {
  return target.kind === "file" ? `/needs-attention/${target.fileId}/key` : `/invoices/${target.invoiceId}/verify`;
}

const DISCARD_ITEMS = Object.entries(DISCARD_REASONS).map(([value, text]) => ({ value, text }));

async function show(
  ctx: WebContext,
  req: Request,
  res: Response,
  screen: KeyingScreen,
  extra: { check?: FormCheck | null; errors?: Record<string, string>; teach?: boolean; discard?: { reason: string; detail: string } } = {},
  status = 200,
): Promise<void> {
  const errors = { ...(extra.check?.errors ?? {}), ...(extra.errors ?? {}) };
  await render(
    ctx, req, res, "keying.njk",
    {
      screen,
      action: actionOf(screen.target),
      isFile: screen.target.kind === "file",
      form: screen.form,
      marks: screen.marks,
      errors,
      warnings: extra.check?.warnings ?? {},
      arithmetic: extra.check?.arithmetic ?? [],
      teach: extra.teach ?? false,
      discardItems: DISCARD_ITEMS.map((item) => ({ ...item, checked: item.value === extra.discard?.reason })),
      discardDetail: extra.discard?.detail ?? "",
      lineFields: LINE_FIELDS,
    },
    status,
  );
}

async function openScreen(ctx: WebContext, req: Request, target: KeyingTarget): Promise<KeyingScreen> {
  return keyingScreen(ctx.db, ctx.dataDir, scopeOf(req).authorityId, target);
}

function savedMessage(result: Extract<SaveKeyedResult, { outcome: "saved" }>, verb: string): string {
  const audited = result.audit?.status === "audited" ? "audited: its findings are below" : (arrivalAuditSummary(result.audit) ?? "not audited yet");
  const taught = result.taught
    ? result.taught.templateId
      ? ` The provider's layout was learnt; ${result.taught.nowRead} of the provider's ${result.taught.reprocessed} other waiting file(s) now read without help.`
      : " Nothing new about the layout could be learnt from this file."
    : "";
  return `Invoice ${result.check.invoice?.invoiceNumber ?? ""} ${verb} and ${audited}.${taught}`;
}

async function keyPage(ctx: WebContext, req: Request, res: Response, kind: KeyingTarget["kind"]): Promise<void> {
  await show(ctx, req, res, await openScreen(ctx, req, targetOf(req, kind)));
}

async function keyPost(ctx: WebContext, req: Request, res: Response, kind: KeyingTarget["kind"]): Promise<void> {
  const target = targetOf(req, kind);
  const screen = await openScreen(ctx, req, target);
  const { form } = formFromBody(req.body);
  const action = field(req, "action");
  const teach = field(req, "teach") === "yes";
  if (action === "add-line") form.lines.push(emptyLine());
  if (form.lines.length === 0) form.lines.push(emptyLine());
  const withForm: KeyingScreen = { ...screen, form };
  if (action !== "save") {
    const check = await checkKeyed(ctx.db, scopeOf(req).authorityId, form);
    // Adding a line or checking the figures shows the checks, not the errors of fields not typed yet.
    await show(ctx, req, res, withForm, { check: { ...check, errors: action === "check" ? check.errors : {} }, teach }, action === "check" && Object.keys(check.errors).length > 0 ? 400 : 200);
    return;
  }
  let result: SaveKeyedResult;
  try {
    result = await saveKeyedInvoice(ctx.db, { dataDir: ctx.dataDir, actor: actorOf(req), target, form, teach: teach && kind === "file", logger: ctx.logger, arrivalQueue: ctx.ports.arrivalQueue ?? null });
  } catch (error) {
    if (!isAppError(error) || !error.code.startsWith("keying.")) throw error;
    await show(ctx, req, res, withForm, { errors: { invoiceNumber: error.message }, teach }, 409);
    return;
  }
  if (result.outcome === "invalid") {
    await show(ctx, req, res, withForm, { check: result.check, teach }, 400);
    return;
  }
  req.session.flash = { kind: "success", title: kind === "file" ? "Invoice keyed in" : "Invoice verified", text: savedMessage(result, kind === "file" ? "stored" : "verified") };
  res.redirect(303, `/invoices/${result.invoiceId}`);
}

export const keyFilePage = (ctx: WebContext, req: Request, res: Response): Promise<void> => keyPage(ctx, req, res, "file");
export const keyFile = (ctx: WebContext, req: Request, res: Response): Promise<void> => keyPost(ctx, req, res, "file");
export const verifyInvoicePage = (ctx: WebContext, req: Request, res: Response): Promise<void> => keyPage(ctx, req, res, "invoice");
export const verifyInvoice = (ctx: WebContext, req: Request, res: Response): Promise<void> => keyPost(ctx, req, res, "invoice");

export async function discard(ctx: WebContext, req: Request, res: Response): Promise<void> {
  const target = targetOf(req, "file");
  const reason = field(req, "reason");
  const detail = field(req, "detail");
  try {
    await discardFile(ctx.db, actorOf(req), target.kind === "file" ? target.fileId : "", reason, detail, ctx.now());
  } catch (error) {
    if (!isAppError(error) || !error.code.startsWith("keying.")) throw error;
    const name = error.context.field === "detail" ? "detail" : error.code === "keying.invalid" ? "reason" : "invoiceNumber";
    await show(ctx, req, res, await openScreen(ctx, req, target), { errors: { [name]: error.message }, discard: { reason, detail } }, error.code === "keying.invalid" ? 400 : 409);
    return;
  }
  req.session.flash = { kind: "success", title: "File discarded", text: "The file was discarded: it is kept, and listed under Discarded files where it can be restored." };
  res.redirect(303, "/needs-attention");
}

export async function restore(ctx: WebContext, req: Request, res: Response): Promise<void> {
  const target = targetOf(req, "file");
  await restoreFile(ctx.db, actorOf(req), target.kind === "file" ? target.fileId : "");
  req.session.flash = { kind: "success", title: "File restored", text: "The file is back in the list of files that need attention." };
  res.redirect(303, "/needs-attention");
}

/**
 * A page of a received file as an image, for the keying screen: drawn from the stored original
 * (PDF) or the original itself (PNG, JPEG). As with file downloads: its own content type,
 * nosniff, an attachment name, never kept by a shared cache.
 */
export async function filePageImage(ctx: WebContext, req: Request, res: Response): Promise<void> {
  const id = String(req.params.id);
  const page = Number(req.params.page);
  if (!/^\d{1,18}$/.test(id) || !Number.isInteger(page)) throw new AppError("not_found", "There is no such page");
  const image = await pageImage(ctx.db, ctx.dataDir, scopeOf(req).authorityId, id, page);
  if (!image) throw new AppError("not_found", "There is no such page");
  res.attachment(`file-${id}-page-${page}.${image.contentType === "image/png" ? "png" : "jpg"}`);
  res.set({ "Content-Type": image.contentType, "X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store" });
  res.send(image.bytes);
}

// Taught templates (admin)

export async function templatesPage(ctx: WebContext, req: Request, res: Response): Promise<void> {
  await render(ctx, req, res, "templates.njk", { templates: await taughtTemplateList(ctx.db, scopeOf(req)) });
}

export async function templatePage(ctx: WebContext, req: Request, res: Response): Promise<void> {
  const template = await taughtTemplateDetail(ctx.db, scopeOf(req), String(req.params.id));
  if (!template) throw new AppError("not_found", "There is no such template");
  await render(ctx, req, res, "template.njk", { template, json: JSON.stringify(template.template, null, 2) });
}

export async function removeTemplate(ctx: WebContext, req: Request, res: Response): Promise<void> {
  await removeTaughtTemplate(ctx.db, actorOf(req), String(req.params.id));
  req.session.flash = { kind: "success", title: "Template removed", text: "The provider's files are read without it from now on." };
  res.redirect(303, "/templates");
}

// JSON API

function apiCheck(check: FormCheck): Record<string, unknown> {
  return { errors: check.errors, warnings: check.warnings, arithmetic: check.arithmetic };
}

export async function apiKeyingScreen(ctx: WebContext, req: Request, res: Response, kind: KeyingTarget["kind"]): Promise<void> {
  const screen = await openScreen(ctx, req, targetOf(req, kind));
  res.json({ ...screen, pageUrls: Array.from({ length: screen.pages }, (_, i) => `/files/${screen.fileId}/pages/${i + 1}`) });
}

async function apiSave(ctx: WebContext, req: Request, res: Response, kind: KeyingTarget["kind"]): Promise<void> {
  const target = targetOf(req, kind);
  const { form } = formFromBody(req.body);
  const body = req.body as Record<string, unknown> | undefined;
  const teach = kind === "file" && body?.teach === true;
  const result = await saveKeyedInvoice(ctx.db, { dataDir: ctx.dataDir, actor: actorOf(req), target, form, teach, logger: ctx.logger, arrivalQueue: ctx.ports.arrivalQueue ?? null });
  if (result.outcome === "invalid") {
    res.status(400).json({ error: { code: "keying.invalid", message: Object.values(result.check.errors).join("; "), fields: result.check.errors }, ...apiCheck(result.check) });
    return;
  }
  res.status(201).json({ invoiceId: result.invoiceId, invoiceUrl: `/api/invoices/${result.invoiceId}`, ...apiCheck(result.check), audit: result.audit, taught: result.taught });
}

export const apiFileScreen = (ctx: WebContext, req: Request, res: Response): Promise<void> => apiKeyingScreen(ctx, req, res, "file");
export const apiInvoiceScreen = (ctx: WebContext, req: Request, res: Response): Promise<void> => apiKeyingScreen(ctx, req, res, "invoice");
export const apiKeyFile = (ctx: WebContext, req: Request, res: Response): Promise<void> => apiSave(ctx, req, res, "file");
export const apiVerifyInvoice = (ctx: WebContext, req: Request, res: Response): Promise<void> => apiSave(ctx, req, res, "invoice");

export async function apiDiscard(ctx: WebContext, req: Request, res: Response): Promise<void> {
  const target = targetOf(req, "file");
  await discardFile(ctx.db, actorOf(req), target.kind === "file" ? target.fileId : "", field(req, "reason"), field(req, "detail"), ctx.now());
  res.json({ fileId: req.params.id, status: "discarded" });
}

export async function apiRestore(ctx: WebContext, req: Request, res: Response): Promise<void> {
  const target = targetOf(req, "file");
  await restoreFile(ctx.db, actorOf(req), target.kind === "file" ? target.fileId : "");
  res.json({ fileId: req.params.id, status: "needs_attention" });
}

export async function apiToVerify(ctx: WebContext, req: Request, res: Response): Promise<void> {
  res.json({ invoices: await invoicesToVerify(ctx.db, scopeOf(req)) });
}

export async function apiTemplates(ctx: WebContext, req: Request, res: Response): Promise<void> {
  res.json({ templates: await taughtTemplateList(ctx.db, scopeOf(req)) });
}

export async function apiRemoveTemplate(ctx: WebContext, req: Request, res: Response): Promise<void> {
  await removeTaughtTemplate(ctx.db, actorOf(req), String(req.params.id));
  res.status(204).end();
}
