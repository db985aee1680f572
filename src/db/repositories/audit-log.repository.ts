import type { Knex } from "knex";
import { AUDIT_LOG_KIND_ENTRIES, AUDIT_LOG_KINDS, type AuditLogEntryMatch, type AuditLogKind } from "../../domain/audit-log-text.js";
import type { IsoDate } from "../../domain/dates.js";

/** One entry of the append-only audit log (the database refuses UPDATE and DELETE). */
export interface AuditLogEntry {
  authorityId: number;
  actor: string;
  action: string;
  entity: string;
  entityId: string | null;
  before: unknown;
  after: unknown;
}

export interface AuditLogRow {
  id: string;
  at: Date;
  actor: string;
  action: string;
  entity: string;
  entity_id: string | null;
  before: unknown;
  after: unknown;
}

export async function appendAuditLog(q: Knex, entry: AuditLogEntry): Promise<void> {
  await q("audit_log").insert({
    authority_id: entry.authorityId,
    actor: entry.actor,
    action: entry.action,
    entity: entry.entity,
    entity_id: entry.entityId,
    // jsonb: always stringified; a null stays SQL NULL.
    before: entry.before === null || entry.before === undefined ? null : JSON.stringify(entry.before),
    after: entry.after === null || entry.after === undefined ? null : JSON.stringify(entry.after),
  });
}

export interface AuditLogFilter {
  entity?: string | undefined;
  entityId?: string | undefined;
  actor?: string | undefined;
  /** What the entries are about (domain/audit-log-text.ts kinds). */
  kind?: AuditLogKind | undefined;
  /** Logged on or after / on or before these dates (Europe/London). */
  from?: IsoDate | undefined;
  to?: IsoDate | undefined;
}

/** Entries matching any of `matches` (an entity, and only some of its actions when given). */
function whereMatches(query: Knex.QueryBuilder, matches: readonly AuditLogEntryMatch[]): void {
  for (const match of matches) {
    void query.orWhere((q) => {
      if (match.entity) void q.where("entity", match.entity);
      if (match.actions) void q.whereIn("action", [...match.actions]);
    });
  }
}

function filtered(q: Knex, authorityId: number, filter: AuditLogFilter): Knex.QueryBuilder {
  const query = q("audit_log").where("authority_id", authorityId);
  if (filter.entity) query.andWhere("entity", filter.entity);
  if (filter.entityId) query.andWhere("entity_id", filter.entityId);
  if (filter.actor) query.andWhere("actor", filter.actor);
  if (filter.from) query.andWhereRaw("(at at time zone 'Europe/London')::date >= ?::date", [filter.from]);
  if (filter.to) query.andWhereRaw("(at at time zone 'Europe/London')::date <= ?::date", [filter.to]);
  const kind = filter.kind;
  if (kind === "other") {
    query.whereNot((q) => whereMatches(q, AUDIT_LOG_KINDS.flatMap((k) => AUDIT_LOG_KIND_ENTRIES[k])));
  } else if (kind) {
    query.where((q) => whereMatches(q, AUDIT_LOG_KIND_ENTRIES[kind]));
  }
  return query;
}

/** Who has written to the authority's log, for the "Who" filter. */
export async function auditLogActors(q: Knex, authorityId: number): Promise<string[]> {
  const rows = await q("audit_log").where("authority_id", authorityId).distinct("actor").orderBy("actor").limit(500);
  return (rows as { actor: string }[]).map((r) => r.actor);
}

export async function listAuditLogRows(
  q: Knex,
  authorityId: number,
  filter: AuditLogFilter,
  page: { limit: number; offset: number },
): Promise<{ rows: AuditLogRow[]; total: number }> {
  const rows = await filtered(q, authorityId, filter)
    .select<AuditLogRow[]>("id", "at", "actor", "action", "entity", "entity_id", "before", "after")
    .orderBy([{ column: "at", order: "desc" }, { column: "id", order: "desc" }])
    .limit(page.limit)
    .offset(page.offset);
  const [count] = await filtered(q, authorityId, filter).count<{ n: string }[]>({ n: "*" });
  return { rows, total: Number(count?.n ?? 0) };
}
