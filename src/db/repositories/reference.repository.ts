import type { Knex } from "knex";
import { Dec } from "../../domain/money.js";
import type {
  Absence, AbsenceReason, AgreedPackage, Contract, Discount, DiscountKind, Placement, PlacementFee, Provider, ProviderKind, Rate, ReferenceData, Unit,
} from "../../domain/reference.js";
import { arrayLiteral } from "../array-literal.js";
import { rowKey, TABLES, type ColumnSpec, type FieldValue, type ReferenceRow, type ReferenceTableName, type TableSpec } from "../../reference/tables.js";

/**
 * The reference tables (migration 20261129_0002_reference) ↔ rows and domain types.
 * Rows here use DATA.md column names with canonical values: dates `YYYY-MM-DD`, decimals as
 * decimal.js prints them ("912.5", never "912.500000"), '' for a blank rates.service_level.
 */

type DbRow = Record<string, unknown>;

const DECIMAL_KINDS = new Set<ColumnSpec["kind"]>(["money", "decimal", "percent"]);

function canonicalValue(column: ColumnSpec, value: unknown): FieldValue {
  if (value === null || value === undefined) return null;
  if (DECIMAL_KINDS.has(column.kind)) return canonicalNumeric(text(value));
  if (column.kind === "integer") return Number(value);
  if (column.kind === "boolean") return Boolean(value);
  if (column.kind === "aliases") return Array.isArray(value) ? value.map(String) : [];
  return text(value);
}

/** "912.500000" → "912.5", "80.0000" → "80": what decimal.js prints, without a Decimal per value. */
function canonicalNumeric(value: string): string {
  if (!/^-?\d+(\.\d+)?$/.test(value)) return new Dec(value).toFixed();
  const trimmed = value.includes(".") ? value.replace(/\.?0+$/, "") : value;
  return trimmed === "-0" ? "0" : trimmed;
}

function text(value: unknown): string {
  return typeof value === "string" ? value : typeof value === "number" || typeof value === "bigint" ? String(value) : JSON.stringify(value);
}

/**
 * Canonicalises a selected row (only the table's columns selected) in place: one object per row,
 * not two. An audit reads a group's reference rows while the group before is audited, so each
 * row outlives young-generation collections: a second object per row was copied with it.
 */
function canonicaliseInPlace(table: TableSpec, row: DbRow): ReferenceRow {
  for (const column of table.columns) row[column.name] = canonicalValue(column, row[column.name]);
  return row as ReferenceRow;
}

/** Every row of one table for an authority, by natural key (rowKey). */
export async function loadReferenceRows(knex: Knex, tableName: ReferenceTableName, authorityId: number): Promise<Map<string, ReferenceRow>> {
  return loadOwnedRows(knex, TABLES[tableName], { table: tableName, column: "authority_id", id: authorityId });
}

/**
 * Who owns the rows written or read: an authority (its own reference tables) or a consortium
 * (its framework contracts and rates, in framework_contracts and framework_rates).
 */
export interface RowOwner {
  table: string;
  column: "authority_id" | "consortium_id";
  id: number;
}

/** Every row of one owner's table, by natural key (rowKey), read with the columns of `table`. */
export async function loadOwnedRows(knex: Knex, table: TableSpec, owner: RowOwner): Promise<Map<string, ReferenceRow>> {
  const rows = await knex<DbRow>(owner.table)
    .select(table.columns.map((column) => column.name))
    .where({ [owner.column]: owner.id });
  const result = new Map<string, ReferenceRow>();
  for (const row of rows as DbRow[]) {
    const values = canonicaliseInPlace(table, row);
    result.set(rowKey(table, values), values);
  }
  return result;
}

/** Rows per statement. Each column travels as one array parameter, so this bounds statement size, not parameters. */
const ROWS_PER_STATEMENT = 10_000;

/** The PostgreSQL type of each kind of column, for the unnest casts. */
const SQL_TYPE: Readonly<Record<ColumnSpec["kind"], string | null>> = {
  id: "text", text: "text", code: "text", enum: "text", unit: "text",
  date: "date", money: "numeric", decimal: "numeric", percent: "numeric", integer: "integer", boolean: "boolean",
  aliases: null, // an array per row: unnest would flatten it
};


