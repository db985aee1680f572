import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../../src/web/app.js";
import { auditArrivals } from "../../src/services/audit/audit-arrivals.js";
import { createUser } from "../../src/services/users/users.js";
import { openTestDatabase, type TestDatabase } from "../support/db.js";
import { seedIfaPlacement, seedInvoice, type SeedLine } from "../support/seed.js";
import { signedIn, startTestServer, type WebClient } from "./web-client.js";
import { PASSWORD } from "./web-seed.js";

// AUDIT.md's worked example placement: C1001 with P1 at £131.00 a night. Worked by hand:
// 1. X (20 Nov) bills 1–31 Oct @ £150.00 = £4,650.00: rate-above-agreed 31 × £19.00 = £589.00 (confirmed).
// 2. Y (25 Nov) bills 1–15 Nov @ £150.00 = £2,250.00: rate-above-agreed 15 × £19.00 = £285.00 (open).
// 3. V (28 Nov) bills 16–20 Nov @ £150.00 = £750.00: rate-above-agreed 5 × £19.00 = £95.00 (open).
// 4. W (1 Nov, arrives 6 Dec) bills 1–10 Oct @ £131.00 = £1,310.00. In audit order W is before X:
//    X's 1–10 Oct are billed twice, duplicate-billing 10 × £150.00 = £1,500.00, and the rate
//    check covers the 21 nights left: 21 × £19.00 = £399.00 instead of £589.00. X's confirmed
//    finding is kept at £589.00 and flagged.
// 5. W2 (2 Nov, arrives 7 Dec) bills 1–5 Nov @ £131.00: Y's duplicate-billing 5 × £150.00 = £750.00,
//    Y's open rate finding changes to 10 × £19.00 = £190.00.
// 6. W3 (3 Nov, arrives 8 Dec) bills 16–20 Nov @ £131.00: all of V's nights were billed, so V's
//    £95.00 rate finding is no longer raised: superseded.
// 7. X again (29 Nov), a copy: duplicate-invoice £4,650.00, linked to the first X.
function feeLine(from: string, to: string, nights: number, rate: string, amount: string): SeedLine {
  return { child_ref: "C1001", description: "Foster care placement fee", item: "placement", from_date: from, to_date: to, quantity: String(nights), unit: "night", unit_rate: rate, amount };
}

