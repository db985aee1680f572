import type { TableRows } from "./reference-checks.js";
import { rowKey, type FieldValue, type ParsedRow, type ReferenceRow, type ReferenceTableName, type TableSpec } from "./tables.js";

/** One field of a stored row that an import would change. */
export interface FieldChange {
  column: string;
  before: FieldValue;
  after: FieldValue;
}

/** A row of the file as it would be stored. */
export interface PlannedRow {
  /** Spreadsheet row number in the file. */
  rowNumber: number;
  /** The row's natural key as a person reads it: `PL-2001`, `CON-1, placement, standard, 2026-04-01`. */
  label: string;
  values: ReferenceRow;
}

export interface PlannedUpdate extends PlannedRow {
  /** Every field that would change, before → after. */
  changes: FieldChange[];
}

export interface RowChanges {
  inserts: PlannedRow[];
  /** Changes to stored rows that keep who and where. */
  updates: PlannedUpdate[];
  /** Changes to who or where (KEY_CHANGE_COLUMNS): shown apart and applied only when confirmed. */
  keyChanges: PlannedUpdate[];
  unchanged: number;
}

/**
 * Columns that say who or where a stored row is about: changing one moves a placement to another
 * child, provider or contract (or a contract to another provider). A mapping mistake in an export
 * does exactly this silently, so such a change is shown apart and needs a person's confirmation.
 */
export const KEY_CHANGE_COLUMNS: Readonly<Partial<Record<ReferenceTableName, readonly string[]>>> = {
  placements: ["child_ref", "provider_id", "contract_id"],
  contracts: ["provider_id"],
};

/**
 * Sorts a file's rows into new, changed and unchanged against what is stored, with the fields
 * each change touches. Values on both sides are canonical (dates ISO, decimals as decimal.js
 * prints them, '' for a blank service_level), so plain comparison is exact; unchanged rows are
 * not written at all.
 */
export function diffRows(table: TableSpec, rows: readonly ParsedRow[], existing: TableRows | undefined): RowChanges {
  const changes: RowChanges = { inserts: [], updates: [], keyChanges: [], unchanged: 0 };
  const keyColumns = new Set(KEY_CHANGE_COLUMNS[table.name] ?? []);
  for (const row of rows) {
    const stored = existing?.get(rowKey(table, row.values));
    const planned: PlannedRow = { rowNumber: row.rowNumber, label: rowLabel(table, row.values), values: row.values };
    if (!stored) {
      changes.inserts.push(planned);
      continue;
    }
    const fields = changedFields(table, stored, row.values);
    if (fields.length === 0) changes.unchanged += 1;
    else if (fields.some((field) => keyColumns.has(field.column))) changes.keyChanges.push({ ...planned, changes: fields });
    else changes.updates.push({ ...planned, changes: fields });
  }
  return changes;
}

export function rowLabel(table: TableSpec, values: ReferenceRow): string {
  return table.key
    .map((name) => values[name])
    .filter((value) => value !== "" && value !== null && value !== undefined)
    .map(String)
    .join(", ");
}

function changedFields(table: TableSpec, stored: ReferenceRow, incoming: ReferenceRow): FieldChange[] {
  const fields: FieldChange[] = [];
  for (const column of table.columns) {
    const before = stored[column.name] ?? null;
    const after = incoming[column.name] ?? null;
    if (!sameValue(before, after)) fields.push({ column: column.name, before, after });
  }
  return fields;
}

function sameValue(a: FieldValue, b: FieldValue): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((value, index) => value === b[index]);
  }
  return a === b;
}

/** A value in a preview: blanks shown as such, lists joined as the file writes them. */
export function showValue(value: FieldValue): string {
  if (value === null || value === "") return "(blank)";
  if (Array.isArray(value)) return value.length === 0 ? "(blank)" : JSON.stringify(value.join("|"));
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}
