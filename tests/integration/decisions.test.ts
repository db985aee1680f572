import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AppError } from "../../src/domain/errors.js";
import { decideFinding, decideFindings, invoiceStatusFor, type Actor } from "../../src/services/review/decide-finding.js";
import { openTestDatabase, type TestDatabase } from "../support/db.js";
import { NOW, seedReview, seedUsers, type Seeded } from "./web-seed.js";

/**
 * The decision service: the AUDIT.md lifecycle (open → confirmed → recovered | dismissed, and
 * reopen), the invoice status that follows, and one audit_log row per decision, all in one
 * transaction.
 */
let t: TestDatabase;
let seeded: Seeded;
let actor: Actor;

beforeAll(async () => {
  t = await openTestDatabase();
  seeded = await seedReview(t.db, t.dataDir);
  await seedUsers(t.db);
  const user = await t.db.knex("users").where({ username: "finance" }).first<{ id: string }>("id");
  actor = { userId: String(user?.id), username: "finance", authorityId: 1 };
});

afterAll(async () => {
  await t?.dispose();
});

/** Every test starts from the seeded state: all four findings open. The log cannot be cleared, so tests read only their own rows. */
let logStart = 0;
beforeEach(async () => {
  logStart = Number((await t.db.knex("audit_log").max<{ max: string | null }[]>({ max: "id" }))[0]?.max ?? 0);
  await t.db.knex("finding_decisions").del();
  await t.db.knex("findings").update({ status: "open", recovered_amount: null, recovered_on: null, dismissed_reason: null });
  await t.db.knex("invoices").whereIn("id", [seeded.invoices.flagged, seeded.invoices.script]).update({ status: "awaiting_review" });
});

async function finding(id: string): Promise<Record<string, unknown>> {
  return (await t.db.knex("findings").where({ id }).first<Record<string, unknown>>("status", "recovered_amount", "recovered_on", "dismissed_reason")) ?? {};
}

async function invoiceStatus(id: string): Promise<string> {
  return ((await t.db.knex("invoices").where({ id }).first<{ status: string }>("status"))?.status) ?? "";
}

async function auditRows(findingId: string): Promise<{ actor: string; action: string; entity: string; before: unknown; after: unknown }[]> {
  return t.db.knex("audit_log").where({ entity: "finding", entity_id: findingId }).andWhere("id", ">", logStart).orderBy("id").select("actor", "action", "entity", "before", "after");
}

async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  const error: unknown = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe(code);
}

describe("invoice status from its findings", () => {
  it("is awaiting_review while any finding is open, queried while any is confirmed, else cleared", () => {
    expect(invoiceStatusFor(["open", "confirmed", "recovered"])).toBe("awaiting_review");
    expect(invoiceStatusFor(["confirmed", "dismissed"])).toBe("queried");
    expect(invoiceStatusFor(["confirmed", "recovered"])).toBe("queried");
    expect(invoiceStatusFor(["recovered", "dismissed"])).toBe("cleared");
    expect(invoiceStatusFor([])).toBe("cleared");
  });
});

