import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listFindings } from "../../src/services/list-findings.js";
import { runAudit } from "../../src/services/run-audit.js";
import { openTestDatabase, type TestDatabase } from "../support/db.js";
import { octoberFeeLine, seedIfaPlacement, seedInvoice } from "../support/seed.js";

// Figures from AUDIT.md's worked example: 31 nights × £917.00/7 = £4,061.00.
describe("runAudit on the database", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase();
    await seedIfaPlacement(t.db.knex);
    // Printed £4,161.00 for 31 × £131.00 = £4,061.00: arithmetic-error £100.00.
    await seedInvoice(t.db.knex, { provider_id: "P1", invoice_number: "INV-1", invoice_date: "2026-10-31", total: "4161.00", lines: [octoberFeeLine("4161.00")] });
    // The same nights again on a later invoice: duplicate-billing £4,061.00.
    await seedInvoice(t.db.knex, { provider_id: "P1", invoice_number: "INV-2", invoice_date: "2026-11-05", total: "4061.00", lines: [octoberFeeLine("4061.00")] });
  });
  afterAll(async () => {
    await t.dispose();
  });

  const summary = async (): Promise<string[]> =>
    (await listFindings(t.db, { status: undefined })).map((f) => `${f.invoice_number} ${f.child_ref} ${f.rule} ${f.amount} ${f.status}`);

  it("audits one month with the earlier months as billing history", async () => {
    const result = await runAudit(t.db, { scope: { kind: "month", month: "2026-11" } });
    expect(result.invoicesAudited).toBe(1);
    expect(await summary()).toEqual(["INV-2 C1001 duplicate-billing 4061.00 open"]);
    expect(result.flaggedByCategory).toEqual({ fees: "0.00", errors: "4061.00", query: "0.00" });
  });

  it("audits everything, records the run, and is idempotent with decisions kept", async () => {
    await runAudit(t.db, { scope: { kind: "all" } });
    expect(await summary()).toEqual(["INV-1 C1001 arithmetic-error 100.00 open", "INV-2 C1001 duplicate-billing 4061.00 open"]);
    await t.db.knex("findings").where({ rule: "arithmetic-error" }).update({ status: "confirmed" });
    const again = await runAudit(t.db, { scope: { kind: "all" } });
    expect(again.findingsRaised).toBe(2);
    expect(await summary()).toEqual(["INV-1 C1001 arithmetic-error 100.00 confirmed", "INV-2 C1001 duplicate-billing 4061.00 open"]);
    expect(await t.db.knex("findings").count<{ count: string }[]>("* as count")).toEqual([{ count: "2" }]);
    const runs: { status: string; findings_raised: number }[] = await t.db.knex("audit_runs").select("status", "findings_raised").orderBy("id");
    expect(runs.map((r) => r.status)).toEqual(["succeeded", "succeeded", "succeeded"]);
    const invoices: { invoice_number: string; status: string }[] = await t.db.knex("invoices").select("invoice_number", "status").orderBy("invoice_number");
    expect(invoices).toEqual([{ invoice_number: "INV-1", status: "queried" }, { invoice_number: "INV-2", status: "awaiting_review" }]);
  });

  it("a credit note voiding INV-1 recovers its findings and supersedes the duplicate billing it caused", async () => {
    await seedInvoice(t.db.knex, {
      provider_id: "P1", invoice_number: "CN-1", invoice_date: "2026-11-10", kind: "credit_note", credits_invoice: "INV-1", total: "4161.00",
      lines: [{ ...octoberFeeLine("4161.00") }],
    });
    await runAudit(t.db, { scope: { kind: "all" } });
    expect(await summary()).toEqual(["INV-1 C1001 arithmetic-error 100.00 recovered"]);
    const superseded = await listFindings(t.db, { status: "superseded" });
    expect(superseded.map((f) => `${f.invoice_number} ${f.rule}`)).toEqual(["INV-2 duplicate-billing"]);
    const recovered: { recovered_amount: string; recovered_on: string }[] = await t.db.knex("findings").where({ status: "recovered" }).select("recovered_amount", "recovered_on");
    expect(recovered).toEqual([{ recovered_amount: "100.00", recovered_on: "2026-11-10" }]);
    // A re-run applies the credit note once only.
    await runAudit(t.db, { scope: { kind: "all" } });
    expect(await t.db.knex("finding_decisions").where({ action: "recover_by_credit_note" }).count<{ count: string }[]>("* as count")).toEqual([{ count: "1" }]);
  });

  it("a re-issue of INV-1 dated after the credit note is a new invoice, not a duplicate (issue 21)", async () => {
    // INV-1 again with the same total, dated 12 Nov. CN-1 of 10 Nov voids the INV-1 dated on or before it (the
    // original of 31 Oct), so the re-issue is a new invoice: no duplicate-invoice. Its own findings: printed
    // 4,161.00 for 31 x 131.00 = 4,061.00, arithmetic-error 100.00; its October nights were billed by INV-2
    // of 5 Nov (the voided original's do not count), so duplicate-billing 31 x 131.00 = 4,061.00.
    await seedInvoice(t.db.knex, { provider_id: "P1", invoice_number: "INV-1", invoice_date: "2026-11-12", total: "4161.00", lines: [octoberFeeLine("4161.00")] });
    await runAudit(t.db, { scope: { kind: "all" } });
    expect(await summary()).toEqual([
      "INV-1 C1001 arithmetic-error 100.00 recovered",
      "INV-1 C1001 arithmetic-error 100.00 open",
      "INV-1 C1001 duplicate-billing 4061.00 open",
    ]);
  });
});
