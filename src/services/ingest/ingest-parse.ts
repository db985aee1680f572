import os from "node:os";
import type { ReadContext, ReadOutcome } from "../../ingest/read-invoice-file.js";
import { sharedSandbox } from "../../ingest/sandbox/pool.js";
import type { Logger } from "../../logger.js";

/**
 * Reads many files, each in a bounded child process (ingest/sandbox/pool.ts) shared by every
 * caller: the CLI, the inbox worker, web uploads and re-processing alike. Outcomes come back in
 * the order of the inputs.
 */
export interface ParseInput {
  name: string;
  bytes: Uint8Array;
}

export interface ParseOptions {
  /** Kept for callers' batch sizing (poolSize); every file is read in the sandbox regardless. */
  workers?: number | undefined;
  logger?: Logger;
  /** A scan's pages as OCR reads them (`name`: the input's name). */
  onPage?: ((name: string, page: number, pages: number) => void) | undefined;
}

/**
 * Fewer files than this are read in this thread: each worker loads the readers afresh (several
 * seconds from the TypeScript sources), so on two cores a pool only pays off for large batches
 * (bench/ingest.bench.ts: 60 PDFs took 2.6 s in one thread, 22 s with 2 workers, start-up included).
 */
export const POOL_THRESHOLD = 200;

export function poolSize(files: number, requested: number | undefined): number {
  if (requested !== undefined) return Math.min(requested, files);
  if (files < POOL_THRESHOLD) return 0;
  return Math.max(1, Math.min(4, os.availableParallelism()));
}

/**
 * Every file is read in the shared sandbox of child processes (ingest/sandbox/pool.ts), each
 * bounded in memory and time: never in this process, whatever `workers` says (issue 22).
 */
export async function parseFiles(inputs: readonly ParseInput[], context: ReadContext, options: ParseOptions = {}): Promise<ReadOutcome[]> {
  const pool = sharedSandbox();
  options.logger?.debug("parsing in the sandbox", { files: inputs.length });
  const outcomes = await Promise.all(inputs.map((input) => pool.parse(input.name, input.bytes, context, options.onPage ? (page, pages) => options.onPage?.(input.name, page, pages) : undefined)));
  outcomes.forEach((outcome, i) => {
    if (outcome.status === "needs_attention" && outcome.message.startsWith("The file could not be read safely")) {
      options.logger?.warn("file could not be read safely", { file: i, reason: outcome.reason });
    }
  });
  return outcomes;
}
