import fs from "node:fs";
import path from "node:path";

/**
 * The inbox folder, DATA_DIR/inbox/, shared by every worker (also across machines, on a shared
 * filesystem). A worker takes a file by renaming it into its own claim directory
 * `inbox/.claimed/<worker-id>/`: rename is atomic within one filesystem, so exactly one worker's
 * rename succeeds and the others get ENOENT. After ingesting, the file moves on to
 * `inbox/processed/` or `inbox/failed/` (with `<name>.reason.txt` beside it); a dead worker's
 * claim directory is emptied back into the inbox by whoever notices it died, and each file
 * given back is counted in `inbox/.interrupted/<name>` (the file in hand when a worker died may
 * be what killed it: inbox-pass.ts reads it once more at most).
 *
 * Why a home-made claim and not pg-boss (issue 24 keeps inbox folders per machine): a file in a
 * folder is not yet in the database, so there is no job to take until someone has claimed it and
 * read its bytes. The rename is what stops two workers of one machine (or of one shared folder)
 * from taking one file at once, and what moves it out of the inbox so it is not picked up again.
 * On PostgreSQL a claim lasts only until the file is kept in the database and queued (seconds);
 * from then on the file is a pg-boss job (ingest-queue.ts), retried and dead-lettered by the
 * queue. Giving back a dead worker's claims uses the scheduler's worker registry (heartbeats,
 * run-recovery.ts): that is the one thing the registry still does on PostgreSQL.
 */

export interface InboxPaths {
  inbox: string;
  processed: string;
  failed: string;
  claimed: string;
  interrupted: string;
}

export interface InboxCandidate {
  name: string;
  size: number;
  mtimeMs: number;
}

export interface ClaimedFile {
  /** The name it had in the inbox (and keeps in processed/ or failed/). */
  name: string;
  /** Where it is now: inbox/.claimed/<worker-id>/<name>. */
  path: string;
}

export const REASON_SUFFIX = ".reason.txt";

export function inboxPaths(dataDir: string): InboxPaths {
  const inbox = path.join(dataDir, "inbox");
  return {
    inbox, processed: path.join(inbox, "processed"), failed: path.join(inbox, "failed"), claimed: path.join(inbox, ".claimed"), interrupted: path.join(inbox, ".interrupted"),
  };
}

export async function ensureInbox(paths: InboxPaths): Promise<void> {
  for (const dir of [paths.inbox, paths.processed, paths.failed, paths.claimed, paths.interrupted]) await fs.promises.mkdir(dir, { recursive: true });
}

function interruptionFile(paths: InboxPaths, name: string): string {
  return path.join(paths.interrupted, name);
}

/** How many times a worker died while this inbox file was in its hands (0 when never). */
export async function interruptions(paths: InboxPaths, name: string): Promise<number> {
  try {
    const count = Number.parseInt(await fs.promises.readFile(interruptionFile(paths, name), "utf8"), 10);
    return Number.isInteger(count) && count > 0 ? count : 0;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return 0;
    throw error;
  }
}

async function setInterruptions(paths: InboxPaths, name: string, count: number): Promise<void> {
  if (count === 0) return forgetInterruptions(paths, name);
  await fs.promises.mkdir(paths.interrupted, { recursive: true });
  // Written beside it and renamed over it: a plain write empties the file first, and another
  // worker (or a person looking) could read that empty moment as "never interrupted".
  const target = interruptionFile(paths, name);
  const partial = path.join(paths.interrupted, `.${name}.${process.pid}.partial`);
  await fs.promises.writeFile(partial, `${count}\n`, "utf8");
  await fs.promises.rename(partial, target);
}

/** The file has left the inbox for good: its count goes. */
export async function forgetInterruptions(paths: InboxPaths, name: string): Promise<void> {
  await fs.promises.rm(interruptionFile(paths, name), { force: true });
}

/** Names that are not invoices dropped by a person: hidden files and the partial files of copy tools and editors. */
function ignoredName(name: string): boolean {
  return name.startsWith(".") || name.startsWith("~$") || /\.(part|partial|tmp|crdownload|download)$/i.test(name) || name.endsWith(REASON_SUFFIX);
}

/**
 * Files waiting in the inbox, oldest first. A file changed less than `settleMs` ago may still be
 * being copied in, so it waits for a later look.
 */
