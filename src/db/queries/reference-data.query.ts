import type { Knex } from "knex";
import type { Database } from "../connection.js";
import { resultOf, type Scope } from "./read-model.js";

/**
 * The reference tables as loaded, for the read-only "Reference data" pages: providers,
 * contracts with their rates over time, placements with their fees, packages and absences,
 * and discounts. Each list is of one authority, narrowed by a plain text filter (matched
 * anywhere, case-insensitive, in the columns people search by) and capped at LIST_LIMIT rows
 * with the full count, so a page stays readable and the filter is the way to find the rest.
 * Children appear only by the pseudonymous reference stored.
 */
export const LIST_LIMIT = 200;

export interface ReferenceList<T> {
  items: T[];
  total: number;
}

/** `%text%` with LIKE's own wildcards taken literally. */
function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Rows whose any of `columns` contains `text` (every column given as SQL of this module, never input). */
function matching(query: Knex.QueryBuilder, columns: readonly string[], text: string): Knex.QueryBuilder {
  if (text === "") return query;
  const pattern = containsPattern(text);
  return query.where((w) => {
    for (const column of columns) void w.orWhereRaw(`${column} ilike ? escape '\\'`, [pattern]);
  });
}

async function listOf<T>(base: () => Knex.QueryBuilder, order: string[], select: (string | Knex.Raw)[]): Promise<{ rows: T[]; total: number }> {
  const [countRow] = await base().clearSelect().count<{ n: string }[]>({ n: "*" });
  const rows = await resultOf<T[]>(base().select(select).orderBy(order.map((column) => ({ column }))).limit(LIST_LIMIT));
  return { rows, total: Number(countRow?.n ?? 0) };
}

/** Child rows of the listed parents, grouped by the parent's id. */
async function childrenOf<T extends Record<K, string>, K extends string>(
  knex: Knex, table: string, scope: Scope, key: K, ids: string[], order: string[],
): Promise<Map<string, T[]>> {
  const grouped = new Map<string, T[]>();
  if (ids.length === 0) return grouped;
  const rows = await resultOf<T[]>(knex(table).where("authority_id", scope.authorityId).whereIn(key, ids).orderBy([key, ...order].map((column) => ({ column }))).select("*"));
  for (const row of rows) grouped.set(row[key], [...(grouped.get(row[key]) ?? []), row]);
  return grouped;
}

export interface ReferenceProvider {
  providerId: string;
  name: string;
  kind: string;
  vatNumber: string | null;
  aliases: string[];
  contracts: number;
}

export async function referenceProviders(db: Database, scope: Scope, text: string): Promise<ReferenceList<ReferenceProvider>> {
  const base = (): Knex.QueryBuilder =>
    matching(db.knex("providers as p").where("p.authority_id", scope.authorityId), ["p.provider_id", "p.name", "array_to_string(p.aliases, ' ')"], text);
  const contracts = db.knex.raw("(select count(*) from contracts c where c.authority_id = p.authority_id and c.provider_id = p.provider_id) as contracts");
  const { rows, total } = await listOf<{ provider_id: string; name: string; kind: string; vat_number: string | null; aliases: string[]; contracts: string }>(
    base, ["p.name", "p.provider_id"], ["p.provider_id", "p.name", "p.kind", "p.vat_number", "p.aliases", contracts],
  );
  return {
    total,
    items: rows.map((r) => ({ providerId: r.provider_id, name: r.name, kind: r.kind, vatNumber: r.vat_number, aliases: r.aliases, contracts: Number(r.contracts) })),
  };
}

export interface ReferenceRate {
  item: string;
  serviceLevel: string | null;
  unit: string;
  rate: string;
  effectiveFrom: string;
  effectiveTo: string | null;
}

export interface ReferenceContract {
  contractId: string;
  providerId: string;
  providerName: string;
  title: string;
  startDate: string;
  endDate: string | null;
  payDepartureDay: boolean;
  absenceRetainerPct: string;
  absenceRetainerMaxNights: number | null;
  vatExempt: boolean;
  rates: ReferenceRate[];
}

export async function referenceContracts(db: Database, scope: Scope, text: string): Promise<ReferenceList<ReferenceContract>> {
  const base = (): Knex.QueryBuilder =>
    matching(
      db.knex("contracts as c").join("providers as p", (j) => j.on("p.authority_id", "c.authority_id").andOn("p.provider_id", "c.provider_id")).where("c.authority_id", scope.authorityId),
      ["c.contract_id", "c.title", "c.provider_id", "p.name"],
      text,
    );
  const { rows, total } = await listOf<{
    contract_id: string; provider_id: string; provider_name: string; title: string; start_date: string; end_date: string | null;
    pay_departure_day: boolean; absence_retainer_pct: string; absence_retainer_max_nights: number | null; vat_exempt: boolean;
  }>(base, ["p.name", "c.start_date", "c.contract_id"], [
    "c.contract_id", "c.provider_id", "p.name as provider_name", "c.title", "c.start_date", "c.end_date",
    "c.pay_departure_day", "c.absence_retainer_pct", "c.absence_retainer_max_nights", "c.vat_exempt",
  ]);
  const rates = await childrenOf<{ contract_id: string; item: string; service_level: string; unit: string; rate: string; effective_from: string; effective_to: string | null }, "contract_id">(
    db.knex, "rates", scope, "contract_id", rows.map((r) => r.contract_id), ["item", "service_level", "effective_from"],
  );
  return {
    total,
    items: rows.map((r) => ({
      contractId: r.contract_id, providerId: r.provider_id, providerName: r.provider_name, title: r.title, startDate: r.start_date, endDate: r.end_date,
      payDepartureDay: r.pay_departure_day, absenceRetainerPct: r.absence_retainer_pct, absenceRetainerMaxNights: r.absence_retainer_max_nights, vatExempt: r.vat_exempt,
      rates: (rates.get(r.contract_id) ?? []).map((rate) => ({
        item: rate.item, serviceLevel: rate.service_level === "" ? null : rate.service_level, unit: rate.unit, rate: rate.rate,
        effectiveFrom: rate.effective_from, effectiveTo: rate.effective_to,
      })),
    })),
  };
}

