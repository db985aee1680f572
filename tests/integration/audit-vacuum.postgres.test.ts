import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Knex } from "knex";
import { forAuthority } from "../../src/db/connection.js";
import { runAudit } from "../../src/services/audit/run-audit.js";
import { openTestDatabase, type TestDatabase } from "../support/db.js";
import { seedIfaPlacement, seedInvoice } from "../support/seed.js";

// After a large audit, findings and invoices are vacuumed and analysed (run-audit.ts). The app
// audits through a handle in the app's role (src/db/tenancy.ts), which does not own the tables:
// PostgreSQL then skips them with a warning, not an error, so the vacuum silently did nothing
// until it was run through the owner's handle.
async function vacuumCounts(knex: Knex): Promise<Record<string, number>> {
  await knex.raw("select pg_stat_clear_snapshot()");
  const rows = (await knex.raw<{ rows: { relname: string; vacuum_count: string }[] }>("select relname, vacuum_count from pg_stat_user_tables where relname in ('findings', 'invoices') and schemaname = current_schema()")).rows;
  return Object.fromEntries(rows.map((row) => [row.relname, Number(row.vacuum_count)]));
}

describe("the vacuum after a large audit on PostgreSQL", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase();
    await seedIfaPlacement(t.db.knex);
    await seedInvoice(t.db.knex, {
      provider_id: "P1",
      invoice_number: "INV-V1",
      invoice_date: "2026-11-02",
      total: "4061.00",
      lines: [{ child_ref: "C1001", description: "Fostering fee", item: "placement", from_date: "2026-10-01", to_date: "2026-10-31", quantity: "31", unit: "night", unit_rate: "131.00", amount: "4061.00" }],
    });
  });
  afterAll(async () => {
    await t.dispose();
  });

  it("is skipped, with only a warning, when asked in the app's role (why it is run as the owner)", async () => {
    const before = await vacuumCounts(t.db.knex);
    await forAuthority(t.db, 1).knex.raw("vacuum (analyze) findings, invoices");
    expect(await vacuumCounts(t.db.knex)).toEqual(before);
  });

  it("runs when an audit through the app's handle reaches the threshold", async () => {
    const before = await vacuumCounts(t.db.knex);
    expect(Object.keys(before).sort()).toEqual(["findings", "invoices"]);
    const result = await runAudit(forAuthority(t.db, 1), { authorityId: 1, scope: { kind: "all" }, tidyAfterLines: 1 });
    expect(result.linesAudited).toBe(1);
    const after = await vacuumCounts(t.db.knex);
    expect(after.findings).toBe((before.findings ?? 0) + 1);
    expect(after.invoices).toBe((before.invoices ?? 0) + 1);
  });
});
