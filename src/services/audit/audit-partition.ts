import type { Knex } from "knex";
import { isPostgresServer } from "../../db/connection.js";
import { AuditSession, buildReferenceIndex, loadRulesConfig } from "../../audit/index.js";
import { loadReferenceData, loadSharedReference } from "../../db/repositories/reference.repository.js";
import { invoicesInAuditOrder, providersInAuditScope, providersWithFindings, saveAuditResults, type AuditPage, type AuditedInvoiceResult, type StoredInvoice } from "../../db/repositories/audit.repository.js";
import { CATEGORIES, type Category } from "../../domain/finding.js";
import type { ReferenceData } from "../../domain/reference.js";
import { Dec, ZERO, moneyString } from "../../domain/money.js";
import { NO_PENCE, penceOf, penceText, type Pence } from "../../domain/pence.js";
import rulesConfigJson from "../../../rules/rules.config.json" with { type: "json" };
import { WATERFALL } from "../../../rules/index.js";

/**
 * One part of an audit run: the invoices of some providers (or all), audited and saved. Plain
 * data only, so a part can be handed to a worker thread (src/services/audit/audit-threads.ts).
 */
export interface PartitionJob {
  authorityId: number;
  runId: string;
  /** The rules settings as JSON (rules/rules.config.json unless a caller gives its own). */
  rulesJson: unknown;
  /** Invoices dated after this are not read (null: no limit). */
  upTo: string | null;
  /** Invoices dated before this are audited (for the history) but not saved (null: all saved). */
  savedFrom: string | null;
  batchSize: number;
  /** Invoices a credit note voided (resolveCreditNotes). */
  voidedInvoiceKeys: readonly string[];
  /** The providers of this part; null for every provider. */
  providerIds: readonly string[] | null;
  /** Providers whose reference data is in memory at a time (PROVIDERS_PER_LOAD unless a test says). */
  providersPerLoad?: number;
  /**
   * Why these invoices are audited again, when a run knows ("invoice A dated 1 Nov 2026 arrived
   * on 7 Dec 2026"): the notes on findings a re-audit changes say it.
   */
  cause?: string | null;
}

export interface PartitionResult {
  invoicesAudited: number;
  linesAudited: number;
  findingsRaised: number;
  /** Amount flagged by category, as exact decimal strings. */
  flaggedByCategory: Record<Category, string>;
}

export function defaultRulesJson(): unknown {
  return rulesConfigJson;
}

/** Providers whose reference data is loaded at a time (see auditPartition). */
const PROVIDERS_PER_LOAD = 25;

/** Lines audited between two turns of the event loop (see the loop below). */
const YIELD_EVERY_LINES = 2_000;

/**
 * Audits a part: provider by provider, each one's invoices in audit order, a group of
 * providers' reference data loaded into memory indexes at a time, findings written in bulk
 * behind the audit. Saving is idempotent
 * for a run (findings are upserted by invoice, line and rule), so a part may be run again.
 */
