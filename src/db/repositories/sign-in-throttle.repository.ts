import type { Knex } from "knex";

export interface ThrottleRow {
  key: string;
  subject: string | null;
  failures: number;
  last_failure_at: Date;
  blocked_until: Date | null;
}

export function readThrottles(q: Knex, keys: readonly string[]): Promise<ThrottleRow[]> {
  return q<ThrottleRow>("sign_in_throttles").whereIn("key", keys);
}

/**
 * Counts one failure under `key` in one statement (concurrent failures all count). A count
 * whose last failure is older than `windowStart` starts again at 1. Returns the new count.
 */
export async function countFailure(q: Knex, key: string, subject: string | null, now: Date, windowStart: Date): Promise<number> {
  const result = await q.raw<{ rows: { failures: number }[] }>(
    `insert into sign_in_throttles (key, subject, failures, last_failure_at, blocked_until)
     values (?, ?, 1, ?::timestamptz, null)
     on conflict (key) do update set
       failures = case when sign_in_throttles.last_failure_at < ?::timestamptz then 1 else sign_in_throttles.failures + 1 end,
       last_failure_at = excluded.last_failure_at
     returning failures`,
    [key, subject, now.toISOString(), windowStart.toISOString()],
  );
  return Number(result.rows[0]?.failures ?? 1);
}

export async function blockUntil(q: Knex, key: string, until: Date): Promise<void> {
  await q("sign_in_throttles").where({ key }).update({ blocked_until: until });
}

export async function clearThrottles(q: Knex, where: { keys?: readonly string[]; subject?: string }): Promise<number> {
  const query = q("sign_in_throttles");
  if (where.keys) query.whereIn("key", where.keys);
  else if (where.subject) query.where({ subject: where.subject });
  else return 0;
  return query.delete();
}

/** Rows whose last failure is older than `before` and that block nothing any more. */
export function deleteStaleThrottles(q: Knex, before: Date): Promise<number> {
  return q("sign_in_throttles")
    .where("last_failure_at", "<", before)
    .andWhere((w) => {
      void w.whereNull("blocked_until").orWhere("blocked_until", "<", before);
    })
    .delete();
}

export function failuresBySubject(q: Knex, subjects: readonly string[], since: Date): Promise<{ subject: string; failures: number; blocked_until: Date | null }[]> {
  return q("sign_in_throttles")
    .whereIn("subject", subjects)
    .andWhere("key", "like", "user:%")
    .andWhere("last_failure_at", ">=", since)
    .select<{ subject: string; failures: number; blocked_until: Date | null }[]>("subject", "failures", "blocked_until");
}
