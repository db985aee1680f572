import type { Knex } from "knex";
import type { Role } from "../../domain/roles.js";

export interface UserRow {
  id: string;
  authority_id: number;
  username: string;
  password_hash: string;
  role: Role;
  /** Unused since sign-in throttling (sign_in_throttles) replaced account locks; kept for old rows. */
  failed_sign_ins: number;
  locked_until: Date | null;
  created_at: Date;
  /** Set while the account is disabled: it cannot sign in (accounts are never deleted). */
  disabled_at: Date | null;
  /** After an administrator's reset: every page leads to the change-password page first. */
  must_change_password: boolean;
  password_changed_at: Date | null;
}

/** The authorities that have a user of this name (sign-in in a deployment of several councils). */
export async function authoritiesWithUsername(q: Knex, username: string): Promise<number[]> {
  const rows: { authority_id: number }[] = await q("users").where({ username }).select("authority_id");
  return rows.map((row) => Number(row.authority_id));
}

export function findUserByUsername(q: Knex, authorityId: number, username: string): Promise<UserRow | undefined> {
  return q<UserRow>("users").where({ authority_id: authorityId, username }).first();
}

export function findUserById(q: Knex, id: string): Promise<UserRow | undefined> {
  return q<UserRow>("users").where({ id }).first();
}

export async function insertUser(
  q: Knex,
  user: { authorityId: number; username: string; passwordHash: string; role: Role },
): Promise<UserRow> {
  const [row] = await q<UserRow>("users")
    .insert({ authority_id: user.authorityId, username: user.username, password_hash: user.passwordHash, role: user.role })
    .returning("*");
  if (!row) throw new Error("insert into users returned no row");
  return row;
}

export function listUserRows(q: Knex, authorityId: number): Promise<UserRow[]> {
  return q<UserRow>("users").where({ authority_id: authorityId }).orderBy("username");
}

export async function updateUserDisabled(q: Knex, id: string, disabledAt: Date | null): Promise<void> {
  await q("users").where({ id }).update({ disabled_at: disabledAt });
}

export async function updateUserPassword(q: Knex, id: string, change: { passwordHash: string; mustChange: boolean; at: Date }): Promise<void> {
  await q("users").where({ id }).update({ password_hash: change.passwordHash, must_change_password: change.mustChange, password_changed_at: change.at });
}

/**
 * Which user and council a username is, across every council (migration 20261209_2301's
 * SECURITY DEFINER door: sign-in comes before an authority is known). Nothing else of the row.
 */
export async function signInIdentity(q: Knex, username: string): Promise<{ userId: string; authorityId: number } | null> {
  const result = await q.raw<{ rows: { user_id: string; authority_id: number }[] }>("select user_id, authority_id from app_sign_in_user(?)", [username]);
  const row = result.rows[0];
  return row ? { userId: String(row.user_id), authorityId: Number(row.authority_id) } : null;
}

/** The council of a session's user (the other narrow door, for loading a signed-in request's user). */
export async function authorityOfUser(q: Knex, userId: string): Promise<number | null> {
  const result = await q.raw<{ rows: { authority_id: number | null }[] }>("select app_user_authority(?) as authority_id", [userId]);
  const id = result.rows[0]?.authority_id;
  return id === null || id === undefined ? null : Number(id);
}
