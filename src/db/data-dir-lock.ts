import fs from "node:fs";
import path from "node:path";
import { AppError } from "../domain/errors.js";
import { processAlive } from "../process-alive.js";

/**
 * An exclusive lock on the embedded database's directory. Two processes that
 * open one PGlite directory silently lose committed rows, so the second one
 * must be refused, naming the process that holds the database.
 */
export interface DataDirLock {
  release(): void;
}

interface LockOwner {
  pid: number;
  command: string;
  since: string;
}

function readOwner(lockFile: string): LockOwner | null {
  try {
    const parsed = JSON.parse(fs.readFileSync(lockFile, "utf8")) as Partial<LockOwner>;
    return typeof parsed.pid === "number" ? { pid: parsed.pid, command: String(parsed.command ?? "?"), since: String(parsed.since ?? "?") } : null;
  } catch {
    return null;
  }
}

const heldInThisProcess = new Set<string>();

export function lockDataDir(dir: string): DataDirLock {
  fs.mkdirSync(dir, { recursive: true });
  if (heldInThisProcess.has(path.resolve(dir))) {
    throw new AppError("database.in_use", `The embedded database in ${dir} is already open in this process`, { dataDir: dir });
  }
  const lockFile = path.join(dir, "database.lock");
  const me: LockOwner = { pid: process.pid, command: process.argv.slice(1).map((a) => path.basename(a)).join(" "), since: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = fs.openSync(lockFile, "wx");
      fs.writeSync(fd, JSON.stringify(me));
      fs.closeSync(fd);
      heldInThisProcess.add(path.resolve(dir));
      let released = false;
      const release = (): void => {
        if (released) return;
        released = true;
        heldInThisProcess.delete(path.resolve(dir));
        const owner = readOwner(lockFile);
        if (owner?.pid === process.pid) fs.rmSync(lockFile, { force: true });
        process.removeListener("exit", release);
      };
      process.on("exit", release);
      return { release };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = readOwner(lockFile);
      if (owner && owner.pid !== process.pid && processAlive(owner.pid)) {
        throw new AppError(
          "database.in_use",
          `The embedded database in ${dir} is in use by process ${owner.pid} (${owner.command}, since ${owner.since}). ` +
            `Stop that process first, or set DATABASE_URL to use a PostgreSQL server that several processes can share.`,
          { dataDir: dir, pid: owner.pid },
        );
      }
      // The holder died without releasing: the lock is stale.
      fs.rmSync(lockFile, { force: true });
    }
  }
  throw new AppError("database.in_use", `Could not lock the embedded database in ${dir}`, { dataDir: dir });
}
