import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../../src/web/app.js";
import { runAudit } from "../../src/services/audit/run-audit.js";
import { ingestFiles } from "../../src/services/ingest/ingest-files.js";
import { importReference } from "../../src/services/reference/import-reference.js";
import { createUser } from "../../src/services/users/users.js";
import { readCsv } from "../../src/tabular/csv.js";
import { csvText, utf8WithBom } from "../fixtures/invoices/spreadsheet-builders.js";
import { openTestDatabase, type TestDatabase } from "../support/db.js";
import { seedIfaPlacement } from "../support/seed.js";
import { signedIn, startTestServer, type WebClient } from "./web-client.js";
import { PASSWORD } from "./web-seed.js";

/** A provider's CSV invoice for child C1001 (AUDIT.md's worked example placement, £131.00 a night). */
function invoiceCsv(number: string, date: string, period: string, nights: string, amount: string): Uint8Array {
  return utf8WithBom(csvText([
    ["Supplier", "Oakfield Fostering"], ["Invoice No", number], ["Invoice Date", date], ["Period", period], [],
    ["Child Ref", "Description", "Nights", "Rate", "Amount"], ["C1001", "Foster placement", nights, "£131.00", amount], ["", "", "", "Total", amount],
  ], ","));
}

/**
 * Every kind of change to money or data, made as people make them (the pages, the command
 * line's services, the schedule), and the audit log's entry for each in words. Figures by hand:
 * UP-1 bills 31 October nights × £131.00 = £4,061.00 but prints £4,161.00: arithmetic-error
 * £100.00; £40.00 is recovered and the £60.00 balance written off.
 */
