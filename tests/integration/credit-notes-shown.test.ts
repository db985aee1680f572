import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../../src/web/app.js";
import { auditArrivals } from "../../src/services/audit/audit-arrivals.js";
import { createUser } from "../../src/services/users/users.js";
import { openTestDatabase, type TestDatabase } from "../support/db.js";
import { seedIfaPlacement, seedInvoice, type SeedLine } from "../support/seed.js";
import { signedIn, startTestServer, type WebClient } from "./web-client.js";
import { PASSWORD } from "./web-seed.js";

// AUDIT.md's worked example placement: C1001 with P1 at £917.00 a week = £131.00 a night.
// Worked by hand:
// - INV-A (31 Oct) bills 1–31 Oct, 31 nights @ £131.00 = £4,061.00: no finding.
// - INV-B (5 Nov) bills the same 31 nights again @ £150.00 = £4,650.00: duplicate-billing
//   31 × £150.00 = £4,650.00 (the rate above agreed is not counted: those nights dropped out).
// - CN-B (28 Nov) credits INV-B's whole total £4,650.00: voids it, its finding is recovered.
// - INV-C (30 Nov) bills 1–30 Nov, 30 nights @ £131.00 = £3,930.00 printed £5,065.20:
//   arithmetic-error £5,065.20 − £3,930.00 = £1,135.20.
// - CN-C (2 Dec) credits INV-C £500.00 for C1001 (partial): £500.00 of £1,135.20 recovered,
//   £635.20 outstanding, INV-C stays queried.
function feeLine(from: string, to: string, nights: number, rate: string, amount: string): SeedLine {
  return { child_ref: "C1001", description: "Foster care placement fee", item: "placement", from_date: from, to_date: to, quantity: String(nights), unit: "night", unit_rate: rate, amount };
}

interface InvoiceJson {
  id: string;
  kind: string;
  total: string;
  subtotal: string | null;
  status: string;
  lines: { amount: string }[];
  creditsInvoiceLink: { id: string; invoiceNumber: string; total: string } | null;
  creditedBy: { id: string; invoiceNumber: string; total: string }[];
}

