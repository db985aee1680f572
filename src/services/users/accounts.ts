import { randomInt } from "node:crypto";
import type { Knex } from "knex";
import type { Database } from "../../db/connection.js";
import { appendAuditLog } from "../../db/repositories/audit-log.repository.js";
import { deleteUserSessions } from "../../db/repositories/session.repository.js";
import { findUserById, findUserByUsername, updateUserDisabled, updateUserPassword, type UserRow } from "../../db/repositories/user.repository.js";
import { isRowId } from "../../db/row-id.js";
import { AppError } from "../../domain/errors.js";
import { recordFailedSignIn, throttledUntil, type SignInSource } from "./sign-in-throttle.js";
import { hashPassword, normaliseUsername, passwordProblem, summary, verifyPassword, type UserSummary } from "./users.js";

/**
 * An administrator's work on accounts (disable, enable, reset a password) and a user's change of
 * their own password. Each change is one transaction with its audit-log row, in words. Accounts
 * are disabled, never deleted: decisions, notes and assignments point at them.
 */
export interface AccountActor {
  authorityId: number;
  username: string;
  /** Null for the command line, which acts as no account. */
  userId: string | null;
}

/** Which account: its id (the web page) or its username (the command line). */
export type AccountRef = { id: string } | { username: string };

/** An account's status, in words (the Users page, `users list`, the audit log). */
export function accountStatus(user: Pick<UserSummary, "disabled" | "mustChangePassword">): string {
  if (user.disabled) return "Disabled";
  if (user.mustChangePassword) return "Must change password at next sign-in";
  return "Active";
}

async function findAccount(trx: Knex, authorityId: number, ref: AccountRef): Promise<UserRow> {
  const row = "id" in ref ? (isRowId(ref.id) ? await findUserById(trx, ref.id) : undefined) : await findUserByUsername(trx, authorityId, normaliseUsername(ref.username));
  if (!row || row.authority_id !== authorityId) {
    throw new AppError("not_found", "username" in ref ? `There is no user called "${ref.username}"` : "There is no such user");
  }
  return row;
}

function refuseSelf(actor: AccountActor, row: UserRow, what: string): void {
  if (actor.userId !== null && actor.userId === String(row.id)) throw new AppError("user.self", `You cannot ${what} your own account`);
}

/** Disables an account and ends its sessions at once. Refuses the actor's own account. */
export async function disableUser(db: Database, actor: AccountActor, ref: AccountRef, now: Date): Promise<UserSummary> {
  return db.knex.transaction(async (trx) => {
    const row = await findAccount(trx, actor.authorityId, ref);
    refuseSelf(actor, row, "disable");
    if (row.disabled_at) return summary(row);
    await updateUserDisabled(trx, String(row.id), now);
    const ended = await deleteUserSessions(trx, String(row.id));
    await appendAuditLog(trx, {
      authorityId: actor.authorityId, actor: actor.username, action: "disable", entity: "user", entityId: String(row.id),
      before: { username: row.username, status: accountStatus(summary(row)) }, after: { status: "Disabled", sessions_ended: ended },
    });
    return summary({ ...row, disabled_at: now });
  });
}

export async function enableUser(db: Database, actor: AccountActor, ref: AccountRef): Promise<UserSummary> {
  return db.knex.transaction(async (trx) => {
    const row = await findAccount(trx, actor.authorityId, ref);
    if (!row.disabled_at) return summary(row);
    await updateUserDisabled(trx, String(row.id), null);
    const after = summary({ ...row, disabled_at: null });
    await appendAuditLog(trx, {
      authorityId: actor.authorityId, actor: actor.username, action: "enable", entity: "user", entityId: String(row.id),
      before: { username: row.username, status: "Disabled" }, after: { status: accountStatus(after) },
    });
    return after;
  });
}

/** Letters and digits nobody confuses when reading them aloud or copying (no 0/O, 1/l/I). */
const ONE_TIME_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789";

/** Four groups of four (about 79 bits): long enough for the strength rule, easy to pass on. */
export function oneTimePassword(): string {
  const groups = Array.from({ length: 4 }, () => Array.from({ length: 4 }, () => ONE_TIME_ALPHABET[randomInt(ONE_TIME_ALPHABET.length)]).join(""));
  return groups.join("-");
}

