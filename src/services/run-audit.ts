import type { Knex } from "knex";
import { AuditSession, buildReferenceIndex, loadRulesConfig, resolveCreditNotes, type RulesConfig } from "../audit/index.js";
import type { Database } from "../db/connection.js";
import { loadReferenceData } from "../db/repositories/reference.repository.js";
import {
  creditNotes,
  failRun,
  finishRun,
  invoiceTotals,
  invoicesInAuditOrder,
  recordCreditRecovery,
  saveAuditResults,
  startRun,
  type AuditedInvoiceResult,
  type RunCounts,
} from "../db/repositories/audit.repository.js";
import { monthBounds } from "../domain/dates.js";
import { CATEGORIES, type Category } from "../domain/finding.js";
import { Dec, ZERO, moneyString } from "../domain/money.js";
import type { Logger } from "../logger.js";
import rulesConfigJson from "../../rules/rules.config.json" with { type: "json" };

export type AuditScope = { kind: "month"; month: string } | { kind: "all" };

export interface RunAuditOptions {
  scope: AuditScope;
  authorityId?: number;
  trigger?: "manual" | "scheduled" | "upload";
  /** A unique key for a scheduled run (one monthly audit per authority and month). */
  runKey?: string | null;
  config?: RulesConfig;
  logger?: Logger;
  /** Invoices audited per batch written (one transaction each). */
  batchSize?: number;
}

export interface RunAuditResult extends RunCounts {
  runId: string;
}

export function defaultRulesConfig(): RulesConfig {
  return loadRulesConfig(rulesConfigJson);
}

function scopeLabel(scope: AuditScope): string {
  return scope.kind === "all" ? "all" : scope.month;
}

/**
 * Audits the invoices in scope and records the run. The reference data is loaded into memory
 * indexes once; invoices are read in audit order in pages; findings are written in bulk.
 * Invoices before the scope are audited too (not saved) because duplicate billing and duplicate
 * invoices look back at everything billed earlier; later invoices never affect earlier ones.
 */
export async function runAudit(db: Database, options: RunAuditOptions): Promise<RunAuditResult> {
  const knex = db.knex;
  const authorityId = options.authorityId ?? 1;
  const config = options.config ?? defaultRulesConfig();
  const bounds = options.scope.kind === "month" ? monthBounds(options.scope.month) : null;
  const runId = await startRun(knex, authorityId, scopeLabel(options.scope), options.trigger ?? "manual", options.runKey ?? null);
  const log = options.logger?.child({ auditRun: runId });
  log?.info("audit started", { scope: scopeLabel(options.scope) });
  try {
    const counts = await auditInScope(knex, authorityId, runId, config, bounds, options.batchSize ?? 500);
    await finishRun(knex, runId, counts);
    log?.info("audit finished", { ...counts });
    return { runId, ...counts };
  } catch (error) {
    await failRun(knex, runId, (error as Error).message);
    log?.error("audit failed", { error: (error as Error).message });
    throw error;
  }
}

async function auditInScope(knex: Knex, authorityId: number, runId: string, config: RulesConfig, bounds: { from: string; to: string } | null, batchSize: number): Promise<RunCounts> {
  const reference = await loadReferenceData(knex, authorityId);
  const index = buildReferenceIndex(reference);
  const credits = await creditNotes(knex, authorityId);
  const resolution = resolveCreditNotes(credits, await invoiceTotals(knex, authorityId));
  const session = new AuditSession(index, config, { voidedInvoiceKeys: resolution.voidedInvoiceKeys });

  const flagged = new Map<Category, Dec>(CATEGORIES.map((c) => [c, ZERO]));
  const counts = { invoicesAudited: 0, linesAudited: 0, findingsRaised: 0 };
  let pending: AuditedInvoiceResult[] = [];
  const flush = async (): Promise<void> => {
    await saveAuditResults(knex, authorityId, runId, pending);
    pending = [];
  };

  for await (const page of invoicesInAuditOrder(knex, authorityId, bounds?.to ?? null)) {
    for (const invoice of page) {
      const result = session.audit(invoice);
      if (bounds && invoice.invoiceDate < bounds.from) continue;
      counts.invoicesAudited++;
      counts.linesAudited += result.linesAudited;
      counts.findingsRaised += result.findings.length;
      for (const finding of result.findings) flagged.set(finding.category, (flagged.get(finding.category) ?? ZERO).plus(finding.amount));
      pending.push({ invoice, findings: result.findings, notes: result.notes });
      if (pending.length >= batchSize) await flush();
    }
  }
  await flush();

  // Credit notes realise findings: a voiding credit recovers all of the invoice's findings,
  // a partial one the amount it gives back (by child where it names one).
  const creditByInvoice = new Map(credits.map((c) => [c.key, c]));
  for (const [invoiceKey, creditNoteKey] of resolution.voidedBy) {
    const creditNote = creditByInvoice.get(creditNoteKey);
    await recordCreditRecovery(knex, invoiceKey, { childRef: null, amount: null, creditNoteNumber: creditNote?.invoiceNumber ?? "", creditDate: creditNote?.invoiceDate ?? "" });
  }
  for (const partial of resolution.partialCredits) {
    const creditNote = creditByInvoice.get(partial.creditNoteKey);
    await recordCreditRecovery(knex, partial.invoiceKey, {
      childRef: partial.childRef,
      amount: partial.amount,
      creditNoteNumber: creditNote?.invoiceNumber ?? "",
      creditDate: creditNote?.invoiceDate ?? "",
    });
  }

  return {
    ...counts,
    flaggedByCategory: Object.fromEntries(CATEGORIES.map((c) => [c, moneyString(flagged.get(c) ?? ZERO)])) as Record<Category, string>,
  };
}