describe("the audit log covers every change, in words, filterable and exportable, with links by role", () => {
  let t: TestDatabase;
  let server: RunningServer;
  let finance: WebClient;
  let admin: WebClient;
  let commissioner: WebClient;
  let findingId: string;
  let runId: string;

  /** The log's rows as text, one string per entry (when, who, what changed). */
  const entries = async (client: WebClient, query = ""): Promise<string[]> => {
    const page = await client.get(`/audit-log${query}`);
    expect(page.status).toBe(200);
    const body = /<tbody[^>]*>([\s\S]*?)<\/tbody>/.exec(page.text)?.[1] ?? "";
    return body.split(/<\/tr>/).map((row) => row.replace(/<[^>]+>/g, " ").replace(/&amp;/g, "&").replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/\s+/g, " ").trim()).filter(Boolean);
  };

  beforeAll(async () => {
    t = await openTestDatabase();
    await seedIfaPlacement(t.db.knex);
    await createUser(t.db, { authorityId: 1, username: "finance", password: PASSWORD, role: "finance_officer" }, "setup");
    await createUser(t.db, { authorityId: 1, username: "admin", password: PASSWORD, role: "admin" }, "setup");
    await createUser(t.db, { authorityId: 1, username: "commissioner", password: PASSWORD, role: "commissioner" }, "setup");
    server = await startTestServer(t, { now: () => new Date("2026-12-03T12:00:00Z") });
    finance = await signedIn(server.url, "finance");
    admin = await signedIn(server.url, "admin");
    commissioner = await signedIn(server.url, "commissioner");

    // An import (the command line's service, as "command line").
    await importReference(t.db, [{ name: "providers.csv", bytes: Buffer.from("provider_id,name,kind,vat_number,aliases\nP3,Birch Homes,residential,,\n") }], { authorityId: 1, actor: "command line" });
    // An upload on the page (audited on arrival).
    const upload = await finance.request("POST", "/uploads/invoices", {
      multipart: { fields: { _csrf: await finance.csrfToken() }, files: [{ field: "invoiceFiles", name: "up-1.csv", bytes: invoiceCsv("UP-1", "31/10/2026", "October 2026", "31", "£4,161.00") }] },
    });
    expect(upload.status).toBe(200);
    // An ingest from the command line: one invoice and one file that cannot be read.
    await ingestFiles(t.db, [
      { name: "up-2.csv", bytes: invoiceCsv("UP-2", "30/11/2026", "November 2026", "30", "£3,930.00") },
      // A name that would be a formula in a spreadsheet: the CSV export must not let it run.
      { name: "=junk.csv", bytes: Buffer.from("nothing to read here\n") },
    ], { dataDir: t.dataDir, authorityId: 1, actor: "command line" });
    // Re-processing the unreadable file from the page.
    const junk = await t.db.knex("received_files").where({ original_name: "=junk.csv" }).first<{ id: string }>("id");
    await finance.post(`/needs-attention/${junk?.id}/reprocess`);
    // An audit by a person ("run now") and one by the schedule.
    const run = await finance.post("/audit-runs", { scope: "all" });
    expect(run.status).toBe(303);
    for (let i = 0; i < 200 && (await t.db.knex("audit_runs").where({ status: "running" }).first("id")); i++) await new Promise((r) => setTimeout(r, 50));
    runId = String((await runAudit(t.db, { authorityId: 1, scope: { kind: "month", month: "2026-10" }, trigger: "scheduled" })).runId);
    // Decisions, a recovery and a write-off on UP-1's finding.
    const finding = await t.db.knex("findings as f").join("invoices as i", "i.id", "f.invoice_id").where({ "i.invoice_number": "UP-1" }).first<{ id: string; amount: string }>("f.id", "f.amount");
    expect(finding?.amount).toBe("100.00");
    findingId = String(finding?.id);
    await finance.post(`/findings/${findingId}/decisions`, { action: "confirm" });
    await finance.post(`/findings/${findingId}/decisions`, { action: "recover", amount: "40.00", reference: "CN-1", "recovered_on-day": "1", "recovered_on-month": "12", "recovered_on-year": "2026" });
    await finance.post(`/findings/${findingId}/decisions`, { action: "write_off", reason: "Agreed at the contract review" });
    // A provider alias whose name would be a formula in a spreadsheet.
    await finance.post("/providers/aliases", { providerId: "P1", alias: "=HYPERLINK(\"http://x\")" });
    // User changes.
    await admin.post("/users", { username: "reviewer2", password: PASSWORD, role: "commissioner" });
    const reviewer = await t.db.knex("users").where({ username: "reviewer2" }).first<{ id: string }>("id");
    await admin.post(`/users/${reviewer?.id}/unlock`);
  });
  afterAll(async () => {
    await server?.close();
    await t.dispose();
  });

  it("logs each kind of change in words", async () => {
    const log = await entries(admin);
    const has = (pattern: RegExp): void => expect(log.some((e) => pattern.test(e)), `no entry matches ${pattern}\n${log.join("\n")}`).toBe(true);
    has(/command line Reference data imported from 1 file: 1 row added or changed providers\.csv \(providers\): 1 added, 0 changed, 0 unchanged, 0 rejected/);
    has(/finance 1 invoice file uploaded: 1 invoice stored, 0 already received, 0 need attention up-1\.csv: stored as invoice UP-1 of P1 Audited on arrival/);
    has(/finance Audit run \d+ of invoices just received \(on arrival of invoices sent by finance\) finished 1 invoice audited, 1 finding, £100\.00 flagged/);
    has(/command line 2 invoice files received: 1 invoice stored, 0 already received, 1 needs attention .*junk\.csv: needs attention/);
    has(/finance 1 invoice file read again: 0 invoices stored, 0 already received, 1 needs attention =junk\.csv: needs attention/);
    has(/finance Audit run \d+ of all invoices \(run by finance\) finished 2 invoices audited, 1 finding, £100\.00 flagged/);
    has(new RegExp(`schedule Audit run ${runId} of 2026-10 \\(the monthly schedule\\) finished 1 invoice audited, 1 finding, £100\\.00 flagged`));
    has(new RegExp(`finance Finding ${findingId}: Open → Confirmed Invoice: Awaiting review → Queried`));
    has(new RegExp(`finance Finding ${findingId}: £40\\.00 recovered \\(reference CN-1\\); Confirmed → Recovered Recovered so far: £40\\.00`));
    has(new RegExp(`finance Finding ${findingId}: Balance of £60\\.00 written off \\(Agreed at the contract review\\) Invoice: Queried → Cleared`));
    has(/finance Provider P1: alias “=HYPERLINK\("http:\/\/x"\)” added/);
    has(/admin User reviewer2 added as Commissioner/);
    has(/admin User \d+ unlocked/);
    has(/setup User finance added as Finance officer/);
  });

  it("filters by what, who and when", async () => {
    const users = await entries(admin, "?what=users");
    expect(users.length).toBe(5);
    expect(users.every((e) => / User /.test(e))).toBe(true);
    const audits = await entries(admin, "?what=audits");
    expect(audits.every((e) => /Audit run \d+/.test(e))).toBe(true);
    expect(audits.length).toBeGreaterThanOrEqual(4);
    const byFinance = await entries(admin, "?who=finance&what=recoveries");
    expect(byFinance).toHaveLength(2);
    expect(byFinance.every((e) => e.includes(`Finding ${findingId}`))).toBe(true);
    expect(await entries(admin, "?from=2099-01-01")).toEqual([]);
    expect((await entries(admin, "?to=2000-01-01"))).toEqual([]);
    const bad = await admin.get("/audit-log?from=soon");
    expect(bad.text).toContain("Enter a date like 2026-11-30");
  });

  it("exports the filtered log as CSV, formula cells neutralised", async () => {
    const csv = await finance.get("/audit-log.csv?what=providers");
    expect(csv.headers.get("content-type")).toContain("text/csv");
    const [header = [], ...rows] = readCsv(csv.text);
    expect(header).toEqual(["at", "who", "what", "summary", "details", "action", "entity", "entity_id"]);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.[header.indexOf("who")]).toBe("finance");
    expect(rows[0]?.[header.indexOf("summary")]).toBe("Provider P1: alias “=HYPERLINK(\"http://x\")” added");
    const [, ...files] = readCsv((await finance.get("/audit-log.csv?what=invoices&who=command%20line")).text);
    expect(files).toHaveLength(1);
    expect(files[0]?.[header.indexOf("summary")]).toBe("2 invoice files received: 1 invoice stored, 0 already received, 1 needs attention");
    expect(files[0]?.[header.indexOf("details")]).toMatch(/^'=junk\.csv: needs attention/);
    const all = readCsv((await finance.get("/audit-log.csv")).text);
    // Every cell that would start a formula starts with an apostrophe instead.
    for (const row of all) for (const cell of row) expect(/^[=+\-@]/.test(cell)).toBe(false);
  });

  it("links only to what the reader's role may open", async () => {
    const asCommissioner = await commissioner.get("/audit-log");
    expect(asCommissioner.text).toContain(`href="/findings/${findingId}"`);
    expect(asCommissioner.text).not.toContain('href="/users"');
    const asAdmin = await admin.get("/audit-log");
    expect(asAdmin.text).not.toContain(`href="/findings/${findingId}"`);
    expect(asAdmin.text).toContain('href="/users"');
    expect(asAdmin.text).toContain('href="/audit-runs"');
  });
});