describe("decideFinding", () => {
  it("confirms an open finding: the finding, a decision row and an audit log row, the invoice still awaiting review", async () => {
    const outcome = await decideFinding(t.db, actor, seeded.findings.arithmetic, { action: "confirm" }, NOW);
    expect(outcome.after.status).toBe("confirmed");
    expect(await finding(seeded.findings.arithmetic)).toEqual({ status: "confirmed", recovered_amount: null, recovered_on: null, dismissed_reason: null });
    // Two other findings on INV-1001 are still open.
    expect(await invoiceStatus(seeded.invoices.flagged)).toBe("awaiting_review");
    const decisions = await t.db.knex("finding_decisions").where({ finding_id: seeded.findings.arithmetic }).select("user_id", "action", "reason", "amount", "decided_on");
    expect(decisions).toEqual([{ user_id: actor.userId, action: "confirm", reason: null, amount: null, decided_on: "2026-11-15" }]);
    expect(await auditRows(seeded.findings.arithmetic)).toEqual([
      {
        actor: "finance",
        action: "confirm",
        entity: "finding",
        before: { status: "open", recovered_amount: null, recovered_on: null, dismissed_reason: null, written_off_amount: null, written_off_reason: null, invoice_status: "awaiting_review" },
        after: { status: "confirmed", recovered_amount: null, recovered_on: null, dismissed_reason: null, written_off_amount: null, written_off_reason: null, invoice_status: "awaiting_review" },
      },
    ]);
  });

  it("needs a reason to dismiss, and writes nothing without one", async () => {
    await expectCode(decideFinding(t.db, actor, seeded.findings.extraRate, { action: "dismiss", reason: "   " }, NOW), "decision.reason_required");
    expect((await finding(seeded.findings.extraRate)).status).toBe("open");
    expect(await auditRows(seeded.findings.extraRate)).toEqual([]);
    await decideFinding(t.db, actor, seeded.findings.extraRate, { action: "dismiss", reason: "Rate agreed by email on 3 Oct" }, NOW);
    expect(await finding(seeded.findings.extraRate)).toEqual({ status: "dismissed", recovered_amount: null, recovered_on: null, dismissed_reason: "Rate agreed by email on 3 Oct" });
    const [row] = await auditRows(seeded.findings.extraRate);
    expect(row?.after).toMatchObject({ status: "dismissed", dismissed_reason: "Rate agreed by email on 3 Oct", reason: "Rate agreed by email on 3 Oct" });
  });

  it("moves the invoice to queried once nothing is open, and to cleared once everything is recovered or dismissed", async () => {
    const { arithmetic, extraRate, extraQuantity } = seeded.findings;
    await decideFinding(t.db, actor, arithmetic, { action: "confirm" }, NOW);
    await decideFinding(t.db, actor, extraRate, { action: "confirm" }, NOW);
    expect(await invoiceStatus(seeded.invoices.flagged)).toBe("awaiting_review");
    const last = await decideFinding(t.db, actor, extraQuantity, { action: "dismiss", reason: "Extra hours agreed" }, NOW);
    expect(last.before.invoice_status).toBe("awaiting_review");
    expect(last.after.invoice_status).toBe("queried");
    expect(await invoiceStatus(seeded.invoices.flagged)).toBe("queried");
    await decideFinding(t.db, actor, arithmetic, { action: "recover", amount: "100.00", recoveredOn: "2026-11-10" }, NOW);
    expect(await invoiceStatus(seeded.invoices.flagged)).toBe("queried");
    await decideFinding(t.db, actor, extraRate, { action: "dismiss", reason: "Provider disputes it; not worth pursuing" }, NOW);
    expect(await invoiceStatus(seeded.invoices.flagged)).toBe("cleared");
    // Reopening one finding sends the invoice back to review.
    await decideFinding(t.db, actor, extraRate, { action: "reopen" }, NOW);
    expect(await invoiceStatus(seeded.invoices.flagged)).toBe("awaiting_review");
    // The other invoice was never touched.
    expect(await invoiceStatus(seeded.invoices.script)).toBe("awaiting_review");
  });

  it("records partial recoveries that add up to at most the finding's amount", async () => {
    const id = seeded.findings.extraQuantity; // £137.14
    await decideFinding(t.db, actor, id, { action: "confirm" }, NOW);
    await decideFinding(t.db, actor, id, { action: "recover", amount: "£100.00", recoveredOn: "2026-11-01" }, NOW);
    expect(await finding(id)).toEqual({ status: "recovered", recovered_amount: "100.00", recovered_on: "2026-11-01", dismissed_reason: null });
    await expectCode(decideFinding(t.db, actor, id, { action: "recover", amount: "37.15", recoveredOn: "2026-11-12" }, NOW), "decision.amount_exceeds");
    expect((await finding(id)).recovered_amount).toBe("100.00");
    await decideFinding(t.db, actor, id, { action: "recover", amount: "37.14", recoveredOn: "2026-11-12" }, NOW);
    expect(await finding(id)).toEqual({ status: "recovered", recovered_amount: "137.14", recovered_on: "2026-11-12", dismissed_reason: null });
    const decisions = await t.db.knex("finding_decisions").where({ finding_id: id }).orderBy("id").select("action", "amount", "decided_on");
    expect(decisions).toEqual([
      { action: "confirm", amount: null, decided_on: "2026-11-15" },
      { action: "recover", amount: "100.00", decided_on: "2026-11-01" },
      { action: "recover", amount: "37.14", decided_on: "2026-11-12" },
    ]);
    const rows = await auditRows(id);
    expect(rows.map((r) => r.action)).toEqual(["confirm", "recover", "recover"]);
    expect(rows[2]?.before).toMatchObject({ status: "recovered", recovered_amount: "100.00" });
    expect(rows[2]?.after).toMatchObject({ status: "recovered", recovered_amount: "137.14", amount: "37.14" });
  });

  it("checks the amount and the date of a recovery", async () => {
    const id = seeded.findings.arithmetic;
    await decideFinding(t.db, actor, id, { action: "confirm" }, NOW);
    await expectCode(decideFinding(t.db, actor, id, { action: "recover", amount: "ten pounds", recoveredOn: "2026-11-01" }, NOW), "decision.amount_invalid");
    await expectCode(decideFinding(t.db, actor, id, { action: "recover", amount: "0.00", recoveredOn: "2026-11-01" }, NOW), "decision.amount_invalid");
    await expectCode(decideFinding(t.db, actor, id, { action: "recover", amount: "10.001", recoveredOn: "2026-11-01" }, NOW), "decision.amount_invalid");
    await expectCode(decideFinding(t.db, actor, id, { action: "recover", amount: "10.00", recoveredOn: "2026-02-30" }, NOW), "decision.date_invalid");
    await expectCode(decideFinding(t.db, actor, id, { action: "recover", amount: "10.00", recoveredOn: "2026-11-16" }, NOW), "decision.date_invalid");
    await expectCode(decideFinding(t.db, actor, id, { action: "recover", amount: "10.00" }, NOW), "decision.date_invalid");
    expect((await finding(id)).status).toBe("confirmed");
  });

  it("follows the lifecycle: no recovery before confirming, no confirming twice, no reopening an open finding", async () => {
    const id = seeded.findings.arithmetic;
    await expectCode(decideFinding(t.db, actor, id, { action: "recover", amount: "10.00", recoveredOn: "2026-11-01" }, NOW), "decision.not_allowed");
    await expectCode(decideFinding(t.db, actor, id, { action: "reopen" }, NOW), "decision.not_allowed");
    await decideFinding(t.db, actor, id, { action: "confirm" }, NOW);
    await expectCode(decideFinding(t.db, actor, id, { action: "confirm" }, NOW), "decision.not_allowed");
    await decideFinding(t.db, actor, id, { action: "dismiss", reason: "Credit already agreed" }, NOW);
    await expectCode(decideFinding(t.db, actor, id, { action: "recover", amount: "10.00", recoveredOn: "2026-11-01" }, NOW), "decision.not_allowed");
    const reopened = await decideFinding(t.db, actor, id, { action: "reopen" }, NOW);
    expect(reopened.before).toMatchObject({ status: "dismissed", dismissed_reason: "Credit already agreed" });
    expect(await finding(id)).toEqual({ status: "open", recovered_amount: null, recovered_on: null, dismissed_reason: null });
    expect((await auditRows(id)).map((r) => r.action)).toEqual(["confirm", "dismiss", "reopen"]);
  });

  it("reopening a recovered finding clears the recovery (the audit log keeps it)", async () => {
    const id = seeded.findings.arithmetic;
    await decideFinding(t.db, actor, id, { action: "confirm" }, NOW);
    await decideFinding(t.db, actor, id, { action: "recover", amount: "40.00", recoveredOn: "2026-11-02" }, NOW);
    const outcome = await decideFinding(t.db, actor, id, { action: "reopen", reason: "The credit note was for another child" }, NOW);
    expect(outcome.before).toMatchObject({ status: "recovered", recovered_amount: "40.00", recovered_on: "2026-11-02" });
    expect(await finding(id)).toEqual({ status: "open", recovered_amount: null, recovered_on: null, dismissed_reason: null });
  });

  it("refuses unknown findings, and superseded findings neither count nor can be decided", async () => {
    await expectCode(decideFinding(t.db, actor, "999999", { action: "confirm" }, NOW), "not_found");
    await expectCode(decideFinding(t.db, actor, "1; drop table findings", { action: "confirm" }, NOW), "not_found");
    await expectCode(decideFinding(t.db, { ...actor, authorityId: 2 }, seeded.findings.arithmetic, { action: "confirm" }, NOW), "not_found");
    await t.db.knex("findings").where({ id: seeded.findings.extraRate }).update({ status: "superseded" });
    await expectCode(decideFinding(t.db, actor, seeded.findings.extraRate, { action: "confirm" }, NOW), "decision.not_allowed");
    await decideFinding(t.db, actor, seeded.findings.arithmetic, { action: "confirm" }, NOW);
    await decideFinding(t.db, actor, seeded.findings.extraQuantity, { action: "confirm" }, NOW);
    // The superseded finding is still "open"-free: the invoice is queried, not awaiting review.
    expect(await invoiceStatus(seeded.invoices.flagged)).toBe("queried");
  });
});

