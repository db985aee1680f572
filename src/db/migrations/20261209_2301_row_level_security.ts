import type { Knex } from "knex";

// Issue 23: several councils in one database, kept apart by the database itself.
//
// - The application's role, placement_audit_app: NOLOGIN, not a superuser, owns nothing, no
//   BYPASSRLS. The app connects as whoever DATABASE_URL names (often a superuser; PGlite always
//   is) and switches to this role for all its work (src/db/tenancy.ts). Roles belong to the
//   cluster, not the database, so it is created only when missing (tests make many databases in
//   one cluster, concurrently).
// - Row-level security, FORCEd, on every table that holds one authority's rows: the policy is a
//   plain equality between authority_id (the leading column of each table's indexes) and the
//   per-connection setting app.authority_id, which current_setting reads as a stable value the
//   planner can use in an index condition. Unset or empty, the setting matches no row: a
//   tenant-less query sees nothing. WITH CHECK is the same test, so a row of another authority
//   cannot be written either.
// - invoice_lines and finding_decisions hold a council's data through their parent: they get an
//   authority_id of their own, always copied from the parent by a trigger (the parent is itself
//   filtered, so a line for another council's invoice finds no parent and is refused), which
//   keeps their policy the same cheap equality as the rest (the audit reads lines in bulk).
// - Shared by design: authorities (codes and names: `--authority` and the sign-in header need
//   them; a council may change only its own row), providers and provider_templates (one provider across a consortium, its
//   aliases and layout shared; DATA.md "Authorities and consortia"), sessions and
//   sign_in_throttles (keyed by session id / username, read before anyone's authority is
//   known), scheduler_workers (process liveness), knex's migration tables.
// - Sign-in needs a user before their authority is known: two SECURITY DEFINER functions
//   answer only "which user and authority is this username / session's user id", nothing else.
// - Usernames become unique across the deployment: the sign-in form has no council field.
export const APP_ROLE = "placement_audit_app";

/** Every table holding one authority's rows in an authority_id column (src/db/tenancy.ts lists the same). */
const TENANT_TABLES = [
  "absences", "audit_log", "audit_runs", "contracts", "discounts", "finding_notes", "findings", "import_profiles", "invoices",
  "packages", "placement_fees", "placements", "rates", "received_files", "scheduled_slots", "users",
] as const;

/** Child tables that take their authority from their parent row. */
const CHILD_TABLES = [
  { table: "invoice_lines", parent: "invoices", key: "invoice_id" },
  { table: "finding_decisions", parent: "findings", key: "finding_id" },
] as const;

const CURRENT_AUTHORITY = "nullif(current_setting('app.authority_id', true), '')::integer";

async function createRole(knex: Knex): Promise<void> {
  // Concurrent migrations of other databases in the cluster may create it at the same moment.
  await knex.raw(`
    do $$
    begin
      if not exists (select 1 from pg_roles where rolname = '${APP_ROLE}') then
        begin
          create role ${APP_ROLE} nologin nosuperuser nocreatedb nocreaterole noinherit nobypassrls;
        exception when duplicate_object or unique_violation then null;
        end;
      end if;
    end $$`);
  // A migrating role that is not a superuser must be a member to SET ROLE to it.
  await knex.raw(`
    do $$
    begin
      if not (select rolsuper from pg_roles where rolname = current_user) and not pg_has_role(current_user, '${APP_ROLE}', 'member') then
        execute format('grant ${APP_ROLE} to %I', current_user);
      end if;
    end $$`);
}

