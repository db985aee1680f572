import { describe, expect, it } from "vitest";
import { describeAuditEntry } from "../../../src/domain/audit-log-text.js";

// Entries as the services write them, read back in words (the integration test
// tests/integration/audit-log-coverage.test.ts makes the changes themselves).
const entry = (actor: string, action: string, entity: string, entityId: string | null, before: unknown, after: unknown) => ({ actor, action, entity, entityId, before, after });

describe("the audit log in words", () => {
  it("says a decision as a change of status, with the invoice's status that followed", () => {
    expect(describeAuditEntry(entry("finance", "confirm", "finding", "12", { status: "open", invoice_status: "awaiting_review" }, { status: "confirmed", invoice_status: "queried" }))).toEqual({
      kind: "decisions", summary: "Finding 12: Open → Confirmed", details: ["Invoice: Awaiting review → Queried"],
    });
  });

  it("says recoveries, credit notes and write-offs with their money", () => {
    expect(describeAuditEntry(entry("finance", "recover", "finding", "3", { status: "confirmed", recovered_amount: null }, { status: "recovered", recovered_amount: "500.00", amount: "500.00", reference: "CN-7" })).summary)
      .toBe("Finding 3: £500.00 recovered (reference CN-7); Confirmed → Recovered");
    expect(describeAuditEntry(entry("audit", "recover_by_credit_note", "finding", "4", { status: "open", recovered_amount: null }, { status: "recovered", recovered_amount: "4650.00", credit_note: "CN-B" })).summary)
      .toBe("Finding 4: £4,650.00 recovered by credit note CN-B; Open → Recovered");
    const writeOff = describeAuditEntry(entry("finance", "write_off", "finding", "3", { status: "recovered", recovered_amount: "500.00", written_off_amount: null }, { status: "recovered", recovered_amount: "500.00", written_off_amount: "635.20", reason: "Agreed" }));
    expect(writeOff).toMatchObject({ kind: "recoveries", summary: "Finding 3: Balance of £635.20 written off (Agreed)" });
  });

  it("says notes, assignments, keying, templates and account changes made by other parts of the service", () => {
    expect(describeAuditEntry(entry("finance", "add_note", "finding", "5", null, { note: "Rang the provider" }))).toEqual({ kind: "decisions", summary: "Finding 5: note added", details: ["Rang the provider"] });
    expect(describeAuditEntry(entry("finance", "assign", "finding", "5", { assigned_to: "nobody" }, { assigned_to: "finance2" })).summary).toBe("Finding 5: assigned nobody → finance2");
    expect(describeAuditEntry(entry("finance", "key_invoice", "invoice", "9", null, {}))).toMatchObject({ kind: "invoices", summary: "Invoice 9 keyed in" });
    expect(describeAuditEntry(entry("finance", "discard_file", "received_file", "2", null, {}))).toMatchObject({ kind: "invoices", summary: "Received file 2 discarded" });
    expect(describeAuditEntry(entry("finance", "teach_template", "provider_template", "1", null, {}))).toMatchObject({ kind: "providers", summary: "Reading template 1 taught" });
    expect(describeAuditEntry(entry("admin", "disable", "user", "7", null, {}))).toMatchObject({ kind: "users", summary: "User 7 disabled" });
    expect(describeAuditEntry(entry("admin", "create", "user", "8", null, { username: "sam", role: "commissioner" })).summary).toBe("User sam added as Commissioner");
  });

  it("says an audit run's trigger and result, or its failure", () => {
    const done = describeAuditEntry(entry("schedule", "audit_finished", "audit run", "40", null, {
      scope: "2026-10", started_by: "the monthly schedule", invoices_audited: 26, findings_raised: 26, flagged_by_category: { fees: "100.00", errors: "35.20", query: "0" }, found_unaudited: 1,
    }));
    expect(done).toEqual({
      kind: "audits", summary: "Audit run 40 of 2026-10 (the monthly schedule) finished",
      details: ["26 invoices audited, 26 findings, £135.20 flagged", "Invoices found still unaudited: 1"],
    });
    expect(describeAuditEntry(entry("finance", "audit_failed", "audit run", "41", null, { scope: "all", started_by: "run by finance", error: "boom" })))
      .toEqual({ kind: "audits", summary: "Audit run 41 of all invoices (run by finance) failed", details: ["Error: boom"] });
  });
});
