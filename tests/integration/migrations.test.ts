import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateDownAll, migrateLatest } from "../../src/db/migrate.js";
import { openTestDatabase, type TestDatabase } from "../support/db.js";

const EXPECTED_TABLES = [
  "absences", "audit_log", "audit_runs", "authorities", "contracts", "discounts", "finding_decisions", "findings",
  "invoice_lines", "invoices", "packages", "placement_fees", "placements", "providers", "rates", "received_files",
  "import_profiles", "sessions", "users",
];

/** Every migration file in src/db/migrations, by name: each must be listed in its index.ts and applied, in order. */
const MIGRATION_FILES = fs
  .readdirSync(path.resolve(import.meta.dirname, "../../src/db/migrations"))
  // 20261129_0001_authorities, or 20261210_w2401_… / 20261210_q24c01_… (work done on a branch carries its name, so names never clash).
  .filter((name) => /^\d{8}_[a-z0-9]+_[a-z0-9_]+\.ts$/.test(name))
  .map((name) => name.replace(/\.ts$/, ""))
  .sort();

async function tables(t: TestDatabase): Promise<string[]> {
  const result = await t.db.knex.raw<{ rows: { table_name: string }[] }>(
    `select table_name from information_schema.tables where table_schema = current_schema() and table_name not like 'knex_%' order by table_name`,
  );
  return result.rows.map((r) => r.table_name);
}

describe("migrations", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase({ migrate: false });
  });
  afterAll(async () => {
    await t.dispose();
  });

  it("migrate up, down and up again on a fresh database", async () => {
    expect(await tables(t)).toEqual([]);
    const applied = await migrateLatest(t.db.knex);
    expect(MIGRATION_FILES.length).toBeGreaterThan(0);
    expect(applied).toEqual(MIGRATION_FILES);
    const afterUp = await tables(t);
    expect(afterUp).toEqual(expect.arrayContaining(EXPECTED_TABLES));
    await migrateDownAll(t.db.knex);
    expect(await tables(t)).toEqual([]);
    await migrateLatest(t.db.knex);
    expect(await tables(t)).toEqual(afterUp);
  });

  it("returns numerics as strings and dates as YYYY-MM-DD strings", async () => {
    await t.db.knex("providers").insert({ provider_id: "P1", name: "Oak", kind: "ifa" });
    await t.db.knex("contracts").insert({ contract_id: "C1", provider_id: "P1", title: "T", start_date: "2026-01-01", absence_retainer_pct: "80" });
    const row: { start_date: unknown; absence_retainer_pct: unknown } | undefined = await t.db.knex("contracts").first("start_date", "absence_retainer_pct");
    expect(row?.start_date).toBe("2026-01-01");
    expect(row?.absence_retainer_pct).toBe("80.0000");
  });

  it("refuses rows that break the invariants (CHECK constraints)", async () => {
    await expect(
      t.db.knex("contracts").insert({ contract_id: "C2", provider_id: "P1", title: "T", start_date: "2026-02-01", end_date: "2026-01-01" }),
    ).rejects.toThrow(/contracts_dates_check/);
  });

  it("keeps the audit log append-only: UPDATE and DELETE fail", async () => {
    await t.db.knex("audit_log").insert({ actor: "test", action: "create", entity: "thing", entity_id: "1" });
    await expect(t.db.knex("audit_log").update({ actor: "someone else" })).rejects.toThrow(/append-only/);
    await expect(t.db.knex("audit_log").del()).rejects.toThrow(/append-only/);
    const count = (await t.db.knex("audit_log").count<{ count: string }[]>("* as count"))[0]?.count;
    expect(count).toBe("1");
  });
});
