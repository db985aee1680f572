import type { Request, Response } from "express";
import { CATEGORIES, FINDING_STATUSES, type Category } from "../../domain/finding.js";
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
import { exportFindings, findingNeighbours, listFindings, type FindingSort } from "../../db/queries/finding-list.query.js";
import { confirmableTotals, confirmMatchingFindings } from "../../services/review/decide-matching.js";
import { addFindingNote, assignableUsers, assignFinding } from "../../services/review/finding-notes.js";
import { outstandingOf } from "../../domain/recovery.js";
import { findingsCsv, findingsWorkbook, type FindingExportRecord } from "../../reports/findings-export.js";
import { formatMoney, tryParseMoney, moneyString } from "../../domain/money.js";
import { listProviders } from "../../db/queries/providers.query.js";
import { field, fields } from "../body.js";
import { statusForCode } from "../errors.js";
import { actorOf, scopeOf, type WebContext } from "../context.js";
import { pagination, selectItems, sortLinks } from "../listing.js";
import { findingListOf, findingQuery, pageRequest, queryString, queryValue, safeLocalPath, type FieldErrors } from "../params.js";
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
  note: "note",
  assignee: "assignee",
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
  const canDecide = req.user?.role === "finance_officer";
  const confirmable = canDecide ? await confirmableTotals(ctx.db, scope.authorityId, query.filter) : null;
  const filterString = queryString({ ...query.params, ...(query.sort.by !== "amount" || query.sort.direction !== "desc" ? { sort: query.sort.by, dir: query.sort.direction } : {}) });
  await render(
    ctx, req, res, "findings.njk",
    {
      page,
      confirmable: confirmable && confirmable.count > 0 ? { ...confirmable, href: `/findings/confirm-all${queryString(query.params)}` } : null,
      exports: { csv: `/findings.csv${filterString}`, xlsx: `/findings.xlsx${filterString}` },
      query,
      errors: { ...query.errors, ...formErrors },
      selects: {
        rule: selectItems("Any rule", CATALOGUE.map((r) => ({ value: r.id, text: r.label })), query.filter.rule ?? ""),
        category: selectItems("Any category", CATEGORIES.map((c) => ({ value: c, text: categoryLabel(c) })), query.filter.category ?? ""),
        status: selectItems("Any status but superseded", FINDING_STATUSES.map((s) => ({ value: s, text: FINDING_STATUS_LABELS[s] })), query.filter.status ?? ""),
        provider: selectItems("All providers", providers.map((p) => ({ value: p.providerId, text: p.name })), query.filter.providerId ?? ""),
        assigned: selectItems("Anyone or nobody", [{ value: "me", text: "Me" }, { value: "nobody", text: "Nobody" }], query.params.assigned ?? ""),
      },
      sortLinks: sortLinks("/findings", FINDING_SORT_COLUMNS, query.sort, query.params),
      pagination: pagination("/findings", page, keep),
      listUrl: `/findings${queryString({ ...keep, ...(page.page > 1 ? { page: page.page } : {}) })}`,
      selected: fields(req, "finding"),
      values: { min_amount: queryValue(req, "min_amount"), q: queryValue(req, "q"), reason: field(req, "reason") },
      canDecide,
    },
    status,
  );
}

export function findingsPage(ctx: WebContext, req: Request, res: Response): Promise<void> {
  return showFindings(ctx, req, res);
}

/** The finding page's link to another finding of the same list, keeping the list to go back to. */
function findingInList(id: string, listUrl: string): string {
  return `/findings/${id}${queryString({ return_to: listUrl })}`;
}

/** The findings either side of this one in the list it was opened from, if it was opened from one. */
async function neighboursIn(ctx: WebContext, req: Request, returnTo: string, findingId: string): Promise<{ previous: string | null; next: string | null } | null> {
  const list = findingListOf(returnTo, req.user);
  if (!list) return null;
  const around = await findingNeighbours(ctx.db, scopeOf(req), list.query.filter, list.query.sort, findingId);
  return {
    previous: around.previous ? findingInList(around.previous, list.url) : null,
    next: around.next ? findingInList(around.next, list.url) : null,
  };
}