describe("decideFindings (several at once)", () => {
  it("decides all of them in one transaction, with one decision and one audit row each", async () => {
    const ids = [seeded.findings.arithmetic, seeded.findings.totalMismatch];
    const outcomes = await decideFindings(t.db, actor, ids, { action: "confirm" }, NOW);
    expect(outcomes.map((o) => o.after.status)).toEqual(["confirmed", "confirmed"]);
    expect(await invoiceStatus(seeded.invoices.flagged)).toBe("awaiting_review");
    expect(await invoiceStatus(seeded.invoices.script)).toBe("queried");
    expect(await t.db.knex("finding_decisions").whereIn("finding_id", ids).count<{ n: string }[]>({ n: "*" })).toEqual([{ n: "2" }]);
    expect((await auditRows(seeded.findings.totalMismatch)).map((r) => r.action)).toEqual(["confirm"]);
  });

  it("decides none of them when one cannot be decided", async () => {
    await decideFinding(t.db, actor, seeded.findings.arithmetic, { action: "confirm" }, NOW);
    const before = await t.db.knex("audit_log").count<{ n: string }[]>({ n: "*" });
    await expectCode(decideFindings(t.db, actor, [seeded.findings.extraRate, seeded.findings.arithmetic], { action: "confirm" }, NOW), "decision.not_allowed");
    expect((await finding(seeded.findings.extraRate)).status).toBe("open");
    expect(await t.db.knex("audit_log").count<{ n: string }[]>({ n: "*" })).toEqual(before);
    await expectCode(decideFindings(t.db, actor, [], { action: "confirm" }, NOW), "decision.none_selected");
  });

  it("keeps the audit log append-only", async () => {
    await decideFinding(t.db, actor, seeded.findings.arithmetic, { action: "confirm" }, NOW);
    await expect(t.db.knex("audit_log").where({ entity: "finding" }).update({ actor: "someone else" })).rejects.toThrow(/append-only/);
  });
});
