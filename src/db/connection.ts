import fs from "node:fs";
import path from "node:path";
import knexPkg from "knex";
import type { Knex } from "knex";
import pg from "pg";
import type { PGlite } from "@electric-sql/pglite";
import { AppError } from "../domain/errors.js";
import { lockDataDir, type DataDirLock } from "./data-dir-lock.js";
import { canShare, shareEmbedded, SHARE_PORT, type EmbeddedShare } from "./embedded-share.js";
import { guardOwner, scopedKnex, type TenancyOptions } from "./tenancy.js";

// knex under ESM: the named export type-checks but fails at run time (STACK.md).
const { knex } = knexPkg;

// `date` columns come back as `YYYY-MM-DD` strings, never Date objects (no time-zone traps).
// numeric and bigint already come back as strings; we keep them so.
pg.types.setTypeParser(pg.types.builtins.DATE, (value: string) => value);

/**
 * The PGlite version that makes our data directories; directories are not portable across
 * versions. Pinned exactly in package.json; a unit test keeps the two equal.
 */
export const PGLITE_VERSION = "0.5.16";

export interface Database {
  knex: Knex;
  kind: "embedded" | "postgres";
  /** The PostgreSQL URL it was opened with (another thread may open its own connection); null when embedded. */
  url: string | null;
  close(): Promise<void>;
  /**
   * Whose rows this handle's queries see (src/db/tenancy.ts): "owner" for the handle openDatabase
   * returns (migrations, maintenance, tests' fixtures), an authority's id for one made by
   * forAuthority, null for tenantless (shared tables only).
   */
  authorityId: number | null | "owner";
  /** How the pool's connections are kept in their state; carried to the handles made from this one. */
  tenancy: TenancyOptions;
}

/**
 * The owner's handle behind any handle: for maintenance the app's role may not do (VACUUM needs
 * the tables' owner, and PostgreSQL skips a table it may not vacuum with only a warning).
 */
export function ownerOf(db: Database): Database {
  return db.authorityId === "owner" ? db : ((db as ScopedDatabase).owner);
}

interface ScopedDatabase extends Database {
  owner: Database;
}

/**
 * The handle every command, request, job and thread does an authority's work through: the same
 * pool, its connections switched to the app's role with app.authority_id set, so row-level
 * security shows that council's rows alone. Closing it closes the database.
 */
export function forAuthority(db: Database, authorityId: number): Database {
  const owner = ownerOf(db);
  const scoped: ScopedDatabase = { ...owner, knex: scopedKnex(owner.knex, authorityId, owner.tenancy), authorityId, owner };
  return scoped;
}

/** The app's role with no authority: shared tables only (sign-in lookups, sessions, authorities); every council's table reads as empty. */
export function tenantless(db: Database): Database {
  const owner = ownerOf(db);
  const scoped: ScopedDatabase = { ...owner, knex: scopedKnex(owner.knex, null, owner.tenancy), authorityId: null, owner };
  return scoped;
}

export interface OpenOptions {
  databaseUrl: string | null;
  dataDir: string;
  /**
   * Embedded only: let other local processes reach the database through this one while it is
   * open (serve, demo, worker: src/db/embedded-share.ts). A process that finds the database held
   * by one that shares it connects through it instead of being refused.
   */
  share?: boolean;
}

export async function openDatabase(options: OpenOptions): Promise<Database> {
  return options.databaseUrl ? openPostgres(options.databaseUrl) : openEmbedded(options.dataDir, options.share ?? false);
}

/** The connection pools of PostgreSQL servers (openPostgres): every handle made from one shares its pool. */
const serverPools = new WeakSet<object>();

function poolOf(db: Knex): object | undefined {
  return (db.client as { pool?: object }).pool;
}

/**
 * Whether a knex (the owner's or any handle made from it) talks to a PostgreSQL server, which
 * alone can COPY to this process (copy-out.ts): the embedded database, and a process reaching it
 * through the one that holds it, speak through PGlite.
 */
export function isPostgresServer(db: Knex): boolean {
  const pool = poolOf(db);
  return pool !== undefined && serverPools.has(pool);
}

