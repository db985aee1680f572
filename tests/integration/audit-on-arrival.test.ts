import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditArrivals } from "../../src/services/audit/audit-arrivals.js";
import { runAudit } from "../../src/services/audit/run-audit.js";
import { ingestFiles } from "../../src/services/ingest/ingest-files.js";
import { failRunsOfDeadProcesses } from "../../src/services/scheduler/run-recovery.js";
import { csvText, utf8WithBom } from "../fixtures/invoices/spreadsheet-builders.js";
import { openTestDatabase, type TestDatabase } from "../support/db.js";
import { seedIfaPlacement, seedInvoice, type SeedLine } from "../support/seed.js";

// AUDIT.md's worked example placement: child C1001 with P1 at £917.00 a week, so £131.00 a night
// (917 / 7 = 131 exactly). Every figure below is worked from that by hand.

interface FindingRow {
  invoice_number: string;
  rule: string;
  amount: string;
  status: string;
  reaudit_change: string | null;
}

function feeLine(from: string, to: string, nights: number, rate: string, amount: string): SeedLine {
  return { child_ref: "C1001", description: "Foster care placement fee", item: "placement", from_date: from, to_date: to, quantity: String(nights), unit: "night", unit_rate: rate, amount };
}

describe("audit on arrival (AUDIT.md \"When\")", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase();
    await seedIfaPlacement(t.db.knex);
  });
  afterAll(async () => {
    await t.dispose();
  });

  const findings = async (): Promise<string[]> =>
    (
      await t.db.knex("findings as f")
        .join("invoices as i", "i.id", "f.invoice_id")
        .select<FindingRow[]>("i.invoice_number", "f.rule", "f.amount", "f.status", "f.reaudit_change")
        .orderBy([{ column: "i.invoice_number" }, { column: "f.rule" }])
    ).map((f) => `${f.invoice_number} ${f.rule} ${f.amount} ${f.status}${f.reaudit_change ? ` [${f.reaudit_change}]` : ""}`);

  const invoiceStatus = async (invoiceNumber: string): Promise<string | undefined> =>
    (await t.db.knex("invoices").where({ invoice_number: invoiceNumber }).first<{ status: string } | undefined>("status"))?.status;

  it("an ingested file is audited at once, without an audit command", async () => {
    // 31 nights × £131.00 = £4,061.00, printed £4,161.00: arithmetic-error £100.00.
    const csv = utf8WithBom(
      csvText(
        [
          ["Supplier", "Oakfield Fostering"],
          ["Invoice No", "UP-1"],
          ["Invoice Date", "31/10/2026"],
          ["Period", "October 2026"],
          [],
          ["Child Ref", "Description", "Nights", "Rate", "Amount"],
          ["C1001", "Foster placement", "31", "£131.00", "£4,161.00"],
          ["", "", "", "Total", "£4,161.00"],
        ],
        ",",
      ),
    );
    const report = await ingestFiles(t.db, [{ name: "up-1.csv", bytes: csv }], { dataDir: t.dataDir, authorityId: 1 });
    expect(report.problems).toEqual([]);
    expect(report.audit?.status).toBe("audited");
    expect(await findings()).toEqual(["UP-1 arithmetic-error 100.00 open"]);
    expect(await invoiceStatus("UP-1")).toBe("awaiting_review");
    const runs = await t.db.knex("audit_runs").select<{ trigger: string; status: string }[]>("trigger", "status");
    expect(runs).toEqual([{ trigger: "arrival", status: "succeeded" }]);
  });

  it("a late, earlier-dated invoice re-audits the later ones: open findings superseded, decided ones flagged not changed", async () => {
    // UP-1 above is October at the right rate but mis-added; the invoices below are another story
    // for the same child, so it is removed to keep the figures small.
    await t.db.knex("invoices").where({ invoice_number: "UP-1" }).del();
    // B (20 Nov): October, 31 nights at £150.00 = £4,650.00 → rate-above-agreed 4,650.00 − 4,061.00 = £589.00.
    const b = await seedInvoice(t.db.knex, { provider_id: "P1", invoice_number: "B", invoice_date: "2026-11-20", total: "4650.00", lines: [feeLine("2026-10-01", "2026-10-31", 31, "150.00", "4650.00")] });
    // C (25 Nov): 1-15 November, 15 nights at £150.00 = £2,250.00 → rate-above-agreed 15 × £19.00 = £285.00.
    const c = await seedInvoice(t.db.knex, { provider_id: "P1", invoice_number: "C", invoice_date: "2026-11-25", total: "2250.00", lines: [feeLine("2026-11-01", "2026-11-15", 15, "150.00", "2250.00")] });
    await auditArrivals(t.db, { authorityId: 1, invoiceIds: [b, c] });
    expect(await findings()).toEqual(["B rate-above-agreed 589.00 open", "C rate-above-agreed 285.00 open"]);
    // The reviewer queries C's overcharge with the provider.
    await t.db.knex("findings").where({ invoice_id: c }).update({ status: "confirmed" });

    // A (1 Nov) arrives last: 1 October to 15 November, 46 nights × £131.00 = £6,026.00, all agreed.
    const a = await seedInvoice(t.db.knex, { provider_id: "P1", invoice_number: "A", invoice_date: "2026-11-01", total: "6026.00", lines: [feeLine("2026-10-01", "2026-11-15", 46, "131.00", "6026.00")] });
    const result = await auditArrivals(t.db, { authorityId: 1, invoiceIds: [a] });
    expect(result.status).toBe("audited");
    // In audit order A comes first: B's and C's nights were billed by A, so they are duplicate
    // billing at the charged rate (B 31 × £150.00 = £4,650.00, C 15 × £150.00 = £2,250.00) and drop
    // out before the rate check. B's open rate finding is superseded; C's confirmed one is kept as
    // it was and flagged.
    expect(await findings()).toEqual([
      "B duplicate-billing 4650.00 open",
      // The notes say why (seedInvoice's receipt times are on 1 Nov 2026).
      "B rate-above-agreed 589.00 superseded [Superseded: the re-audit after invoice A dated 1 Nov 2026 arrived on 1 Nov 2026 no longer raises this £589.00 finding.]",
      "C duplicate-billing 2250.00 open",
      "C rate-above-agreed 285.00 confirmed [The re-audit after invoice A dated 1 Nov 2026 arrived on 1 Nov 2026 no longer raises this finding.]",
    ]);
    expect(await invoiceStatus("A")).toBe("cleared");
    expect(await invoiceStatus("B")).toBe("awaiting_review");
  });

  it("a credit note is applied on arrival: the invoice it voids is cleared, its findings recovered", async () => {
    const cn = await seedInvoice(t.db.knex, {
      provider_id: "P1", invoice_number: "CN-B", invoice_date: "2026-11-28", kind: "credit_note", credits_invoice: "B", total: "4650.00",
      lines: [feeLine("2026-10-01", "2026-10-31", 31, "150.00", "4650.00")],
    });
    await auditArrivals(t.db, { authorityId: 1, invoiceIds: [cn] });
    const recovered = await t.db.knex("findings as f").join("invoices as i", "i.id", "f.invoice_id").where({ "i.invoice_number": "B", "f.status": "recovered" })
      .select<{ rule: string; recovered_amount: string; recovered_on: string }[]>("f.rule", "f.recovered_amount", "f.recovered_on");
    expect(recovered).toEqual([{ rule: "duplicate-billing", recovered_amount: "4650.00", recovered_on: "2026-11-28" }]);
    expect(await invoiceStatus("B")).toBe("cleared");
    expect(await invoiceStatus("CN-B")).toBe("cleared");
  });

  it("one audit at a time: a second run while one runs is refused and told which one runs", async () => {
    const both = await Promise.allSettled([
      runAudit(t.db, { authorityId: 1, scope: { kind: "all" } }),
      runAudit(t.db, { authorityId: 1, scope: { kind: "all" } }),
    ]);
    expect(both.filter((s) => s.status === "fulfilled")).toHaveLength(1);
    const refused = both.find((s): s is PromiseRejectedResult => s.status === "rejected");
    expect((refused?.reason as { code?: string }).code).toBe("audit.already_running");
    expect((refused?.reason as Error).message).toMatch(/^An audit is already running \(run \d+, all, started /);
  });

  it("a run left running by a process that is gone is failed by the next command, and no longer blocks", async () => {
    // As a killed `audit` command leaves it: running, owned by a worker that no longer exists.
    const [row] = await t.db.knex("audit_runs").insert({ authority_id: 1, scope: "all", trigger: "manual", status: "running", owner_id: "gone-host-1-deadbeef" }).returning<{ id: string }[]>("id");
    const id = String(row?.id);
    await expect(runAudit(t.db, { authorityId: 1, scope: { kind: "all" } })).rejects.toThrow(/already running/);
    const failed = await failRunsOfDeadProcesses(t.db);
    expect(failed.map((r) => r.runId)).toEqual([id]);
    expect((await t.db.knex("audit_runs").where({ id }).first<{ status: string } | undefined>("status"))?.status).toBe("failed");
    const run = await runAudit(t.db, { authorityId: 1, scope: { kind: "all" } });
    expect(run.foundUnaudited).toBe(0);
  });

  it("the monthly run is the safety net: it says what it found still unaudited", async () => {
    await seedInvoice(t.db.knex, { provider_id: "P1", invoice_number: "D", invoice_date: "2026-11-30", total: "131.00", lines: [feeLine("2026-11-16", "2026-11-16", 1, "131.00", "131.00")] });
    const run = await runAudit(t.db, { authorityId: 1, scope: { kind: "month", month: "2026-11" } });
    expect(run.foundUnaudited).toBe(1);
  });
});
