import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { AppError } from "../../domain/errors.js";
import type { ImportFileInput } from "./import-reference.js";

/**
 * Reference files uploaded in the UI wait here between the preview and the person's decision to
 * apply (DATA_DIR/staging/reference/<token>/): the preview never changes the database, and
 * applying reads exactly the files that were previewed. A token belongs to one authority and
 * user; staged files older than a day are removed when new ones are staged.
 */
const MAX_AGE_MS = 24 * 60 * 60 * 1000;
const TOKEN = /^[0-9a-f]{32}$/;

interface Meta {
  authorityId: number;
  username: string;
  names: string[];
}

function stagingRoot(dataDir: string): string {
  return path.join(dataDir, "staging", "reference");
}

export function stageReferenceFiles(dataDir: string, owner: { authorityId: number; username: string }, files: readonly ImportFileInput[]): string {
  const root = stagingRoot(dataDir);
  fs.mkdirSync(root, { recursive: true });
  for (const old of fs.readdirSync(root)) {
    const dir = path.join(root, old);
    if (Date.now() - fs.statSync(dir).mtimeMs > MAX_AGE_MS) fs.rmSync(dir, { recursive: true, force: true });
  }
  const token = randomBytes(16).toString("hex");
  const dir = path.join(root, token);
  fs.mkdirSync(dir);
  files.forEach((file, index) => fs.writeFileSync(path.join(dir, String(index)), file.bytes));
  const meta: Meta = { ...owner, names: files.map((file) => file.name) };
  fs.writeFileSync(path.join(dir, "meta.json"), JSON.stringify(meta));
  return token;
}

/** The staged files of a token, for the same authority and user; gone or foreign is an error. */
export function stagedReferenceFiles(dataDir: string, owner: { authorityId: number; username: string }, token: string): ImportFileInput[] {
  const dir = path.join(stagingRoot(dataDir), token);
  const gone = new AppError("staging.gone", "These files are no longer waiting to be imported (applied already, or more than a day old): upload them again");
  if (!TOKEN.test(token) || !fs.existsSync(path.join(dir, "meta.json"))) throw gone;
  const meta = JSON.parse(fs.readFileSync(path.join(dir, "meta.json"), "utf8")) as Meta;
  if (meta.authorityId !== owner.authorityId || meta.username !== owner.username) throw gone;
  return meta.names.map((name, index) => ({ name, bytes: fs.readFileSync(path.join(dir, String(index))) }));
}

export function dropStagedReferenceFiles(dataDir: string, token: string): void {
  if (TOKEN.test(token)) fs.rmSync(path.join(stagingRoot(dataDir), token), { recursive: true, force: true });
}
