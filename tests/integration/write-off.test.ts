import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../../src/web/app.js";
import { readCsv } from "../../src/tabular/csv.js";
import { auditArrivals } from "../../src/services/audit/audit-arrivals.js";
import { queryPackData } from "../../src/services/reports/query-pack.js";
import { savingsFigures, savingsFindings } from "../../src/services/reports/savings-report.js";
import { listFindings } from "../../src/services/review/list-findings.js";
import { createUser } from "../../src/services/users/users.js";
import { openTestDatabase, type TestDatabase } from "../support/db.js";
import { octoberFeeLine, seedIfaPlacement, seedInvoice } from "../support/seed.js";
import { signedIn, startTestServer, type WebClient } from "./web-client.js";
import { PASSWORD } from "./web-seed.js";

// Worked by hand from AUDIT.md: 31 October nights × £131.00 (£917.00 a week / 7) = £4,061.00
// agreed; the line prints £5,196.20, so arithmetic-error £5,196.20 − £4,061.00 = £1,135.20.
// £500.00 comes back (credit note CN-0077): £1,135.20 − £500.00 = £635.20 outstanding. The
// £635.20 is then written off: nothing is outstanding, the invoice is cleared, savings
// identified fall to £500.00 (= realised) and the £635.20 counts as dismissed.
describe("writing off the balance of a partly recovered finding (UI form, JSON API, audit log)", () => {
  let t: TestDatabase;
  let server: RunningServer;
  let finance: WebClient;
  let findingId: string;
  let invoiceId: string;
  const now = new Date("2026-11-26T12:00:00Z");

  const invoiceStatus = async (): Promise<string | undefined> =>
    (await t.db.knex("invoices").where({ id: invoiceId }).first<{ status: string } | undefined>("status"))?.status;

  beforeAll(async () => {
    t = await openTestDatabase();
    await seedIfaPlacement(t.db.knex);
    await createUser(t.db, { authorityId: 1, username: "finance", password: PASSWORD, role: "finance_officer" }, "test");
    await createUser(t.db, { authorityId: 1, username: "commissioner", password: PASSWORD, role: "commissioner" }, "test");
    invoiceId = await seedInvoice(t.db.knex, { provider_id: "P1", invoice_number: "WO-1", invoice_date: "2026-10-31", total: "5196.20", lines: [octoberFeeLine("5196.20")] });
    await auditArrivals(t.db, { authorityId: 1, invoiceIds: [invoiceId] });
    const [finding] = await t.db.knex("findings").select<{ id: string; amount: string }[]>("id", "amount");
    expect(finding?.amount).toBe("1135.20");
    findingId = String(finding?.id);
    server = await startTestServer(t, { now: () => now });
    finance = await signedIn(server.url, "finance");
  });
  afterAll(async () => {
    await server?.close();
    await t.dispose();
  });

  it("a write-off is refused before anything was recovered (a finding nothing came back on is dismissed instead)", async () => {
    const confirm = await finance.post(`/findings/${findingId}/decisions`, { action: "confirm" });
    expect(confirm.status).toBe(303);
    const token = await finance.csrfToken();
    const refused = await finance.request("POST", `/api/findings/${findingId}/decisions`, { json: { action: "write_off", reason: "too early" } }, { "x-csrf-token": token });
    expect(refused.status).toBe(409);
    expect(refused.json<{ error: { code: string } }>().error.code).toBe("decision.not_allowed");
  });

  it("£500.00 recovered on the form: the finding page offers to write off £635.20", async () => {
    const recovered = await finance.post(`/findings/${findingId}/decisions`, {
      action: "recover", amount: "500.00", reference: "CN-0077", "recovered_on-day": "20", "recovered_on-month": "11", "recovered_on-year": "2026",
    });
    expect(recovered.status).toBe(303);
    const page = await finance.get(`/findings/${findingId}`);
    expect(page.text).toContain("Partly recovered: £500.00 of £1,135.20, £635.20 outstanding");
    expect(page.text).toContain('id="write-off"');
    expect(page.text).toContain("Write off £635.20");
    expect(await invoiceStatus()).toBe("queried");
  });

  it("a write-off needs a reason, and says so on the form", async () => {
    const response = await finance.post(`/findings/${findingId}/decisions`, { action: "write_off", reason: "  " });
    expect(response.status).toBe(400);
    expect(response.text).toContain("Enter a reason for writing off the balance");
    expect(response.text).toContain('href="#write_off_reason"');
  });

  it("the form writes off the balance: outstanding £0.00, the status says so, the invoice is cleared", async () => {
    const response = await finance.post(`/findings/${findingId}/decisions`, { action: "write_off", reason: "Agreed at the contract review" });
    expect(response.status).toBe(303);
    const page = await finance.get(`/findings/${findingId}`);
    expect(page.text).toContain("Partly recovered, balance written off");
    expect(page.text).toContain("Partly recovered: £500.00 of £1,135.20, balance of £635.20 written off");
    expect(page.text).toContain("Agreed at the contract review");
    expect(page.text).not.toContain('id="write-off"');
    expect(await invoiceStatus()).toBe("cleared");
    const invoicePage = await finance.get(`/invoices/${invoiceId}`);
    expect(invoicePage.text).toContain("Partly recovered, balance written off");
    expect(invoicePage.text).toContain("Balance of £635.20 written off: Agreed at the contract review");
  });

  it("the API, CSV, JSON output, query pack and savings figures all say nothing is outstanding", async () => {
    const api = (await finance.get(`/api/findings/${findingId}`)).json<Record<string, unknown>>();
    expect(api).toMatchObject({ status: "recovered", recoveredAmount: "500.00", writtenOffAmount: "635.20", outstanding: "0.00", statusText: "Partly recovered, balance written off" });
    const [record] = await listFindings(t.db, { authorityId: 1 });
    expect(record).toMatchObject({ amount: "1135.20", recovered_amount: "500.00", outstanding: "0.00" });
    const csv = await finance.get("/findings.csv");
    const [header = [], row = []] = readCsv(csv.text);
    expect(row[header.indexOf("outstanding")]).toBe("0.00");
    expect(row[header.indexOf("recovered_amount")]).toBe("500.00");
    const pack = await queryPackData(t.db, "P1", { authorityId: 1, now });
    expect(pack.lines).toEqual([]);
    const figures = await savingsFigures(t.db, { authorityId: 1, from: "2026-10", to: "2026-10" });
    expect(figures.totals).toMatchObject({ identified: "500.00", realised: "500.00", outstanding: "0.00", dismissed: "635.20", atRisk: "0.00" });
    const [listed] = await savingsFindings(t.db, { authorityId: 1, from: "2026-10", to: "2026-10" });
    expect(listed).toMatchObject({ outstanding: "0.00", dismissedReason: "Balance of £635.20 written off: Agreed at the contract review" });
  });

  it("the decision trail and the audit log record the write-off in words", async () => {
    const decisions = await t.db.knex("finding_decisions").where({ finding_id: findingId }).orderBy("id").select<{ action: string; amount: string | null; reason: string | null }[]>("action", "amount", "reason");
    expect(decisions.map((d) => d.action)).toEqual(["confirm", "recover", "write_off"]);
    expect(decisions[2]).toMatchObject({ amount: "635.20", reason: "Agreed at the contract review" });
    const log = await finance.get(`/audit-log?entity=finding&entity_id=${findingId}`);
    expect(log.text).toContain("Balance of £635.20 written off");
  });

  it("nothing more can be recovered or written off; reopening clears the write-off", async () => {
    const token = await finance.csrfToken();
    const more = await finance.request("POST", `/api/findings/${findingId}/decisions`, { json: { action: "recover", amount: "0.01", recovered_on: "2026-11-25" } }, { "x-csrf-token": token });
    expect(more.status).toBe(400);
    expect(more.json<{ error: { code: string } }>().error.code).toBe("decision.amount_exceeds");
    const again = await finance.request("POST", `/api/findings/${findingId}/decisions`, { json: { action: "write_off", reason: "again" } }, { "x-csrf-token": token });
    expect(again.json<{ error: { code: string } }>().error.code).toBe("decision.not_allowed");
    const reopened = await finance.request("POST", `/api/findings/${findingId}/decisions`, { json: { action: "reopen" } }, { "x-csrf-token": token });
    expect(reopened.status).toBe(201);
    expect(reopened.json<{ after: Record<string, unknown> }>().after).toMatchObject({ status: "open", written_off_amount: null, recovered_amount: null, invoice_status: "awaiting_review" });
  });

  it("the JSON API writes off a balance too; a commissioner may not", async () => {
    const token = await finance.csrfToken();
    const post = (client: WebClient, body: unknown, csrf: string) => client.request("POST", `/api/findings/${findingId}/decisions`, { json: body }, { "x-csrf-token": csrf });
    expect((await post(finance, { action: "confirm" }, token)).status).toBe(201);
    expect((await post(finance, { action: "recover", amount: "1000.00", recovered_on: "2026-11-25", reference: "DED-9" }, token)).status).toBe(201);
    const commissioner = await signedIn(server.url, "commissioner");
    expect((await post(commissioner, { action: "write_off", reason: "no" }, await commissioner.csrfToken())).status).toBe(403);
    const written = await post(finance, { action: "write_off", reason: "Small balance, not worth pursuing" }, token);
    expect(written.status).toBe(201);
    // £1,135.20 − £1,000.00 = £135.20 written off.
    expect(written.json<{ after: Record<string, unknown> }>().after).toMatchObject({ status: "recovered", recovered_amount: "1000.00", written_off_amount: "135.20", invoice_status: "cleared" });
  });
});
