import path from "node:path";
import { BUILT_IN_TEMPLATES_DIR, dataDirTemplates, loadTemplates } from "../../ingest/templates.js";

/** The reading templates in use for each provider: where they come from, for the providers page. */
export interface TemplatesInUse {
  /** provider id → template file names (shipped ones and this deployment's). */
  byProvider: ReadonlyMap<string, readonly string[]>;
  /** Why the templates could not be listed (a file that is not a valid template), else null. */
  problem: string | null;
}

/**
 * Lists the templates the reader would use (the same directories as ingest): shipped with the
 * product, then this deployment's DATA_DIR/templates. A broken template file is said, not thrown,
 * so the page still shows the rest of the reference data.
 */
export function templatesInUse(dataDir: string): TemplatesInUse {
  const dirs = [BUILT_IN_TEMPLATES_DIR, dataDirTemplates(dataDir)];
  try {
    const byProvider = new Map<string, string[]>();
    for (const template of loadTemplates(dirs)) {
      const names = byProvider.get(template.providerId) ?? [];
      names.push(path.basename(template.source));
      byProvider.set(template.providerId, names);
    }
    return { byProvider, problem: null };
  } catch (error) {
    // The page names the file, not where the server keeps it.
    const message = error instanceof Error ? error.message : String(error);
    return { byProvider: new Map(), problem: dirs.reduce((text, dir) => text.split(path.join(dir, path.sep)).join(""), message) };
  }
}
