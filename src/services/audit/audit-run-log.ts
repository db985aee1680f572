import type { Knex } from "knex";
import { appendAuditLog } from "../../db/repositories/audit-log.repository.js";
import type { RunCounts } from "../../db/repositories/audit.repository.js";

/**
 * Every audit run is in the audit log, saying who or what started it (a person, the monthly
 * schedule, the arrival of new invoices, the command line) and what it found, or why it failed.
 */
export interface AuditRunLogEntry {
  authorityId: number;
  runId: string;
  /** "2026-10", "all" or "arrival". */
  scope: string;
  trigger: string;
  /** The person who asked for it, when one did. */
  actor?: string | null | undefined;
  outcome: { counts: RunCounts; foundUnaudited?: number } | { error: string };
}

/** Who the log names for a run nobody signed in asked for. */
const ACTOR_BY_TRIGGER: Readonly<Record<string, string>> = { scheduled: "schedule", arrival: "audit on arrival", manual: "command line", upload: "audit on arrival" };

function startedBy(trigger: string, actor: string | null | undefined): string {
  const arrival = trigger === "arrival" || trigger === "upload";
  if (arrival) return actor ? `on arrival of invoices sent by ${actor}` : "on arrival of new invoices";
  if (actor) return `run by ${actor}`;
  if (trigger === "scheduled") return "the monthly schedule";
  return "from the command line";
}

export async function logAuditRun(knex: Knex, entry: AuditRunLogEntry): Promise<void> {
  const base = { scope: entry.scope, trigger: entry.trigger, started_by: startedBy(entry.trigger, entry.actor) };
  const outcome = entry.outcome;
  await appendAuditLog(knex, {
    authorityId: entry.authorityId,
    actor: entry.actor ?? ACTOR_BY_TRIGGER[entry.trigger] ?? entry.trigger,
    action: "error" in outcome ? "audit_failed" : "audit_finished",
    entity: "audit run",
    entityId: entry.runId,
    before: null,
    after: "error" in outcome
      ? { ...base, error: outcome.error.slice(0, 500) }
      : {
        ...base,
        invoices_audited: outcome.counts.invoicesAudited,
        findings_raised: outcome.counts.findingsRaised,
        flagged_by_category: outcome.counts.flaggedByCategory,
        ...(outcome.foundUnaudited !== undefined ? { found_unaudited: outcome.foundUnaudited } : {}),
      },
  });
}