/**
 * Inserts rows, or updates them where the natural key exists, in bulk:
 * `insert … select from unnest($1::text[], $2::date[], …) on conflict (key) do update`, one
 * array parameter per column and 10,000 rows a statement (never a query per row; far less
 * work for knex and the server than 30,000 separate bind parameters). Tables with an array
 * column (providers.aliases; a few hundred rows) use a plain multi-row insert instead.
 * Run it inside the file's transaction (pass the trx): with the embedded database's single
 * connection, a query outside the transaction would wait for it forever.
 */
export async function upsertReferenceRows(knex: Knex | Knex.Transaction, tableName: ReferenceTableName, rows: readonly ReferenceRow[], authorityId: number): Promise<void> {
  await upsertOwnedRows(knex, TABLES[tableName], rows, { table: tableName, column: "authority_id", id: authorityId });
}

/** upsertReferenceRows for any owner: an authority's tables or a consortium's framework tables. */
export async function upsertOwnedRows(knex: Knex | Knex.Transaction, table: TableSpec, rows: readonly ReferenceRow[], owner: RowOwner): Promise<void> {
  if (rows.length === 0) return;
  const tableName = owner.table;
  const ownerColumn = owner.column;
  const columns = table.columns.map((column) => column.name);
  const conflict = [ownerColumn, ...table.key];
  const updated = columns.filter((name) => !table.key.includes(name));
  const unnestable = table.columns.every((column) => SQL_TYPE[column.kind] !== null);
  const update = updated.length > 0 ? `do update set ${updated.map((name) => `"${name}" = excluded."${name}"`).join(", ")}` : "do nothing";
  const size = unnestable ? ROWS_PER_STATEMENT : Math.max(1, Math.floor(30_000 / (columns.length + 1)));
  for (let start = 0; start < rows.length; start += size) {
    const batch = rows.slice(start, start + size);
    if (unnestable) {
      const arrays = table.columns.map((column) => arrayLiteral(batch.map((row) => (row[column.name] ?? null) as string | number | boolean | null)));
      const casts = table.columns.map((column) => `?::${SQL_TYPE[column.kind] ?? "text"}[]`).join(", ");
      const names = columns.map((name) => `"${name}"`).join(", ");
      await knex.raw(
        `insert into "${tableName}" ("${ownerColumn}", ${names}) select ?::integer, ${names} from unnest(${casts}) as u(${names}) ` +
          `on conflict (${conflict.map((name) => `"${name}"`).join(", ")}) ${update}`,
        [owner.id, ...arrays],
      );
    } else {
      const records = batch.map((row) => {
        const record: DbRow = { [ownerColumn]: owner.id };
        for (const name of columns) record[name] = row[name] ?? null;
        return record;
      });
      const query = knex(tableName).insert(records).onConflict(conflict);
      await (updated.length > 0 ? query.merge(updated) : query.ignore());
    }
  }
}

const str = (value: FieldValue): string => String(value);
const strOrNull = (value: FieldValue): string | null => (value === null || value === "" ? null : String(value));

/**
 * Keeps the big per-placement tables to the placements of some providers (an audit thread
 * audits only those). The small tables (providers, contracts, rates, discounts) stay whole, so a
 * placement naming another provider's contract still finds it, as in a whole load.
 */
function narrowToProviders(knex: Knex, query: Knex.QueryBuilder, name: ReferenceTableName, authorityId: number, providerIds: readonly string[]): void {
  if (name === "placements") {
    void query.whereIn("provider_id", providerIds);
  } else if (name === "placement_fees" || name === "packages" || name === "absences") {
    void query.whereIn("placement_id", knex("placements").select("placement_id").where({ authority_id: authorityId }).whereIn("provider_id", providerIds));
  }
}

/** The authority-wide reference tables: the same for every part of an audit (see loadReferenceData). */
export type SharedReference = Pick<ReferenceData, "providers" | "contracts" | "rates" | "discounts">;

