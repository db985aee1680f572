import type { Knex } from "knex";

/**
 * Which authority's rows a connection may see, set where connections are handed out, not at each
 * query. Every connection the app takes from the pool is first put in the state its user asks
 * for:
 * - scoped to an authority (`forAuthority`): role placement_audit_app and app.authority_id set;
 *   row-level security (migration 20261209_2301) then shows and accepts that council's rows only;
 * - tenant-less (`tenantless`): the same role with the setting empty: shared tables only
 *   (authorities, providers, sessions…); every authority-owned table reads as empty;
 * - the owner (the knex `openDatabase` returns): the role DATABASE_URL names, for migrations,
 *   maintenance and tests' fixtures. The app's commands and requests never do tenant work here.
 *
 * The state is session-level (set_config(…, false)) and tracked per connection, so a switch
 * costs one round trip only when a connection changes hands between authorities; the app's units
 * of work are many short statements and transactions, which a transaction-local setting would
 * force into one long transaction. It is set outside any transaction (a connection is handed out
 * between them), so a rollback cannot undo it.
 */
export const APP_ROLE = "placement_audit_app";
export const AUTHORITY_SETTING = "app.authority_id";

/**
 * Tables with an authority_id that are shared across a consortium by design, so they carry no
 * policy (README "Several councils in one deployment"): one provider, its aliases and its
 * learnt layouts serve every member; which councils belong to a consortium is known to all its
 * members and its analyst (migration 20261209_2302).
 */
export const SHARED_AUTHORITY_TABLES: readonly string[] = ["providers", "provider_templates", "consortium_members"];

/** What a connection is set to: the owner, or the app role with an authority ("" for none). */
type ConnectionState = { kind: "owner" } | { kind: "app"; authorityId: number | null };

interface PgConnection {
  query(text: string, values?: unknown[]): Promise<unknown>;
  /** The state this process last put the connection in (absent: unknown). */
  __placementAuditState?: string;
}

interface PoolClient {
  acquireConnection(): Promise<PgConnection>;
}

function stateKey(state: ConnectionState): string {
  return state.kind === "owner" ? "owner" : `app:${state.authorityId ?? ""}`;
}

async function putInState(connection: PgConnection, state: ConnectionState, trusted: boolean): Promise<void> {
  const key = stateKey(state);
  if (trusted && connection.__placementAuditState === key) return;
  // Marked unknown first: if the statement fails the next hand-out sets it again.
  delete connection.__placementAuditState;
  if (state.kind === "owner") {
    await connection.query(`select set_config('role', 'none', false), set_config('${AUTHORITY_SETTING}', '', false)`);
  } else {
    await connection.query(`select set_config('role', '${APP_ROLE}', false), set_config('${AUTHORITY_SETTING}', $1, false)`, [state.authorityId === null ? "" : String(state.authorityId)]);
  }
  connection.__placementAuditState = key;
}

export interface TenancyOptions {
  /**
   * Whether this process alone changes its connections' state. False for an embedded database
   * other processes reach through this one (one PGlite session for all: src/db/embedded-share.ts
   * saves and restores each party's state) or that this process reaches through another: the
   * state is then set again at every hand-out.
   */
  trusted: boolean;
}

function guardClient(client: PoolClient, state: ConnectionState, options: TenancyOptions): void {
  const prototype = Object.getPrototypeOf(client) as PoolClient;
  client.acquireConnection = async function acquireInState(this: PoolClient): Promise<PgConnection> {
    const connection = await prototype.acquireConnection.call(this);
    try {
      await putInState(connection, state, options.trusted);
    } catch (error) {
      (this as unknown as { releaseConnection(c: PgConnection): Promise<void> }).releaseConnection(connection).catch(() => undefined);
      throw error;
    }
    return connection;
  };
}

/** Makes the owner's knex put each connection back in the owner's state when it takes one. */
export function guardOwner(owner: Knex, options: TenancyOptions): void {
  guardClient(owner.client as PoolClient, { kind: "owner" }, options);
}

const scopes = new WeakMap<Knex, Map<string, Knex>>();

/**
 * A knex on the same pool whose connections act as the app's role for one authority (null: for
 * none). Made once per authority and kept.
 */
export function scopedKnex(owner: Knex, authorityId: number | null, options: TenancyOptions): Knex {
  let byKey = scopes.get(owner);
  if (!byKey) scopes.set(owner, (byKey = new Map<string, Knex>()));
  const state: ConnectionState = { kind: "app", authorityId };
  const key = stateKey(state);
  const existing = byKey.get(key);
  if (existing) return existing;
  // withUserParams clones the client but shares its pool: the same connections, another state.
  const scoped = owner.withUserParams({ authorityId });
  guardClient(scoped.client as PoolClient, state, options);
  byKey.set(key, scoped);
  return scoped;
}
