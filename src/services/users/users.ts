import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from "node:crypto";
import type { Database } from "../../db/connection.js";
import { appendAuditLog } from "../../db/repositories/audit-log.repository.js";
import {
  clearFailedSignIns,
  findUserById,
  findUserByUsername,
  insertUser,
  listUserRows,
  recordFailedSignIn,
  type UserRow,
} from "../../db/repositories/user.repository.js";
import { AppError } from "../../domain/errors.js";
import { isRowId } from "../../db/row-id.js";
import { isRole, ROLES, type Role } from "../../domain/roles.js";

export { ROLES, isRole, type Role };

/** Accounts of the review UI: scrypt password hashes, sign-in with lockout, user creation. */
export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 256;
export const LOCKOUT_AFTER_FAILURES = 5;
export const LOCKOUT_MINUTES = 15;

/**
 * scrypt cost. N = 2^15 with r = 8 takes 32 MiB and about 0.1 s here: slow for a guesser,
 * fine for a person signing in. The parameters are stored in each hash, so they can be
 * raised later without invalidating existing passwords.
 */
const SCRYPT = { N: 32768, r: 8, p: 1, keyLength: 64, saltBytes: 16 };

function scryptAsync(password: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize("NFKC"), salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

function maxmem(N: number, r: number): number {
  return 128 * N * r * 2;
}

/** `scrypt$N$r$p$salt$hash` (salt and hash in base64url). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SCRYPT.saltBytes);
  const key = await scryptAsync(password, salt, SCRYPT.keyLength, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p, maxmem: maxmem(SCRYPT.N, SCRYPT.r) });
  return ["scrypt", SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString("base64url"), key.toString("base64url")].join("$");
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return false;
  const [N, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0)) return false;
  const salt = Buffer.from(parts[4] ?? "", "base64url");
  const expected = Buffer.from(parts[5] ?? "", "base64url");
  if (expected.length === 0) return false;
  const actual = await scryptAsync(password, salt, expected.length, { N, r, p, maxmem: maxmem(N, r) });
  return timingSafeEqual(actual, expected);
}

/** Compared against when the username is unknown, so that a miss takes as long as a hit. */
let dummyHash: Promise<string> | null = null;

export interface UserSummary {
  id: string;
  authorityId: number;
  username: string;
  role: Role;
  failedSignIns: number;
  lockedUntil: Date | null;
  createdAt: Date;
}

function summary(row: UserRow): UserSummary {
  return {
    id: String(row.id),
    authorityId: row.authority_id,
    username: row.username,
    role: row.role,
    failedSignIns: row.failed_sign_ins,
    lockedUntil: row.locked_until,
    createdAt: row.created_at,
  };
}

export function normaliseUsername(username: string): string {
  return username.trim().toLowerCase();
}

const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._@-]{1,63}$/;

export interface NewUser {
  username: string;
  password: string;
  role: string;
  authorityId: number;
}

/** Field-level problems with a new user, keyed by field (empty when valid). */
export function validateNewUser(input: NewUser): Partial<Record<"username" | "password" | "role", string>> {
  const errors: Partial<Record<"username" | "password" | "role", string>> = {};
  const username = normaliseUsername(input.username);
  if (username === "") errors.username = "Enter a username";
  else if (!USERNAME_PATTERN.test(username)) {
    errors.username = "Username must be 2 to 64 characters: letters, numbers, full stops, hyphens, underscores or @";
  }
  if (input.password.length < MIN_PASSWORD_LENGTH) errors.password = `Password must be at least ${MIN_PASSWORD_LENGTH} characters`;
  else if (input.password.length > MAX_PASSWORD_LENGTH) errors.password = `Password must be ${MAX_PASSWORD_LENGTH} characters or fewer`;
  if (!isRole(input.role)) errors.role = `Select a role: ${ROLES.join(", ")}`;
  return errors;
}