function openPostgres(url: string): Database {
  const db = knex({ client: "pg", connection: url, pool: { min: 0, max: 8 } });
  const pool = poolOf(db);
  if (pool !== undefined) serverPools.add(pool);
  const tenancy = { trusted: true };
  guardOwner(db, tenancy);
  return { knex: db, kind: "postgres", url, close: () => db.destroy(), authorityId: "owner", tenancy };
}

const VERSION_FILE = "pglite-version.txt";

/** The database another process holds and shares, through its socket (one connection, as PGlite has one session). */
function openThroughHolder(socketDir: string): Database {
  const db = knex({ client: "pg", connection: { host: socketDir, port: SHARE_PORT, user: "postgres", database: "postgres" }, pool: { min: 0, max: 1 } });
  // The holder's PGlite session is shared with it: the state is set again at each hand-out.
  const tenancy = { trusted: false };
  guardOwner(db, tenancy);
  return { knex: db, kind: "embedded", url: null, close: () => db.destroy(), authorityId: "owner", tenancy };
}

function lockOrReach(dataDir: string): DataDirLock | Database {
  try {
    return lockDataDir(dataDir);
  } catch (error) {
    const socket = error instanceof AppError && error.code === "database.in_use" ? error.context.socket : undefined;
    if (typeof socket === "string" && fs.existsSync(path.join(socket, `.s.PGSQL.${SHARE_PORT}`))) return openThroughHolder(socket);
    throw error;
  }
}

async function openEmbedded(dataDir: string, share: boolean): Promise<Database> {
  const locked = lockOrReach(dataDir);
  if (!("release" in locked)) return locked;
  const lock = locked;
  const pgdata = path.join(dataDir, "pgdata");
  try {
    checkDataDirVersion(dataDir, pgdata);
    // PGlite is loaded only for the embedded database: on PostgreSQL its module (about 50 MB of
    // resident memory, measured) would sit unused in every audit and worker process.
    const [{ PGlite: PGliteClass }, { createPgConfig }] = await Promise.all([import("@electric-sql/pglite"), import("@electric-sql/pglite/node-postgres")]);
    let pglite: PGlite;
    try {
      pglite = await PGliteClass.create(pgdata);
    } catch (error) {
      throw new AppError(
        "database.unreadable",
        `The embedded database in ${pgdata} could not be opened (${(error as Error).message}). ` +
          `If it was made by another version of placement-audit, move the data by dump and restore (see README "Moving the embedded database").`,
        { dataDir },
      );
    }
    fs.writeFileSync(path.join(dataDir, VERSION_FILE), PGLITE_VERSION);
    // One connection only: a larger pool corrupts PGlite's protocol (STACK.md).
    const db = knex({ client: "pg", connection: () => createPgConfig(pglite) as unknown as Knex.PgConnectionConfig, pool: { min: 1, max: 1 } });
    // Sharing is a convenience: if the socket cannot be made, the database still opens, unshared.
    const shared: EmbeddedShare | null = share && canShare(dataDir) ? await shareEmbedded(pglite, dataDir).catch(() => null) : null;
    if (shared) lock.advertise(shared.socketDir);
    // Shared, other processes use the same PGlite session between this process's statements.
    const tenancy = { trusted: shared === null };
    guardOwner(db, tenancy);
    return {
      knex: db,
      kind: "embedded",
      url: null,
      authorityId: "owner",
      tenancy,
      close: async () => {
        try {
          await shared?.close();
          await db.destroy();
          await pglite.close();
        } finally {
          lock.release();
        }
      },
    };
  } catch (error) {
    lock.release();
    throw error;
  }
}

function checkDataDirVersion(dataDir: string, pgdata: string): void {
  const versionFile = path.join(dataDir, VERSION_FILE);
  if (!fs.existsSync(pgdata) || !fs.existsSync(versionFile)) return;
  const madeBy = fs.readFileSync(versionFile, "utf8").trim();
  if (madeBy !== PGLITE_VERSION) {
    throw new AppError(
      "database.incompatible",
      `The embedded database in ${pgdata} was made by PGlite ${madeBy}; this version of placement-audit uses PGlite ${PGLITE_VERSION}, ` +
        `which cannot read it. Move the data by dump and restore: run the old version with "pg_dump"-style export ` +
        `(see README "Moving the embedded database"), or start afresh with an empty DATA_DIR and import again.`,
      { dataDir, madeBy, expected: PGLITE_VERSION },
    );
  }
}
