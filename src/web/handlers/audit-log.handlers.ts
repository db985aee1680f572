import type { Request, Response } from "express";
import { AUDIT_LOG_KIND_LABELS, AUDIT_LOG_KINDS, type AuditLogKind } from "../../domain/audit-log-text.js";
import { isoFromDay, tryParseDay, type IsoDate } from "../../domain/dates.js";
import type { Role } from "../../domain/roles.js";
import { auditLog, auditLogExport, auditLogWho, type AuditLogFilter, type AuditLogView } from "../../db/queries/audit-log.query.js";
import { toCsv } from "../../tabular/csv-write.js";
import { scopeOf, type WebContext } from "../context.js";
import { pagination, selectItems } from "../listing.js";
import { pageRequest, queryString, queryValue, type FieldErrors } from "../params.js";
import { ADMINS, EVERYONE, READERS } from "../role-groups.js";
import { render } from "../views.js";

export const AUDIT_LOG_PAGE_SIZE = 50;

interface AuditLogQuery {
  filter: AuditLogFilter;
  /** The filter as query parameters, for the pager and the export link. */
  params: Record<string, string>;
  errors: FieldErrors;
  values: { from: string; to: string };
}

const KIND_OPTIONS: readonly AuditLogKind[] = [...AUDIT_LOG_KINDS, "other"];

function isKind(value: string): value is AuditLogKind {
  return (KIND_OPTIONS as readonly string[]).includes(value);
}

/** A date typed as 2026-11-30 or 30/11/2026 (DATA.md spellings), or an error for the field. */
function dateParam(req: Request, name: "from" | "to", errors: FieldErrors): IsoDate | undefined {
  const raw = queryValue(req, name);
  if (raw === "") return undefined;
  const day = tryParseDay(raw);
  if (day === null) {
    errors[name] = `Enter a date like 2026-11-30`;
    return undefined;
  }
  return isoFromDay(day);
}

/** The log's filters: what (kind), who (actor), when (from, to), and one entity (from a finding's page). */
function auditLogQuery(req: Request): AuditLogQuery {
  const errors: FieldErrors = {};
  const entity = queryValue(req, "entity");
  const entityId = queryValue(req, "entity_id");
  const kind = queryValue(req, "what");
  const actor = queryValue(req, "who");
  const filter: AuditLogFilter = {
    entity: /^[a-z_ ]{1,40}$/.test(entity) ? entity : undefined,
    entityId: /^[\w.-]{1,100}$/.test(entityId) ? entityId : undefined,
    kind: isKind(kind) ? kind : undefined,
    actor: actor.length > 0 && actor.length <= 200 ? actor : undefined,
    from: dateParam(req, "from", errors),
    to: dateParam(req, "to", errors),
  };
  const params: Record<string, string> = {};
  if (filter.entity) params.entity = filter.entity;
  if (filter.entityId) params.entity_id = filter.entityId;
  if (filter.kind) params.what = filter.kind;
  if (filter.actor) params.who = filter.actor;
  if (filter.from) params.from = filter.from;
  if (filter.to) params.to = filter.to;
  return { filter, params, errors, values: { from: queryValue(req, "from"), to: queryValue(req, "to") } };
}

/**
 * Where an entry's subject can be seen, if the reader's role may open it (the same groups as the
 * routes): findings for readers, users for admins, runs and providers for everyone.
 */
export function auditLogLink(entry: Pick<AuditLogView, "entity" | "entityId" | "action">, role: Role | undefined): { href: string; text: string } | null {
  const may = (roles: readonly Role[]): boolean => role !== undefined && roles.includes(role);
  if (entry.entity === "finding" && entry.entityId && may(READERS)) return { href: `/findings/${entry.entityId}`, text: `Finding ${entry.entityId}` };
  if (entry.entity === "audit run" && may(EVERYONE)) return { href: "/audit-runs", text: "Audit runs" };
  if (entry.entity === "user" && may(ADMINS)) return { href: "/users", text: "Users" };
  if (entry.entity === "provider" && entry.action === "add_alias" && may(EVERYONE)) return { href: "/reference/providers", text: "Providers" };
  if ((entry.entity === "invoice files" || entry.entity === "invoice file") && may(READERS)) return { href: "/invoices?sort=received&dir=desc", text: "Invoices" };
  return null;
}

export async function auditLogPage(ctx: WebContext, req: Request, res: Response): Promise<void> {
  const scope = scopeOf(req);
  const query = auditLogQuery(req);
  const page = await auditLog(ctx.db, scope, query.filter, pageRequest(req, AUDIT_LOG_PAGE_SIZE));
  const role = req.user?.role;
  const actors = await auditLogWho(ctx.db, scope);
  await render(ctx, req, res, "audit-log.njk", {
    page: { ...page, items: page.items.map((e) => ({ ...e, link: auditLogLink(e, role) })) },
    filter: query.filter,
    errors: query.errors,
    values: query.values,
    selects: {
      what: selectItems("Everything", KIND_OPTIONS.map((k) => ({ value: k, text: AUDIT_LOG_KIND_LABELS[k] })), query.filter.kind ?? ""),
      who: selectItems("Anyone", actors.map((a) => ({ value: a, text: a })), query.filter.actor ?? ""),
    },
    csvHref: `/audit-log.csv${queryString(query.params)}`,
    pagination: pagination("/audit-log", page, query.params),
  });
}

/** The columns of the CSV export: when (ISO, UTC), who, what, the sentence and its details. */
const CSV_COLUMNS = ["at", "who", "what", "summary", "details", "action", "entity", "entity_id"] as const;

/** GET /audit-log.csv?filter: the filtered log as CSV (formula-guarded cells: safeCellText). */
export async function auditLogCsv(ctx: WebContext, req: Request, res: Response): Promise<void> {
  const query = auditLogQuery(req);
  const entries = await auditLogExport(ctx.db, scopeOf(req), query.filter);
  const rows = entries.map((e) => ({
    at: e.at instanceof Date ? e.at.toISOString() : String(e.at),
    who: e.actor,
    what: AUDIT_LOG_KIND_LABELS[e.kind],
    summary: e.summary,
    details: e.details.join("; "),
    action: e.action,
    entity: e.entity,
    entity_id: e.entityId ?? "",
  }));
  res.attachment(`audit-log-${ctx.now().toISOString().slice(0, 10)}.csv`);
  res.type("text/csv; charset=utf-8");
  res.send(toCsv(CSV_COLUMNS, rows));
}
