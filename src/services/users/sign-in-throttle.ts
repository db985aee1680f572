import { createHash } from "node:crypto";
import type { Knex } from "knex";
import type { Database } from "../../db/connection.js";
import {
  blockUntil,
  clearThrottles,
  countFailure,
  deleteStaleThrottles,
  failuresBySubject,
  readThrottles,
} from "../../db/repositories/sign-in-throttle.repository.js";

/**
 * Sign-in throttling instead of account locks (issue 22). Failures are counted three ways:
 * - per (username, source IP): after PAIR_FREE_FAILURES the pair waits, doubling each time.
 *   A stranger guessing from elsewhere never stops the account's owner signing in from their
 *   own address;
 * - per source IP over every username: password spraying from one address backs off after
 *   IP_FREE_FAILURES;
 * - per username over every address: once it passes USERNAME_UNDER_ATTACK_AFTER (a guesser
 *   with many addresses), each address gets one failure before it waits — but its first try
 *   is always answered, so the owner still gets in.
 * Counts start again after an hour without failures. The counts live in the database so that
 * every web process on one server applies the same limits.
 */
export const THROTTLE = {
  windowMs: 60 * 60 * 1000,
  pairFreeFailures: 5,
  pairFreeFailuresUnderAttack: 1,
  usernameUnderAttackAfter: 50,
  ipFreeFailures: 20,
  firstDelaySeconds: 1,
  maxPairDelaySeconds: 15 * 60,
  maxIpDelaySeconds: 60 * 60,
} as const;

export interface SignInSource {
  authorityId: number;
  /** Normalised (see normaliseUsername). */
  username: string;
  /** The client's address; "local" for the command line. */
  ip: string;
}

function digest(...parts: (string | number)[]): string {
  return createHash("sha256").update(parts.join("\u0000")).digest("base64url");
}

interface Keys {
  ip: string;
  user: string;
  pair: string;
  subject: string;
}

function keysOf(source: SignInSource): Keys {
  return {
    ip: `ip:${digest(source.ip)}`,
    user: `user:${digest(source.authorityId, source.username)}`,
    pair: `pair:${digest(source.authorityId, source.username, source.ip)}`,
    subject: subjectOf(source.authorityId, source.username),
  };
}

export function subjectOf(authorityId: number, username: string): string {
  return digest(authorityId, username);
}

/** Seconds to wait after `failures` failures when `free` are allowed: 1, 2, 4 … up to `max`. */
export function backoffSeconds(failures: number, free: number, max: number): number {
  if (failures <= free) return 0;
  return Math.min(max, THROTTLE.firstDelaySeconds * 2 ** Math.min(failures - free - 1, 30));
}

/** When the source may try again (null: now). Expired blocks and stale counts are ignored. */
export async function throttledUntil(q: Knex, source: SignInSource, now: Date): Promise<Date | null> {
  const keys = keysOf(source);
  const rows = await readThrottles(q, [keys.ip, keys.pair]);
  let until: Date | null = null;
  for (const row of rows) {
    if (row.blocked_until && row.blocked_until > now && (!until || row.blocked_until > until)) until = row.blocked_until;
  }
  return until;
}

export async function recordFailedSignIn(q: Knex, source: SignInSource, now: Date): Promise<void> {
  const keys = keysOf(source);
  const windowStart = new Date(now.getTime() - THROTTLE.windowMs);
  const userFailures = await countFailure(q, keys.user, keys.subject, now, windowStart);
  const pairFailures = await countFailure(q, keys.pair, keys.subject, now, windowStart);
  const ipFailures = await countFailure(q, keys.ip, null, now, windowStart);
  const pairFree = userFailures > THROTTLE.usernameUnderAttackAfter ? THROTTLE.pairFreeFailuresUnderAttack : THROTTLE.pairFreeFailures;
  const pairWait = backoffSeconds(pairFailures, pairFree, THROTTLE.maxPairDelaySeconds);
  if (pairWait > 0) await blockUntil(q, keys.pair, new Date(now.getTime() + pairWait * 1000));
  const ipWait = backoffSeconds(ipFailures, THROTTLE.ipFreeFailures, THROTTLE.maxIpDelaySeconds);
  if (ipWait > 0) await blockUntil(q, keys.ip, new Date(now.getTime() + ipWait * 1000));
}

/** A success clears this address's count for the account (not the address's or the account's totals). */
export async function recordSuccessfulSignIn(q: Knex, source: SignInSource): Promise<void> {
  await clearThrottles(q, { keys: [keysOf(source).pair] });
}

/** An admin's "clear": every count of one account, from every address. */
export async function clearAccountThrottles(q: Knex, authorityId: number, username: string): Promise<number> {
  return clearThrottles(q, { subject: subjectOf(authorityId, username) });
}

/** Failures in the last window per account (for the users page). */
export async function recentFailures(q: Knex, authorityId: number, usernames: readonly string[], now: Date): Promise<Map<string, number>> {
  const bySubject = new Map(usernames.map((u) => [subjectOf(authorityId, u), u]));
  const rows = await failuresBySubject(q, [...bySubject.keys()], new Date(now.getTime() - THROTTLE.windowMs));
  const result = new Map<string, number>();
  for (const row of rows) {
    const username = bySubject.get(row.subject);
    if (username) result.set(username, row.failures);
  }
  return result;
}

/** Housekeeping for the web server's timer: counts older than the window are forgotten. */
export function pruneThrottles(db: Database, now: Date): Promise<number> {
  return deleteStaleThrottles(db.knex, new Date(now.getTime() - THROTTLE.windowMs));
}
