import type { Knex } from "knex";
import type { HeaderMapping } from "../../reference/headers.js";

/** A saved import profile (migration 20261207_1801_import_profiles). */
export interface ImportProfileRow {
  name: string;
  mappings: HeaderMapping[];
  updatedBy: string;
  updatedAt: Date;
}

interface DbRow {
  name: string;
  mappings: HeaderMapping[];
  updated_by: string;
  updated_at: Date;
}

const toRow = (row: DbRow): ImportProfileRow => ({ name: row.name, mappings: row.mappings, updatedBy: row.updated_by, updatedAt: row.updated_at });

export async function findImportProfile(q: Knex, authorityId: number, name: string): Promise<ImportProfileRow | null> {
  const row = await q("import_profiles").where({ authority_id: authorityId, name }).first<DbRow | undefined>("name", "mappings", "updated_by", "updated_at");
  return row ? toRow(row) : null;
}

export async function listImportProfiles(q: Knex, authorityId: number): Promise<ImportProfileRow[]> {
  const rows = await q("import_profiles").where({ authority_id: authorityId }).orderBy("name").select<DbRow[]>("name", "mappings", "updated_by", "updated_at");
  return rows.map(toRow);
}

/** Creates the profile or replaces its mappings. */
export async function saveImportProfile(q: Knex, authorityId: number, name: string, mappings: readonly HeaderMapping[], updatedBy: string): Promise<void> {
  await q("import_profiles")
    .insert({ authority_id: authorityId, name, mappings: JSON.stringify(mappings), updated_by: updatedBy, updated_at: q.fn.now() })
    .onConflict(["authority_id", "name"])
    .merge(["mappings", "updated_by", "updated_at"]);
}

export async function deleteImportProfile(q: Knex, authorityId: number, name: string): Promise<boolean> {
  return (await q("import_profiles").where({ authority_id: authorityId, name }).delete()) > 0;
}
