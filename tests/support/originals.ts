import type { Database } from "../../src/db/connection.js";
import { storedPathFor } from "../../src/services/ingest/ingest-storage.js";
import { DATABASE_PREFIX, originalsStore } from "../../src/services/originals/originals.js";

/**
 * Received originals as the tests check them, whichever store keeps them: under DATA_DIR for the
 * embedded database, in original_files on a PostgreSQL server (src/services/originals).
 */
export function expectedStoredPath(db: Database, sha256: string, originalName: string): string {
  return db.kind === "postgres" ? `${DATABASE_PREFIX}${sha256}` : storedPathFor(sha256, originalName);
}

/** The bytes kept for a received file's stored path. */
export function keptOriginal(db: Database, dataDir: string, storedPath: string): Promise<Buffer> {
  const sha256 = storedPath.startsWith(DATABASE_PREFIX) ? storedPath.slice(DATABASE_PREFIX.length) : (storedPath.split("/")[2] ?? "");
  return originalsStore(db, dataDir).read({ sha256, storedPath });
}
