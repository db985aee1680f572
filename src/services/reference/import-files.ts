import fs from "node:fs";
import path from "node:path";
import type { ImportFileInput } from "./import-reference.js";

export interface CollectedFiles {
  files: ImportFileInput[];
  /** Paths that could not be read, with why (printed; the rest is still imported). */
  problems: string[];
}

/** Extensions taken from a directory (a .xls is taken so that the import can say why it is refused). */
const TABLE_FILE = /\.(csv|tsv|txt|xlsx|xlsm|xls)$/i;

/**
 * The files named on the command line: files as given, directories by their table files (not
 * recursive; hidden files and Excel's `~$` lock files skipped), sorted by name. The import then
 * applies them in dependency order.
 */
export function collectImportFiles(paths: readonly string[]): CollectedFiles {
  const result: CollectedFiles = { files: [], problems: [] };
  const add = (file: string): void => {
    try {
      result.files.push({ name: path.basename(file), bytes: fs.readFileSync(file) });
    } catch (error) {
      result.problems.push(`${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
  };
  for (const given of paths) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(given);
    } catch {
      result.problems.push(`${given}: no such file or directory`);
      continue;
    }
    if (!stat.isDirectory()) {
      add(given);
      continue;
    }
    const names = fs
      .readdirSync(given)
      .filter((name) => TABLE_FILE.test(name) && !name.startsWith(".") && !name.startsWith("~$"))
      .sort();
    const files = names.map((name) => path.join(given, name)).filter((file) => fs.statSync(file).isFile());
    if (files.length === 0) result.problems.push(`${given}: no CSV or XLSX files in this directory`);
    files.forEach(add);
  }
  return result;
}
