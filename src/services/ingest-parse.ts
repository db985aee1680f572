import os from "node:os";
import { Worker } from "node:worker_threads";
import { readInvoiceFile, type ReadContext, type ReadOutcome } from "../ingest/read-invoice-file.js";
import type { Logger } from "../logger.js";
import type { ParseRequest } from "./ingest-worker.js";

/**
 * Reads many files: in this thread one after another, or spread over a pool of worker threads
 * when there are many (DESIGN.md §9). Each worker pays the PDF reader's start-up once (about a
 * second), so a pool is only worth it for a batch. A worker also bounds the memory one file can
 * take (a zip bomb that slipped past the directory check kills its worker, not the process).
 * Outcomes come back in the order of the inputs.
 */
export interface ParseInput {
  name: string;
  bytes: Uint8Array;
}

export interface ParseOptions {
  /** Worker threads: 0 reads in this thread; undefined decides by the number of files. */
  workers?: number | undefined;
  logger?: Logger;
}

/**
 * Fewer files than this are read in this thread: each worker loads the readers afresh (several
 * seconds from the TypeScript sources), so on two cores a pool only pays off for large batches
 * (bench/ingest.bench.ts: 60 PDFs took 2.6 s in one thread, 22 s with 2 workers, start-up included).
 */
export const POOL_THRESHOLD = 200;
const WORKER_MEMORY_MB = 768;

export function poolSize(files: number, requested: number | undefined): number {
  if (requested !== undefined) return Math.min(requested, files);
  if (files < POOL_THRESHOLD) return 0;
  return Math.max(1, Math.min(4, os.availableParallelism()));
}

export async function parseFiles(inputs: readonly ParseInput[], context: ReadContext, options: ParseOptions = {}): Promise<ReadOutcome[]> {
  const size = poolSize(inputs.length, options.workers);
  if (size <= 0) {
    const outcomes: ReadOutcome[] = [];
    for (const input of inputs) outcomes.push(await readInvoiceFile(input.name, input.bytes, context));
    return outcomes;
  }
  options.logger?.debug("parsing in worker threads", { files: inputs.length, workers: size });
  return parseInPool(inputs, context, size);
}

function startWorker(context: ReadContext): Worker {
  const options = { workerData: context, resourceLimits: { maxOldGenerationSizeMb: WORKER_MEMORY_MB } };
  const script = new URL(`./ingest-worker${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`, import.meta.url);
  if (!script.pathname.endsWith(".ts")) return new Worker(script, options);
  // Running from the TypeScript sources (tsx, vitest): the worker registers tsx before loading them.
  const tsx = import.meta.resolve("tsx/esm/api");
  const bootstrap = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(script.href)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}

function crashed(name: string, error: unknown): ReadOutcome {
  const detail = error instanceof Error ? error.message : String(error);
  const message = `The file could not be read: its reader stopped (${detail}). A file this large or complex needs a person.`;
  return {
    status: "needs_attention",
    format: null,
    reason: "corrupt",
    message,
    evidence: null,
    problems: [{ code: "corrupt", message, evidence: null }],
    providerId: null,
    invoiceNumber: null,
  };
}

function parseInPool(inputs: readonly ParseInput[], context: ReadContext, size: number): Promise<ReadOutcome[]> {
  const outcomes: Array<ReadOutcome | undefined> = new Array<ReadOutcome | undefined>(inputs.length);
  let next = 0;
  let finished = 0;
  return new Promise((resolve) => {
    const workers = new Set<Worker>();
    const done = (): void => {
      if (finished < inputs.length) return;
      for (const worker of workers) void worker.terminate();
      resolve(outcomes.map((o, i) => o ?? crashed(inputs[i]?.name ?? "", "no outcome")));
    };
    const launch = (): void => {
      const worker = startWorker(context);
      workers.add(worker);
      let current: number | null = null;
      const feed = (): void => {
        if (next >= inputs.length) {
          current = null;
          workers.delete(worker);
          void worker.terminate();
          return;
        }
        current = next++;
        const input = inputs[current] as ParseInput;
        const request: ParseRequest = { id: current, name: input.name, bytes: input.bytes };
        worker.postMessage(request);
      };
      worker.on("message", (message: { id: number; outcome: ReadOutcome }) => {
        outcomes[message.id] = message.outcome;
        finished++;
        feed();
        done();
      });
      worker.on("error", (error) => {
        // The file in hand is recorded as unreadable; a fresh worker carries on with the rest.
        workers.delete(worker);
        if (current !== null) {
          outcomes[current] = crashed(inputs[current]?.name ?? "", error);
          finished++;
          current = null;
        }
        if (next < inputs.length) launch();
        done();
      });
      feed();
    };
    for (let i = 0; i < size; i++) launch();
  });
}
