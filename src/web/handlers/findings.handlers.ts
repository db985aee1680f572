import type { Request, Response } from "express";
import { CATEGORIES, FINDING_STATUSES } from "../../domain/finding.js";
import { AppError, isAppError } from "../../domain/errors.js";
import {
  DECISION_DONE,
  decideFinding,
  decideFindings,
  isDecisionAction,
  type DecisionInput,
  type DecisionOutcome,
} from "../../services/review/decide-finding.js";
import { findingDetail } from "../../db/queries/finding-detail.query.js";
import { listFindings, type FindingSort } from "../../db/queries/finding-list.query.js";
import { listProviders } from "../../db/queries/providers.query.js";
import { field, fields } from "../body.js";
import { statusForCode } from "../errors.js";
import { actorOf, scopeOf, type WebContext } from "../context.js";
import { pagination, selectItems, sortLinks } from "../listing.js";
import { findingQuery, pageRequest, queryString, queryValue, safeLocalPath, type FieldErrors } from "../params.js";
import { CATALOGUE } from "../../../rules/catalogue.js";
import { categoryLabel, FINDING_STATUS_LABELS, statusTag } from "../format.js";
import { render } from "../views.js";

export const FINDING_PAGE_SIZE = 50;
const FINDING_SORT_COLUMNS: readonly FindingSort[] = ["amount", "invoice_date", "provider", "rule", "status"];

/** Which form field a service error is about (the service names fields in its error context). */
const FORM_FIELDS: Readonly<Record<string, string>> = {
  reason: "reason",
  amount: "amount",
  recoveredOn: "recovered_on-day",
  reference: "reference",
  findings: "finding",
};

function fieldErrorOf(error: AppError): FieldErrors {
  const name = typeof error.context.field === "string" ? (FORM_FIELDS[error.context.field] ?? "") : "";
  return { [name || "decision"]: error.message };
}

/** A decision as the forms and the API send it: `recovered_on` as ISO or as day/month/year fields. */
function decisionInput(req: Request): DecisionInput {
  const action = field(req, "action");
  if (!isDecisionAction(action)) throw new AppError("decision.invalid_action", "Choose what to do with the finding", { field: "action" });
  let recoveredOn = field(req, "recovered_on");
  const [day, month, year] = ["recovered_on-day", "recovered_on-month", "recovered_on-year"].map((n) => field(req, n).trim());
  if (!recoveredOn && (day || month || year)) {
    recoveredOn = /^\d{1,2}$/.test(day ?? "") && /^\d{1,2}$/.test(month ?? "") && /^\d{4}$/.test(year ?? "")
      ? `${year}-${(month ?? "").padStart(2, "0")}-${(day ?? "").padStart(2, "0")}`
      : "invalid";
  }
  return { action, reason: field(req, "reason"), amount: field(req, "amount"), recoveredOn: recoveredOn || null, reference: field(req, "reference") };
}

function logDecisions(ctx: WebContext, req: Request, outcomes: readonly DecisionOutcome[]): void {
  for (const o of outcomes) {
    ctx.logger.info("finding decided", { findingId: o.findingId, invoiceId: o.invoiceId, status: o.after.status, invoiceStatus: o.after.invoice_status, userId: req.user?.id });
  }
}

// Pages

async function showFindings(ctx: WebContext, req: Request, res: Response, formErrors: FieldErrors = {}, status = 200): Promise<void> {
  const scope = scopeOf(req);
  const query = findingQuery(req);
  const page = await listFindings(ctx.db, scope, query.filter, query.sort, pageRequest(req, FINDING_PAGE_SIZE));
  const keep = { ...query.params, ...(query.sort.by !== "amount" || query.sort.direction !== "desc" ? { sort: query.sort.by, dir: query.sort.direction } : {}) };
  const providers = await listProviders(ctx.db, scope);
  await render(
    ctx, req, res, "findings.njk",
    {
      page,
      query,
      errors: { ...query.errors, ...formErrors },
      selects: {
        rule: selectItems("Any rule", CATALOGUE.map((r) => ({ value: r.id, text: r.label })), query.filter.rule ?? ""),
        category: selectItems("Any category", CATEGORIES.map((c) => ({ value: c, text: categoryLabel(c) })), query.filter.category ?? ""),
        status: selectItems("Any status but superseded", FINDING_STATUSES.map((s) => ({ value: s, text: FINDING_STATUS_LABELS[s] })), query.filter.status ?? ""),
        provider: selectItems("All providers", providers.map((p) => ({ value: p.providerId, text: p.name })), query.filter.providerId ?? ""),
      },
      sortLinks: sortLinks("/findings", FINDING_SORT_COLUMNS, query.sort, query.params),
      pagination: pagination("/findings", page, keep),
      listUrl: `/findings${queryString({ ...keep, ...(page.page > 1 ? { page: page.page } : {}) })}`,
      selected: fields(req, "finding"),
      values: { min_amount: queryValue(req, "min_amount"), reason: field(req, "reason") },
      canDecide: req.user?.role === "finance_officer",
    },
    status,
  );
}

