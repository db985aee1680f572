import type { Knex } from "knex";
import { moneyString } from "../../domain/money.js";
import type { Database } from "../connection.js";
import type { AuditRunRow } from "../repositories/audit.repository.js";
import { countRows, offset, paged, resultOf, type PageRequest, type Paged, type Scope } from "./read-model.js";

/** The audit runs page: newest first. */

export interface AuditRunView {
  id: string;
  trigger: string;
  scope: string;
  status: string;
  startedAt: Date;
  finishedAt: Date | null;
  invoicesAudited: number;
  linesAudited: number;
  findingsRaised: number;
  flaggedByCategory: { category: string; amount: string }[];
  error: string | null;
  /** A run shared out through the work queue (PostgreSQL): its parts done and in all (0 of 0 for a run done in one process). */
  partsDone: number;
  partsTotal: number;
  progress: PartsProgress;
}

/** How far a run shared out as parts has gone (all zero for a run done in one process). */
export interface PartsProgress {
  parts: { total: number; done: number; failed: number; running: number; waiting: number };
  /** Lines planned for the parts, and those of the parts done. */
  lines: { total: number; done: number };
}

const NO_PARTS: PartsProgress = { parts: { total: 0, done: 0, failed: 0, running: 0, waiting: 0 }, lines: { total: 0, done: 0 } };

async function partsProgress(db: Database, runIds: readonly string[]): Promise<Map<string, PartsProgress>> {
  if (runIds.length === 0) return new Map();
  const rows = await resultOf<{ run_id: string; total: string; done: string; failed: string; running: string; lines: string | null; lines_done: string | null }[]>(
    db.knex("audit_run_parts")
      .whereIn("run_id", [...runIds])
      .groupBy("run_id")
      .select(
        "run_id",
        db.knex.raw("count(*) as total"),
        db.knex.raw("count(*) filter (where status = 'done') as done"),
        db.knex.raw("count(*) filter (where status = 'failed') as failed"),
        db.knex.raw("count(*) filter (where status = 'queued' and started_at is not null) as running"),
        db.knex.raw("sum(lines) as lines"),
        db.knex.raw("sum(lines) filter (where status = 'done') as lines_done"),
      ),
  );
  return new Map(
    rows.map((r) => {
      const [total, done, failed, running] = [Number(r.total), Number(r.done), Number(r.failed), Number(r.running)];
      return [String(r.run_id), { parts: { total, done, failed, running, waiting: total - done - failed - running }, lines: { total: Number(r.lines ?? 0), done: Number(r.lines_done ?? 0) } }];
    }),
  );
}

export interface AuditRunProgress extends PartsProgress {
  runId: string;
  status: string;
  scope: string;
  trigger: string;
  startedAt: Date;
  finishedAt: Date | null;
  /** Lines audited so far as the run records them (a run's figures are written when it finishes). */
  linesAudited: number;
  error: string | null;
}

/** One run's progress (GET /api/audit-runs/:id/progress), or null when the council has no such run. */
export async function auditRunProgress(db: Database, scope: Scope, runId: string): Promise<AuditRunProgress | null> {
  if (!/^\d{1,18}$/.test(runId)) return null;
  const row = await resultOf<AuditRunRow | undefined>(db.knex("audit_runs").where({ authority_id: scope.authorityId, id: runId }).first("*"));
  if (!row) return null;
  const progress = (await partsProgress(db, [String(row.id)])).get(String(row.id)) ?? NO_PARTS;
  return {
    runId: String(row.id), status: row.status, scope: row.scope, trigger: row.trigger, startedAt: row.started_at, finishedAt: row.finished_at,
    linesAudited: row.lines_audited, error: row.error, ...progress,
  };
}

export async function listAuditRuns(db: Database, scope: Scope, page: PageRequest): Promise<Paged<AuditRunView>> {
  const base = (): Knex.QueryBuilder => db.knex("audit_runs").where("authority_id", scope.authorityId);
  const rows = await resultOf<AuditRunRow[]>(
    base()
      .orderBy([{ column: "started_at", order: "desc" }, { column: "id", order: "desc" }])
      .limit(page.pageSize)
      .offset(offset(page))
      .select("*"),
  );
  const total = await countRows(base());
  const partsOf = await partsProgress(db, rows.map((r) => String(r.id)));
  const items = rows.map((r) => {
    const flagged = r.flagged_by_category && typeof r.flagged_by_category === "object" ? (r.flagged_by_category as Record<string, unknown>) : {};
    return {
      id: String(r.id), trigger: r.trigger, scope: r.scope, status: r.status, startedAt: r.started_at, finishedAt: r.finished_at,
      invoicesAudited: r.invoices_audited, linesAudited: r.lines_audited, findingsRaised: r.findings_raised, error: r.error,
      partsDone: partsOf.get(String(r.id))?.parts.done ?? 0, partsTotal: partsOf.get(String(r.id))?.parts.total ?? 0, progress: partsOf.get(String(r.id)) ?? NO_PARTS,
      flaggedByCategory: Object.entries(flagged)
        .filter((e): e is [string, string | number] => typeof e[1] === "string" || typeof e[1] === "number")
        .map(([category, amount]) => ({ category, amount: moneyString(String(amount)) })),
    };
  });
  return paged(items, total, page);
}
