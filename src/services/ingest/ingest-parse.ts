import type { ReadContext, ReadOutcome } from "../../ingest/read-invoice-file.js";
import { DEFAULT_SANDBOX_CHILDREN, sharedSandbox, useSandboxChildren } from "../../ingest/sandbox/pool.js";
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
  logger?: Logger;
  /** A scan's pages as OCR reads them (`name`: the input's name). */
  onPage?: ((name: string, page: number, pages: number) => void) | undefined;
}

/** How many files a process reads at once unless told (`ingest --workers N`): one per core, at most 4. */
export const DEFAULT_FILES_AT_ONCE = DEFAULT_SANDBOX_CHILDREN;

/** The number of files this process reads at once now. */
export function filesAtOnce(): number {
  return sharedSandbox().children;
}

/** `ingest --workers N` at most: each child may take the sandbox's memory limit. */
export const MAX_FILES_AT_ONCE = 16;

/** How many files this process reads at once from now on (`ingest --workers N`); the pool's size. */
export function readFilesAtOnce(files: number): number {
  if (!Number.isInteger(files) || files < 1 || files > MAX_FILES_AT_ONCE) throw new RangeError(`files at once must be 1 to ${MAX_FILES_AT_ONCE}, not ${files}`);
  return useSandboxChildren(files).children;
}

/**
 * Every file is read in the shared sandbox of child processes (ingest/sandbox/pool.ts), each
 * bounded in memory and time: never in this process (issue 22). How many at once is the pool's
 * size (`ingest --workers N`, else one per core, at most 4).
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
