import type { Database } from "../../src/db/connection.js";

/**
 * A provider with many open findings, for reviewing at scale: `count` findings of £12.50 each
 * (so £12.50 × count in all), ten to an invoice numbered BR-0001, BR-0002…, children
 * C9000, C9001… Needs seedReview's audit run.
 */
export const BULK = { providerId: "P3", providerName: "Brookside Care", amount: "12.50" } as const;

export async function seedBulkFindings(db: Database, count: number): Promise<{ invoiceIds: string[] }> {
  const knex = db.knex;
  await knex("providers").insert({ provider_id: BULK.providerId, name: BULK.providerName, kind: "residential" });
  const run = await knex("audit_runs").first<{ id: string }>("id");
  const invoiceIds: string[] = [];
  for (let i = 0; i * 10 < count; i++) {
    const number = `BR-${String(i + 1).padStart(4, "0")}`;
    const [file] = await knex("received_files")
      .insert({ sha256: `bulk-${number}`, original_name: `${number}.pdf`, stored_path: `files/bulk/${number}.pdf`, size_bytes: 1, status: "processed", received_at: "2026-11-03T09:00:00Z" })
      .returning<{ id: string }[]>("id");
    const [invoice] = await knex("invoices")
      .insert({
        file_id: file?.id, provider_id: BULK.providerId, invoice_number: number, invoice_date: "2026-10-20", total: "1000.00",
        status: "awaiting_review", received_at: "2026-11-03T09:00:00Z", audited_at: "2026-11-03T10:00:00Z",
      })
      .returning<{ id: string }[]>("id");
    invoiceIds.push(String(invoice?.id));
    const lines = Math.min(10, count - i * 10);
    await knex("findings").insert(Array.from({ length: lines }, (_, j) => ({
      invoice_id: invoice?.id, line_no: j + 1, rule: "arithmetic-error", category: "errors", provider_id: BULK.providerId,
      child_ref: `C${9000 + i * 10 + j}`, amount: BULK.amount, charged: "100.00", expected: "87.50", first_run_id: run?.id, last_run_id: run?.id,
      explanation: "The line says £100.00 but its quantity times its rate is £87.50: £12.50 too much.",
    })));
  }
  return { invoiceIds };
}
