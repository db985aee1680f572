import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Capture } from "../support/cli.js";
import { main } from "../../src/cli/main.js";
import { openDatabase } from "../../src/db/connection.js";
import { migrateLatest } from "../../src/db/migrate.js";
import { createTestDatabaseUrl, freshDataDir, usingPostgres } from "../support/db.js";
import { seedReview } from "./web-seed.js";

/** `findings` and `invoices` with --provider; findings with their id, invoice date, line, recovered and outstanding amounts. */
async function cli(...argv: string[]): Promise<{ code: number; out: string }> {
  const stdout = new Capture();
  const code = await main(argv, { stdout, stderr: new Capture() });
  return { code, out: stdout.text };
}

const saved = { DATA_DIR: process.env.DATA_DIR, DATABASE_URL: process.env.DATABASE_URL, LOG_LEVEL: process.env.LOG_LEVEL };
let drop: () => Promise<void> = () => Promise.resolve();
let ids: Awaited<ReturnType<typeof seedReview>>;

beforeAll(async () => {
  const dataDir = freshDataDir("findings-cli");
  let databaseUrl: string | null = null;
  if (usingPostgres()) {
    const created = await createTestDatabaseUrl();
    databaseUrl = created.url;
    drop = created.drop;
  }
  Object.assign(process.env, { DATA_DIR: dataDir, DATABASE_URL: databaseUrl ?? "", LOG_LEVEL: "error" });
  const db = await openDatabase({ databaseUrl, dataDir });
  await migrateLatest(db.knex);
  ids = await seedReview(db, dataDir);
  // £40.00 of the £100.00 arithmetic error recovered: £60.00 outstanding. The extra rate dismissed: nothing outstanding.
  await db.knex("findings").where({ id: ids.findings.arithmetic }).update({ status: "recovered", recovered_amount: "40.00", recovered_on: "2026-11-03" });
  await db.knex("findings").where({ id: ids.findings.extraRate }).update({ status: "dismissed", dismissed_reason: "agreed" });
  await db.close();
});

afterAll(async () => {
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  await drop();
});

describe("findings and invoices by provider", () => {
  it("prints one provider's findings with id, invoice date, line, recovered and outstanding", async () => {
    const { code, out } = await cli("findings", "--provider", "P1", "--format", "csv");
    expect(code).toBe(0);
    const rows = parse<Record<string, string>>(out, { columns: true });
    expect(out.split("\r\n")[0]).toBe("provider_id,invoice_number,child_ref,rule,category,amount,status,explanation,id,invoice_date,line,recovered_amount,outstanding");
    expect(rows.map((r) => [r.id, r.invoice_date, r.line, r.amount, r.recovered_amount, r.outstanding])).toEqual([
      [ids.findings.arithmetic, "2026-10-31", "1", "100.00", "40.00", "60.00"],
      [ids.findings.extraRate, "2026-10-31", "2", "100.00", "0.00", "0.00"],
      // Still open: at risk, not yet owed (only confirmed and recovered findings are owed).
      [ids.findings.extraQuantity, "2026-10-31", "2", "137.14", "0.00", "0.00"],
    ]);
    const json = JSON.parse((await cli("findings", "--provider", "P2", "--format", "json")).out) as { invoice_number: string; line: number }[];
    expect(json.map((f) => [f.invoice_number, f.line])).toEqual([["INV-2001", 0]]);
    const table = (await cli("findings", "--provider", "P1")).out;
    expect(table).toContain("£60.00");
    expect(table.trim().split("\n").at(-1)).toBe("3 finding(s)");
  });

  it("prints one provider's invoices", async () => {
    const json = JSON.parse((await cli("invoices", "--provider", "P2", "--format", "json")).out) as { invoice_number: string }[];
    expect(json.map((i) => i.invoice_number)).toEqual(["INV-2001", "INV-2002"]);
    expect(JSON.parse((await cli("invoices", "--provider", "nobody", "--format", "json")).out)).toEqual([]);
  });
});