function tableLoader(knex: Knex, authorityId: number, onlyProviders: readonly string[] | null): (name: ReferenceTableName) => Promise<ReferenceRow[]> {
  return async (name) => {
    const table = TABLES[name];
    const query = knex<DbRow>(name)
      .select(table.columns.map((column) => column.name))
      .where({ authority_id: authorityId })
      .orderBy(table.key.map((column) => ({ column })));
    if (onlyProviders !== null) narrowToProviders(knex, query, name, authorityId, onlyProviders);
    const rows = await query;
    return (rows as DbRow[]).map((row) => canonicaliseInPlace(table, row));
  };
}

/**
 * The small authority-wide tables (providers, contracts, rates, discounts), read at once on as
 * many connections as the pool gives. An audit reads them once and hands them to each
 * loadReferenceData of its provider groups, rather than reading them again for every group.
 */
export async function loadSharedReference(knex: Knex, authorityId: number): Promise<SharedReference> {
  const load = tableLoader(knex, authorityId, null);
  const [providerRows, contractRows, rateRows, discountRows, framework] = await Promise.all([
    load("providers"),
    load("contracts"),
    load("rates"),
    load("discounts"),
    loadFrameworkRowsOf(knex, authorityId),
  ]);
  const providers = providerRows.map(
    (r): Provider => ({ providerId: str(r.provider_id ?? null), name: str(r.name ?? null), kind: str(r.kind ?? null) as ProviderKind, vatNumber: strOrNull(r.vat_number ?? null), aliases: (r.aliases as string[] | null) ?? [] }),
  );
  const contracts = [...contractRows, ...framework.contracts].map(
    (r): Contract => ({
      contractId: str(r.contract_id ?? null),
      providerId: str(r.provider_id ?? null),
      title: str(r.title ?? null),
      startDate: str(r.start_date ?? null),
      endDate: strOrNull(r.end_date ?? null),
      payDepartureDay: r.pay_departure_day === true,
      absenceRetainerPct: str(r.absence_retainer_pct ?? null),
      absenceRetainerMaxNights: typeof r.absence_retainer_max_nights === "number" ? r.absence_retainer_max_nights : null,
      vatExempt: r.vat_exempt === true,
    }),
  );
  const rates = [...rateRows, ...framework.rates].map(
    (r): Rate => ({
      contractId: str(r.contract_id ?? null),
      item: str(r.item ?? null),
      serviceLevel: strOrNull(r.service_level ?? null),
      unit: str(r.unit ?? null) as Unit,
      rate: str(r.rate ?? null),
      effectiveFrom: str(r.effective_from ?? null),
      effectiveTo: strOrNull(r.effective_to ?? null),
    }),
  );
  const discounts = discountRows.map(
    (r): Discount => ({
      discountId: str(r.discount_id ?? null),
      providerId: str(r.provider_id ?? null),
      contractId: strOrNull(r.contract_id ?? null),
      kind: str(r.kind ?? null) as DiscountKind,
      percent: str(r.percent ?? null),
      threshold: strOrNull(r.threshold ?? null),
      effectiveFrom: str(r.effective_from ?? null),
      effectiveTo: strOrNull(r.effective_to ?? null),
      description: strOrNull(r.description ?? null),
    }),
  );
  return { providers, contracts, rates, discounts };
}

/**
 * Everything the audit needs to know about what was agreed, for one authority, as the domain
 * types of src/domain/reference.ts (rates' '' service_level back to null); with `onlyProviders`,
 * only those providers' placements and what hangs off them (see narrowToProviders). The tables
 * are read at once (one query each, on as many connections as the pool gives); `shared` is
 * what loadSharedReference read before, when the caller has it.
 */