export async function auditPartition(knex: Knex, job: PartitionJob): Promise<PartitionResult> {
  const config = loadRulesConfig(job.rulesJson);
  const voided = new Set(job.voidedInvoiceKeys);
  const providerIds = job.providerIds ?? (await providersInAuditScope(knex, job.authorityId, job.upTo));

  // Summed in exact pence (a finding's amount is whole pence): cheaper than a decimal.js sum per finding.
  const flagged = new Map<Category, Pence>(CATEGORIES.map((c) => [c, NO_PENCE]));
  const counts = { invoicesAudited: 0, linesAudited: 0, findingsRaised: 0 };
  // Writes run behind the audit: while PostgreSQL stores batches, the next is being audited.
  // At most WRITES_IN_FLIGHT at a time, and a failure stops the run at the next batch.
  // Providers that had findings when the part started: a batch of none of them is every invoice's first audit.
  const withFindings = await providersWithFindings(knex, job.authorityId, providerIds);
  const writer = new BatchWriter<PendingBatch>((batch) => saveAuditResults(knex, job.authorityId, job.runId, batch.results, job.cause ?? null, { noFindingsYet: batch.noFindingsYet }));
  let pending: PendingBatch = { results: [], noFindingsYet: true };
  // The next group's reference data, being read while this group is audited.
  let nextReference: Promise<ReferenceData> | null = null;

  try {
    const perLoad = Math.max(1, job.providersPerLoad ?? PROVIDERS_PER_LOAD);
    const groups: (readonly string[])[] = [];
    for (let from = 0; from < providerIds.length; from += perLoad) groups.push(providerIds.slice(from, from + perLoad));
    // The authority-wide tables are read once for the part; each group's own reference data is
    // read while the group before it is audited, so the audit never waits for it but the first time.
    const shared = groups.length === 0 ? null : await loadSharedReference(knex, job.authorityId);
    const loadGroup = (providers: readonly string[]): Promise<ReferenceData> => quiet(loadReferenceData(knex, job.authorityId, providers, shared));
    nextReference = groups[0] === undefined ? null : loadGroup(groups[0]);
    for (let g = 0; g < groups.length; g++) {
      const providers = groups[g] as readonly string[];
      // Only these providers' reference data is in memory (and the next group's, being read),
      // and only until the next group: what a run keeps alive stays small, and so does the heap
      // (V8 sizes it to what survives).
      const reference = await (nextReference as Promise<ReferenceData>);
      const following = groups[g + 1];
      nextReference = following === undefined ? null : loadGroup(following);
      const index = buildReferenceIndex(reference);
      // Only findings and notes are stored: the per-line summaries (for the invoice page) are not needed here.
      const session = new AuditSession(index, config, { voidedInvoiceKeys: voided, lineSummaries: false, waterfall: WATERFALL });
      let provider: string | null = null;
      for await (const page of providerPages(knex, job, providers)) {
        let sinceYield = 0;
        for (const invoice of page) {
          // Invoices come provider by provider: what was kept for the last one can go.
          if (invoice.providerId !== provider) {
            if (provider !== null) session.nextProvider();
            provider = invoice.providerId;
          }
          const result = session.audit(invoice);
          sinceYield += invoice.lines.length;
          if (job.savedFrom === null || invoice.invoiceDate >= job.savedFrom) {
            counts.invoicesAudited++;
            counts.linesAudited += result.linesAudited;
            counts.findingsRaised += result.findings.length;
            for (const finding of result.findings) flagged.set(finding.category, (flagged.get(finding.category) ?? NO_PENCE).plus(penceOf(finding.amount)));
            // The invoice's key and provider only: its lines need not outlive its audit while the batch waits to be stored.
            pending.results.push({ invoice: { key: invoice.key, providerId: invoice.providerId }, findings: result.findings, notes: result.notes });
            if (withFindings.has(invoice.providerId)) pending.noFindingsYet = false;
            if (pending.results.length >= job.batchSize) {
              await writer.write(pending);
              pending = { results: [], noFindingsYet: true };
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
    }
    if (pending.results.length > 0) await writer.write(pending);
  } finally {
    // Never leave a write running behind a failed run (its status is written next).
    await writer.settled();
    // Nor a read (after a failure it is not awaited above).
    await nextReference?.catch(() => undefined);
  }
  writer.throwIfFailed();
  return {
    ...counts,
    flaggedByCategory: Object.fromEntries(CATEGORIES.map((c) => [c, penceText(flagged.get(c) ?? NO_PENCE)])) as Record<Category, string>,
  };
}

/** A batch waiting to be stored, and whether its invoices are known to have no findings yet (saveAuditResults). */
interface PendingBatch {
  results: AuditedInvoiceResult[];
  noFindingsYet: boolean;
}

/** The sum of the parts' figures. */
export function addPartitionResults(parts: readonly PartitionResult[]): PartitionResult {
  const flagged = new Map<Category, Dec>(CATEGORIES.map((c) => [c, ZERO]));
  const total = { invoicesAudited: 0, linesAudited: 0, findingsRaised: 0 };
  for (const part of parts) {
    total.invoicesAudited += part.invoicesAudited;
    total.linesAudited += part.linesAudited;
    total.findingsRaised += part.findingsRaised;
    for (const category of CATEGORIES) flagged.set(category, (flagged.get(category) ?? ZERO).plus(part.flaggedByCategory[category]));
  }
  return { ...total, flaggedByCategory: Object.fromEntries(CATEGORIES.map((c) => [c, moneyString(flagged.get(c) ?? ZERO)])) as Record<Category, string> };
}

/** The promise itself, marked handled: a failure surfaces when it is awaited, never as unhandled before. */
function quiet<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

/** Providers whose first page is read ahead while an earlier provider is audited (providerPages). */
const PROVIDERS_READ_AHEAD = 3;

/**
 * The invoices of some providers in pages, provider by provider, each one's in audit order: each
 * provider's next page is read while its current one is audited, and the first pages of the next
 * few providers are read meanwhile too, on connections of their own. A page is one short query
 * (invoicesInAuditOrder), but its round trip is longer than the audit of a small provider's page,
 * so reading one page at a time would leave the audit waiting.
 */
async function* providerPages(knex: Knex, job: PartitionJob, providerIds: readonly string[]): AsyncGenerator<Iterable<StoredInvoice>> {
  // On a server, each page's lines come by COPY (the server's cheapest way to send them).
  const linesByCopy = isPostgresServer(knex);
  // Providers whose first page is being read, by position; forgotten once audited (a page held here would stay in memory).
  const started = new Map<number, { pages: AsyncIterator<AuditPage>; first: Promise<IteratorResult<AuditPage>> }>();
  let readAhead = 0;
  let next: Promise<IteratorResult<AuditPage>> = Promise.resolve({ done: true, value: undefined });
  try {
    for (let i = 0; i < providerIds.length; i++) {
      for (; readAhead < providerIds.length && readAhead <= i + PROVIDERS_READ_AHEAD; readAhead++) {
        const pages = invoicesInAuditOrder(knex, job.authorityId, providerIds[readAhead] as string, job.upTo, { linesByCopy });
        started.set(readAhead, { pages, first: quiet(pages.next()) });
      }
      const { pages, first } = started.get(i) as { pages: AsyncIterator<AuditPage>; first: Promise<IteratorResult<AuditPage>> };
      started.delete(i);
      next = first;
      for (;;) {
        const current = await next;
        if (current.done) break;
        next = quiet(pages.next());
        // Its objects made only now, at its turn (its lines invoice by invoice): read ahead, the page waited as it was read.
        yield current.value.invoices();
      }
    }
  } finally {
    // A run stopped early leaves no read behind it.
    await Promise.all([next, ...[...started.values()].map((s) => s.first)].map((read) => read.catch(() => undefined)));
  }
}

/** One turn of the event loop, so that pending socket reads and writes make progress. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Batches written at once, each in its own transaction on its own connection. Measured at 1M lines
 * on PostgreSQL (bench/README.md, step 13): with one write at a time the audit waited 17 s of a
 * 57 s run for the previous batch, whose storing ran on one core; with two, one batch's findings
 * and updates can be stored on one core while the other's are on the other. The batches'
 * invoices differ, so their writes never meet.
 */
const WRITES_IN_FLIGHT = 2;

/**
 * Writes batches in the background, at most WRITES_IN_FLIGHT at a time: `write` waits only until
 * fewer are in flight, then starts this one and returns. On real PostgreSQL the server stores
 * batches on the other core while the next is audited; on the embedded database (one connection,
 * in this process) they simply take turns. A failure is thrown by the next `write` or by
 * `throwIfFailed`.
 */
class BatchWriter<T> {
  private readonly inFlight = new Set<Promise<void>>();
  private failure: { error: unknown } | null = null;

  constructor(private readonly save: (batch: T) => Promise<void>) {}

  async write(batch: T): Promise<void> {
    while (this.inFlight.size >= WRITES_IN_FLIGHT) await Promise.race(this.inFlight);
    this.throwIfFailed();
    const saving: Promise<void> = this.save(batch)
      .catch((error: unknown) => {
        this.failure ??= { error };
      })
      .finally(() => this.inFlight.delete(saving));
    this.inFlight.add(saving);
  }

  /** Waits for every batch in flight, whether it succeeds or fails. */
  async settled(): Promise<void> {
    await Promise.all(this.inFlight);
  }

  throwIfFailed(): void {
    if (this.failure !== null) throw this.failure.error;
  }
}
