import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from "node:crypto";
import { forAuthority, tenantless, type Database } from "../../db/connection.js";
import { appendAuditLog } from "../../db/repositories/audit-log.repository.js";
import {
  findUserById,
  authorityOfUser,
  findUserByUsername,
  insertUser,
  signInIdentity,
  listUserRows,
  type UserRow,
} from "../../db/repositories/user.repository.js";
import { AppError } from "../../domain/errors.js";
import { isRowId } from "../../db/row-id.js";
import { isRole, ROLE_LABELS, ROLES, type Role } from "../../domain/roles.js";
import {
  clearAccountThrottles,
  recentFailures,
  recordFailedSignIn,
  recordSuccessfulSignIn,
  throttledUntil,
  type SignInSource,
} from "./sign-in-throttle.js";

export { ROLES, isRole, type Role };

/** Accounts of the review UI: scrypt password hashes, throttled sign-in, user creation. */
export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 256;

/**
 * scrypt cost. N = 2^15 with r = 8 takes 32 MiB and about 0.1 s here: slow for a guesser,
 * fine for a person signing in. The parameters are stored in each hash, so they can be
 * raised later without invalidating existing passwords.
 */
const SCRYPT = { N: 32768, r: 8, p: 1, keyLength: 64, saltBytes: 16 };

/**
 * The scrypt derivations this process has run and their summed cost (N·r·p·key length): what
 * sign-in's timing is made of, counted so that a test can show every kind of attempt runs the
 * same one (tests/integration/sign-in-throttle.test.ts) without timing anything.
 */
const scryptWork = { runs: 0, cost: 0 };

export function scryptWorkSoFar(): Readonly<{ runs: number; cost: number }> {
  return { ...scryptWork };
}