export function findingsPage(ctx: WebContext, req: Request, res: Response): Promise<void> {
  return showFindings(ctx, req, res);
}

async function showFinding(ctx: WebContext, req: Request, res: Response, errors: FieldErrors = {}, status = 200): Promise<void> {
  const finding = await findingDetail(ctx.db, scopeOf(req), String(req.params.id));
  if (!finding) throw new AppError("not_found", "There is no such finding");
  await render(
    ctx, req, res, "finding.njk",
    {
      finding,
      errors,
      canDecide: req.user?.role === "finance_officer",
      returnTo: safeLocalPath(field(req, "return_to")) ?? safeLocalPath(queryValue(req, "return_to")) ?? "",
      values: {
        action: field(req, "action"), reason: field(req, "reason"), amount: field(req, "amount"), reference: field(req, "reference"),
        day: field(req, "recovered_on-day"), month: field(req, "recovered_on-month"), year: field(req, "recovered_on-year"),
      },
    },
    status,
  );
}

export function findingPage(ctx: WebContext, req: Request, res: Response): Promise<void> {
  return showFinding(ctx, req, res);
}

/** POST /findings/:id/decisions: one decision from the finding page (or an invoice page). */
export async function decideOne(ctx: WebContext, req: Request, res: Response): Promise<void> {
  const id = String(req.params.id);
  try {
    const input = decisionInput(req);
    const outcome = await decideFinding(ctx.db, actorOf(req), id, input, ctx.now());
    logDecisions(ctx, req, [outcome]);
    const invoiceStatus = outcome.after.invoice_status ? statusTag(outcome.after.invoice_status).text.toLowerCase() : "unchanged";
    req.session.flash = { kind: "success", text: `Finding ${DECISION_DONE[input.action]}. The invoice is now ${invoiceStatus}.` };
    res.redirect(303, safeLocalPath(field(req, "return_to")) ?? `/findings/${id}`);
  } catch (error) {
    if (!isAppError(error) || error.code === "not_found") throw error;
    await showFinding(ctx, req, res, fieldErrorOf(error), statusForCode(error.code));
  }
}

/** POST /findings/decisions: confirm or dismiss several selected findings with one reason. */
export async function decideMany(ctx: WebContext, req: Request, res: Response): Promise<void> {
  const ids = fields(req, "finding");
  try {
    const input = decisionInput(req);
    if (input.action !== "confirm" && input.action !== "dismiss") throw new AppError("decision.invalid_action", "Choose confirm or dismiss", { field: "action" });
    const outcomes = await decideFindings(ctx.db, actorOf(req), ids, input, ctx.now());
    logDecisions(ctx, req, outcomes);
    req.session.flash = { kind: "success", text: `${outcomes.length} ${outcomes.length === 1 ? "finding" : "findings"} ${DECISION_DONE[input.action]}.` };
    res.redirect(303, safeLocalPath(field(req, "return_to")) ?? "/findings");
  } catch (error) {
    if (!isAppError(error)) throw error;
    await showFindings(ctx, req, res, fieldErrorOf(error), statusForCode(error.code));
  }
}

// JSON API

export async function apiFindings(ctx: WebContext, req: Request, res: Response): Promise<void> {
  const query = findingQuery(req);
  if (Object.keys(query.errors).length > 0) {
    res.status(400).json({ error: { code: "query.invalid", message: Object.values(query.errors).join("; "), fields: query.errors } });
    return;
  }
  const page = await listFindings(ctx.db, scopeOf(req), query.filter, query.sort, pageRequest(req, FINDING_PAGE_SIZE));
  const next = page.page < page.pageCount ? `/api/findings${queryString({ ...query.params, sort: query.sort.by, dir: query.sort.direction, page: page.page + 1 })}` : null;
  res.json({ ...page, next });
}

export async function apiFinding(ctx: WebContext, req: Request, res: Response): Promise<void> {
  const finding = await findingDetail(ctx.db, scopeOf(req), String(req.params.id));
  if (!finding) throw new AppError("not_found", "There is no such finding");
  res.json(finding);
}

function outcomeJson(outcome: DecisionOutcome): Record<string, unknown> {
  return { findingId: outcome.findingId, invoiceId: outcome.invoiceId, before: outcome.before, after: outcome.after };
}

export async function apiDecideOne(ctx: WebContext, req: Request, res: Response): Promise<void> {
  const outcome = await decideFinding(ctx.db, actorOf(req), String(req.params.id), decisionInput(req), ctx.now());
  logDecisions(ctx, req, [outcome]);
  res.status(201).json(outcomeJson(outcome));
}

export async function apiDecideMany(ctx: WebContext, req: Request, res: Response): Promise<void> {
  const body: unknown = req.body;
  const raw = body && typeof body === "object" ? (body as Record<string, unknown>).findingIds : undefined;
  const ids = Array.isArray(raw) ? raw.map((v) => (typeof v === "number" || typeof v === "string" ? String(v) : "")) : [];
  const outcomes = await decideFindings(ctx.db, actorOf(req), ids, decisionInput(req), ctx.now());
  logDecisions(ctx, req, outcomes);
  res.status(201).json({ decisions: outcomes.map(outcomeJson) });
}
