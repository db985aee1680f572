import fs from "node:fs";
import path from "node:path";
import type { Knex } from "knex";
import type { Database } from "../../src/db/connection.js";
import { createUser } from "../../src/services/users/users.js";

/**
 * A small review data set for the web tests, inserted directly (no ingest or audit): one
 * provider with a flagged invoice and a clean one, one provider whose name is a script, a file
 * that needs attention and an audit run. Every figure is from AUDIT.md's worked examples.
 */
export const PASSWORD = "correct horse battery staple";
export const SCRIPT_NAME = `<script>document.title="pwned"</script> Homes`;
export const FILE_BYTES = Buffer.from("%PDF-1.4\n<html><script>alert(1)</script></html>\n");

export interface Seeded {
  invoices: { flagged: string; clean: string; script: string };
  findings: { arithmetic: string; extraRate: string; extraQuantity: string; totalMismatch: string };
  files: { flagged: string; attention: string; outside: string };
  outsideInvoice: string;
  auditRun: string;
}

/** A fixed "now" for the web tests: mid-November 2026 (every seeded invoice arrived this month). */
export const NOW = new Date("2026-11-15T12:00:00Z");

async function insertId(knex: Knex, table: string, row: Record<string, unknown>): Promise<string> {
  const [inserted] = await knex(table).insert(row).returning<{ id: string }[]>("id");
  return String(inserted?.id);
}