/** Creates a user (audit-logged). Throws AppError `user.invalid` or `user.exists`. */
export async function createUser(db: Database, input: NewUser, actor: string): Promise<UserSummary> {
  const errors = validateNewUser(input);
  const first = Object.values(errors)[0];
  if (first !== undefined || !isRole(input.role)) throw new AppError("user.invalid", first ?? "Invalid role", { field: Object.keys(errors)[0] });
  const username = normaliseUsername(input.username);
  const { authorityId } = input;
  const passwordHash = await hashPassword(input.password);
  const role = input.role;
  return db.knex.transaction(async (trx) => {
    if (await findUserByUsername(trx, authorityId, username)) {
      throw new AppError("user.exists", `A user called "${username}" already exists`, { username });
    }
    const row = await insertUser(trx, { authorityId, username, passwordHash, role });
    await appendAuditLog(trx, { authorityId, actor, action: "create", entity: "user", entityId: String(row.id), before: null, after: { username, role } });
    return summary(row);
  });
}

export type SignInResult = { ok: true; user: UserSummary } | { ok: false; reason: "invalid" | "locked"; lockedUntil?: Date };

/**
 * Checks a username and password. A locked account is refused without looking at the
 * password; the LOCKOUT_AFTER_FAILURES-th consecutive failure locks it for LOCKOUT_MINUTES.
 */
export async function authenticate(db: Database, authorityId: number, username: string, password: string, now: Date = new Date()): Promise<SignInResult> {
  const row = await findUserByUsername(db.knex, authorityId, normaliseUsername(username));
  if (!row) {
    dummyHash ??= hashPassword(randomBytes(16).toString("hex"));
    await verifyPassword(password, await dummyHash);
    return { ok: false, reason: "invalid" };
  }
  if (row.locked_until && row.locked_until > now) return { ok: false, reason: "locked", lockedUntil: row.locked_until };
  if (password.length <= MAX_PASSWORD_LENGTH && (await verifyPassword(password, row.password_hash))) {
    if (row.failed_sign_ins !== 0 || row.locked_until) await clearFailedSignIns(db.knex, row.id);
    return { ok: true, user: summary({ ...row, failed_sign_ins: 0, locked_until: null }) };
  }
  const lockUntil = new Date(now.getTime() + LOCKOUT_MINUTES * 60_000);
  const updated = await recordFailedSignIn(db.knex, row.id, LOCKOUT_AFTER_FAILURES, lockUntil);
  if (updated.locked_until && updated.locked_until > now) {
    await appendAuditLog(db.knex, {
      authorityId: row.authority_id, actor: "system", action: "lock", entity: "user", entityId: String(row.id),
      before: null, after: { username: row.username, locked_until: updated.locked_until.toISOString(), after_failures: LOCKOUT_AFTER_FAILURES },
    });
    return { ok: false, reason: "locked", lockedUntil: updated.locked_until };
  }
  return { ok: false, reason: "invalid" };
}

export async function getUser(db: Database, id: string): Promise<UserSummary | null> {
  const row = await findUserById(db.knex, id);
  return row ? summary(row) : null;
}

export async function listUsers(db: Database, authorityId: number): Promise<UserSummary[]> {
  return (await listUserRows(db.knex, authorityId)).map(summary);
}

/** Lifts a lockout early (an admin's action, audit-logged). */
export async function unlockUser(db: Database, id: string, actor: string, authorityId: number): Promise<void> {
  if (!isRowId(id)) throw new AppError("not_found", "No such user", { id });
  await db.knex.transaction(async (trx) => {
    const row = await findUserById(trx, id);
    if (!row || row.authority_id !== authorityId) throw new AppError("not_found", "No such user", { id });
    await clearFailedSignIns(trx, row.id);
    await appendAuditLog(trx, {
      authorityId, actor, action: "unlock", entity: "user", entityId: String(row.id),
      before: { failed_sign_ins: row.failed_sign_ins, locked_until: row.locked_until?.toISOString() ?? null },
      after: { failed_sign_ins: 0, locked_until: null },
    });
  });
}
