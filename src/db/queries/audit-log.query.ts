import type { Database } from "../connection.js";
import { listAuditLogRows, type AuditLogFilter, type AuditLogRow } from "../repositories/audit-log.repository.js";
import { offset, paged, type PageRequest, type Paged, type Scope } from "./read-model.js";

/** The audit log page, each entry with the fields its change touched. */
export interface AuditLogView {
  id: string;
  at: Date;
  actor: string;
  action: string;
  entity: string;
  entityId: string | null;
  before: unknown;
  after: unknown;
  /** Fields whose value changed, for a readable summary. */
  changes: { field: string; before: string; after: string }[];
}

function display(value: unknown): string {
  if (value === null || value === undefined) return "";
  return typeof value === "string" ? value : JSON.stringify(value);
}

function changesOf(before: unknown, after: unknown): AuditLogView["changes"] {
  const b = before && typeof before === "object" ? (before as Record<string, unknown>) : {};
  const a = after && typeof after === "object" ? (after as Record<string, unknown>) : {};
  const fields = [...new Set([...Object.keys(b), ...Object.keys(a)])];
  return fields.filter((f) => display(b[f]) !== display(a[f])).map((field) => ({ field, before: display(b[field]), after: display(a[field]) }));
}

export async function auditLog(db: Database, scope: Scope, filter: AuditLogFilter, page: PageRequest): Promise<Paged<AuditLogView>> {
  const { rows, total } = await listAuditLogRows(db.knex, scope.authorityId, filter, { limit: page.pageSize, offset: offset(page) });
  const items = rows.map((r: AuditLogRow) => ({
    id: String(r.id), at: r.at, actor: r.actor, action: r.action, entity: r.entity, entityId: r.entity_id, before: r.before, after: r.after,
    changes: changesOf(r.before, r.after),
  }));
  return paged(items, total, page);
}