function scryptAsync(password: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
  scryptWork.runs++;
  scryptWork.cost += (options.N ?? 0) * (options.r ?? 0) * (options.p ?? 0) * keyLength;
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

/**
 * Compared against when the username is unknown, so that a miss takes as long as a hit. A
 * fixed hash of a random password nobody knows, with the same cost as real ones.
 */
const DUMMY_HASH = "scrypt$32768$8$1$QeLsec_vtc_HwhbdwbAVdA$uvJspTymiFanwDdFVhQ-Bxq_DDgyWlZp8DrtWQlu6ngfKwcQ3-5hYlHneXWPGfvnHKVePiyoUtCMsCRDbnmhPQ";

export interface UserSummary {
  id: string;
  authorityId: number;
  username: string;
  role: Role;
  createdAt: Date;
  /** A disabled account cannot sign in; its sessions were ended when it was disabled. */
  disabled: boolean;
  /** Set by an administrator's password reset: the next thing the user does is change it. */
  mustChangePassword: boolean;
}

export function summary(row: UserRow): UserSummary {
  return {
    id: String(row.id),
    authorityId: row.authority_id,
    username: row.username,
    role: row.role,
    createdAt: row.created_at,
    disabled: row.disabled_at !== null && row.disabled_at !== undefined,
    mustChangePassword: row.must_change_password === true,
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

/** The strength rule for every new password (a new account's, a reset, a change): its problem, or null. */
export function passwordProblem(password: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `Password must be at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > MAX_PASSWORD_LENGTH) return `Password must be ${MAX_PASSWORD_LENGTH} characters or fewer`;
  return null;
}

/** Field-level problems with a new user, keyed by field (empty when valid). */
export function validateNewUser(input: NewUser): Partial<Record<"username" | "password" | "role", string>> {
  const errors: Partial<Record<"username" | "password" | "role", string>> = {};
  const username = normaliseUsername(input.username);
  if (username === "") errors.username = "Enter a username";
  else if (!USERNAME_PATTERN.test(username)) {
    errors.username = "Username must be 2 to 64 characters: letters, numbers, full stops, hyphens, underscores or @";
  }
  const weak = passwordProblem(input.password);
  if (weak) errors.password = weak;
  if (!isRole(input.role)) errors.role = `Select a role: ${ROLES.map((r) => ROLE_LABELS[r].toLowerCase()).join(", ")}`;
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
    // Usernames are unique across the deployment's councils: the sign-in form asks for no council.
    const taken = await signInIdentity(trx, username);
    if (taken) {
      const where = taken.authorityId === authorityId ? "" : " in another council of this deployment (usernames are unique across councils)";
      throw new AppError("user.exists", `A user called "${username}" already exists${where}`, { username });
    }
    const row = await insertUser(trx, { authorityId, username, passwordHash, role });
    await appendAuditLog(trx, { authorityId, actor, action: "create", entity: "user", entityId: String(row.id), before: null, after: { username, role } });
    return summary(row);
  });
}

export type SignInResult =
  | { ok: true; user: UserSummary }
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "disabled" }
  | { ok: false; reason: "throttled"; retryAfterSeconds: number };

export interface SignInOptions {
  /** The client's address (throttling counts per address); the command line is "local". */
  ip?: string;
}

/**
 * Checks a username and password, throttled per address and per account (sign-in-throttle.ts).
 * scrypt runs on every attempt — unknown user, throttled source, a password of any length —
 * so the time taken says nothing about which case it was; and a throttled attempt is refused
 * whatever the password, so the refusal confirms nothing.
 */
export async function authenticate(db: Database, authorityId: number, username: string, password: string, now: Date = new Date(), options: SignInOptions = {}): Promise<SignInResult> {
  const source: SignInSource = { authorityId, username: normaliseUsername(username), ip: options.ip ?? "local" };
  const [row, blockedUntil] = await Promise.all([
    findUserByUsername(db.knex, authorityId, source.username),
    throttledUntil(db.knex, source, now),
  ]);
  const matches = await verifyPassword(password, row?.password_hash ?? DUMMY_HASH);
  if (blockedUntil) return { ok: false, reason: "throttled", retryAfterSeconds: Math.max(1, Math.ceil((blockedUntil.getTime() - now.getTime()) / 1000)) };
  // A disabled account is refused, but said so only to someone who knows its password.
  if (row && matches && row.disabled_at) return { ok: false, reason: "disabled" };
  if (row && matches && password.length <= MAX_PASSWORD_LENGTH) {
    await recordSuccessfulSignIn(db.knex, source);
    return { ok: true, user: summary(row) };
  }
  await recordFailedSignIn(db.knex, source, now);
  return { ok: false, reason: "invalid" };
}

/**
 * Sign-in from the web, where no council is known yet: the username says which council (through
 * the narrow SECURITY DEFINER door, migration 20261209_2301), and the check itself then runs
 * scoped to it. An unknown username is checked (and throttled) as if it were `fallbackAuthorityId`'s,
 * so the time and the answer are the same either way.
 */
export async function signInAnyCouncil(db: Database, fallbackAuthorityId: () => Promise<number>, username: string, password: string, now: Date = new Date(), options: SignInOptions = {}): Promise<SignInResult> {
  const identity = await signInIdentity(tenantless(db).knex, normaliseUsername(username));
  const authorityId = identity?.authorityId ?? (await fallbackAuthorityId());
  return authenticate(forAuthority(db, authorityId), authorityId, username, password, now, options);
}

/** A signed-in session's user, loaded within their own council (null when gone). */
export async function getSessionUser(db: Database, id: string): Promise<UserSummary | null> {
  if (!isRowId(id)) return null;
  const authorityId = await authorityOfUser(tenantless(db).knex, id);
  return authorityId === null ? null : getUser(forAuthority(db, authorityId), id);
}

export async function getUser(db: Database, id: string): Promise<UserSummary | null> {
  const row = await findUserById(db.knex, id);
  return row ? summary(row) : null;
}

export interface UserListing extends UserSummary {
  /** Failed sign-ins to this account in the last hour, from every address. */
  recentFailures: number;
}

export async function listUsers(db: Database, authorityId: number, now: Date = new Date()): Promise<UserListing[]> {
  const users = (await listUserRows(db.knex, authorityId)).map(summary);
  const failures = await recentFailures(db.knex, authorityId, users.map((u) => u.username), now);
  return users.map((u) => ({ ...u, recentFailures: failures.get(u.username) ?? 0 }));
}

/** Clears an account's sign-in throttling early (an admin's action, audit-logged). */
export async function unlockUser(db: Database, id: string, actor: string, authorityId: number): Promise<void> {
  if (!isRowId(id)) throw new AppError("not_found", "No such user", { id });
  await db.knex.transaction(async (trx) => {
    const row = await findUserById(trx, id);
    if (!row || row.authority_id !== authorityId) throw new AppError("not_found", "No such user", { id });
    const cleared = await clearAccountThrottles(trx, authorityId, row.username);
    await appendAuditLog(trx, {
      authorityId, actor, action: "unlock", entity: "user", entityId: String(row.id),
      before: { throttle_rows: cleared }, after: { throttle_rows: 0 },
    });
  });
}