export async function loadReferenceData(knex: Knex, authorityId: number, onlyProviders: readonly string[] | null = null, shared: SharedReference | null = null): Promise<ReferenceData> {
  const load = tableLoader(knex, authorityId, onlyProviders);
  const [common, placementRows, feeRows, packageRows, absenceRows] = await Promise.all([
    shared ?? loadSharedReference(knex, authorityId),
    load("placements"),
    load("placement_fees"),
    load("packages"),
    load("absences"),
  ]);
  const placements = placementRows.map(
    (r): Placement => ({
      placementId: str(r.placement_id ?? null),
      childRef: str(r.child_ref ?? null),
      providerId: str(r.provider_id ?? null),
      contractId: str(r.contract_id ?? null),
      serviceLevel: strOrNull(r.service_level ?? null),
      startDate: str(r.start_date ?? null),
      endDate: strOrNull(r.end_date ?? null),
      weeklyFee: strOrNull(r.weekly_fee ?? null),
      siblingGroup: strOrNull(r.sibling_group ?? null),
      poNumber: strOrNull(r.po_number ?? null),
    }),
  );
  const placementFees = feeRows.map(
    (r): PlacementFee => ({ placementId: str(r.placement_id ?? null), effectiveFrom: str(r.effective_from ?? null), weeklyFee: str(r.weekly_fee ?? null) }),
  );
  const packages = packageRows.map(
    (r): AgreedPackage => ({
      placementId: str(r.placement_id ?? null),
      item: str(r.item ?? null),
      unit: str(r.unit ?? null) as Unit,
      rate: strOrNull(r.rate ?? null),
      maxPerWeek: strOrNull(r.max_per_week ?? null),
      effectiveFrom: str(r.effective_from ?? null),
      effectiveTo: strOrNull(r.effective_to ?? null),
    }),
  );
  const absences = absenceRows.map(
    (r): Absence => ({ placementId: str(r.placement_id ?? null), fromDate: str(r.from_date ?? null), toDate: str(r.to_date ?? null), reason: str(r.reason ?? null) as AbsenceReason }),
  );
  return { ...common, placements, placementFees, packages, absences };
}

/**
 * The framework contracts and rates of the consortia the authority belongs to, in the columns of
 * its own contracts and rates: a member's placement that names a framework contract is audited
 * against the framework's rates exactly as against an own contract. An own contract with the
 * same id as a framework one (the import refuses to create it) wins.
 */
async function loadFrameworkRowsOf(knex: Knex, authorityId: number): Promise<{ contracts: ReferenceRow[]; rates: ReferenceRow[] }> {
  const consortia = knex("consortium_members").select("consortium_id").where({ authority_id: authorityId });
  const own = knex("contracts").select("contract_id").where({ authority_id: authorityId });
  const select = async (name: "contracts" | "rates"): Promise<ReferenceRow[]> => {
    const table = TABLES[name];
    const rows = await knex<DbRow>(`framework_${name}`)
      .select(table.columns.map((column) => column.name))
      .whereIn("consortium_id", consortia)
      .whereNotIn("contract_id", own)
      .orderBy(table.key.map((column) => ({ column })));
    return (rows as DbRow[]).map((row) => canonicaliseInPlace(table, row));
  };
  return { contracts: await select("contracts"), rates: await select("rates") };
}

/** A provider's aliases, its row locked until the transaction ends; null when there is no such provider. */
export async function lockProviderAliases(trx: Knex.Transaction, authorityId: number, providerId: string): Promise<string[] | null> {
  const row = await trx("providers").where({ authority_id: authorityId, provider_id: providerId }).forUpdate().first<{ aliases: string[] } | undefined>("aliases");
  return row ? row.aliases : null;
}

export async function setProviderAliases(trx: Knex.Transaction, authorityId: number, providerId: string, aliases: readonly string[]): Promise<void> {
  await trx("providers").where({ authority_id: authorityId, provider_id: providerId }).update({ aliases });
}

/** Every placement's references, for cross-checking references read by OCR from scans. */
export async function loadPlacementKeys(knex: Knex, authorityId: number): Promise<Array<{ placementId: string; childRef: string; providerId: string; poNumber: string | null }>> {
  const rows: Array<{ placement_id: string; child_ref: string; provider_id: string; po_number: string | null }> = await knex("placements")
    .where({ authority_id: authorityId })
    .select("placement_id", "child_ref", "provider_id", "po_number");
  return rows.map((row) => ({ placementId: row.placement_id, childRef: row.child_ref, providerId: row.provider_id, poNumber: row.po_number }));
}
