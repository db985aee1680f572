import type { Knex } from "knex";
import { TABLES, type ReferenceRow } from "../../reference/tables.js";
import { loadOwnedRows } from "./reference.repository.js";

/**
 * Consortia (migration 2351): groups of authorities that agreed framework contracts together.
 * Framework rows are owned by the consortium; reading another member's rows is never done
 * here (the benchmark is the SECURITY DEFINER function of consortium-benchmark.query.ts).
 */
export interface ConsortiumRow {
  id: number;
  code: string;
  name: string;
}

export async function consortiumByCode(knex: Knex, code: string): Promise<ConsortiumRow | null> {
  const row: ConsortiumRow | undefined = await knex("consortia").where({ code }).first("id", "code", "name");
  return row ? { ...row, id: Number(row.id) } : null;
}

/** Adds a consortium (its code is unique); returns its id. */
export async function addConsortium(knex: Knex, consortium: { code: string; name: string }): Promise<number> {
  const [row] = await knex("consortia").insert(consortium).returning<{ id: number }[]>("id");
  if (!row) throw new Error("inserting a consortium returned no id");
  return Number(row.id);
}

/** Makes an authority a member (again is harmless). */
export async function addConsortiumMember(knex: Knex, consortiumId: number, authorityId: number): Promise<void> {
  await knex("consortium_members").insert({ consortium_id: consortiumId, authority_id: authorityId }).onConflict(["consortium_id", "authority_id"]).ignore();
}

export async function consortiumMemberIds(knex: Knex | Knex.Transaction, consortiumId: number): Promise<number[]> {
  const rows: { authority_id: number }[] = await knex("consortium_members").where({ consortium_id: consortiumId }).orderBy("authority_id").select("authority_id");
  return rows.map((row) => Number(row.authority_id));
}

/** The consortia an authority belongs to, by name. */
export async function consortiaOf(knex: Knex, authorityId: number): Promise<ConsortiumRow[]> {
  const rows: ConsortiumRow[] = await knex("consortia as c")
    .join("consortium_members as m", "m.consortium_id", "c.id")
    .where("m.authority_id", authorityId)
    .orderBy("c.name")
    .select("c.id", "c.code", "c.name");
  return rows.map((row) => ({ ...row, id: Number(row.id) }));
}

/** The framework contracts of every consortium the authority belongs to, as contracts rows (DATA.md columns). */
export async function frameworkContractsOf(knex: Knex, authorityId: number): Promise<ReferenceRow[]> {
  const rows: ReferenceRow[] = [];
  for (const consortium of await consortiaOf(knex, authorityId)) {
    rows.push(...(await loadOwnedRows(knex, TABLES.contracts, { table: "framework_contracts", column: "consortium_id", id: consortium.id })).values());
  }
  return rows;
}