describe("credit notes shown as credits, linked both ways, applied on arrival", () => {
  let t: TestDatabase;
  let server: RunningServer;
  let finance: WebClient;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await openTestDatabase();
    await seedIfaPlacement(t.db.knex);
    await createUser(t.db, { authorityId: 1, username: "finance", password: PASSWORD, role: "finance_officer" }, "test");
    const arrive = async (key: string, invoice: Parameters<typeof seedInvoice>[1]): Promise<void> => {
      ids[key] = await seedInvoice(t.db.knex, invoice);
      await auditArrivals(t.db, { authorityId: 1, invoiceIds: [ids[key]] });
    };
    await arrive("A", { provider_id: "P1", invoice_number: "INV-A", invoice_date: "2026-10-31", total: "4061.00", lines: [feeLine("2026-10-01", "2026-10-31", 31, "131.00", "4061.00")] });
    await arrive("B", { provider_id: "P1", invoice_number: "INV-B", invoice_date: "2026-11-05", total: "4650.00", lines: [feeLine("2026-10-01", "2026-10-31", 31, "150.00", "4650.00")] });
    await arrive("CNB", {
      provider_id: "P1", invoice_number: "CN-B", invoice_date: "2026-11-28", kind: "credit_note", credits_invoice: "INV-B", subtotal: "4650.00", vat: "0.00", total: "4650.00",
      lines: [feeLine("2026-10-01", "2026-10-31", 31, "150.00", "4650.00")],
    });
    await arrive("C", { provider_id: "P1", invoice_number: "INV-C", invoice_date: "2026-11-30", total: "5065.20", lines: [feeLine("2026-11-01", "2026-11-30", 30, "131.00", "5065.20")] });
    await arrive("CNC", {
      provider_id: "P1", invoice_number: "CN-C", invoice_date: "2026-12-02", kind: "credit_note", credits_invoice: "INV-C", total: "500.00",
      lines: [{ child_ref: "C1001", description: "Credit: overcharge November", item: "placement", amount: "500.00" }],
    });
    server = await startTestServer(t, { now: () => new Date("2026-12-03T12:00:00Z") });
    finance = await signedIn(server.url, "finance");
  });
  afterAll(async () => {
    await server?.close();
    await t.dispose();
  });

  const findingOf = async (key: string): Promise<Record<string, unknown>> =>
    (await t.db.knex("findings").where({ invoice_id: ids[key] }).whereNot("status", "superseded").first()) as Record<string, unknown>;

  it("a voiding credit note on arrival: the invoice is cleared and its finding recovered, with the credit note as reference", async () => {
    expect(await findingOf("B")).toMatchObject({ rule: "duplicate-billing", amount: "4650.00", status: "recovered", recovered_amount: "4650.00", recovered_reference: "CN-B" });
    const b = (await finance.get(`/api/invoices/${ids.B}`)).json<InvoiceJson>();
    expect(b.status).toBe("cleared");
  });

  it("a partial credit note on arrival: £500.00 of £1,135.20 recovered, £635.20 outstanding, the invoice still queried", async () => {
    expect(await findingOf("C")).toMatchObject({ rule: "arithmetic-error", amount: "1135.20", status: "recovered", recovered_amount: "500.00", recovered_reference: "CN-C" });
    const c = (await finance.get(`/api/invoices/${ids.C}`)).json<InvoiceJson & { lines: { findings: { recovery: string; outstanding: string }[] }[] }>();
    expect(c.status).toBe("queried");
    expect(c.lines[0]?.findings[0]).toMatchObject({ outstanding: "635.20", recovery: "Partly recovered: £500.00 of £1,135.20, £635.20 outstanding" });
  });

  it("the API gives a credit note's amounts as credits (negative) and links both ways", async () => {
    const cn = (await finance.get(`/api/invoices/${ids.CNB}`)).json<InvoiceJson>();
    expect(cn).toMatchObject({ kind: "credit_note", total: "-4650.00", subtotal: "-4650.00" });
    expect(cn.lines.map((l) => l.amount)).toEqual(["-4650.00"]);
    expect(cn.creditsInvoiceLink).toEqual({ id: ids.B, invoiceNumber: "INV-B", invoiceDate: "2026-11-05", total: "4650.00" });
    const b = (await finance.get(`/api/invoices/${ids.B}`)).json<InvoiceJson>();
    expect(b.total).toBe("4650.00");
    expect(b.creditedBy).toEqual([{ id: ids.CNB, invoiceNumber: "CN-B", invoiceDate: "2026-11-28", total: "-4650.00" }]);
    const c = (await finance.get(`/api/invoices/${ids.C}`)).json<InvoiceJson>();
    expect(c.creditedBy.map((x) => [x.invoiceNumber, x.total])).toEqual([["CN-C", "-500.00"]]);
    const list = (await finance.get("/api/invoices?sort=invoice_date&dir=asc")).json<{ items: { invoiceNumber: string; total: string }[] }>();
    expect(list.items.map((i) => [i.invoiceNumber, i.total])).toEqual([
      ["INV-A", "4061.00"], ["INV-B", "4650.00"], ["CN-B", "-4650.00"], ["INV-C", "5065.20"], ["CN-C", "-500.00"],
    ]);
  });

  it("the pages say \"Credits invoice\" and \"Credited by credit note\" with links, and show the credit negative", async () => {
    const cnPage = await finance.get(`/invoices/${ids.CNB}`);
    expect(cnPage.text).toContain(`Credits invoice <a class="govuk-link" href="/invoices/${ids.B}">INV-B</a>`);
    expect(cnPage.text).toContain("-£4,650.00");
    const bPage = await finance.get(`/invoices/${ids.B}`);
    expect(bPage.text).toContain(`Credited by credit note <a class="govuk-link" href="/invoices/${ids.CNB}">CN-B</a>`);
    const list = await finance.get("/invoices");
    expect(list.text).toContain("-£4,650.00");
    expect(list.text).toContain("-£500.00");
    expect(list.text).not.toContain("+£");
  });

  it("the audit log says what each credit note recovered, in words", async () => {
    const log = await finance.get("/audit-log?what=recoveries");
    expect(log.text).toContain("£4,650.00 recovered by credit note CN-B; Open → Recovered");
    expect(log.text).toContain("£500.00 recovered by credit note CN-C; Open → Recovered");
    const runs = await finance.get("/audit-log?what=audits");
    expect(runs.text).toContain("of invoices just received (on arrival of new invoices) finished");
  });
});
