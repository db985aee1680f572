import type { Knex } from "knex";
import type { Role } from "../../domain/roles.js";

export interface UserRow {
  id: string;
  authority_id: number;
  username: string;
  password_hash: string;
  role: Role;
  failed_sign_ins: number;
  locked_until: Date | null;
  created_at: Date;
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

/**
 * Counts one failed sign-in in a single statement (two concurrent failures both count).
 * Reaching `maxFailures` locks the account until `lockUntil` and starts the count again,
 * so the user gets a fresh set of attempts once the lock has passed.
 */
export async function recordFailedSignIn(q: Knex, id: string, maxFailures: number, lockUntil: Date): Promise<UserRow> {
  const [row] = await q<UserRow>("users")
    .where({ id })
    .update({
      failed_sign_ins: q.raw("case when failed_sign_ins + 1 >= ? then 0 else failed_sign_ins + 1 end", [maxFailures]),
      locked_until: q.raw("case when failed_sign_ins + 1 >= ? then ?::timestamptz else locked_until end", [maxFailures, lockUntil.toISOString()]),
    })
    .returning("*");
  if (!row) throw new Error(`user ${id} vanished while recording a failed sign-in`);
  return row;
}

export async function clearFailedSignIns(q: Knex, id: string): Promise<void> {
  await q("users").where({ id }).update({ failed_sign_ins: 0, locked_until: null });
}
