import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findingDetail } from "../../src/db/queries/finding-detail.query.js";
import { auditArrivals } from "../../src/services/audit/audit-arrivals.js";
import { queryPackData } from "../../src/services/reports/query-pack.js";
import { buildSavingsWorkbook, savingsFigures } from "../../src/services/reports/savings-report.js";
import { decideFinding, type Actor } from "../../src/services/review/decide-finding.js";
import { listFindings } from "../../src/services/review/list-findings.js";
import { openTestDatabase, type TestDatabase } from "../support/db.js";
import { octoberFeeLine, seedIfaPlacement, seedInvoice } from "../support/seed.js";

// Worked by hand: 31 October nights × £131.00 (£917.00 a week / 7) = £4,061.00 agreed; printed
// £5,196.20, so arithmetic-error £5,196.20 − £4,061.00 = £1,135.20. £500.00 comes back:
// £1,135.20 − £500.00 = £635.20 is still outstanding.
describe("partial recovery: outstanding everywhere, to the penny", () => {
  let t: TestDatabase;
  let findingId: string;
  const actor: Actor = { userId: null, username: "finance", authorityId: 1 };
  beforeAll(async () => {
    t = await openTestDatabase();
    await seedIfaPlacement(t.db.knex);
    const id = await seedInvoice(t.db.knex, { provider_id: "P1", invoice_number: "PR-1", invoice_date: "2026-10-31", total: "5196.20", lines: [octoberFeeLine("5196.20")] });
    await auditArrivals(t.db, { authorityId: 1, invoiceIds: [id] });
    const [finding] = await t.db.knex("findings").select<{ id: string; amount: string; rule: string }[]>("id", "amount", "rule");
    expect(finding).toMatchObject({ amount: "1135.20", rule: "arithmetic-error" });
    findingId = String(finding?.id);
    await decideFinding(t.db, actor, findingId, { action: "confirm" }, new Date("2026-11-10T12:00:00Z"));
    await decideFinding(t.db, actor, findingId, { action: "recover", amount: "500.00", recoveredOn: "2026-11-20", reference: "CN-0077" }, new Date("2026-11-21T12:00:00Z"));
  });
  afterAll(async () => {
    await t.dispose();
  });

  it("the review pages and the API say what was recovered, with the reference, and what is outstanding", async () => {
    const detail = await findingDetail(t.db, { authorityId: 1 }, findingId);
    expect(detail).toMatchObject({
      status: "recovered",
      recoveredAmount: "500.00",
      outstanding: "635.20",
      recoveredOn: "2026-11-20",
      recoveredReference: "CN-0077",
      recovery: "Partly recovered: £500.00 of £1,135.20, £635.20 outstanding",
    });
  });

  it("the invoice stays queried while money is owed", async () => {
    expect((await t.db.knex("invoices").where({ invoice_number: "PR-1" }).first<{ status: string } | undefined>("status"))?.status).toBe("queried");
  });

  it("findings output (CSV/JSON) carries recovered_amount and outstanding", async () => {
    const [record] = await listFindings(t.db, { authorityId: 1 });
    expect(record).toMatchObject({ amount: "1135.20", status: "recovered", recovered_amount: "500.00", outstanding: "635.20" });
  });

  it("the provider's query pack asks for the £635.20 still owed", async () => {
    const pack = await queryPackData(t.db, "P1", { authorityId: 1, now: new Date("2026-12-01T12:00:00Z") });
    expect(pack.lines.map((l) => [l.queried, l.recovered, l.outstanding])).toEqual([["1135.20", "500.00", "635.20"]]);
    expect(pack.total).toBe("635.20");
    expect(pack.recovered).toBe("500.00");
  });

  it("the savings figures and the workbook's Findings sheet show £635.20 outstanding", async () => {
    const figures = await savingsFigures(t.db, { authorityId: 1, from: "2026-10", to: "2026-10" });
    expect(figures.totals).toMatchObject({ identified: "1135.20", realised: "500.00", outstanding: "635.20" });
    const buffer = await (await buildSavingsWorkbook(t.db, { authorityId: 1, from: "2026-10", to: "2026-10", now: new Date("2026-12-01T12:00:00Z") })).xlsx.writeBuffer();
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(buffer);
    const findings = workbook.getWorksheet("Findings");
    const header = (findings?.getRow(1).values as unknown[]).map(String);
    const row = findings?.getRow(2).values as unknown[];
    expect(row[header.indexOf("Outstanding")]).toBe(635.2);
    expect(row[header.indexOf("Recovered amount")]).toBe(500);
  });

  it("recovering the rest clears the invoice", async () => {
    await decideFinding(t.db, actor, findingId, { action: "recover", amount: "635.20", recoveredOn: "2026-11-25", reference: "DED-12" }, new Date("2026-11-26T12:00:00Z"));
    const [record] = await listFindings(t.db, { authorityId: 1 });
    expect(record).toMatchObject({ recovered_amount: "1135.20", outstanding: "0.00" });
    expect((await t.db.knex("invoices").where({ invoice_number: "PR-1" }).first<{ status: string } | undefined>("status"))?.status).toBe("cleared");
  });
});
