import type { Database } from "../../db/connection.js";
import { appendAuditLog } from "../../db/repositories/audit-log.repository.js";
import { deleteImportProfile, findImportProfile, listImportProfiles, saveImportProfile, type ImportProfileRow } from "../../db/repositories/import-profile.repository.js";
import { AppError } from "../../domain/errors.js";
import type { HeaderMapping } from "../../reference/headers.js";
import { compact, REFERENCE_TABLES, TABLES, type ReferenceTableName } from "../../reference/tables.js";

export type { ImportProfileRow } from "../../db/repositories/import-profile.repository.js";

/**
 * Reads `Care Package Level=service_level` or `Care Package Level=placements.service_level`: the
 * file's header, then the column (of one table, or of any table that has it). The column must
 * exist, so a typing slip is refused here rather than silently matching nothing.
 */
export function parseMapping(spec: string): HeaderMapping {
  const at = spec.lastIndexOf("=");
  const header = spec.slice(0, Math.max(0, at)).trim();
  const target = spec.slice(at + 1).trim();
  if (at < 0 || header === "" || target === "") throw new AppError("profile.bad_mapping", `a mapping is "file header=column", e.g. "Care Package Level=service_level", not "${spec}"`);
  const [first, second] = target.includes(".") ? target.split(".", 2) : [null, target];
  const column = (second ?? "").toLowerCase();
  let table: ReferenceTableName | null = null;
  if (first !== null) {
    const named = REFERENCE_TABLES.find((name) => name === first.toLowerCase());
    if (!named) throw new AppError("profile.bad_mapping", `"${first}" is not a table (${REFERENCE_TABLES.join(", ")})`);
    table = named;
  }
  const tables = table ? [table] : REFERENCE_TABLES;
  if (!tables.some((name) => TABLES[name].columns.some((c) => c.name === column))) {
    throw new AppError("profile.bad_mapping", `"${target}" is not a column of ${table ? `the ${table} table` : "any table"}`);
  }
  return { header, table, column };
}

export function describeMapping(mapping: HeaderMapping): string {
  return `${mapping.header} → ${mapping.table ? `${mapping.table}.` : ""}${mapping.column}`;
}

/** The profile's mappings; an unknown name is an error naming the profiles there are. */
export async function profileMappings(db: Database, authorityId: number, name: string): Promise<HeaderMapping[]> {
  const profile = await findImportProfile(db.knex, authorityId, name);
  if (profile) return profile.mappings;
  const names = (await listImportProfiles(db.knex, authorityId)).map((p) => `"${p.name}"`);
  throw new AppError("profile.unknown", `there is no import profile "${name}"${names.length > 0 ? ` (there are: ${names.join(", ")})` : " (none saved yet)"}`);
}

export function listProfiles(db: Database, authorityId: number): Promise<ImportProfileRow[]> {
  return listImportProfiles(db.knex, authorityId);
}

/**
 * Saves a profile, with the audit log: `replace` sets exactly these mappings (an admin editing
 * it); `merge` adds them to what is saved, a new mapping of the same header (and table)
 * replacing the old one (an import that mapped a column once more).
 */
export async function saveProfile(db: Database, input: { authorityId: number; name: string; mappings: readonly HeaderMapping[]; actor: string; mode: "replace" | "merge" }): Promise<HeaderMapping[]> {
  const name = input.name.trim();
  if (name === "") throw new AppError("profile.bad_name", "an import profile needs a name");
  return db.knex.transaction(async (trx) => {
    const existing = await findImportProfile(trx, input.authorityId, name);
    const sameTarget = (a: HeaderMapping, b: HeaderMapping): boolean => compact(a.header) === compact(b.header) && a.table === b.table;
    const kept = input.mode === "merge" ? (existing?.mappings ?? []).filter((old) => !input.mappings.some((m) => sameTarget(old, m))) : [];
    const mappings = [...kept, ...input.mappings];
    await saveImportProfile(trx, input.authorityId, name, mappings, input.actor);
    await appendAuditLog(trx, {
      authorityId: input.authorityId, actor: input.actor, action: existing ? "update" : "create", entity: "import profile", entityId: name,
      before: existing ? { mappings: existing.mappings } : null, after: { mappings },
    });
    return mappings;
  });
}

export async function removeProfile(db: Database, authorityId: number, name: string, actor: string): Promise<void> {
  await db.knex.transaction(async (trx) => {
    const existing = await findImportProfile(trx, authorityId, name);
    if (!existing || !(await deleteImportProfile(trx, authorityId, name))) throw new AppError("profile.unknown", `there is no import profile "${name}"`);
    await appendAuditLog(trx, { authorityId, actor, action: "delete", entity: "import profile", entityId: name, before: { mappings: existing.mappings }, after: null });
  });
}
