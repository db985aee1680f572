import type { Knex } from "knex";

/**
 * The consortium benchmark, read through the SECURITY DEFINER functions of migration 2353: the
 * only way this code reads across authorities. They return aggregated, already-suppressed rows
 * (a suppressed figure is null), never a placement, a child, an invoice line or a finding.
 */
export interface BenchmarkRow {
  providerId: string;
  /** The members' name for the provider (the first in order, if they differ). */
  providerName: string | null;
  providerKind: string | null;
  item: string;
  serviceLevel: string;
  unit: string;
  measure: "paid" | "charged";
  /** null: the consortium's row of the group. */
  memberId: number | null;
  memberName: string | null;
  /** null when suppressed. */
  placements: number | null;
  suppressed: boolean;
  /** Exact decimal strings; null when suppressed or not given. */
  median: string | null;
  low: string | null;
  high: string | null;
  frameworkRate: string | null;
  annualUpliftPct: string | null;
}

export interface DriftRow {
  providerId: string;
  item: string;
  serviceLevel: string;
  unit: string;
  quarterStart: string;
  placements: number | null;
  suppressed: boolean;
  median: string | null;
}

interface RawBenchmark {
  provider_id: string; provider_name: string | null; provider_kind: string | null; item: string; service_level: string; unit: string; measure: "paid" | "charged";
  member_id: number | null; member_name: string | null; placements: number | null; suppressed: boolean;
  median: string | null; low: string | null; high: string | null; framework_rate: string | null; annual_uplift_pct: string | null;
}

export async function consortiumBenchmark(knex: Knex, consortiumId: number, from: string, to: string): Promise<BenchmarkRow[]> {
  const result = await knex.raw<{ rows: RawBenchmark[] }>(
    `select * from consortium_price_benchmark(?::integer, ?::date, ?::date) order by provider_id, item, service_level, unit, measure desc, member_name nulls first`,
    [consortiumId, from, to],
  );
  return result.rows.map((row) => ({
    providerId: row.provider_id, providerName: row.provider_name, providerKind: row.provider_kind, item: row.item, serviceLevel: row.service_level, unit: row.unit, measure: row.measure,
    memberId: row.member_id === null ? null : Number(row.member_id), memberName: row.member_name,
    placements: row.placements === null ? null : Number(row.placements), suppressed: row.suppressed,
    // numeric columns come back as exact decimal strings (src/db/connection.ts keeps them so).
    median: row.median, low: row.low, high: row.high, frameworkRate: row.framework_rate, annualUpliftPct: row.annual_uplift_pct,
  }));
}

export async function consortiumDrift(knex: Knex, consortiumId: number, from: string, to: string): Promise<DriftRow[]> {
  const result = await knex.raw<{ rows: { provider_id: string; item: string; service_level: string; unit: string; quarter_start: string; placements: number | null; suppressed: boolean; median: string | null }[] }>(
    `select * from consortium_price_drift(?::integer, ?::date, ?::date) order by provider_id, item, service_level, unit, quarter_start`,
    [consortiumId, from, to],
  );
  return result.rows.map((row) => ({
    providerId: row.provider_id, item: row.item, serviceLevel: row.service_level, unit: row.unit, quarterStart: row.quarter_start,
    placements: row.placements === null ? null : Number(row.placements), suppressed: row.suppressed, median: row.median,
  }));
}

/** The first night of the members' latest billed period (only a date), or null when nothing is billed. */
export async function consortiumLatestCharge(knex: Knex, consortiumId: number): Promise<string | null> {
  const result = await knex.raw<{ rows: { latest: string | null }[] }>(`select consortium_latest_charge(?::integer) as latest`, [consortiumId]);
  return result.rows[0]?.latest ?? null;
}

/** Every consortium with its members' names (names only). */
export async function consortiaWithMembers(knex: Knex): Promise<{ id: number; code: string; name: string; members: string[] }[]> {
  const rows: { id: number; code: string; name: string; member: string | null }[] = await knex("consortia as c")
    .leftJoin("consortium_members as m", "m.consortium_id", "c.id")
    .leftJoin("authorities as a", "a.id", "m.authority_id")
    .orderBy([{ column: "c.code" }, { column: "a.name" }])
    .select("c.id", "c.code", "c.name", "a.name as member");
  const byId = new Map<number, { id: number; code: string; name: string; members: string[] }>();
  for (const row of rows) {
    const entry = byId.get(Number(row.id)) ?? { id: Number(row.id), code: row.code, name: row.name, members: [] };
    if (row.member) entry.members.push(row.member);
    byId.set(entry.id, entry);
  }
  return [...byId.values()];
}
