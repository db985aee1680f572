import type { Knex } from "knex";

// Issues 23 and 24 landed side by side; this gives the tables issue 24 (the work queue) and the
// consortium part of issue 23 added the row-level security of migration 2301:
// - audit_run_parts hold one council's run figures through their audit run: like invoice_lines,
//   they get an authority_id copied from the parent by a trigger, and the same FORCEd equality
//   policy, so a queued part run for one council can neither see nor record another's.
// - consortium_members (which councils belong to which consortium) is shared by design, like
//   authorities: every member and the consortium analyst need it, and it says nothing about a
//   child (src/db/tenancy.ts SHARED_AUTHORITY_TABLES). consortia, framework_contracts and
//   framework_rates are a consortium's agreed prices, shared by its members by definition
//   (DATA.md "Authorities and consortia") and carry no authority.
// - original_files (received originals by content hash) has no authority either: the same bytes
//   received by two councils are kept once, and a council reaches a file only through its own
//   received_files row, which row-level security filters.
const CURRENT_AUTHORITY = "nullif(current_setting('app.authority_id', true), '')::integer";

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`alter table audit_run_parts add column authority_id integer references authorities (id)`);
  await knex.raw(`update audit_run_parts p set authority_id = r.authority_id from audit_runs r where r.id = p.run_id`);
  await knex.raw(`alter table audit_run_parts alter column authority_id set not null`);
  await knex.raw(`
    create function audit_run_parts_authority_from_parent() returns trigger language plpgsql as $$
    begin
      new.authority_id := (select authority_id from audit_runs where id = new.run_id);
      return new;
    end $$`);
  await knex.raw(`create trigger audit_run_parts_authority before insert or update of run_id, authority_id on audit_run_parts for each row execute function audit_run_parts_authority_from_parent()`);
  await knex.raw(`alter table audit_run_parts enable row level security`);
  await knex.raw(`alter table audit_run_parts force row level security`);
  await knex.raw(`create policy authority_isolation on audit_run_parts using (authority_id = ${CURRENT_AUTHORITY}) with check (authority_id = ${CURRENT_AUTHORITY})`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`drop policy if exists authority_isolation on audit_run_parts`);
  await knex.raw(`alter table audit_run_parts no force row level security`);
  await knex.raw(`alter table audit_run_parts disable row level security`);
  await knex.raw(`drop trigger if exists audit_run_parts_authority on audit_run_parts`);
  await knex.raw(`drop function if exists audit_run_parts_authority_from_parent()`);
  await knex.raw(`alter table audit_run_parts drop column authority_id`);
}