/**
 * Resets a password to a one-time one, returned once and stored only as its hash; the user must
 * change it at the next sign-in, and their sessions end now. The audit log says it happened,
 * never the password.
 */
export async function resetPassword(db: Database, actor: AccountActor, ref: AccountRef, now: Date): Promise<{ user: UserSummary; oneTimePassword: string }> {
  const password = oneTimePassword();
  const passwordHash = await hashPassword(password);
  return db.knex.transaction(async (trx) => {
    const row = await findAccount(trx, actor.authorityId, ref);
    refuseSelf(actor, row, "reset the password of");
    await updateUserPassword(trx, String(row.id), { passwordHash, mustChange: true, at: now });
    const ended = await deleteUserSessions(trx, String(row.id));
    await appendAuditLog(trx, {
      authorityId: actor.authorityId, actor: actor.username, action: "reset_password", entity: "user", entityId: String(row.id),
      before: { username: row.username }, after: { password: "one-time password issued, to be changed at next sign-in", sessions_ended: ended },
    });
    return { user: summary({ ...row, must_change_password: true }), oneTimePassword: password };
  });
}

export interface PasswordChange {
  current: string;
  next: string;
  confirm: string;
}

export type PasswordChangeErrors = Partial<Record<"current" | "next" | "confirm", string>>;

/** A password change refused, with every field's problem (the form shows them all at once). */
export class PasswordChangeRefused extends AppError {
  constructor(readonly errors: PasswordChangeErrors) {
    super("password.invalid", Object.values(errors)[0] ?? "The password could not be changed", { field: Object.keys(errors)[0] });
  }
}

/**
 * A user changes their own password: the current one, then a new one meeting the strength rule,
 * typed twice. Clears "must change"; ends the user's other sessions (keepSid stays signed in).
 * A wrong current password is throttled like a failed sign-in from the same address.
 * Throws PasswordChangeRefused (AppError `password.invalid`) with every field's problem.
 */
export async function changeOwnPassword(
  db: Database,
  user: { id: string; authorityId: number },
  change: PasswordChange,
  now: Date,
  session: { keepSid: string | null; ip: string },
): Promise<void> {
  const row = await findAccount(db.knex, user.authorityId, { id: user.id });
  // Wrong current passwords count as failed sign-ins: a borrowed session cannot guess it freely.
  const source: SignInSource = { authorityId: user.authorityId, username: row.username, ip: session.ip };
  const errors: PasswordChangeErrors = {};
  const blockedUntil = await throttledUntil(db.knex, source, now);
  if (change.current === "") errors.current = "Enter your current password";
  else if (blockedUntil) {
    const minutes = Math.max(1, Math.ceil((blockedUntil.getTime() - now.getTime()) / 60_000));
    errors.current = `Too many wrong passwords. Wait ${minutes} ${minutes === 1 ? "minute" : "minutes"}, then try again.`;
  }
  else if (!(await verifyPassword(change.current, row.password_hash))) {
    await recordFailedSignIn(db.knex, source, now);
    errors.current = "Your current password is not right";
  }
  const weak = change.next === "" ? "Enter a new password" : passwordProblem(change.next);
  if (weak) errors.next = weak.replace(/^Password/, "New password");
  else if (change.next === change.current) errors.next = "New password must be different from your current password";
  if (!errors.next && change.confirm !== change.next) errors.confirm = "The passwords do not match";
  if (Object.keys(errors).length > 0) throw new PasswordChangeRefused(errors);
  const passwordHash = await hashPassword(change.next);
  await db.knex.transaction(async (trx) => {
    await updateUserPassword(trx, String(row.id), { passwordHash, mustChange: false, at: now });
    const ended = await deleteUserSessions(trx, String(row.id), session.keepSid);
    await appendAuditLog(trx, {
      authorityId: user.authorityId, actor: row.username, action: "change_password", entity: "user", entityId: String(row.id),
      before: row.must_change_password ? { password: "one-time password" } : null,
      after: { password: "changed by its user", other_sessions_ended: ended },
    });
  });
}