export async function listInbox(paths: InboxPaths, options: { settleMs: number; now?: number }): Promise<InboxCandidate[]> {
  const now = options.now ?? Date.now();
  let entries: fs.Dirent[];
  try {
    entries = await fs.promises.readdir(paths.inbox, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  const candidates: InboxCandidate[] = [];
  for (const entry of entries) {
    if (!entry.isFile() || ignoredName(entry.name)) continue;
    try {
      const stat = await fs.promises.stat(path.join(paths.inbox, entry.name));
      if (now - stat.mtimeMs < options.settleMs) continue;
      candidates.push({ name: entry.name, size: stat.size, mtimeMs: stat.mtimeMs });
    } catch (error) {
      // Taken by another worker between readdir and stat.
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
  }
  return candidates.sort((a, b) => a.mtimeMs - b.mtimeMs || a.name.localeCompare(b.name));
}

export function claimDirectory(paths: InboxPaths, workerId: string): string {
  return path.join(paths.claimed, workerId);
}

/** Takes the file for this worker; null when another worker took it first. */
export async function claimInboxFile(paths: InboxPaths, name: string, workerId: string): Promise<ClaimedFile | null> {
  const directory = claimDirectory(paths, workerId);
  await fs.promises.mkdir(directory, { recursive: true });
  const target = path.join(directory, name);
  try {
    await fs.promises.rename(path.join(paths.inbox, name), target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  return { name, path: target };
}

/**
 * Moves a file into a directory without overwriting anything there: a name already taken gets
 * " (2)", " (3)", … before its extension. A hard link fails atomically when the name exists;
 * where links are not supported, an existence check and rename do.
 */
export async function moveWithoutOverwriting(source: string, directory: string, name: string): Promise<string> {
  await fs.promises.mkdir(directory, { recursive: true });
  const extension = path.extname(name);
  const stem = name.slice(0, name.length - extension.length);
  for (let n = 1; n < 10_000; n++) {
    const target = path.join(directory, n === 1 ? name : `${stem} (${n})${extension}`);
    try {
      await fs.promises.link(source, target);
      await fs.promises.unlink(source);
      return target;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "EEXIST") continue;
      if (code !== "EPERM" && code !== "ENOTSUP" && code !== "EXDEV" && code !== "ENOSYS") throw error;
      if (fs.existsSync(target)) continue;
      await fs.promises.rename(source, target);
      return target;
    }
  }
  throw new Error(`No free name for ${name} in ${directory}`);
}

async function writeReason(target: string, reason: string): Promise<void> {
  await fs.promises.writeFile(`${target}${REASON_SUFFIX}`, `${reason.trim()}\n`, "utf8");
}

/** After ingesting: to processed/ (with a note beside it when there is something to say). */
export async function moveToProcessed(paths: InboxPaths, file: ClaimedFile, note: string | null = null): Promise<string> {
  const target = await moveWithoutOverwriting(file.path, paths.processed, file.name);
  if (note) await writeReason(target, note);
  return target;
}

/** A file that could not be ingested: to failed/, with `<name>.reason.txt` saying why. */
export async function moveToFailed(paths: InboxPaths, file: ClaimedFile, reason: string): Promise<string> {
  const target = await moveWithoutOverwriting(file.path, paths.failed, file.name);
  await writeReason(target, reason);
  return target;
}

/** Gives a claimed file back to the inbox, for this or another worker to take again. */
export async function returnToInbox(paths: InboxPaths, file: ClaimedFile): Promise<string> {
  return moveWithoutOverwriting(file.path, paths.inbox, file.name);
}

/** The files a worker holds in its claim directory. */
export async function claimedFiles(paths: InboxPaths, workerId: string): Promise<ClaimedFile[]> {
  const directory = claimDirectory(paths, workerId);
  let entries: fs.Dirent[];
  try {
    entries = await fs.promises.readdir(directory, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  return entries.filter((e) => e.isFile()).map((e) => ({ name: e.name, path: path.join(directory, e.name) }));
}

/** Worker ids that have a claim directory. */
export async function claimingWorkers(paths: InboxPaths): Promise<string[]> {
  try {
    const entries = await fs.promises.readdir(paths.claimed, { withFileTypes: true });
    return entries.filter((e) => e.isDirectory()).map((e) => e.name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
}

/**
 * Returns every file of a dead worker's claim directory to the inbox (counting the interruption
 * under the name it gets back) and removes the directory.
 * Each file is first taken into `me`'s claim directory by rename (so when two workers clean up
 * at once, each file still moves once), then given back to the inbox. The files are ingested
 * again; one whose ingest had already committed is then "already received". Call it between
 * files, when `me` holds no claimed file of its own.
 */
export async function releaseClaims(paths: InboxPaths, deadWorkerId: string, me: string): Promise<string[]> {
  const returned: string[] = [];
  const mine = claimDirectory(paths, me);
  await fs.promises.mkdir(mine, { recursive: true });
  for (const file of await claimedFiles(paths, deadWorkerId)) {
    const taken = path.join(mine, file.name);
    if (fs.existsSync(taken)) continue;
    try {
      await fs.promises.rename(file.path, taken);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") continue;
      throw error;
    }
    // Counted before the file is back, so that no worker can take it without seeing the count.
    // A file keeps its inbox name while claimed, so its earlier count is under that name.
    const before = await interruptions(paths, file.name);
    await setInterruptions(paths, file.name, before + 1);
    const back = path.basename(await returnToInbox(paths, { name: file.name, path: taken }));
    if (back !== file.name) {
      // Another file of that name was waiting: the count moves to the name this one got.
      await setInterruptions(paths, back, before + 1);
      await setInterruptions(paths, file.name, before);
    }
    returned.push(back);
  }
  await fs.promises.rmdir(claimDirectory(paths, deadWorkerId)).catch(() => undefined);
  return returned;
}