async function showFinding(ctx: WebContext, req: Request, res: Response, errors: FieldErrors = {}, status = 200): Promise<void> {
  const finding = await findingDetail(ctx.db, scopeOf(req), String(req.params.id));
  if (!finding) throw new AppError("not_found", "There is no such finding");
  const returnTo = safeLocalPath(field(req, "return_to")) ?? safeLocalPath(queryValue(req, "return_to")) ?? "";
  const canDecide = req.user?.role === "finance_officer";
  const assignable = canDecide ? await assignableUsers(ctx.db, scopeOf(req).authorityId) : [];
  await render(
    ctx, req, res, "finding.njk",
    {
      finding,
      errors,
      canDecide,
      assignees: selectItems("Nobody", assignable.map((u) => ({ value: u.id, text: u.id === req.user?.id ? `${u.username} (me)` : u.username })), finding.assignedTo?.id ?? ""),
      returnTo,
      neighbours: await neighboursIn(ctx, req, returnTo, finding.id),
      values: {
        note: field(req, "note"),
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
    const returnTo = safeLocalPath(field(req, "return_to"));
    // From a list, on to the next finding in it: reviewing one after another without going back.
    const next = returnTo ? (await neighboursIn(ctx, req, returnTo, id))?.next ?? null : null;
    req.session.flash = { kind: "success", text: `Finding ${DECISION_DONE[input.action]}. The invoice is now ${invoiceStatus}.${next ? " This is the next finding in the list." : ""}` };
    res.redirect(303, next ?? returnTo ?? `/findings/${id}`);
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

// Notes and assignment

/** Back to the finding, keeping the list it was opened from. */
function backToFinding(req: Request, id: string): string {
  const returnTo = safeLocalPath(field(req, "return_to"));
  return `/findings/${id}${returnTo ? queryString({ return_to: returnTo }) : ""}`;
}

/** POST /findings/:id/notes: a note, added after the others. */
export async function addNote(ctx: WebContext, req: Request, res: Response): Promise<void> {
  const id = String(req.params.id);
  try {
    await addFindingNote(ctx.db, actorOf(req), id, field(req, "note"), ctx.now());
  } catch (error) {
    if (!isAppError(error) || error.code === "not_found") throw error;
    await showFinding(ctx, req, res, fieldErrorOf(error), statusForCode(error.code));
    return;
  }
  req.session.flash = { kind: "success", text: "Note added." };
  res.redirect(303, `${backToFinding(req, id)}#notes`);
}

/** POST /findings/:id/assignment: assigns the finding to a finance officer, or to nobody. */
export async function assign(ctx: WebContext, req: Request, res: Response): Promise<void> {
  const id = String(req.params.id);
  let assigned: { username: string | null };
  try {
    assigned = await assignFinding(ctx.db, actorOf(req), id, field(req, "assignee"));
  } catch (error) {
    if (!isAppError(error) || error.code === "not_found") throw error;
    await showFinding(ctx, req, res, fieldErrorOf(error), statusForCode(error.code));
    return;
  }
  req.session.flash = { kind: "success", text: assigned.username ? `Finding assigned to ${assigned.username}.` : "Finding assigned to nobody." };
  res.redirect(303, backToFinding(req, id));
}

// Confirm every open finding matching the filter

async function showConfirmAll(ctx: WebContext, req: Request, res: Response, errors: FieldErrors = {}, status = 200): Promise<void> {
  const query = findingQuery(req);
  const totals = await confirmableTotals(ctx.db, scopeOf(req).authorityId, query.filter);
  await render(ctx, req, res, "confirm-all.njk", {
    totals: totals ?? { count: 0, amount: "0.00" },
    errors: { ...query.errors, ...errors },
    action: `/findings/confirm-all${queryString(query.params)}`,
    listUrl: `/findings${queryString(query.params)}`,
    filters: describeFilter(query.params),
  }, status);
}

/** The filter in words, for the confirmation page: "Provider: P1", "Search: INV-10". */
function describeFilter(params: Record<string, string>): { key: { text: string }; value: { text: string } }[] {
  const names: Record<string, string> = { q: "Search", provider: "Provider", rule: "Rule", category: "Category", status: "Status", min_amount: "Amount at least", assigned: "Assigned to" };
  return Object.entries(params).map(([k, v]) => ({
    key: { text: names[k] ?? k },
    value: { text: k === "rule" ? CATALOGUE.find((r) => r.id === v)?.label ?? v : k === "category" ? categoryLabel(v as Category) : k === "min_amount" ? formatMoney(v) : k === "assigned" ? (v === "me" ? "Me" : "Nobody") : v },
  }));
}

/** GET /findings/confirm-all?filter: how many open findings, and how much, before confirming them all. */
export function confirmAllPage(ctx: WebContext, req: Request, res: Response): Promise<void> {
  return showConfirmAll(ctx, req, res);
}

/** POST /findings/confirm-all?filter: confirms them, if they are still the ones counted. */
export async function confirmAll(ctx: WebContext, req: Request, res: Response): Promise<void> {
  const query = findingQuery(req);
  const amount = tryParseMoney(field(req, "expected_amount"));
  const count = Number(field(req, "expected_count"));
  try {
    if (!amount || !Number.isInteger(count) || count < 1) throw new AppError("decision.selection_changed", "Check the findings to confirm and try again", { field: "findings" });
    const outcomes = await confirmMatchingFindings(ctx.db, actorOf(req), query.filter, { count, amount: moneyString(amount) }, ctx.now());
    logDecisions(ctx, req, outcomes);
    req.session.flash = { kind: "success", text: `${outcomes.length} ${outcomes.length === 1 ? "finding" : "findings"} confirmed.` };
    res.redirect(303, `/findings${queryString(query.params)}`);
  } catch (error) {
    if (!isAppError(error)) throw error;
    await showConfirmAll(ctx, req, res, { findings: error.message }, statusForCode(error.code));
  }
}

// Export of the filtered list

async function exportRecords(ctx: WebContext, req: Request): Promise<FindingExportRecord[]> {
  const query = findingQuery(req);
  if (Object.keys(query.errors).length > 0) throw new AppError("query.invalid", Object.values(query.errors).join("; "));
  const origin = `${req.protocol}://${req.get("host") ?? "localhost"}`;
  const rows = await exportFindings(ctx.db, scopeOf(req), query.filter, query.sort);
  return rows.map((r) => ({
    provider_id: r.provider_id, invoice_number: r.invoice_number, child_ref: r.child_ref, rule: r.rule, category: r.category,
    amount: r.amount, status: r.status, explanation: r.explanation, id: r.id, invoice_date: r.invoice_date, line: r.line_no,
    recovered_amount: r.recovered_amount, outstanding: outstandingOf(r.status, r.amount, r.recovered_amount, r.written_off_amount), link: `${origin}/findings/${r.id}`,
  }));
}

function exportName(ctx: WebContext, extension: string): string {
  return `findings-${ctx.now().toISOString().slice(0, 10)}.${extension}`;
}

/** GET /findings.csv?filter: every finding the list's filter matches, as CSV. */
export async function findingsCsvDownload(ctx: WebContext, req: Request, res: Response): Promise<void> {
  const csv = findingsCsv(await exportRecords(ctx, req));
  res.attachment(exportName(ctx, "csv"));
  res.type("text/csv; charset=utf-8");
  res.send(csv);
}

/** GET /findings.xlsx?filter: the same as a workbook. */
export async function findingsXlsxDownload(ctx: WebContext, req: Request, res: Response): Promise<void> {
  const bytes = await findingsWorkbook(await exportRecords(ctx, req)).xlsx.writeBuffer();
  res.attachment(exportName(ctx, "xlsx"));
  res.type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  res.send(Buffer.from(bytes));
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

/** POST /api/findings/:id/notes `{note}`: 201 with the finding's notes, oldest first. */
export async function apiAddNote(ctx: WebContext, req: Request, res: Response): Promise<void> {
  const id = String(req.params.id);
  await addFindingNote(ctx.db, actorOf(req), id, field(req, "note"), ctx.now());
  const finding = await findingDetail(ctx.db, scopeOf(req), id);
  res.status(201).json({ findingId: id, notes: finding?.notes ?? [] });
}

/** POST /api/findings/:id/assignment `{assignee}` (a user id, or "" for nobody). */
export async function apiAssign(ctx: WebContext, req: Request, res: Response): Promise<void> {
  const id = String(req.params.id);
  const raw: unknown = (req.body as Record<string, unknown> | undefined)?.assignee;
  const assigned = await assignFinding(ctx.db, actorOf(req), id, typeof raw === "number" || typeof raw === "string" ? String(raw) : "");
  res.json({ findingId: id, assignedTo: assigned.username });
}

export async function apiDecideMany(ctx: WebContext, req: Request, res: Response): Promise<void> {
  const body: unknown = req.body;
  const raw = body && typeof body === "object" ? (body as Record<string, unknown>).findingIds : undefined;
  const ids = Array.isArray(raw) ? raw.map((v) => (typeof v === "number" || typeof v === "string" ? String(v) : "")) : [];
  const outcomes = await decideFindings(ctx.db, actorOf(req), ids, decisionInput(req), ctx.now());
  logDecisions(ctx, req, outcomes);
  res.status(201).json({ decisions: outcomes.map(outcomeJson) });
}
