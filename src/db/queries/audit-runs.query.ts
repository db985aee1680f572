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
  const parts = await resultOf<{ run_id: string; done: string; total: string }[]>(
    db.knex("audit_run_parts")
      .whereIn("run_id", rows.map((r) => r.id))
      .groupBy("run_id")
      .select("run_id", db.knex.raw("count(*) filter (where status = 'done') as done"), db.knex.raw("count(*) as total")),
  );
  const partsOf = new Map(parts.map((p) => [String(p.run_id), { done: Number(p.done), total: Number(p.total) }]));
  const items = rows.map((r) => {
    const flagged = r.flagged_by_category && typeof r.flagged_by_category === "object" ? (r.flagged_by_category as Record<string, unknown>) : {};
    return {
      id: String(r.id), trigger: r.trigger, scope: r.scope, status: r.status, startedAt: r.started_at, finishedAt: r.finished_at,
      invoicesAudited: r.invoices_audited, linesAudited: r.lines_audited, findingsRaised: r.findings_raised, error: r.error,
      partsDone: partsOf.get(String(r.id))?.done ?? 0, partsTotal: partsOf.get(String(r.id))?.total ?? 0,
      flaggedByCategory: Object.entries(flagged)
        .filter((e): e is [string, string | number] => typeof e[1] === "string" || typeof e[1] === "number")
        .map(([category, amount]) => ({ category, amount: moneyString(String(amount)) })),
    };
  });
  return paged(items, total, page);
}
