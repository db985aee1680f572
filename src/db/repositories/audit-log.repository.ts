import type { Knex } from "knex";

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
}

function filtered(q: Knex, authorityId: number, filter: AuditLogFilter): Knex.QueryBuilder {
  const query = q("audit_log").where("authority_id", authorityId);
  if (filter.entity) query.andWhere("entity", filter.entity);
  if (filter.entityId) query.andWhere("entity_id", filter.entityId);
  if (filter.actor) query.andWhere("actor", filter.actor);
  return query;
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
