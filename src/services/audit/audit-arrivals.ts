import type { Database } from "../../db/connection.js";
import { arrivalScope, arrivedInvoices, startRun } from "../../db/repositories/audit.repository.js";
import { isAppError } from "../../domain/errors.js";
import type { Logger } from "../../logger.js";
import { withOwnedRun } from "../scheduler/run-recovery.js";
import { addPartitionResults, auditPartition, defaultRulesJson, type PartitionResult } from "./audit-partition.js";
import { applyCreditNotes, creditResolution } from "./credit-recovery.js";
import { recordRunOutcome } from "./run-finish.js";
import { arrivalCauses } from "./arrival-causes.js";
import { queueArrivals } from "./arrival-queue.js";
import type { WorkQueue } from "../queue/work-queue.js";

/**
 * Audit on arrival (AUDIT.md "When"): every path that stores invoices (ingest from the command
 * line, the inbox, a web upload, a re-processed file) calls this with the invoices it stored.
 *
 * Audit order is by invoice date, so a new invoice can change what the provider's later-dated
 * invoices owe (their nights may now be billed twice). Each affected provider is audited again
 * from the earliest new invoice's date: invoices before it are read for the history but not
 * saved, later ones are saved (saveAuditResults supersedes open findings no longer raised and
 * flags decided ones, never changing them). A credit note voids an invoice whatever the dates,
 * so its provider is audited again in full; then credit notes are applied.
 *
 * Only one audit of an authority runs at a time: when one is running, the new invoices stay
 * "Awaiting audit" and the monthly run (the safety net) audits them.
 *
 * On a PostgreSQL server with the work queue, the touched providers are queued instead, one job
 * each, for any worker to audit (arrival-queue.ts); the embedded database audits here.
 */

export interface ArrivalAuditOptions {
  authorityId: number;
  /** invoices.id of the invoices and credit notes just stored. */
  invoiceIds: readonly string[];
  logger?: Logger;
  /** The rules settings as JSON (rules/rules.config.json unless given). */
  rulesJson?: unknown;
  /** Who stored the invoices (the audit log names them), when a person did. */
  actor?: string | null;
  /** On a PostgreSQL server, the work queue: the providers are queued as arrival jobs (null: audited here). */
  queue?: WorkQueue | null;
}

export type ArrivalAuditResult =
  | ({ status: "audited"; runId: string; providers: number } & PartitionResult)
  | { status: "queued"; providers: number; providerIds: string[] }
  | { status: "nothing_to_audit" }
  | { status: "left_for_monthly_run"; reason: string };

export async function auditArrivals(db: Database, options: ArrivalAuditOptions): Promise<ArrivalAuditResult> {
  const { authorityId } = options;
  const log = options.logger;
  if (options.invoiceIds.length === 0) return { status: "nothing_to_audit" };
  if (options.queue && db.kind === "postgres") {
    const { providerIds } = await queueArrivals(db, options.queue, { authorityId, invoiceIds: options.invoiceIds, actor: options.actor ?? null, ...(log ? { logger: log } : {}) });
    return providerIds.length === 0 ? { status: "nothing_to_audit" } : { status: "queued", providers: providerIds.length, providerIds };
  }
  const knex = db.knex;
  const scope = await arrivalScope(knex, authorityId, options.invoiceIds);
  if (scope.length === 0) return { status: "nothing_to_audit" };
  const causes = arrivalCauses(await arrivedInvoices(knex, authorityId, options.invoiceIds));
  try {
    // In-process, the run is owned by a registered worker that heart-beats (run-recovery.ts): on
    // the embedded database a `serve` shares its database with this command's process
    // (embedded-share.ts), and its recovery sweep must tell this run's death from a long run.
    return await withOwnedRun(db, null, "arrival", async (runKey) => {
      const runId = await startRun(knex, authorityId, "arrival", "arrival", runKey);
      const counts = await recordRunOutcome(knex, { authorityId, runId, scope: "arrival", trigger: "arrival", actor: options.actor }, async () => {
        const credit = await creditResolution(knex, authorityId);
        const rulesJson = options.rulesJson ?? defaultRulesJson();
        const voidedInvoiceKeys = [...credit.resolution.voidedInvoiceKeys];
        const parts: PartitionResult[] = [];
        for (const provider of scope) {
          parts.push(
            await auditPartition(knex, {
              authorityId,
              runId,
              rulesJson,
              upTo: null,
              savedFrom: provider.from,
              batchSize: 1_000,
              voidedInvoiceKeys,
              providerIds: [provider.providerId],
              cause: causes.get(provider.providerId) ?? null,
            }),
          );
        }
        await applyCreditNotes(knex, authorityId, credit);
        return { counts: addPartitionResults(parts) };
      });
      log?.info("arrivals audited", { auditRun: runId, providers: scope.length, invoices: counts.invoicesAudited, findings: counts.findingsRaised });
      return { status: "audited" as const, runId, providers: scope.length, ...counts };
    });
  } catch (error) {
    if (!isAppError(error) || error.code !== "audit.already_running") throw error;
    log?.warn("new invoices left for the monthly run: another audit is running", { invoices: options.invoiceIds.length });
    return { status: "left_for_monthly_run", reason: error.message };
  }
}

/** One sentence on what the audit on arrival did, for the command line and the web pages. */
export function arrivalAuditSummary(result: ArrivalAuditResult | null): string | null {
  if (result === null || result.status === "nothing_to_audit") return null;
  if (result.status === "queued") return `Queued for audit on arrival: ${result.providers} provider(s); the workers audit them.`;
  if (result.status === "left_for_monthly_run") return `Not audited yet (${result.reason}); the monthly run will audit them.`;
  return `Audited on arrival: ${result.invoicesAudited} invoice(s) of ${result.providers} provider(s), ${result.findingsRaised} finding(s) (run ${result.runId}).`;
}
