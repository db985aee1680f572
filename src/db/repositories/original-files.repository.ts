import type { Knex } from "knex";

/**
 * Received originals kept in PostgreSQL (original_files): one row per content hash, whoever
 * received it. Used only on a PostgreSQL server (src/services/originals/originals.ts).
 */

/** Keeps the bytes unless that content is already kept (two workers storing one file at once both succeed). */
export async function keepOriginal(knex: Knex | Knex.Transaction, sha256: string, bytes: Uint8Array): Promise<void> {
  await knex.raw("insert into original_files (sha256, bytes, size_bytes) values (?, ?, ?) on conflict (sha256) do nothing", [sha256, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), bytes.byteLength]);
}

/** The bytes of a content, or null when none are kept. */
export async function readOriginal(knex: Knex | Knex.Transaction, sha256: string): Promise<Buffer | null> {
  const row = await knex("original_files").where({ sha256 }).first<{ bytes: Buffer } | undefined>("bytes");
  return row ? row.bytes : null;
}

export async function originalExists(knex: Knex | Knex.Transaction, sha256: string): Promise<boolean> {
  return (await knex("original_files").where({ sha256 }).first(knex.raw("1 as found"))) !== undefined;
}

/** Removes the bytes of a content no received file refers to (a file whose row could not be written). */
export async function forgetUnreferencedOriginal(knex: Knex | Knex.Transaction, sha256: string): Promise<void> {
  await knex.raw("delete from original_files o where o.sha256 = ? and not exists (select 1 from received_files r where r.sha256 = o.sha256)", [sha256]);
}
