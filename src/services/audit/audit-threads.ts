import os from "node:os";
import { startThread } from "../start-thread.js";
import type { Knex } from "knex";
import type { Logger } from "../../logger.js";
import { addPartitionResults, auditPartition, type PartitionJob, type PartitionResult } from "./audit-partition.js";
import type { AuditThreadInput, AuditThreadMessage } from "./audit.thread.js";

/**
 * A large audit on PostgreSQL runs in worker threads, each auditing a share of the providers
 * on its own connection. Nothing the audit checks crosses providers (AuditSession.nextProvider),
 * so the parts' findings are exactly those of one run over everything; the parts only change
 * how many cores do the work.
 *
 * Each thread's heap is capped, so a run over a whole country's year stays within a few
 * hundred megabytes: with no cap V8 lets the heap of a busy process grow far beyond what it
 * keeps alive. A part that still runs out of memory is audited again in this thread, uncapped
 * (saving is idempotent within a run), with a warning: slower, never wrong.
 */

/** Below this many lines a thread's start (loading the sources, about a second) costs more than it saves. */
export const THREADS_FROM_LINES = 50_000;

/** The heap of each audit thread, MB: about three times what a million-line audit keeps alive per thread. */
export const THREAD_HEAP_MB = 160;

/**
 * How many threads an audit of `lines` lines gets by default: one per core (at most four) when
 * PostgreSQL runs on another machine, else one. Measured at 1M lines on a 2-core machine
 * running its own PostgreSQL (bench/README.md): two threads spent 15-60 % more CPU than one
 * (each thread loads and compiles the sources and warms up on its own) while the server needed
 * the same two cores. With the machine otherwise idle they finished 17 % sooner (23 s against
 * 27 s) in 50 % more memory (507 MB against 344 MB); with other work on it they were slower
 * (44-57 s against 33 s). One thread is the steadier choice there.
 */
export function defaultAuditThreads(lines: number, databaseUrl: string): number {
  if (lines < THREADS_FROM_LINES || isOnThisMachine(databaseUrl)) return 1;
  return Math.max(1, Math.min(4, os.availableParallelism()));
}

/** Whether a PostgreSQL URL names this machine (loopback, or a Unix socket). */
export function isOnThisMachine(databaseUrl: string): boolean {
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    return true;
  }
  const socket = url.searchParams.get("host");
  if (socket !== null && socket.startsWith("/")) return true;
  const host = url.hostname.replace(/^\[|\]$/g, "");
  return host === "" || host === "localhost" || host === "::1" || host.startsWith("127.");
}

/** Shares providers among `count` parts of about equal lines (the biggest first, each to the lightest part). */
export function shareProviders(providers: readonly { providerId: string; lines: number }[], count: number): string[][] {
  const parts = Array.from({ length: Math.max(1, count) }, () => ({ lines: 0, providerIds: [] as string[] }));
  const biggestFirst = [...providers].sort((a, b) => b.lines - a.lines || (a.providerId < b.providerId ? -1 : 1));
  for (const provider of biggestFirst) {
    const lightest = parts.reduce((min, part) => (part.lines < min.lines ? part : min));
    lightest.lines += provider.lines;
    lightest.providerIds.push(provider.providerId);
  }
  return parts.filter((part) => part.providerIds.length > 0).map((part) => part.providerIds.sort());
}

/** Audits `parts` (provider lists) in one thread each and adds up their figures. */
export async function auditInThreads(
  knex: Knex,
  databaseUrl: string,
  job: PartitionJob,
  parts: readonly string[][],
  options: { heapMb: number; log: Logger | undefined },
): Promise<PartitionResult> {
  const log = options.log;
  const settled = await Promise.allSettled(
    parts.map(async (providerIds) => {
      const partJob: PartitionJob = { ...job, providerIds };
      try {
        return await runInThread({ databaseUrl, job: partJob }, options.heapMb);
      } catch (error) {
        if (!isOutOfMemory(error)) throw error;
        log?.warn("an audit thread ran out of memory; its providers are audited again in the main thread", { providers: providerIds.length });
        return auditPartition(knex, partJob);
      }
    }),
  );
  const failed = settled.find((outcome): outcome is PromiseRejectedResult => outcome.status === "rejected");
  // Every part has finished (or failed) before the run is marked failed: no thread writes after.
  if (failed) throw failed.reason;
  return addPartitionResults(settled.map((outcome) => (outcome as PromiseFulfilledResult<PartitionResult>).value));
}

function runInThread(input: AuditThreadInput, heapMb: number): Promise<PartitionResult> {
  return new Promise((resolve, reject) => {
    const worker = startThread(import.meta.url, "./audit.thread", { workerData: input, resourceLimits: { maxOldGenerationSizeMb: heapMb } });
    let answered = false;
    worker.once("message", (message: AuditThreadMessage) => {
      answered = true;
      if (message.ok) resolve(message.result);
      else reject(new Error(message.error));
    });
    worker.once("error", (error) => {
      answered = true;
      reject(error);
    });
    worker.once("exit", (code) => {
      if (!answered) reject(new Error(`an audit thread stopped (exit code ${code}) before it finished its part`));
    });
  });
}

function isOutOfMemory(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "ERR_WORKER_OUT_OF_MEMORY";
}
