import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/**
 * Received files are kept by content hash under DATA_DIR (DESIGN.md "Data protection"):
 * `files/<first two hex digits>/<sha256>/<sanitised original name>`. The name is kept for people
 * downloading the file; the hash makes the path unique and the same content land in one place.
 */
export function sha256Of(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** A file name safe on every file system: letters, digits, `.`, `-`, `_`; no leading dot. */
export function sanitiseFileName(name: string): string {
  const base = path.basename(name.replace(/\\/g, "/"));
  const extension = path.extname(base).toLowerCase().replace(/[^a-z0-9.]/g, "").slice(0, 10);
  const stem = base
    .slice(0, base.length - path.extname(base).length)
    .normalize("NFKD")
    .replace(/[^A-Za-z0-9._-]+/g, "_")
    .replace(/^[._]+/, "")
    .replace(/_+/g, "_")
    .slice(0, 100);
  return `${stem || "file"}${extension}`;
}

/** The stored path of a file, relative to DATA_DIR (with forward slashes, whatever the OS). */
export function storedPathFor(sha256: string, originalName: string): string {
  return ["files", sha256.slice(0, 2), sha256, sanitiseFileName(originalName)].join("/");
}

/** Writes the bytes (atomically: a temporary file renamed into place) unless already there. */
export function storeReceivedFile(dataDir: string, sha256: string, originalName: string, bytes: Uint8Array): string {
  const relative = storedPathFor(sha256, originalName);
  const target = path.join(dataDir, ...relative.split("/"));
  if (fs.existsSync(target) && fs.statSync(target).size === bytes.byteLength) return relative;
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const temporary = `${target}.${randomBytes(4).toString("hex")}.tmp`;
  fs.writeFileSync(temporary, bytes, { mode: 0o640 });
  fs.renameSync(temporary, target);
  return relative;
}

export function storedFileExists(dataDir: string, relative: string): boolean {
  return fs.existsSync(path.join(dataDir, ...relative.split("/")));
}

/** Removes bytes written for a file whose row could not be written (no file is kept without its row). */
export function removeStoredFile(dataDir: string, relative: string): void {
  fs.rmSync(path.join(dataDir, ...relative.split("/")), { force: true });
}

export function readStoredFile(dataDir: string, storedPath: string): Buffer {
  const file = path.isAbsolute(storedPath) ? storedPath : path.join(dataDir, ...storedPath.split("/"));
  return fs.readFileSync(file);
}
