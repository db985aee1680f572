import type { Knex } from "knex";

/** An authorities row. */
export interface AuthorityRow {
  id: number;
  name: string;
}

/** Every council in the deployment, with its code, in id order (the authorities table is shared: no authority needed). */
export async function listAuthorities(knex: Knex): Promise<(AuthorityRow & { code: string })[]> {
  return knex("authorities").orderBy("id").select("id", "code", "name");
}

/** An authority by its code (`authorities add CODE`, `--authority CODE`); null when there is none. */
export async function authorityByCode(knex: Knex, code: string): Promise<(AuthorityRow & { code: string }) | null> {
  const row: (AuthorityRow & { code: string }) | undefined = await knex("authorities").where({ code }).first("id", "code", "name");
  return row ?? null;
}

/** Adds a council to the deployment; returns its id. The code is unique (a second add of the same code is refused by the database). */
export async function addAuthority(knex: Knex, authority: { code: string; name: string }): Promise<number> {
  const [row] = await knex("authorities").insert(authority).returning<{ id: number }[]>("id");
  if (!row) throw new Error("inserting an authority returned no id");
  return Number(row.id);
}

export async function authorityName(knex: Knex, authorityId: number): Promise<string | null> {
  const row: Pick<AuthorityRow, "name"> | undefined = await knex<AuthorityRow>("authorities").where({ id: authorityId }).first("name");
  return row?.name ?? null;
}

/** Renames the authority if it still has `from` as its name (someone may have named it already). */
export async function renameAuthorityFrom(knex: Knex, authorityId: number, from: string, to: string): Promise<void> {
  await knex("authorities").where({ id: authorityId, name: from }).update({ name: to });
}

/** What the authority says about itself to providers and in links (migration 2601). */
export interface AuthoritySettingsRow {
  name: string;
  address: string | null;
  contact_name: string | null;
  contact_email: string | null;
  contact_phone: string | null;
  query_reply_days: number;
  public_url: string | null;
}

const SETTINGS_COLUMNS = ["name", "address", "contact_name", "contact_email", "contact_phone", "query_reply_days", "public_url"] as const;

export async function authoritySettings(knex: Knex, authorityId: number): Promise<AuthoritySettingsRow | null> {
  const row: AuthoritySettingsRow | undefined = await knex("authorities").where({ id: authorityId }).first(...SETTINGS_COLUMNS);
  return row ? { ...row, query_reply_days: Number(row.query_reply_days) } : null;
}

export async function updateAuthoritySettings(knex: Knex, authorityId: number, changes: Partial<AuthoritySettingsRow>): Promise<void> {
  if (Object.keys(changes).length === 0) return;
  await knex("authorities").where({ id: authorityId }).update(changes);
}

/** Sets the address and contact only where none is set yet (the demo's letterhead). */
export async function fillAuthorityContactIfUnset(knex: Knex, authorityId: number, contact: Pick<AuthoritySettingsRow, "address" | "contact_email" | "contact_phone">): Promise<void> {
  await knex("authorities").where({ id: authorityId }).whereNull("address").whereNull("contact_email").whereNull("contact_phone").update(contact);
}