export async function seedReview(db: Database, dataDir: string): Promise<Seeded> {
  const knex = db.knex;
  await knex("providers").insert([
    { provider_id: "P1", name: "Oakfield Fostering", kind: "ifa", aliases: ["Oakfield Foster Care"] },
    { provider_id: "P2", name: SCRIPT_NAME, kind: "residential" },
  ]);
  await knex("contracts").insert([
    { contract_id: "K1", provider_id: "P1", title: "IFA 2026", start_date: "2026-01-01", absence_retainer_pct: "80", absence_retainer_max_nights: 14 },
    { contract_id: "K2", provider_id: "P2", title: "Residential 2026", start_date: "2026-01-01" },
  ]);
  await knex("placements").insert({ placement_id: "PL1", child_ref: "C1001", provider_id: "P1", contract_id: "K1", start_date: "2026-03-02", weekly_fee: "917.00" });

  const stored = path.join("files", "ab", "abcdef.pdf");
  fs.mkdirSync(path.join(dataDir, "files", "ab"), { recursive: true });
  fs.writeFileSync(path.join(dataDir, stored), FILE_BYTES);
  const file = (name: string, sha: string, storedPath: string, status = "processed", reason: string | null = null): Promise<string> =>
    insertId(knex, "received_files", { sha256: sha, original_name: name, stored_path: storedPath, size_bytes: FILE_BYTES.length, status, reason, received_at: "2026-11-02T09:00:00Z" });
  const flaggedFile = await file("INV-1001.pdf", "a1", stored);
  const cleanFile = await file("INV-1002.pdf", "a2", stored);
  const scriptFile = await file("INV-2001.pdf", "a3", stored);
  const attentionFile = await file("acme-october.pdf", "a4", stored, "needs_attention", `The provider could not be recognised from "Acme <b>Care</b> Ltd"`);
  const outsideFile = await file("escape.pdf", "a5", "../../../../etc/passwd");

  const invoice = (fileId: string, row: Record<string, unknown>): Promise<string> =>
    insertId(knex, "invoices", { file_id: fileId, received_at: "2026-11-02T09:00:00Z", audited_at: "2026-11-02T10:00:00Z", ...row });
  // Worked examples: 31 nights @ £131.00 printed as £4,161.00 (arithmetic error £100.00), and
  // 50 h of 1:1 @ £26.00 against a package of 10 h a week @ £24.00.
  const flagged = await invoice(flaggedFile, {
    provider_id: "P1", invoice_number: "INV-1001", invoice_date: "2026-10-31", period_from: "2026-10-01", period_to: "2026-10-31",
    subtotal: "5461.00", vat: "0.00", total: "5461.00", status: "awaiting_review",
    audit_notes: JSON.stringify([{ lineNo: 1, kind: "undercharge", amount: "0.00", text: "No undercharge" }]),
  });
  const clean = await invoice(cleanFile, {
    provider_id: "P1", invoice_number: "INV-1002", invoice_date: "2026-09-30", period_from: "2026-09-01", period_to: "2026-09-30",
    subtotal: "3930.00", vat: "0.00", total: "3930.00", status: "cleared",
  });
  const script = await invoice(scriptFile, {
    provider_id: "P2", invoice_number: "INV-2001", invoice_date: "2026-10-15", total: "4100.00", status: "awaiting_review",
  });
  const outsideInvoice = await invoice(outsideFile, { provider_id: "P2", invoice_number: "INV-2002", invoice_date: "2026-10-16", total: "1.00", status: "awaiting_audit", audited_at: null });

  await knex("invoice_lines").insert([
    { invoice_id: flagged, line_no: 1, child_ref: "C1001", description: "Foster care placement fee", item: "placement", from_date: "2026-10-01", to_date: "2026-10-31", quantity: "31", unit: "night", unit_rate: "131.00", amount: "4161.00" },
    { invoice_id: flagged, line_no: 2, child_ref: "C1001", description: "1:1 support hours", item: "one_to_one_hour", from_date: "2026-10-01", to_date: "2026-10-31", quantity: "50", unit: "hour", unit_rate: "26.00", amount: "1300.00" },
    { invoice_id: clean, line_no: 1, child_ref: "C1001", description: "Foster care placement fee", item: "placement", from_date: "2026-09-01", to_date: "2026-09-30", quantity: "30", unit: "night", unit_rate: "131.00", amount: "3930.00" },
    { invoice_id: script, line_no: 1, child_ref: "C2002", description: `<img src=x onerror="alert(1)"> Residential care`, item: "placement", from_date: "2026-10-01", to_date: "2026-10-31", quantity: "31", unit: "night", unit_rate: "131.00", amount: "4061.00" },
  ]);

  const runId = await insertId(knex, "audit_runs", {
    trigger: "manual", scope: "2026-10", status: "succeeded", started_at: "2026-11-02T10:00:00Z", finished_at: "2026-11-02T10:00:05Z",
    invoices_audited: 3, lines_audited: 4, findings_raised: 4, flagged_by_category: JSON.stringify({ fees: "237.14", errors: "139.00", query: "0.00" }),
  });
  const finding = (row: Record<string, unknown>): Promise<string> => insertId(knex, "findings", { first_run_id: runId, last_run_id: runId, ...row });
  const arithmetic = await finding({
    invoice_id: flagged, line_no: 1, rule: "arithmetic-error", category: "errors", provider_id: "P1", child_ref: "C1001",
    amount: "100.00", charged: "4161.00", expected: "4061.00", explanation: "31 nights × £131.00 = £4,061.00, but the line says £4,161.00: £100.00 too much.",
  });
  const extraRate = await finding({
    invoice_id: flagged, line_no: 2, rule: "extra-rate-above-agreed", category: "fees", provider_id: "P1", child_ref: "C1001",
    amount: "100.00", charged: "1300.00", expected: "1200.00", explanation: "50 hours at £26.00 instead of the agreed £24.00: 50 × £2.00 = £100.00.",
  });
  const extraQuantity = await finding({
    invoice_id: flagged, line_no: 2, rule: "extra-quantity-above-agreed", category: "fees", provider_id: "P1", child_ref: "C1001",
    amount: "137.14", charged: "1200.00", expected: "1062.86", explanation: "50 hours billed, at most 10 a week agreed (44.29 in 31 nights): 5.71 × £24.00 = £137.14.",
  });
  const totalMismatch = await finding({
    invoice_id: script, line_no: 0, rule: "total-mismatch", category: "errors", provider_id: "P2", child_ref: null,
    amount: "39.00", charged: "4100.00", expected: "4061.00", explanation: `Total £4,100.00 but the lines add up to £4,061.00 <script>alert("x")</script>`,
  });
  return {
    invoices: { flagged, clean, script },
    findings: { arithmetic, extraRate, extraQuantity, totalMismatch },
    files: { flagged: flaggedFile, attention: attentionFile, outside: outsideFile },
    outsideInvoice,
    auditRun: runId,
  };
}

export async function seedUsers(db: Database): Promise<void> {
  await createUser(db, { authorityId: 1, username: "finance", password: PASSWORD, role: "finance_officer" }, "test");
  await createUser(db, { authorityId: 1, username: "commissioner", password: PASSWORD, role: "commissioner" }, "test");
  await createUser(db, { authorityId: 1, username: "admin", password: PASSWORD, role: "admin" }, "test");
}