export async function up(knex: Knex): Promise<void> {
  await createRole(knex);
  await knex.raw(`grant usage on schema public to ${APP_ROLE}`);
  await knex.raw(`grant select, insert, update, delete on all tables in schema public to ${APP_ROLE}`);
  await knex.raw(`grant usage, select on all sequences in schema public to ${APP_ROLE}`);
  // Tables later migrations create are granted too (they still need a policy: tests/integration/row-level-security.test.ts fails until they have one).
  await knex.raw(`alter default privileges in schema public grant select, insert, update, delete on tables to ${APP_ROLE}`);
  await knex.raw(`alter default privileges in schema public grant usage, select on sequences to ${APP_ROLE}`);
  // The app never needs the migrations' bookkeeping.
  await knex.raw(`revoke all on knex_migrations, knex_migrations_lock from ${APP_ROLE}`);

  for (const { table, parent, key } of CHILD_TABLES) {
    await knex.raw(`alter table ?? add column authority_id integer references authorities (id)`, [table]);
    await knex.raw(`update ?? c set authority_id = p.authority_id from ?? p where p.id = c.??`, [table, parent, key]);
    await knex.raw(`alter table ?? alter column authority_id set not null`, [table]);
    await knex.raw(`
      create function ${table}_authority_from_parent() returns trigger language plpgsql as $$
      begin
        new.authority_id := (select authority_id from ${parent} where id = new.${key});
        return new;
      end $$`);
    await knex.raw(`create trigger ${table}_authority before insert or update of ${key}, authority_id on ${table} for each row execute function ${table}_authority_from_parent()`);
  }

  for (const table of [...TENANT_TABLES, ...CHILD_TABLES.map((c) => c.table)]) {
    // A row written without an authority belongs to the session's (the owner, unscoped, keeps the old default of 1).
    if (table !== "finding_notes" && !CHILD_TABLES.some((c) => c.table === table)) {
      await knex.raw(`alter table ?? alter column authority_id set default coalesce(${CURRENT_AUTHORITY}, 1)`, [table]);
    }
    await knex.raw(`alter table ?? enable row level security`, [table]);
    await knex.raw(`alter table ?? force row level security`, [table]);
    await knex.raw(`create policy authority_isolation on ?? using (authority_id = ${CURRENT_AUTHORITY}) with check (authority_id = ${CURRENT_AUTHORITY})`, [table]);
  }

  // The shared tables keyed by authority too: a row written without one is the session's council's.
  for (const table of ["providers", "provider_templates"]) {
    await knex.raw(`alter table ?? alter column authority_id set default coalesce(${CURRENT_AUTHORITY}, 1)`, [table]);
  }

  await knex.raw(`create unique index users_username_unique on users (username)`);

  // authorities is read by everyone (codes, names) and added to by `authorities add`, but a
  // council's own row (its name and contact details) is changed by that council alone.
  await knex.raw(`alter table authorities enable row level security`);
  await knex.raw(`alter table authorities force row level security`);
  await knex.raw(`create policy authorities_read on authorities for select using (true)`);
  await knex.raw(`create policy authorities_add on authorities for insert with check (true)`);
  await knex.raw(`create policy authorities_own_row on authorities for update using (id = ${CURRENT_AUTHORITY}) with check (id = ${CURRENT_AUTHORITY})`);
  await knex.raw(`create policy authorities_own_delete on authorities for delete using (id = ${CURRENT_AUTHORITY})`);

  // The narrow doors for sign-in and for loading a session's user, before an authority is set.
  await knex.raw(`
    create function app_sign_in_user(p_username text) returns table (user_id bigint, authority_id integer)
    language sql stable security definer set search_path = public, pg_temp as $$
      select id, authority_id from users where username = p_username
    $$`);
  await knex.raw(`
    create function app_user_authority(p_user_id bigint) returns integer
    language sql stable security definer set search_path = public, pg_temp as $$
      select authority_id from users where id = p_user_id
    $$`);
  for (const fn of ["app_sign_in_user(text)", "app_user_authority(bigint)"]) {
    await knex.raw(`revoke all on function ${fn} from public`);
    await knex.raw(`grant execute on function ${fn} to ${APP_ROLE}`);
  }
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`drop function if exists app_sign_in_user(text)`);
  await knex.raw(`drop function if exists app_user_authority(bigint)`);
  await knex.raw(`drop index if exists users_username_unique`);
  for (const table of ["providers", "provider_templates"]) await knex.raw(`alter table ?? alter column authority_id set default 1`, [table]);
  for (const policy of ["authorities_read", "authorities_add", "authorities_own_row", "authorities_own_delete"]) await knex.raw(`drop policy if exists ${policy} on authorities`);
  await knex.raw(`alter table authorities no force row level security`);
  await knex.raw(`alter table authorities disable row level security`);
  for (const table of [...TENANT_TABLES, ...CHILD_TABLES.map((c) => c.table)]) {
    await knex.raw(`drop policy if exists authority_isolation on ??`, [table]);
    await knex.raw(`alter table ?? no force row level security`, [table]);
    await knex.raw(`alter table ?? disable row level security`, [table]);
    if (table !== "finding_notes" && !CHILD_TABLES.some((c) => c.table === table)) {
      await knex.raw(`alter table ?? alter column authority_id set default 1`, [table]);
    }
  }
  for (const { table } of CHILD_TABLES) {
    await knex.raw(`drop trigger if exists ${table}_authority on ${table}`);
    await knex.raw(`drop function if exists ${table}_authority_from_parent()`);
    await knex.raw(`alter table ?? drop column authority_id`, [table]);
  }
  await knex.raw(`alter default privileges in schema public revoke all on tables from ${APP_ROLE}`);
  await knex.raw(`alter default privileges in schema public revoke all on sequences from ${APP_ROLE}`);
  await knex.raw(`revoke all on all tables in schema public from ${APP_ROLE}`);
  await knex.raw(`revoke all on all sequences in schema public from ${APP_ROLE}`);
  await knex.raw(`revoke all on schema public from ${APP_ROLE}`);
  // The role itself stays: it belongs to the cluster, and other databases may use it.
}
