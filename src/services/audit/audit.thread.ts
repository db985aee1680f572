import os from "node:os";
import { parentPort, workerData } from "node:worker_threads";
import { forAuthority, openDatabase } from "../../db/connection.js";
import { auditPartition, type PartitionJob, type PartitionResult } from "./audit-partition.js";

/**
 * The body of an audit thread (started by audit-threads.ts through start-thread.ts): one
 * part of a run on its own connection to PostgreSQL, its figures sent back when done.
 */
export interface AuditThreadInput {
  databaseUrl: string;
  job: PartitionJob;
}

export type AuditThreadMessage = { ok: true; result: PartitionResult } | { ok: false; error: string };

async function runThread(input: AuditThreadInput): Promise<AuditThreadMessage> {
  const db = await openDatabase({ databaseUrl: input.databaseUrl, dataDir: os.tmpdir() });
  try {
    // The thread's own connections act for the run's council, as the caller's do (row-level security).
    return { ok: true, result: await auditPartition(forAuthority(db, input.job.authorityId).knex, input.job) };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  } finally {
    await db.close();
  }
}

if (parentPort) {
  const port = parentPort;
  const message = await runThread(workerData as AuditThreadInput);
  port.postMessage(message);
}
