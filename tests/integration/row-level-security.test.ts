import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { forAuthority, tenantless, type Database } from "../../src/db/connection.js";
import { addAuthority } from "../../src/db/repositories/authority.repository.js";
import { APP_ROLE, SHARED_AUTHORITY_TABLES } from "../../src/db/tenancy.js";
import { createUser } from "../../src/services/users/users.js";
import { openTestDatabase, type TestDatabase } from "../support/db.js";
import { PASSWORD, seedReview } from "./web-seed.js";

// Issue 23: the database itself keeps councils apart (row-level security keyed on
// app.authority_id, the app working as a role that cannot bypass it). Runs on PGlite and on
// real PostgreSQL alike.
let t: TestDatabase;
let north: number;

/** Every table of the schema with an authority_id column: a table added later cannot be forgotten. */
async function authorityTables(db: Database): Promise<string[]> {
  const result = await db.knex.raw<{ rows: { table_name: string }[] }>(
    `select table_name from information_schema.columns where table_schema = current_schema() and column_name = 'authority_id' order by table_name`,
  );
  return result.rows.map((r) => r.table_name);
}

/** Tables whose rows belong to one council: every authority_id table but the shared ones. */
async function tenantTables(db: Database): Promise<string[]> {
  return (await authorityTables(db)).filter((table) => !SHARED_AUTHORITY_TABLES.includes(table));
}

async function count(db: Database, table: string, authorityId?: number): Promise<number> {
  const query = db.knex(table).count<{ n: string }[]>({ n: "*" });
  if (authorityId !== undefined) void query.where({ authority_id: authorityId });
  const [row] = await query;
  return Number(row?.n ?? 0);
}

beforeAll(async () => {
  t = await openTestDatabase();
  north = await addAuthority(t.db.knex, { code: "north", name: "North Council" });
  // The same review data for both councils, each written through its own scoped handle (the
  // default authority_id is the session's), and a user, a note and a decision each.
  for (const [authorityId, username] of [[1, "rls-a"], [north, "rls-b"]] as const) {
    const scoped = forAuthority(t.db, authorityId);
    const seeded = await seedReview(scoped, t.dataDir);
    const user = await createUser(scoped, { authorityId, username, password: PASSWORD, role: "finance_officer" }, "test");
    await scoped.knex("finding_notes").insert({ authority_id: authorityId, finding_id: seeded.findings.arithmetic, user_id: user.id, text: `note of ${username}` });
    await scoped.knex("finding_decisions").insert({ finding_id: seeded.findings.arithmetic, user_id: user.id, action: "confirm", decided_on: "2026-11-10" });
    await scoped.knex("import_profiles").insert({ name: `profile ${username}`, mappings: JSON.stringify([]), updated_by: username });
  }
});

afterAll(async () => {
  await t?.dispose();
});

