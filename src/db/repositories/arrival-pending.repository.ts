import type { Knex } from "knex";

/**
 * What each provider's next queued audit on arrival must cover (arrival_audits_pending; issue 24,
 * PostgreSQL only). Arrivals merge into the provider's row (the earliest date wins; a credit
 * note means from the start); the job that audits the provider clears the row only if no
 * arrival changed it meanwhile, so a merged arrival is audited exactly once.
 */

export interface PendingArrival {
  providerId: string;
  /** Audit again from the provider's first invoice (a credit note arrived). */
  fromStart: boolean;
  /** Otherwise from this invoice date. */
  fromDate: string | null;
  invoiceIds: string[];
  version: number;
}

export async function addPendingArrivals(
  knex: Knex,
  authorityId: number,
  providers: readonly { providerId: string; from: string | null; invoiceIds: readonly string[] }[],
): Promise<void> {
  for (const p of providers) {
    await knex.raw(
      `insert into arrival_audits_pending as a (authority_id, provider_id, from_start, from_date, invoice_ids)
       values (?, ?, ?, ?::date, ?::jsonb)
       on conflict (authority_id, provider_id) do update set
         from_start = a.from_start or excluded.from_start,
         from_date = least(a.from_date, excluded.from_date),
         invoice_ids = a.invoice_ids || excluded.invoice_ids,
         version = a.version + 1,
         queued_at = now()`,
      [authorityId, p.providerId, p.from === null, p.from, JSON.stringify(p.invoiceIds)],
    );
  }
}

export async function pendingArrival(knex: Knex, authorityId: number, providerId: string): Promise<PendingArrival | null> {
  const row = await knex("arrival_audits_pending")
    .where({ authority_id: authorityId, provider_id: providerId })
    .first<{ provider_id: string; from_start: boolean; from_date: string | Date | null; invoice_ids: string[] | string; version: number } | undefined>(
      "provider_id",
      "from_start",
      knex.raw("from_date::text as from_date"),
      "invoice_ids",
      "version",
    );
  if (!row) return null;
  const ids = typeof row.invoice_ids === "string" ? (JSON.parse(row.invoice_ids) as string[]) : row.invoice_ids;
  return { providerId: row.provider_id, fromStart: row.from_start, fromDate: row.from_date === null ? null : String(row.from_date), invoiceIds: [...new Set(ids.map(String))], version: row.version };
}

/** Cleared once audited, unless an arrival changed the row meanwhile (its own job audits that). */
export async function clearPendingArrival(knex: Knex, authorityId: number, providerId: string, version: number): Promise<boolean> {
  const n = await knex("arrival_audits_pending").where({ authority_id: authorityId, provider_id: providerId, version }).delete();
  return n > 0;
}

/** The authority's running audit other than the arrival jobs' runs (which audit_runs_one_running leaves out). */
export async function runningWholeRun(knex: Knex, authorityId: number): Promise<{ id: string; trigger: string } | null> {
  const row = await knex("audit_runs")
    .where({ authority_id: authorityId, status: "running" })
    .andWhere((q) => void q.whereNull("run_key").orWhere("run_key", "not like", "arrival-part:%"))
    .first<{ id: string; trigger: string } | undefined>("id", "trigger");
  return row ? { id: String(row.id), trigger: row.trigger } : null;
}

/** An earlier attempt of an arrival job left its run "running" (its worker died): failed now, its figures never counted. */
export async function failEarlierAttempts(knex: Knex, jobId: string, reason: string): Promise<number> {
  return knex("audit_runs").where("status", "running").andWhere("run_key", "like", `arrival-part:${jobId}:%`).update({ status: "failed", finished_at: knex.fn.now(), error: reason });
}

/**
 * Runs `work` holding a lock per provider (PostgreSQL advisory locks, held by one open
 * transaction on a connection of its own): an arrival job and a queued part of a whole run never
 * audit one provider at the same time. The locks are taken in one order, so two holders cannot
 * wait on each other; a worker killed -9 loses its connection and with it the locks.
 */
export async function withProviderLocks<T>(knex: Knex, authorityId: number, providerIds: readonly string[], work: () => Promise<T>): Promise<T> {
  if (providerIds.length === 0) return work();
  const sorted = [...new Set(providerIds)].sort();
  return knex.transaction(async (trx) => {
    for (const providerId of sorted) await trx.raw(`select pg_advisory_xact_lock(?::integer, hashtext(?))`, [authorityId, providerId]);
    return work();
  });
}
