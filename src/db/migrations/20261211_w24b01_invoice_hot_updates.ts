import type { Knex } from "knex";

// Issue 24: an audit updates every invoice it audits (notes, audit time, review status), and each
// update was a new row version in all ten of the invoices' indexes. PostgreSQL can instead update a
// row "HOT" (heap-only: no index entry at all) when no indexed column changes and the page has room
// for the new version. Two things stood in the way, and this migration removes both:
// - `status` was in an index: the predicate of invoices_to_verify (the keying queue). It is replaced
//   by the same index over the invoices with uncertain values, which are exactly the invoices to
//   verify: an invoice is stored as to_verify when and only when it is read with uncertain values
//   (invoice.repository.ts), and verifying it clears both (keying.repository.ts). A check
//   constraint now keeps that true, so the keying queue, which asks for both, loses no invoice.
// - A page full of invoices has no room: the invoices are now stored half a page apart
//   (fillfactor 50), so each page keeps room for one new version of every row on it, and a later
//   update finds the room its dead versions leave (PostgreSQL prunes them on the page). Applies to
//   pages written from now on (VACUUM FULL invoices rewrites the old ones).
// At 1M lines this took about 2 s of the server's 11 s of CPU in an audit (bench/README.md, step 13).
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`alter table invoices add constraint invoices_to_verify_uncertain check ((status = 'to_verify') = (uncertain_fields <> '[]'::jsonb))`);
  await knex.raw(`drop index invoices_to_verify`);
  await knex.raw(`create index invoices_to_verify on invoices (authority_id, received_at) where uncertain_fields <> '[]'::jsonb`);
  await knex.raw(`alter table invoices set (fillfactor = 50)`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`alter table invoices reset (fillfactor)`);
  await knex.raw(`drop index invoices_to_verify`);
  await knex.raw(`create index invoices_to_verify on invoices (authority_id, received_at) where status = 'to_verify'`);
  await knex.raw(`alter table invoices drop constraint invoices_to_verify_uncertain`);
}
