import type { Database } from "../../db/connection.js";
import { deleteExpiredSessions, deleteSession, extendSession, readSession, writeSession } from "../../db/repositories/session.repository.js";

/** Where the web UI's sessions are kept: the `sessions` table, through the session repository. */
export interface SessionStorage {
  read(sid: string, now: Date): Promise<unknown>;
  write(sid: string, data: unknown, expiresAt: Date): Promise<void>;
  extend(sid: string, expiresAt: Date): Promise<void>;
  remove(sid: string): Promise<void>;
  removeExpired(now: Date): Promise<number>;
}

export function sessionStorage(db: Database): SessionStorage {
  const knex = db.knex;
  return {
    read: (sid, now) => readSession(knex, sid, now),
    write: (sid, data, expiresAt) => writeSession(knex, sid, data, expiresAt),
    extend: (sid, expiresAt) => extendSession(knex, sid, expiresAt),
    remove: (sid) => deleteSession(knex, sid),
    removeExpired: (now) => deleteExpiredSessions(knex, now),
  };
}