export interface ReferencePlacement {
  placementId: string;
  childRef: string;
  providerId: string;
  providerName: string;
  contractId: string;
  serviceLevel: string | null;
  startDate: string;
  endDate: string | null;
  weeklyFee: string | null;
  siblingGroup: string | null;
  poNumber: string | null;
  fees: { effectiveFrom: string; weeklyFee: string }[];
  packages: { item: string; unit: string; rate: string | null; maxPerWeek: string | null; effectiveFrom: string; effectiveTo: string | null }[];
  absences: { fromDate: string; toDate: string; reason: string }[];
}

export async function referencePlacements(db: Database, scope: Scope, text: string): Promise<ReferenceList<ReferencePlacement>> {
  const base = (): Knex.QueryBuilder =>
    matching(
      db.knex("placements as pl").join("providers as p", (j) => j.on("p.authority_id", "pl.authority_id").andOn("p.provider_id", "pl.provider_id")).where("pl.authority_id", scope.authorityId),
      ["pl.placement_id", "pl.child_ref", "pl.provider_id", "p.name", "pl.contract_id", "pl.po_number", "pl.sibling_group"],
      text,
    );
  const { rows, total } = await listOf<{
    placement_id: string; child_ref: string; provider_id: string; provider_name: string; contract_id: string; service_level: string | null;
    start_date: string; end_date: string | null; weekly_fee: string | null; sibling_group: string | null; po_number: string | null;
  }>(base, ["pl.start_date", "pl.placement_id"], [
    "pl.placement_id", "pl.child_ref", "pl.provider_id", "p.name as provider_name", "pl.contract_id", "pl.service_level",
    "pl.start_date", "pl.end_date", "pl.weekly_fee", "pl.sibling_group", "pl.po_number",
  ]);
  const ids = rows.map((r) => r.placement_id);
  const fees = await childrenOf<{ placement_id: string; effective_from: string; weekly_fee: string }, "placement_id">(db.knex, "placement_fees", scope, "placement_id", ids, ["effective_from"]);
  const packages = await childrenOf<{ placement_id: string; item: string; unit: string; rate: string | null; max_per_week: string | null; effective_from: string; effective_to: string | null }, "placement_id">(
    db.knex, "packages", scope, "placement_id", ids, ["item", "effective_from"],
  );
  const absences = await childrenOf<{ placement_id: string; from_date: string; to_date: string; reason: string }, "placement_id">(db.knex, "absences", scope, "placement_id", ids, ["from_date"]);
  return {
    total,
    items: rows.map((r) => ({
      placementId: r.placement_id, childRef: r.child_ref, providerId: r.provider_id, providerName: r.provider_name, contractId: r.contract_id,
      serviceLevel: r.service_level, startDate: r.start_date, endDate: r.end_date, weeklyFee: r.weekly_fee, siblingGroup: r.sibling_group, poNumber: r.po_number,
      fees: (fees.get(r.placement_id) ?? []).map((f) => ({ effectiveFrom: f.effective_from, weeklyFee: f.weekly_fee })),
      packages: (packages.get(r.placement_id) ?? []).map((p) => ({ item: p.item, unit: p.unit, rate: p.rate, maxPerWeek: p.max_per_week, effectiveFrom: p.effective_from, effectiveTo: p.effective_to })),
      absences: (absences.get(r.placement_id) ?? []).map((a) => ({ fromDate: a.from_date, toDate: a.to_date, reason: a.reason })),
    })),
  };
}

export interface ReferenceDiscount {
  discountId: string;
  providerId: string;
  providerName: string;
  contractId: string | null;
  kind: string;
  percent: string;
  threshold: string | null;
  effectiveFrom: string;
  effectiveTo: string | null;
  description: string | null;
}

export async function referenceDiscounts(db: Database, scope: Scope, text: string): Promise<ReferenceList<ReferenceDiscount>> {
  const base = (): Knex.QueryBuilder =>
    matching(
      db.knex("discounts as d").join("providers as p", (j) => j.on("p.authority_id", "d.authority_id").andOn("p.provider_id", "d.provider_id")).where("d.authority_id", scope.authorityId),
      ["d.discount_id", "d.provider_id", "p.name", "d.contract_id", "d.kind", "d.description"],
      text,
    );
  const { rows, total } = await listOf<{
    discount_id: string; provider_id: string; provider_name: string; contract_id: string | null; kind: string; percent: string;
    threshold: string | null; effective_from: string; effective_to: string | null; description: string | null;
  }>(base, ["p.name", "d.effective_from", "d.discount_id"], [
    "d.discount_id", "d.provider_id", "p.name as provider_name", "d.contract_id", "d.kind", "d.percent", "d.threshold", "d.effective_from", "d.effective_to", "d.description",
  ]);
  return {
    total,
    items: rows.map((r) => ({
      discountId: r.discount_id, providerId: r.provider_id, providerName: r.provider_name, contractId: r.contract_id, kind: r.kind, percent: r.percent,
      threshold: r.threshold, effectiveFrom: r.effective_from, effectiveTo: r.effective_to, description: r.description,
    })),
  };
}
