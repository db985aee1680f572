import type { Knex } from "knex";

/**
 * The parts of an audit run shared out through the work queue (audit_run_parts; issue 24). A
 * part's figures are written once, by the first attempt that finishes it; the run is complete
 * when no part is left, and whoever records the last part completes the run.
 */

export interface PlannedPart {
  part: number;
  providers: number;
  lines: number;
}

export async function planParts(knex: Knex, runId: string, parts: readonly PlannedPart[]): Promise<void> {
  if (parts.length === 0) return;
  await knex("audit_run_parts").insert(parts.map((p) => ({ run_id: runId, part: p.part, providers: p.providers, lines: p.lines })));
}

export type PartStatus = "queued" | "done" | "failed";

export async function partStatus(knex: Knex, runId: string, part: number): Promise<{ part: PartStatus; run: string } | null> {
  const row = await knex("audit_run_parts as p").join("audit_runs as r", "r.id", "p.run_id").where({ "p.run_id": runId, "p.part": part }).first<{ part: PartStatus; run: string } | undefined>("p.status as part", "r.status as run");
  return row ?? null;
}

/** A worker began the part (progress shows it running until it is done). */
export async function markPartStarted(knex: Knex, runId: string, part: number): Promise<void> {
  await knex("audit_run_parts").where({ run_id: runId, part }).whereNot({ status: "done" }).update({ started_at: knex.fn.now() });
}

/** One more attempt failed: counted, with its error (the dead-letter handler quotes the last one). */
export async function recordPartError(knex: Knex, runId: string, part: number, error: string): Promise<void> {
  await knex("audit_run_parts").where({ run_id: runId, part }).whereNot({ status: "done" }).update({ attempts: knex.raw("attempts + 1"), last_error: error.slice(0, 2000) });
}

export async function partFailure(knex: Knex, runId: string, part: number): Promise<{ attempts: number; lastError: string | null; parts: number } | null> {
  const row = await knex("audit_run_parts").where({ run_id: runId, part }).first<{ attempts: number; last_error: string | null } | undefined>("attempts", "last_error");
  if (!row) return null;
  const [total] = await knex("audit_run_parts").where({ run_id: runId }).count<{ n: string }[]>({ n: "*" });
  return { attempts: row.attempts, lastError: row.last_error, parts: Number(total?.n ?? 0) };
}

export async function markPartFailed(knex: Knex, runId: string, part: number): Promise<void> {
  await knex("audit_run_parts").where({ run_id: runId, part }).whereNot({ status: "done" }).update({ status: "failed", finished_at: knex.fn.now() });
}

/**
 * Records a part as done with its figures, unless an earlier attempt did, and says whether the
 * run is now complete and still running (then the caller completes it). The run's row is locked
 * meanwhile, so two workers finishing the last two parts at once cannot both miss completion.
 */
export async function recordPartDone(knex: Knex, runId: string, part: number, result: unknown): Promise<{ complete: boolean }> {
  return knex.transaction(async (trx) => {
    const run = await trx("audit_runs").where({ id: runId }).forUpdate().first<{ status: string } | undefined>("status");
    await trx("audit_run_parts").where({ run_id: runId, part }).whereNot({ status: "done" }).update({ status: "done", result: JSON.stringify(result), finished_at: trx.fn.now() });
    const [left] = await trx("audit_run_parts").where({ run_id: runId }).whereNot({ status: "done" }).count<{ n: string }[]>({ n: "*" });
    return { complete: run?.status === "running" && Number(left?.n ?? 1) === 0 };
  });
}

/** The figures of every part of a run (all done when the run is complete). */
export async function partResults(knex: Knex, runId: string): Promise<unknown[]> {
  const rows = await knex("audit_run_parts").where({ run_id: runId, status: "done" }).orderBy("part").select<{ result: unknown }[]>("result");
  return rows.map((r) => r.result);
}

export interface RunProgress {
  status: string;
  error: string | null;
  partsDone: number;
  partsTotal: number;
}

export async function runProgress(knex: Knex, runId: string): Promise<RunProgress | null> {
  const run = await knex("audit_runs").where({ id: runId }).first<{ status: string; error: string | null } | undefined>("status", "error");
  if (!run) return null;
  const counts = await knex("audit_run_parts")
    .where({ run_id: runId })
    .first<{ done: string; total: string } | undefined>(knex.raw("count(*) filter (where status = 'done') as done"), knex.raw("count(*) as total"));
  return { status: run.status, error: run.error, partsDone: Number(counts?.done ?? 0), partsTotal: Number(counts?.total ?? 0) };
}
