import type { Database } from "../../db/connection.js";
import { authorityName, listAuthorities } from "../../db/repositories/authority.repository.js";
import { authoritiesWithUsername } from "../../db/repositories/user.repository.js";
import { AppError, isAppError } from "../../domain/errors.js";

/**
 * Which authority a command or a signed-out web request acts for. A deployment serves one
 * council: the authority is the only one in the database (migration 0001 creates it), resolved
 * once when the command or the web app starts. A signed-in request acts for its user's authority
 * instead. A database with several authorities (a consortium) is refused here rather than
 * guessed: choosing among them is the consortium issue's work.
 */
export async function deploymentAuthorityId(db: Database): Promise<number> {
  const authorities = await listAuthorities(db.knex);
  const only = authorities[0];
  if (authorities.length !== 1 || only === undefined) {
    throw new AppError(
      "config.authority",
      authorities.length === 0
        ? "The database has no authority: run the migrations on an empty database."
        : `The database holds ${authorities.length} authorities; this deployment serves one council.`,
      { authorities: authorities.length },
    );
  }
  return only.id;
}

/** The authority's name as the database has it (the header's default council name). */
export async function councilNameOf(db: Database, authorityId: number): Promise<string | null> {
  return authorityName(db.knex, authorityId);
}

/**
 * The authority a sign-in is for. INTERIM (issue 23, consortium branch k23): the authorities
 * branch (t23) scopes users to their authority properly; until it merges, a deployment of
 * several councils (demo --consortium) signs a user in at the one authority that has a user of
 * that name, and refuses (as an unknown user) a name several councils use.
 */
export async function signInAuthorityId(db: Database, username: string): Promise<number | null> {
  try {
    return await deploymentAuthorityId(db);
  } catch (error) {
    if (!isAppError(error) || error.code !== "config.authority") throw error;
    const found = await authoritiesWithUsername(db.knex, username);
    return found.length === 1 ? (found[0] ?? null) : null;
  }
}
