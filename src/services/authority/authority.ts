import { forAuthority, type Database } from "../../db/connection.js";
import { addAuthority, authorityByCode, authorityName, listAuthorities, type AuthorityRow } from "../../db/repositories/authority.repository.js";
import { AppError } from "../../domain/errors.js";

/** Every council in the deployment, with its code (the authorities table is shared: no authority needed). */
export async function authoritiesOf(db: Database): Promise<(AuthorityRow & { code: string })[]> {
  return listAuthorities(db.knex);
}

function codesOf(authorities: readonly { code: string }[]): string {
  return authorities.map((a) => a.code).join(", ");
}

/**
 * Which authority a command acts for: the one named by `--authority CODE`, or, when none is
 * named, the only one in the database (a single council sees no change). With several and none
 * named it is a usage error that names the codes, never a guess.
 */
export async function resolveAuthority(db: Database, code: string | null): Promise<number> {
  if (code !== null) {
    const found = await authorityByCode(db.knex, code);
    if (found) return found.id;
    const all = await authoritiesOf(db);
    throw new AppError("usage", `no authority has the code "${code}"; the codes are: ${codesOf(all)}`, { code });
  }
  const authorities = await authoritiesOf(db);
  const only = authorities[0];
  if (authorities.length === 1 && only !== undefined) return only.id;
  if (authorities.length === 0) throw new AppError("config.authority", "The database has no authority: run the migrations on an empty database.", { authorities: 0 });
  throw new AppError("usage", `this deployment serves ${authorities.length} authorities: say which with --authority CODE (${codesOf(authorities)})`, {
    authorities: authorities.length,
  });
}

/** The deployment's authority when it serves one council; several are refused (resolveAuthority names them). */
export async function deploymentAuthorityId(db: Database): Promise<number> {
  return resolveAuthority(db, null);
}

/** The deployment's only authority, or null when it serves several (background jobs then need `--authority`). */
export async function soleAuthorityId(db: Database): Promise<number | null> {
  const authorities = await authoritiesOf(db);
  return authorities.length === 1 && authorities[0] ? authorities[0].id : null;
}

/** The authority's name as the database has it (the header's council name). */
export async function councilNameOf(db: Database, authorityId: number): Promise<string | null> {
  return authorityName(db.knex, authorityId);
}

const CODE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/;

/** `authorities add CODE --name`: a council joins the deployment. */
export async function addCouncil(db: Database, code: string, name: string): Promise<AuthorityRow & { code: string }> {
  if (!CODE.test(code)) throw new AppError("usage", `"${code}" cannot be an authority code: use letters, digits, "-" or "_" (up to 32), starting with a letter or digit`);
  if (name.trim() === "") throw new AppError("usage", "give the council's name with --name \"…\"");
  if (await authorityByCode(db.knex, code)) throw new AppError("usage", `an authority with the code "${code}" is already there`);
  const id = await addAuthority(db.knex, { code, name: name.trim() });
  return { id, code, name: name.trim() };
}

/** Runs `work` once per council, each through its own scoped handle (maintenance across the deployment). */
export async function forEachAuthority<T>(db: Database, work: (scoped: Database, authorityId: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (const authority of await authoritiesOf(db)) results.push(await work(forAuthority(db, authority.id), authority.id));
  return results;
}
