import fs from "node:fs";
import path from "node:path";
import type { Database } from "../../db/connection.js";
import { getReceivedFile, type ReceivedFileRecord } from "../../db/repositories/invoice.repository.js";
import { AppError } from "../../domain/errors.js";
import type { Inspection } from "../../ingest/keying/read-so-far.js";
import { imageTypeOf } from "../../ingest/keying/page-images.js";
import { inspectInSandbox } from "../../ingest/sandbox/inspect.js";
import { originalsStore } from "../originals/originals.js";

/**
 * A stored file as the keying screen needs it (issue 18): its layout and what the reader made of
 * it, and its pages as images. Worked out once, in the bounded child process (inspect.ts), from
 * the stored original, and cached under DATA_DIR/keying/<sha256>/ (the file's content never
 * changes: it is kept by its hash). A PNG or JPEG original is its own page image.
 */
export const PAGE_SCALE = 1.5;
export const MAX_PAGE_IMAGES = 20;

export interface FileInspection {
  inspection: Inspection;
  /** How many page images there are (0: none, e.g. a spreadsheet). */
  pages: number;
}

interface CacheIndex {
  inspection: Inspection;
  pages: number;
  /** Set when the file could not be inspected safely: said on the screen, not retried on every view. */
  failed: string | null;
}

function cacheDir(dataDir: string, sha256: string): string {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new AppError("not_found", "The original file is not available");
  return path.join(dataDir, "keying", sha256);
}

const inFlight = new Map<string, Promise<CacheIndex>>();

async function build(db: Database, dataDir: string, file: ReceivedFileRecord): Promise<CacheIndex> {
  const dir = cacheDir(dataDir, file.sha256);
  const bytes = new Uint8Array(await originalsStore(db, dataDir).read(file));
  fs.mkdirSync(dir, { recursive: true });
  let index: CacheIndex;
  const imageType = imageTypeOf(bytes);
  if (imageType) {
    index = { inspection: { layout: null, read: null, problem: "The file is an image: key the invoice in from it." }, pages: 1, failed: null };
  } else {
    const response = await inspectInSandbox({ name: file.originalName, bytes, drawPages: true, scale: PAGE_SCALE, maxPages: MAX_PAGE_IMAGES });
    if (response.kind === "failed") {
      const problem = `The file could not be shown safely: ${response.message}.`;
      index = { inspection: { layout: null, read: null, problem }, pages: 0, failed: problem };
    } else {
      for (const page of response.pages) fs.writeFileSync(path.join(dir, `page-${page.page}.png`), page.png);
      index = { inspection: response.inspection, pages: response.pages.length, failed: null };
    }
  }
  const temporary = path.join(dir, `index.json.${process.pid}.tmp`);
  fs.writeFileSync(temporary, JSON.stringify(index));
  fs.renameSync(temporary, path.join(dir, "index.json"));
  return index;
}

async function indexOf(db: Database, dataDir: string, file: ReceivedFileRecord): Promise<CacheIndex> {
  const file_ = path.join(cacheDir(dataDir, file.sha256), "index.json");
  if (fs.existsSync(file_)) return JSON.parse(fs.readFileSync(file_, "utf8")) as CacheIndex;
  const running = inFlight.get(file.sha256);
  if (running) return running;
  const work = build(db, dataDir, file).finally(() => inFlight.delete(file.sha256));
  inFlight.set(file.sha256, work);
  return work;
}

async function requireFile(db: Database, authorityId: number, fileId: string): Promise<ReceivedFileRecord> {
  const file = await getReceivedFile(db.knex, authorityId, fileId);
  if (!file) throw new AppError("not_found", "There is no such file");
  return file;
}

export async function inspectFile(db: Database, dataDir: string, authorityId: number, fileId: string): Promise<FileInspection> {
  const file = await requireFile(db, authorityId, fileId);
  const index = await indexOf(db, dataDir, file);
  return { inspection: index.inspection, pages: index.pages };
}

/** One page image of a file (1-based), or null when it has no such page. */
export async function pageImage(db: Database, dataDir: string, authorityId: number, fileId: string, page: number): Promise<{ bytes: Buffer; contentType: "image/png" | "image/jpeg" } | null> {
  const file = await requireFile(db, authorityId, fileId);
  const index = await indexOf(db, dataDir, file);
  if (!Number.isInteger(page) || page < 1 || page > index.pages) return null;
  const original = await originalsStore(db, dataDir).read(file);
  const type = imageTypeOf(original);
  if (type) return { bytes: original, contentType: type };
  const image = path.join(cacheDir(dataDir, file.sha256), `page-${page}.png`);
  return fs.existsSync(image) ? { bytes: fs.readFileSync(image), contentType: "image/png" } : null;
}
