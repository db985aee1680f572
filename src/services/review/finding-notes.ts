import type { Database } from "../../db/connection.js";
import { appendAuditLog } from "../../db/repositories/audit-log.repository.js";
import { insertFindingNote, lockFindingAssignee, updateFindingAssignee } from "../../db/repositories/finding-note.repository.js";
import { findUserById, listUserRows } from "../../db/repositories/user.repository.js";
import { isRowId } from "../../db/row-id.js";
import { AppError } from "../../domain/errors.js";

/**
 * Working a finding with others: notes (kept in order, with who and when) and the finance officer
 * it is assigned to. Each change is audit-logged in the same transaction.
 */
export const MAX_NOTE_LENGTH = 2000;

export interface ReviewActor {
  userId: string;
  username: string;
  authorityId: number;
}

function noSuchFinding(id: string): AppError {
  return new AppError("not_found", "There is no such finding", { id });
}

/** Adds a note. Throws AppError `note.empty`, `note.too_long` (field `note`) or `not_found`. */
export async function addFindingNote(db: Database, actor: ReviewActor, findingId: string, rawText: string, now: Date): Promise<string> {
  const text = rawText.replace(/\r\n?/g, "\n").trim();
  if (text === "") throw new AppError("note.empty", "Enter a note", { field: "note" });
  if (text.length > MAX_NOTE_LENGTH) throw new AppError("note.too_long", `Note must be ${MAX_NOTE_LENGTH} characters or fewer`, { field: "note" });
  if (!isRowId(findingId)) throw noSuchFinding(findingId);
  return db.knex.transaction(async (trx) => {
    if (!(await lockFindingAssignee(trx, actor.authorityId, findingId))) throw noSuchFinding(findingId);
    const id = await insertFindingNote(trx, { authorityId: actor.authorityId, findingId, userId: actor.userId, text, at: now });
    await appendAuditLog(trx, { authorityId: actor.authorityId, actor: actor.username, action: "add_note", entity: "finding", entityId: findingId, before: null, after: { note: text } });
    return id;
  });
}

/** Who a finding can be assigned to: the authority's finance officers whose accounts are enabled. */
export async function assignableUsers(db: Database, authorityId: number): Promise<{ id: string; username: string }[]> {
  const rows = await listUserRows(db.knex, authorityId);
  return rows.filter((u) => u.role === "finance_officer" && !u.disabled_at).map((u) => ({ id: String(u.id), username: u.username }));
}

/**
 * Assigns a finding to a finance officer of the same authority (an enabled account), or to
 * nobody (assigneeId ""). Throws AppError `assignment.invalid` (field `assignee`) or `not_found`.
 */
export async function assignFinding(db: Database, actor: ReviewActor, findingId: string, assigneeId: string): Promise<{ username: string | null }> {
  if (!isRowId(findingId)) throw noSuchFinding(findingId);
  return db.knex.transaction(async (trx) => {
    const current = await lockFindingAssignee(trx, actor.authorityId, findingId);
    if (!current) throw noSuchFinding(findingId);
    let assignee: { id: string; username: string } | null = null;
    if (assigneeId !== "") {
      const row = isRowId(assigneeId) ? await findUserById(trx, assigneeId) : undefined;
      if (!row || row.authority_id !== actor.authorityId || row.role !== "finance_officer" || row.disabled_at) {
        throw new AppError("assignment.invalid", "Choose a finance officer of this council whose account is enabled", { field: "assignee" });
      }
      assignee = { id: String(row.id), username: row.username };
    }
    const before = current.assigned_user_id === null ? null : ((await findUserById(trx, String(current.assigned_user_id)))?.username ?? null);
    if (String(current.assigned_user_id ?? "") === (assignee?.id ?? "")) return { username: assignee?.username ?? null };
    await updateFindingAssignee(trx, findingId, assignee?.id ?? null);
    await appendAuditLog(trx, {
      authorityId: actor.authorityId, actor: actor.username, action: "assign", entity: "finding", entityId: findingId,
      before: { assigned_to: before ?? "nobody" }, after: { assigned_to: assignee?.username ?? "nobody" },
    });
    return { username: assignee?.username ?? null };
  });
}
