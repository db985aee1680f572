import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/** A new empty directory under the system's temporary directory (the caller removes it). */
export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `pa-${prefix}-`));
}
