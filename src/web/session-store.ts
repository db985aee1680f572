import session from "express-session";
import type { SessionStorage } from "../services/users/sessions.js";

type Callback = (error?: unknown) => void;

/** Sessions live this long when the cookie carries no expiry of its own. */
const DEFAULT_TTL_MS = 8 * 60 * 60 * 1000;

function expiryOf(data: session.SessionData): Date {
  const expires = data.cookie.expires;
  if (expires) return new Date(expires);
  return new Date(Date.now() + (data.cookie.maxAge ?? DEFAULT_TTL_MS));
}

/**
 * An express-session store over the `sessions` table, so sessions survive restarts and are
 * shared by every web process on one PostgreSQL server. Expired rows are never returned;
 * `pruneExpired` deletes them (called on a timer by startServer).
 */
export class DatabaseSessionStore extends session.Store {
  constructor(private readonly storage: SessionStorage) {
    super();
  }

  override get(sid: string, callback: (error: unknown, session?: session.SessionData | null) => void): void {
    this.storage.read(sid, new Date()).then(
      (data) => callback(null, (data as session.SessionData | null) ?? null),
      (error: unknown) => callback(error),
    );
  }

  override set(sid: string, data: session.SessionData, callback?: Callback): void {
    this.storage.write(sid, data, expiryOf(data)).then(
      () => callback?.(),
      (error: unknown) => callback?.(error),
    );
  }

  override touch(sid: string, data: session.SessionData, callback?: Callback): void {
    this.storage.extend(sid, expiryOf(data)).then(
      () => callback?.(),
      (error: unknown) => callback?.(error),
    );
  }

  override destroy(sid: string, callback?: Callback): void {
    this.storage.remove(sid).then(
      () => callback?.(),
      (error: unknown) => callback?.(error),
    );
  }

  pruneExpired(now: Date = new Date()): Promise<number> {
    return this.storage.removeExpired(now);
  }
}
