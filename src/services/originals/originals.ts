import type { Database } from "../../db/connection.js";
import { forgetUnreferencedOriginal, keepOriginal, originalExists, readOriginal } from "../../db/repositories/original-files.repository.js";
import { AppError } from "../../domain/errors.js";
import { readStoredFile, removeStoredFile, storedFileExists, storedPathFor, storeReceivedFile } from "../ingest/ingest-storage.js";

/**
 * Where received originals are kept: the one port every reader of an original goes through
 * (ingest, re-processing, the review UI's download and page images, keying's inspection).
 * - The embedded database (one process by design) keeps them under DATA_DIR/files/, as before.
 * - A PostgreSQL server keeps them in the database (original_files, by sha256, once per
 *   content), so that a worker on any machine reads any file and no folder is shared.
 * received_files.stored_path says which: a path under DATA_DIR, or `database:<sha256>`.
 */
export interface OriginalsStore {
  readonly kind: "data_dir" | "database";
  /** Keeps the bytes (once per content) and returns the stored path to record with the file. */
  keep(sha256: string, originalName: string, bytes: Uint8Array): Promise<string>;
  /** Whether that content is kept already (so a failed recording does not remove someone else's bytes). */
  has(sha256: string, originalName: string): Promise<boolean>;
  /** The bytes of a received file; AppError not_found when they are not kept. */
  read(file: { sha256: string; storedPath: string }): Promise<Buffer>;
  /** Removes bytes kept for a file whose row could not be written. */
  forget(sha256: string, storedPath: string): Promise<void>;
}

export const DATABASE_PREFIX = "database:";

function notKept(): AppError {
  return new AppError("not_found", "The original file is not available");
}

export class DataDirOriginals implements OriginalsStore {
  readonly kind = "data_dir" as const;
  constructor(private readonly dataDir: string) {}

  keep(sha256: string, originalName: string, bytes: Uint8Array): Promise<string> {
    return Promise.resolve(storeReceivedFile(this.dataDir, sha256, originalName, bytes));
  }

  has(sha256: string, originalName: string): Promise<boolean> {
    return Promise.resolve(storedFileExists(this.dataDir, storedPathFor(sha256, originalName)));
  }

  read(file: { sha256: string; storedPath: string }): Promise<Buffer> {
    if (file.storedPath.startsWith(DATABASE_PREFIX)) return Promise.reject(notKept());
    try {
      return Promise.resolve(readStoredFile(this.dataDir, file.storedPath));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return Promise.reject(new AppError("not_found", "The original file is no longer in the data directory"));
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  forget(_sha256: string, storedPath: string): Promise<void> {
    removeStoredFile(this.dataDir, storedPath);
    return Promise.resolve();
  }
}

export class DatabaseOriginals implements OriginalsStore {
  readonly kind = "database" as const;
  /** `dataDir`: where files received before originals moved into the database still are (their stored path is under it). */
  constructor(private readonly db: Database, private readonly dataDir: string | null = null) {}

  /**
   * Content already kept is not sent again: a queued file's worker read its bytes from here and
   * records the file with them (an insert would ship the whole file back only to be ignored).
   * Content is addressed by its hash, so what is kept is these bytes; nothing needs repair here
   * (the DATA_DIR store rewrites a file of the wrong size, as a torn write can leave one).
   */
  async keep(sha256: string, _originalName: string, bytes: Uint8Array): Promise<string> {
    if (!(await originalExists(this.db.knex, sha256))) await keepOriginal(this.db.knex, sha256, bytes);
    return `${DATABASE_PREFIX}${sha256}`;
  }

  has(sha256: string): Promise<boolean> {
    return originalExists(this.db.knex, sha256);
  }

  async read(file: { sha256: string; storedPath: string }): Promise<Buffer> {
    const bytes = await readOriginal(this.db.knex, file.sha256);
    if (bytes !== null) return bytes;
    if (this.dataDir !== null && !file.storedPath.startsWith(DATABASE_PREFIX)) return new DataDirOriginals(this.dataDir).read(file);
    throw notKept();
  }

  forget(sha256: string): Promise<void> {
    return forgetUnreferencedOriginal(this.db.knex, sha256);
  }
}

/** The store of this database: in it on a PostgreSQL server, under DATA_DIR for the embedded one. */
export function originalsStore(db: Database, dataDir: string): OriginalsStore {
  return db.kind === "postgres" ? new DatabaseOriginals(db, dataDir) : new DataDirOriginals(dataDir);
}
