import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { forAuthority, isPostgresServer } from "../../src/db/connection.js";
import { invoicesInAuditOrder, type StoredInvoice } from "../../src/db/repositories/audit.repository.js";
import { openTestDatabase, type TestDatabase } from "../support/db.js";
import { seedIfaPlacement, seedInvoice, type SeedLine } from "../support/seed.js";

// On a PostgreSQL server the audit reads each page's invoices and lines by COPY
// (src/db/copy-out.ts) instead of as rows and JSON built by the server: every value must arrive
// exactly as the JSON path gives it, whatever the text holds (COPY escapes tabs, newlines and
// backslashes) and whichever are NULL; a page's last invoice number, quoted into the next
// page's COPY statement (which takes no parameters), may hold quotes and backslashes.
const AWKWARD: SeedLine[] = [
  { child_ref: "C1001", description: "Fee\twith a tab", item: "placement", from_date: "2026-10-01", to_date: "2026-10-31", quantity: "31", unit: "night", unit_rate: "131.00", amount: "4061.00" },
  { child_ref: null, placement_ref: "PL\\1", description: "Two\nlines\r\nand a back\\slash \\N", item: "extra", quantity: "1.5", unit: "hour", unit_rate: "20.125", amount: "30.19" },
  { child_ref: "C1001", description: "Ünïcödé — £ ✓ 'quoted' \"double\"", item: "discount", from_date: null, to_date: null, quantity: null, unit: null, unit_rate: null, amount: "-12.50" },
  { child_ref: "C1001", description: "\\N", item: "placement", amount: "0.00" },
];

const INVOICE_NUMBERS = ["INV-1", "INV-2 O'Brien \\ 'quoted'", "INV-3", "INV-4\t", "INV-5"];

describe("reading invoices for the audit by COPY", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase();
    await seedIfaPlacement(t.db.knex);
    for (let i = 1; i <= 5; i++) {
      const id = await seedInvoice(t.db.knex, { provider_id: "P1", invoice_number: INVOICE_NUMBERS[i - 1] as string, invoice_date: `2026-11-0${i}`, total: "4091.19", lines: AWKWARD });
      // An invoice without lines: in the middle of a page.
      if (i === 3) await t.db.knex("invoice_lines").where({ invoice_id: id }).delete();
    }
    // Received to the microsecond, as the app stores it (the keyset compares it exactly).
    await t.db.knex.raw("update invoices set received_at = received_at + interval '0.987654 second' * id");
  });
  afterAll(async () => {
    await t.dispose();
  });

  const readAll = async (linesByCopy: boolean, pageSize: number): Promise<StoredInvoice[]> => {
    const knex = forAuthority(t.db, 1).knex;
    const invoices: StoredInvoice[] = [];
    for await (const page of invoicesInAuditOrder(knex, 1, "P1", null, { linesByCopy, pageSize })) for (const invoice of page.invoices()) invoices.push(invoice);
    return invoices;
  };

  it("is what the audit does on this server", () => {
    expect(isPostgresServer(t.db.knex)).toBe(true);
    expect(isPostgresServer(forAuthority(t.db, 1).knex)).toBe(true);
  });

  it("gives every invoice and line exactly as the JSON pages do, across pages", async () => {
    const byJson = await readAll(false, 2);
    const byCopy = await readAll(true, 2);
    expect(byJson.map((i) => i.invoiceNumber)).toEqual(INVOICE_NUMBERS);
    expect(byJson[0]?.lines.map((l) => l.description)).toEqual(AWKWARD.map((l) => l.description));
    expect(byJson[2]?.lines).toEqual([]);
    expect(byCopy).toEqual(byJson);
    // received_at to the microsecond, read as pg reads it: the same instant to the millisecond.
    expect(byCopy.map((i) => i.receivedAt)).toEqual(byJson.map((i) => i.receivedAt));
    for (const pageSize of [1, 3, 1000]) expect(await readAll(true, pageSize)).toEqual(byJson);
  });
});
