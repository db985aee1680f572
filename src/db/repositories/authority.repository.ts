import type { Knex } from "knex";

/** An authorities row. */
export interface AuthorityRow {
  id: number;
  name: string;
}

export async function listAuthorities(knex: Knex): Promise<AuthorityRow[]> {
  return knex<AuthorityRow>("authorities").orderBy("id").select("id", "name");
}

export async function authorityName(knex: Knex, authorityId: number): Promise<string | null> {
  const row: Pick<AuthorityRow, "name"> | undefined = await knex<AuthorityRow>("authorities").where({ id: authorityId }).first("name");
  return row?.name ?? null;
}

/** Renames the authority if it still has `from` as its name (someone may have named it already). */
export async function renameAuthorityFrom(knex: Knex, authorityId: number, from: string, to: string): Promise<void> {
  await knex("authorities").where({ id: authorityId, name: from }).update({ name: to });
}