describe("re-audit notes say what changed and why; a duplicate invoice links to the earlier one", () => {
  let t: TestDatabase;
  let server: RunningServer;
  let finance: WebClient;
  const ids: Record<string, string> = {};

  const arrive = async (key: string, number: string, date: string, receivedAt: string, line: SeedLine): Promise<void> => {
    ids[key] = await seedInvoice(t.db.knex, { provider_id: "P1", invoice_number: number, invoice_date: date, total: line.amount, received_at: receivedAt, lines: [line] });
    await auditArrivals(t.db, { authorityId: 1, invoiceIds: [ids[key] ?? ""] });
  };
  type Row = { id: string; amount: string; status: string; reaudit_change: string | null };
  const finding = async (key: string, rule: string): Promise<Row> => {
    const row = await t.db.knex("findings").where({ invoice_id: ids[key], rule }).first<Row | undefined>("id", "amount", "status", "reaudit_change");
    if (!row) throw new Error(`no ${rule} finding on ${key}`);
    return row;
  };

  beforeAll(async () => {
    t = await openTestDatabase();
    await seedIfaPlacement(t.db.knex);
    await createUser(t.db, { authorityId: 1, username: "finance", password: PASSWORD, role: "finance_officer" }, "test");
    await arrive("X", "X", "2026-11-20", "2026-11-21T09:00:00Z", feeLine("2026-10-01", "2026-10-31", 31, "150.00", "4650.00"));
    await arrive("Y", "Y", "2026-11-25", "2026-11-26T09:00:00Z", feeLine("2026-11-01", "2026-11-15", 15, "150.00", "2250.00"));
    await arrive("V", "V", "2026-11-28", "2026-11-29T09:00:00Z", feeLine("2026-11-16", "2026-11-20", 5, "150.00", "750.00"));
    server = await startTestServer(t, { now: () => new Date("2026-12-09T12:00:00Z") });
    finance = await signedIn(server.url, "finance");
    const x = await finding("X", "rate-above-agreed");
    expect(x).toMatchObject({ amount: "589.00", status: "open" });
    expect((await finance.post(`/findings/${x.id}/decisions`, { action: "confirm" })).status).toBe(303);
    expect((await finding("Y", "rate-above-agreed")).amount).toBe("285.00");
    expect((await finding("V", "rate-above-agreed")).amount).toBe("95.00");
    await arrive("W", "W", "2026-11-01", "2026-12-06T10:00:00Z", feeLine("2026-10-01", "2026-10-10", 10, "131.00", "1310.00"));
    await arrive("W2", "W2", "2026-11-02", "2026-12-07T10:00:00Z", feeLine("2026-11-01", "2026-11-05", 5, "131.00", "655.00"));
    await arrive("W3", "W3", "2026-11-03", "2026-12-08T10:00:00Z", feeLine("2026-11-16", "2026-11-20", 5, "131.00", "655.00"));
    await arrive("X2", "X", "2026-11-29", "2026-12-08T11:00:00Z", feeLine("2026-10-01", "2026-10-31", 31, "150.00", "4650.00"));
  });
  afterAll(async () => {
    await server?.close();
    await t.dispose();
  });

  it("a decided finding is kept and says which arrival changed it and to what", async () => {
    expect(await finding("X", "rate-above-agreed")).toMatchObject({
      amount: "589.00", status: "confirmed",
      reaudit_change: "The re-audit after invoice W dated 1 Nov 2026 arrived on 6 Dec 2026 raises £399.00 instead of £589.00.",
    });
    expect(await finding("X", "duplicate-billing")).toMatchObject({ amount: "1500.00", status: "open" });
    const page = await finance.get(`/findings/${(await finding("X", "rate-above-agreed")).id}`);
    expect(page.text).toContain("The re-audit after invoice W dated 1 Nov 2026 arrived on 6 Dec 2026 raises £399.00 instead of £589.00. This decided finding was kept as it was: check it.");
  });

  it("an open finding whose amount changed says from what to what, and why", async () => {
    expect(await finding("Y", "rate-above-agreed")).toMatchObject({
      amount: "190.00", status: "open",
      reaudit_change: "Changed by the re-audit after invoice W2 dated 2 Nov 2026 arrived on 7 Dec 2026: £285.00 → £190.00.",
    });
    expect(await finding("Y", "duplicate-billing")).toMatchObject({ amount: "750.00", status: "open" });
  });

  it("an open finding no longer raised is superseded, saying why", async () => {
    const v = await finding("V", "rate-above-agreed");
    expect(v).toMatchObject({
      amount: "95.00", status: "superseded",
      reaudit_change: "Superseded: the re-audit after invoice W3 dated 3 Nov 2026 arrived on 8 Dec 2026 no longer raises this £95.00 finding.",
    });
    const page = await finance.get(`/findings/${v.id}`);
    expect(page.text).toContain("Superseded: the re-audit after invoice W3");
    expect(page.text).not.toContain("This decided finding was kept");
  });

  it("a duplicate-invoice finding links to the earlier invoice on its page, the invoice page and the API", async () => {
    const dup = await finding("X2", "duplicate-invoice");
    expect(dup).toMatchObject({ amount: "4650.00", status: "open" });
    const api = (await finance.get(`/api/findings/${dup.id}`)).json<{ earlierInvoice: { id: string; invoiceNumber: string; invoiceDate: string } }>();
    expect(api.earlierInvoice).toMatchObject({ id: ids.X, invoiceNumber: "X", invoiceDate: "2026-11-20" });
    const page = await finance.get(`/findings/${dup.id}`);
    expect(page.text).toContain(`<a class="govuk-link" href="/invoices/${ids.X}">X</a> of 20 Nov 2026`);
    const invoicePage = await finance.get(`/invoices/${ids.X2}`);
    expect(invoicePage.text).toContain(`Invoice number already received: <a class="govuk-link" href="/invoices/${ids.X}">X</a> of 20 Nov 2026`);
    const invoiceApi = (await finance.get(`/api/invoices/${ids.X2}`)).json<{ duplicateOf: { id: string } | null }>();
    expect(invoiceApi.duplicateOf?.id).toBe(ids.X);
    expect((await finance.get(`/api/invoices/${ids.X}`)).json<{ duplicateOf: unknown }>().duplicateOf).toBeNull();
  });
});
