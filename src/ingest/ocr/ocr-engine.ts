import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import type { Page, Worker } from "tesseract.js";

/**
 * Tesseract (WebAssembly, tesseract.js) with the English model shipped as an npm package
 * (@tesseract.js-data/eng): nothing is fetched at run time, so a fresh clone reads scans after
 * `npm install` alone. Each worker loads the model once (~0.5–2 s) and is then reused for every
 * page it is given. The sandbox child (ingest/sandbox) holds one engine of one worker; the bench
 * holds a pool of several.
 */

/** Where the model lies: the "best_int" build, as accurate as "best" and about twice as fast. */
export function modelDir(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve("@tesseract.js-data/eng/package.json")), "4.0.0_best_int");
}

/** How many pages may be read by OCR at once (sandbox children doing OCR): OCR_CONCURRENCY, else one per core. */
export function ocrConcurrency(env: NodeJS.ProcessEnv = process.env): number {
  const asked = Number.parseInt(env["OCR_CONCURRENCY"] ?? "", 10);
  return Number.isInteger(asked) && asked > 0 ? asked : Math.max(1, os.availableParallelism());
}

/** No invoice page takes this long on a free core (~2–3 s at 300 dpi): a page that does is given up. */
export const PAGE_TIME_LIMIT_MS = 60_000;

export class OcrTimeout extends Error {
  constructor(readonly ms: number) {
    super(`OCR of the page took longer than ${Math.round(ms / 1000)} seconds`);
    this.name = "OcrTimeout";
  }
}

async function startWorker(): Promise<Worker> {
  // Loaded with the first scan's worker: a process that reads no scan never loads tesseract.js.
  const { createWorker, PSM } = await import("tesseract.js");
  const worker = await createWorker("eng", 1, { langPath: modelDir(), cacheMethod: "none", gzip: true });
  // Sparse text (PSM 11): invoices are scattered labels, values and table cells, not paragraphs.
  // It finds each word with its own box and skips page-layout analysis, which took more than half
  // the time in the default mode (bench: 9.3 s → 2.6 s a page at 300 dpi) and merged columns.
  await worker.setParameters({ tessedit_pageseg_mode: PSM.SPARSE_TEXT, user_defined_dpi: "300" });
  return worker;
}

/** A few tesseract workers; pages wait for a free one. */
export class OcrEngine {
  private readonly idle: Array<Promise<Worker>> = [];
  private readonly waiting: Array<(worker: Promise<Worker>) => void> = [];
  private started = 0;

  constructor(
    private readonly size = 1,
    private readonly pageTimeLimitMs = PAGE_TIME_LIMIT_MS,
  ) {}

  private acquire(): Promise<Worker> {
    const ready = this.idle.pop();
    if (ready) return ready;
    if (this.started < this.size) {
      this.started++;
      return startWorker();
    }
    return new Promise<Promise<Worker>>((resolve) => this.waiting.push(resolve)).then((w) => w);
  }

  private release(worker: Worker | null): void {
    const next = this.waiting.shift();
    if (worker === null) {
      // A worker killed for its time limit is replaced by a fresh one for whoever waits.
      this.started--;
      if (next) {
        this.started++;
        next(startWorker());
      }
      return;
    }
    if (next) next(Promise.resolve(worker));
    else this.idle.push(Promise.resolve(worker));
  }

  /** Words, lines and their boxes for one page image (PNG or JPEG). */
  async recognize(image: Uint8Array): Promise<Page> {
    return this.withWorker(async (worker) => (await worker.recognize(toBuffer(image), {}, { blocks: true, text: false })).data);
  }

  /**
   * One line's second reading (second-look.ts): a small image read as a single text line, with
   * each character's alternatives (tesseract's LSTM choices), as hOCR. The worker's page settings
   * are restored after it.
   */
  async readLine(image: Uint8Array): Promise<string> {
    return this.withWorker(async (worker) => {
      const { PSM } = await import("tesseract.js");
      await worker.setParameters({ tessedit_pageseg_mode: PSM.SINGLE_LINE, lstm_choice_mode: "2", hocr_char_boxes: "1" });
      try {
        return (await worker.recognize(toBuffer(image), {}, { hocr: true, text: false, blocks: false })).data.hocr ?? "";
      } finally {
        await worker.setParameters({ tessedit_pageseg_mode: PSM.SPARSE_TEXT, lstm_choice_mode: "0", hocr_char_boxes: "0" });
      }
    });
  }

  /** A free worker for one job, within the page time limit; a worker that overran is ended. */
  private async withWorker<T>(job: (worker: Worker) => Promise<T>): Promise<T> {
    const worker = await this.acquire();
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new OcrTimeout(this.pageTimeLimitMs)), this.pageTimeLimitMs);
    });
    try {
      const result = await Promise.race([job(worker), limit]);
      clearTimeout(timer);
      this.release(worker);
      return result;
    } catch (error) {
      clearTimeout(timer);
      // A worker that overran (or failed) may be mid-page: it is ended, never reused.
      await worker.terminate().catch(() => undefined);
      this.release(null);
      throw error;
    }
  }

  async stop(): Promise<void> {
    const workers = await Promise.all(this.idle.splice(0));
    await Promise.all(workers.map((w) => w.terminate()));
    this.started = 0;
  }
}

function toBuffer(image: Uint8Array): Buffer {
  return Buffer.from(image.buffer, image.byteOffset, image.byteLength);
}

let shared: OcrEngine | null = null;

/** This process's engine: one worker (a sandbox child reads one file at a time). */
export function sharedOcrEngine(): OcrEngine {
  shared ??= new OcrEngine(1);
  return shared;
}
