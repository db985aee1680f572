import type { Knex } from "knex";

/** Rows of the sessions table: express-session's data, kept as jsonb, and when it expires. */
export async function readSession(q: Knex, sid: string, now: Date): Promise<unknown> {
  const row = await q<{ data: unknown }>("sessions").where("sid", sid).andWhere("expires_at", ">", now).first("data");
  return row?.data ?? null;
}

export async function writeSession(q: Knex, sid: string, data: unknown, expiresAt: Date): Promise<void> {
  // jsonb values always go through JSON.stringify (a bare array fails on real PostgreSQL).
  await q("sessions")
    .insert({ sid, data: JSON.stringify(data), expires_at: expiresAt })
    .onConflict("sid")
    .merge(["data", "expires_at"]);
}

export async function extendSession(q: Knex, sid: string, expiresAt: Date): Promise<void> {
  await q("sessions").where("sid", sid).update({ expires_at: expiresAt });
}

export async function deleteSession(q: Knex, sid: string): Promise<void> {
  await q("sessions").where("sid", sid).del();
}

export async function deleteExpiredSessions(q: Knex, now: Date): Promise<number> {
  return q("sessions").where("expires_at", "<=", now).del();
}

/** Ends a user's sessions (all of them, or all but one): express-session keeps the user id in `data`. */
export async function deleteUserSessions(q: Knex, userId: string, exceptSid: string | null = null): Promise<number> {
  const query = q("sessions").whereRaw("data->>'userId' = ?", [userId]);
  if (exceptSid !== null) query.andWhereNot("sid", exceptSid);
  return query.del();
}
