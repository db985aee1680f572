import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { AppError } from "../domain/errors.js";
import { processAlive } from "../process-alive.js";

/**
 * An exclusive lock on the embedded database's directory. Two processes that open one PGlite
 * directory silently lose committed rows, so the second one must be refused, naming the
 * process that holds the database.
 *
 * Taking over a lock left by a dead process must be atomic too (issue 22: "remove the stale
 * file, then create mine" let two of four starters in). So the lock is a sequence of
 * generation files, `DATA_DIR/database.locks/<n>`, and the highest one is the lock:
 * - a generation file is created whole and exclusively (written aside, then hard-linked into
 *   place: `link` fails if the name exists), so exactly one process makes each generation and
 *   nobody ever reads a half-written one;
 * - to take over, a process must see the highest generation's owner dead and then create the
 *   next one; of several that try, one wins and the others find it alive;
 * - a dead generation is never deleted (deleting it would let a slow process that saw it
 *   dead act on a name that now means something else); only the live holder deletes its own
 *   file when it lets go, so one small file stays behind per crash;
 * - after creating generation k the winner checks that no higher one exists (a gap left by a
 *   release can be refilled late); if one does, it withdraws and starts again.
 */
export interface DataDirLock {
  release(): void;
  /**
   * Records in the lock file where other processes can reach the database through this one
   * (src/db/embedded-share.ts). The file is replaced whole (rename), its token unchanged.
   */
  advertise(socketDir: string): void;
}

interface LockOwner {
  pid: number;
  command: string;
  since: string;
  /** Tells two files of the same pid apart (the check "is it still the file I judged dead?"). */
  token: string;
  /** The folder of the holder's socket when it shares the database (embedded-share.ts). */
  socket?: string;
}

const LOCKS = "database.locks";
/** The single lock file of versions before generations: still honoured while its holder runs. */
const LEGACY_LOCK = "database.lock";
const MAX_ATTEMPTS = 100;

function readOwner(file: string): LockOwner | null {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<LockOwner>;
    return typeof parsed.pid === "number"
      ? {
          pid: parsed.pid, command: String(parsed.command ?? "?"), since: String(parsed.since ?? "?"), token: String(parsed.token ?? ""),
          ...(typeof parsed.socket === "string" ? { socket: parsed.socket } : {}),
        }
      : null;
  } catch {
    return null;
  }
}

function generations(directory: string): number[] {
  return fs
    .readdirSync(directory)
    .filter((name) => /^\d{1,15}$/.test(name))
    .map(Number)
    .sort((a, b) => a - b);
}

function inUse(dir: string, owner: LockOwner): AppError {
  return new AppError(
    "database.in_use",
    `The embedded database in ${dir} is in use by process ${owner.pid} (${owner.command}, since ${owner.since}). ` +
      `Wait for it to finish or stop it, or set DATABASE_URL to use a PostgreSQL server that several processes can share. ` +
      `(While \`serve\` or \`demo\` runs, other commands reach the database through it.)`,
    { dataDir: dir, pid: owner.pid, ...(owner.socket ? { socket: owner.socket } : {}) },
  );
}

/** The owner, when it is another process that is still running. */
function liveOwner(owner: LockOwner | null): LockOwner | null {
  return owner !== null && owner.pid !== process.pid && processAlive(owner.pid) ? owner : null;
}

/** Creates `target` with `content` or fails with EEXIST, never leaving it half-written. */
function createExclusively(target: string, content: string): boolean {
  const aside = `${target}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  fs.writeFileSync(aside, content, { mode: 0o644 });
  try {
    fs.linkSync(aside, target);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  } finally {
    fs.rmSync(aside, { force: true });
  }
}

const heldInThisProcess = new Set<string>();

export function lockDataDir(dir: string): DataDirLock {
  const locks = path.join(dir, LOCKS);
  fs.mkdirSync(locks, { recursive: true });
  const key = path.resolve(dir);
  if (heldInThisProcess.has(key)) {
    throw new AppError("database.in_use", `The embedded database in ${dir} is already open in this process`, { dataDir: dir });
  }
  const legacy = liveOwner(readOwner(path.join(dir, LEGACY_LOCK)));
  if (legacy) throw inUse(dir, legacy);

  const me: LockOwner = {
    pid: process.pid,
    command: process.argv.slice(1).map((a) => path.basename(a)).join(" "),
    since: new Date().toISOString(),
    token: randomBytes(12).toString("hex"),
  };
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const highest = generations(locks).at(-1) ?? 0;
    if (highest > 0) {
      const file = path.join(locks, String(highest));
      const owner = readOwner(file);
      const live = liveOwner(owner);
      if (live) throw inUse(dir, live);
      // Judged dead (or released and gone): make sure it is still the same file before acting,
      // in case its holder let go and someone else took that number meanwhile.
      if (owner && readOwner(file)?.token !== owner.token) continue;
    }
    const mine = path.join(locks, String(highest + 1));
    if (!createExclusively(mine, JSON.stringify(me))) continue;
    if ((generations(locks).at(-1) ?? 0) > highest + 1) {
      fs.rmSync(mine, { force: true });
      continue;
    }
    heldInThisProcess.add(key);
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      heldInThisProcess.delete(key);
      if (readOwner(mine)?.token === me.token) fs.rmSync(mine, { force: true });
      process.removeListener("exit", release);
    };
    process.on("exit", release);
    const advertise = (socketDir: string): void => {
      if (released) return;
      const aside = `${mine}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
      fs.writeFileSync(aside, JSON.stringify({ ...me, socket: socketDir }), { mode: 0o644 });
      fs.renameSync(aside, mine);
    };
    return { release, advertise };
  }
  throw new AppError("database.in_use", `Could not lock the embedded database in ${dir}: other processes kept taking it`, { dataDir: dir });
}
