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

/**
 * After an audit this large, PostgreSQL's statistics on findings and invoices are refreshed at
 * once: right after a first big run they still describe empty tables (autovacuum catches up a
 * minute or so later), and the review pages' queries would be planned for tables of no rows.
 */
const ANALYZE_AFTER_LINES = 50_000;

async function refreshStatistics(knex: Knex, log: Logger | undefined): Promise<void> {
  try {
    await knex.raw("analyze findings, invoices");
  } catch (error) {
    // Only an optimisation: a database user who may not analyze still has a complete audit.
    log?.warn("statistics not refreshed after the audit", { error: (error as Error).message });
  }
}

/** Lines audited between two turns of the event loop (see the loop in auditInScope). */
const YIELD_EVERY_LINES = 2_000;

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
    const counts = await auditInScope(knex, authorityId, runId, config, bounds, options.batchSize ?? 1_000);
    if (counts.linesAudited >= ANALYZE_AFTER_LINES) await refreshStatistics(knex, log);
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
  // Only findings and notes are stored: the per-line summaries (for the invoice page) are not needed here.
  const session = new AuditSession(index, config, { voidedInvoiceKeys: resolution.voidedInvoiceKeys, lineSummaries: false });

  const flagged = new Map<Category, Dec>(CATEGORIES.map((c) => [c, ZERO]));
  const counts = { invoicesAudited: 0, linesAudited: 0, findingsRaised: 0 };
  // Writes run behind the audit: while PostgreSQL stores one batch, the next is being audited.
  // One write at a time, and a failure stops the run at the next batch.
  const writer = new BatchWriter<AuditedInvoiceResult>((batch) => saveAuditResults(knex, authorityId, runId, batch));
  let pending: AuditedInvoiceResult[] = [];

  try {
    for await (const page of prefetched(invoicesInAuditOrder(knex, authorityId, bounds?.to ?? null))) {
      let sinceYield = 0;
      for (const invoice of page) {
        const result = session.audit(invoice);
        sinceYield += invoice.lines.length;
        if (!bounds || invoice.invoiceDate >= bounds.from) {
          counts.invoicesAudited++;
          counts.linesAudited += result.linesAudited;
          counts.findingsRaised += result.findings.length;
          for (const finding of result.findings) flagged.set(finding.category, (flagged.get(finding.category) ?? ZERO).plus(finding.amount));
          pending.push({ invoice, findings: result.findings, notes: result.notes });
          if (pending.length >= batchSize) {
            await writer.write(pending);
            pending = [];
          }
        }
        // The audit is synchronous: let the database driver send and receive (the next page,
        // the last batch's writes) every few thousand lines rather than once a page.
        if (sinceYield >= YIELD_EVERY_LINES) {
          sinceYield = 0;
          await yieldToEventLoop();
        }
      }
    }
    await writer.write(pending);
  } finally {
    // Never leave a write running behind a failed run (its status is written next).
    await writer.settled();
  }
  writer.throwIfFailed();

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

/** Yields each value of `source` while already fetching the one after it. */
async function* prefetched<T>(source: AsyncIterator<T>): AsyncGenerator<T> {
  let next = source.next();
  for (;;) {
    const current = await next;
    if (current.done) return;
    next = source.next();
    // A failed prefetch surfaces when awaited above; until then it must not count as unhandled.
    next.catch(() => undefined);
    yield current.value;
  }
}

/** One turn of the event loop, so that pending socket reads and writes make progress. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Writes batches one at a time in the background: `write` waits only for the previous batch,
 * then starts this one and returns. On real PostgreSQL the server stores a batch on another
 * core while the next is audited; on the embedded database (one connection, in this process)
 * the two simply take turns. A failure is thrown by the next `write` or by `throwIfFailed`.
 */
class BatchWriter<T> {
  private inFlight: Promise<void> = Promise.resolve();
  private failure: { error: unknown } | null = null;

  constructor(private readonly save: (batch: T[]) => Promise<void>) {}

  async write(batch: T[]): Promise<void> {
    await this.inFlight;
    this.throwIfFailed();
    if (batch.length === 0) return;
    this.inFlight = this.save(batch).catch((error: unknown) => {
      this.failure = { error };
    });
  }

  /** Waits for the batch in flight, whether it succeeds or fails. */
  settled(): Promise<void> {
    return this.inFlight;
  }

  throwIfFailed(): void {
    if (this.failure !== null) throw this.failure.error;
  }
}