describe("row-level security", () => {
  it("is FORCEd with a policy on every table that holds a council's rows (found from the schema, not a list)", async () => {
    const tables = await tenantTables(t.db);
    // The child tables took an authority_id of their own (from their parent).
    expect(tables).toEqual(expect.arrayContaining(["invoices", "invoice_lines", "findings", "finding_decisions", "finding_notes", "users", "audit_log", "placements"]));
    const result = await t.db.knex.raw<{ rows: { relname: string; relrowsecurity: boolean; relforcerowsecurity: boolean; policies: string }[] }>(
      `select c.relname, c.relrowsecurity, c.relforcerowsecurity, (select count(*) from pg_policies p where p.schemaname = current_schema() and p.tablename = c.relname) as policies
         from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = current_schema() and c.relname = any(?)`,
      [tables],
    );
    const unprotected = result.rows.filter((r) => !r.relrowsecurity || !r.relforcerowsecurity || Number(r.policies) === 0).map((r) => r.relname);
    expect(unprotected).toEqual([]);
    expect(result.rows.length).toBe(tables.length);
  });

  it("every other table is shared by design and has no council's child data hanging off a council's row without a policy", async () => {
    // A table with a foreign key to a council's table must have an authority_id (and so a policy) itself.
    const tenant = await tenantTables(t.db);
    const result = await t.db.knex.raw<{ rows: { child: string; parent: string }[] }>(
      `select distinct tc.table_name as child, ccu.table_name as parent
         from information_schema.table_constraints tc
         join information_schema.constraint_column_usage ccu on ccu.constraint_name = tc.constraint_name and ccu.table_schema = tc.table_schema
        where tc.constraint_type = 'FOREIGN KEY' and tc.table_schema = current_schema()`,
    );
    const unguardedChildren = result.rows.filter((r) => tenant.includes(r.parent) && !tenant.includes(r.child) && !SHARED_AUTHORITY_TABLES.includes(r.child)).map((r) => `${r.child} → ${r.parent}`);
    expect(unguardedChildren).toEqual([]);
  });

  it("the app's role is no superuser, cannot bypass row-level security and owns no table", async () => {
    const role = await t.db.knex.raw<{ rows: { rolsuper: boolean; rolbypassrls: boolean; rolcanlogin: boolean }[] }>(`select rolsuper, rolbypassrls, rolcanlogin from pg_roles where rolname = ?`, [APP_ROLE]);
    expect(role.rows).toEqual([{ rolsuper: false, rolbypassrls: false, rolcanlogin: false }]);
    const owned = await t.db.knex.raw<{ rows: unknown[] }>(`select tablename from pg_tables where schemaname = current_schema() and tableowner = ?`, [APP_ROLE]);
    expect(owned.rows).toEqual([]);
    const who = await forAuthority(t.db, 1).knex.raw<{ rows: { current_user: string }[] }>("select current_user");
    expect(who.rows[0]?.current_user).toBe(APP_ROLE);
  });

  it("with the app's role and no authority set, every council's table reads as empty (though both councils have rows)", async () => {
    const none = tenantless(t.db);
    for (const table of await tenantTables(t.db)) {
      expect(await count(none, table), table).toBe(0);
    }
    // The same with the setting empty, or set by hand to nothing.
    await none.knex.transaction(async (trx) => {
      await trx.raw("select set_config('app.authority_id', '', true)");
      expect(Number((await trx("invoices").count<{ n: string }[]>({ n: "*" }))[0]?.n)).toBe(0);
    });
    // Seeded: the owner sees rows of both councils in the main tables.
    for (const table of ["invoices", "invoice_lines", "findings", "finding_notes", "finding_decisions", "users", "audit_log", "received_files", "import_profiles"]) {
      expect(await count(t.db, table, 1), table).toBeGreaterThan(0);
      expect(await count(t.db, table, north), table).toBeGreaterThan(0);
    }
  });

  it("with an authority set, exactly that council's rows", async () => {
    for (const authorityId of [1, north]) {
      const scoped = forAuthority(t.db, authorityId);
      for (const table of await tenantTables(t.db)) {
        expect(await count(scoped, table), `${table} for ${authorityId}`).toBe(await count(t.db, table, authorityId));
        expect(await count(scoped, table, authorityId === 1 ? north : 1), `${table}: the other council's rows`).toBe(0);
      }
    }
  });

  it("refuses to write a row for another council, and cannot reach or change the other's rows", async () => {
    const a = forAuthority(t.db, 1);
    await expect(a.knex("contracts").insert({ authority_id: north, contract_id: "SNEAK", provider_id: "P1", title: "T", start_date: "2026-01-01" })).rejects.toThrow(/row-level security/);
    // A line for the other council's invoice: its parent is invisible, so the line has no authority and is refused.
    const northInvoice = await t.db.knex("invoices").where({ authority_id: north }).first<{ id: string }>("id");
    await expect(a.knex("invoice_lines").insert({ invoice_id: northInvoice?.id, line_no: 99, description: "sneak", item: "placement", amount: "1.00" })).rejects.toThrow();
    // Updates and deletes of the other's rows touch nothing.
    expect(await a.knex("findings").where({ authority_id: north }).update({ status: "dismissed" })).toBe(0);
    expect(await a.knex("finding_notes").where({ authority_id: north }).del()).toBe(0);
    expect(await a.knex("authorities").where({ id: north }).update({ name: "Renamed by a neighbour" })).toBe(0);
    expect(await a.knex("authorities").where({ id: 1 }).update({ name: "The council" })).toBe(1);
    // Setting the authority by hand inside a transaction is the only way across, and the app never does it.
    const tenantless_ = tenantless(t.db);
    await expect(tenantless_.knex("invoices").insert({ file_id: null, provider_id: "P1", invoice_number: "X", invoice_date: "2026-10-31", subtotal: "1.00", vat: "0.00", total: "1.00", status: "awaiting_review" })).rejects.toThrow();
  });

  it("the sign-in door answers only which user and council a username is", async () => {
    const none = tenantless(t.db);
    const result = await none.knex.raw<{ rows: Record<string, unknown>[] }>("select * from app_sign_in_user('rls-b')");
    expect(result.rows).toHaveLength(1);
    expect(Object.keys(result.rows[0] ?? {}).sort()).toEqual(["authority_id", "user_id"]);
    expect(result.rows[0]?.authority_id).toBe(north);
  });

  it("a finding belongs to its invoice's council: the schema refuses one naming another council's invoice, even for the owner", async () => {
    // Findings reference invoices by (authority_id, invoice_id) (migration 20261210_w2401): row-level
    // security guards the app's role, and this key guards every writer, the owner included.
    const invoice = await t.db.knex<{ id: string; provider_id: string; authority_id: number }>("invoices").where({ authority_id: 1 }).first("id", "provider_id");
    if (!invoice) throw new Error("the seeded council has no invoice");
    const finding = { invoice_id: invoice.id, line_no: 99, rule: "arithmetic-error", category: "errors", provider_id: invoice.provider_id, amount: "1.00", charged: "2.00", expected: "1.00", explanation: "test" };
    await expect(t.db.knex("findings").insert({ ...finding, authority_id: north })).rejects.toThrow(/findings_invoice_authority_foreign/);
    // The same finding for the invoice's own council is accepted (then removed again).
    const [stored] = await t.db.knex("findings").insert({ ...finding, authority_id: 1 }).returning<{ id: string }[]>("id");
    expect(stored?.id).toBeDefined();
    await t.db.knex("findings").where({ id: stored?.id }).del();
  });
});
