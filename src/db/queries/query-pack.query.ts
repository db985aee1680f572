import type { Database } from "../connection.js";
import type { FindingRow } from "../repositories/finding.repository.js";
import type { InvoiceRow } from "../repositories/invoice.repository.js";

/** A finding as the query pack lists it, with its invoice's number and date and its line as printed. */
export type QueryPackFindingRow = Pick<FindingRow, "id" | "invoice_id" | "child_ref" | "rule" | "charged" | "expected" | "amount" | "status" | "recovered_amount" | "written_off_amount"> &
  Pick<InvoiceRow, "invoice_number" | "invoice_date"> & {
    evidence: unknown;
    line_no: number;
    line_description: string | null;
    line_child_ref: string | null;
    line_placement_ref: string | null;
  };

/** Findings still owed: confirmed (raised, no money back yet) or recovered only in part. */
function owed(q: import("knex").Knex.QueryBuilder): void {
  void q.where("f.status", "confirmed").orWhere((p) => void p.where("f.status", "recovered").andWhereRaw("coalesce(f.recovered_amount, f.amount) + coalesce(f.written_off_amount, 0) < f.amount"));
}

/**
 * One provider's findings still owed, in invoice date, invoice number and line order, each
 * with the invoice line it is about (none for a whole-invoice finding, line 0).
 */
export async function confirmedFindingsOfProvider(db: Database, authorityId: number, providerId: string): Promise<QueryPackFindingRow[]> {
  return (await db
    .knex("findings as f")
    .join("invoices as i", "i.id", "f.invoice_id")
    .leftJoin("invoice_lines as l", (j) => void j.on("l.invoice_id", "=", "f.invoice_id").andOn("l.line_no", "=", "f.line_no"))
    .select(
      "f.id", "f.invoice_id", "i.invoice_number", "i.invoice_date", "f.line_no", "f.child_ref", "f.rule", "f.charged", "f.expected", "f.amount", "f.evidence",
      "f.status", "f.recovered_amount", "f.written_off_amount", "l.description as line_description", "l.child_ref as line_child_ref", "l.placement_ref as line_placement_ref",
    )
    .where({ "f.authority_id": authorityId, "f.provider_id": providerId })
    .andWhere(owed)
    .orderBy([{ column: "i.invoice_date" }, { column: "i.invoice_number" }, { column: "f.line_no" }, { column: "f.id" }])) as QueryPackFindingRow[];
}

/** The providers with something still owed (the only ones a query pack is offered for), by name. */
export async function providersWithFindingsOwed(db: Database, authorityId: number): Promise<{ provider_id: string; name: string }[]> {
  return (await db
    .knex("providers as p")
    .select("p.provider_id", "p.name")
    .whereExists((q) => void q.select(db.knex.raw("1")).from("findings as f").whereRaw("f.provider_id = p.provider_id").andWhere("f.authority_id", authorityId).andWhere(owed))
    .andWhere("p.authority_id", authorityId)
    .orderBy([{ column: "p.name" }, { column: "p.provider_id" }])) as { provider_id: string; name: string }[];
}
