import { describeAuditEntry, type AuditLogKind } from "../../domain/audit-log-text.js";
import type { Database } from "../connection.js";
import { auditLogActors, listAuditLogRows, type AuditLogFilter, type AuditLogRow } from "../repositories/audit-log.repository.js";
import { offset, paged, type PageRequest, type Paged, type Scope } from "./read-model.js";

/** The audit log page, each entry in words (domain/audit-log-text.ts) with the fields its change touched. */
export interface AuditLogView {
  id: string;
  at: Date;
  actor: string;
  action: string;
  entity: string;
  entityId: string | null;
  before: unknown;
  after: unknown;
  /** What the entry is about (the "What" filter). */
  kind: AuditLogKind;
  /** One sentence: "Finding 12: Open → Confirmed". */
  summary: string;
  details: string[];
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

function viewOf(r: AuditLogRow): AuditLogView {
  const entry = { actor: r.actor, action: r.action, entity: r.entity, entityId: r.entity_id, before: r.before, after: r.after };
  return {
    id: String(r.id), at: r.at, ...entry,
    ...describeAuditEntry(entry),
    changes: changesOf(r.before, r.after),
  };
}

export async function auditLog(db: Database, scope: Scope, filter: AuditLogFilter, page: PageRequest): Promise<Paged<AuditLogView>> {
  const { rows, total } = await listAuditLogRows(db.knex, scope.authorityId, filter, { limit: page.pageSize, offset: offset(page) });
  return paged(rows.map(viewOf), total, page);
}

/** Entries an export writes at most (the newest first); the page says when there are more. */
export const AUDIT_LOG_EXPORT_LIMIT = 100_000;

/** Every entry matching the filter, newest first, for the CSV export. */
export async function auditLogExport(db: Database, scope: Scope, filter: AuditLogFilter): Promise<AuditLogView[]> {
  const { rows } = await listAuditLogRows(db.knex, scope.authorityId, filter, { limit: AUDIT_LOG_EXPORT_LIMIT, offset: 0 });
  return rows.map(viewOf);
}

export type { AuditLogFilter };

/** Who has written to the authority's log, for the "Who" filter. */
export function auditLogWho(db: Database, scope: Scope): Promise<string[]> {
  return auditLogActors(db.knex, scope.authorityId);
}
