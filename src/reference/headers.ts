import { compact, type ColumnSpec, type ReferenceTableName, type TableSpec } from "./tables.js";

/**
 * A person's word for where a header goes: `Care Package Level` → service_level, for one table
 * or (table null) for any table that has the column. Saved in import profiles.
 */
export interface HeaderMapping {
  header: string;
  table: ReferenceTableName | null;
  column: string;
}

export interface HeaderMatch {
  /** DATA.md column name → index of the cell in each row. */
  columns: Map<string, number>;
  /** How the file spells each matched column's header (for messages). */
  headers: Map<string, string>;
  /** Headers that name no column of the table (ignored, reported once as a warning). */
  ignored: string[];
  /** Two headers naming one column: [column, first header, second header]. */
  duplicates: Array<[string, string, string]>;
  missing: string[];
}

/** The compact spellings a header may have: as written, and without any part in brackets ("Weekly Fee (£)"). */
function headerKeys(header: string): string[] {
  const keys = [compact(header), compact(header.replace(/\([^)]*\)|\[[^\]]*\]/g, " "))];
  return keys.filter((key, index) => key !== "" && keys.indexOf(key) === index);
}

function columnKeys(column: ColumnSpec): Set<string> {
  return new Set([column.name, ...column.synonyms].map(compact));
}

export function matchHeaders(table: TableSpec, headerRow: readonly string[], mappings: readonly HeaderMapping[] = []): HeaderMatch {
  const lookup = new Map<string, string>();
  for (const column of table.columns) for (const key of columnKeys(column)) lookup.set(key, column.name);
  // A person's mapping wins over the built-in synonyms.
  for (const mapping of mappings) {
    if ((mapping.table === null || mapping.table === table.name) && table.columns.some((column) => column.name === mapping.column)) lookup.set(compact(mapping.header), mapping.column);
  }

  const result: HeaderMatch = { columns: new Map(), headers: new Map(), ignored: [], duplicates: [], missing: [] };
  headerRow.forEach((rawHeader, index) => {
    const header = rawHeader.replace(/[\u00a0\u200b\ufeff]/g, " ").trim();
    if (header === "") return;
    // The name as written wins over the bracket-less form ("Rate (per week)" is rate either way).
    const name = headerKeys(header)
      .map((key) => lookup.get(key))
      .find((found) => found !== undefined);
    if (name === undefined) {
      result.ignored.push(header);
      return;
    }
    const existing = result.headers.get(name);
    if (existing !== undefined) {
      result.duplicates.push([name, existing, header]);
      return;
    }
    result.columns.set(name, index);
    result.headers.set(name, header);
  });
  result.missing = table.columns.filter((column) => column.required && !result.columns.has(column.name)).map((column) => column.name);
  return result;
}
