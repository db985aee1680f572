import type { Database } from "../../db/connection.js";
import { appendAuditLog } from "../../db/repositories/audit-log.repository.js";
import { discardReceivedFile, lockReceivedFileStatus, restoreReceivedFile } from "../../db/repositories/keying.repository.js";
import { AppError } from "../../domain/errors.js";
import type { Actor } from "../review/decide-finding.js";

/**
 * A file that will never be an invoice (a covering letter, a copy sent twice, another council's)
 * leaves the "needs attention" queue with a reason (issue 18). It is kept, audit-logged, and can
 * be restored to the queue.
 */
export const DISCARD_REASONS = {
  not_an_invoice: "Not an invoice",
  sent_twice: "Sent twice",
  wrong_council: "For another council",
  other: "Other",
} as const;
export type DiscardReason = keyof typeof DISCARD_REASONS;

export function isDiscardReason(value: string): value is DiscardReason {
  return Object.hasOwn(DISCARD_REASONS, value);
}

const MAX_DETAIL = 500;

export async function discardFile(db: Database, actor: Actor, fileId: string, reason: string, detail: string, now: Date = new Date()): Promise<void> {
  if (!isDiscardReason(reason)) throw new AppError("keying.invalid", "Select why the file is discarded", { field: "reason" });
  const note = detail.replace(/\s+/g, " ").trim();
  if (reason === "other" && note === "") throw new AppError("keying.invalid", "Say why the file is discarded", { field: "detail" });
  if (note.length > MAX_DETAIL) throw new AppError("keying.invalid", `The reason must be ${MAX_DETAIL} characters or fewer`, { field: "detail" });
  const text = note === "" ? DISCARD_REASONS[reason] : `${DISCARD_REASONS[reason]}: ${note}`;
  await db.knex.transaction(async (trx) => {
    const file = await lockReceivedFileStatus(trx, actor.authorityId, fileId);
    if (!file) throw new AppError("not_found", "There is no such file");
    if (file.status !== "needs_attention") throw new AppError("keying.not_waiting", `${file.originalName} is not waiting in "needs attention".`);
    await discardReceivedFile(trx, file.id, { reason: text, by: actor.username, at: now });
    await appendAuditLog(trx, {
      authorityId: actor.authorityId, actor: actor.username, action: "discard_file", entity: "received_file", entityId: file.id,
      before: { status: "needs_attention" }, after: { status: "discarded", reason: text },
    });
  });
}

export async function restoreFile(db: Database, actor: Actor, fileId: string): Promise<void> {
  await db.knex.transaction(async (trx) => {
    const file = await lockReceivedFileStatus(trx, actor.authorityId, fileId);
    if (!file) throw new AppError("not_found", "There is no such file");
    if (file.status !== "discarded") throw new AppError("keying.not_discarded", `${file.originalName} was not discarded.`);
    await restoreReceivedFile(trx, file.id);
    await appendAuditLog(trx, {
      authorityId: actor.authorityId, actor: actor.username, action: "restore_file", entity: "received_file", entityId: file.id,
      before: { status: "discarded", reason: file.discardReason }, after: { status: "needs_attention" },
    });
  });
}
