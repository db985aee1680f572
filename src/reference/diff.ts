import type { TableRows } from "./reference-checks.js";
import { rowKey, type FieldValue, type ParsedRow, type ReferenceRow, type TableSpec } from "./tables.js";

export interface RowChanges {
  inserts: ReferenceRow[];
  updates: ReferenceRow[];
  unchanged: number;
}

/**
 * Sorts a file's rows into new, changed and unchanged against what is stored. Values on both
 * sides are canonical (dates ISO, decimals as decimal.js prints them, '' for a blank
 * service_level), so plain comparison is exact; unchanged rows are not written at all.
 */
export function diffRows(table: TableSpec, rows: readonly ParsedRow[], existing: TableRows | undefined): RowChanges {
  const changes: RowChanges = { inserts: [], updates: [], unchanged: 0 };
  for (const row of rows) {
    const stored = existing?.get(rowKey(table, row.values));
    if (!stored) changes.inserts.push(row.values);
    else if (sameRow(table, stored, row.values)) changes.unchanged += 1;
    else changes.updates.push(row.values);
  }
  return changes;
}

function sameRow(table: TableSpec, stored: ReferenceRow, incoming: ReferenceRow): boolean {
  for (const column of table.columns) if (!sameValue(stored[column.name] ?? null, incoming[column.name] ?? null)) return false;
  return true;
}

function sameValue(a: FieldValue, b: FieldValue): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((value, index) => value === b[index]);
  }
  return a === b;
}
