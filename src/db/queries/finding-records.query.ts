import { monthBounds } from "../../domain/months.js";
import type { FindingStatus } from "../../domain/finding.js";
import type { Database } from "../connection.js";
import type { FindingRow } from "../repositories/finding.repository.js";
import type { InvoiceRow } from "../repositories/invoice.repository.js";

/** A finding as `findings` prints it (AUDIT.md "Machine-readable results"), before its child_ref is made a string. */
export type FindingRecordRow = Pick<FindingRow, "id" | "provider_id" | "child_ref" | "rule" | "category" | "amount" | "status" | "explanation" | "line_no" | "recovered_amount" | "written_off_amount">
  & Pick<InvoiceRow, "invoice_number" | "invoice_date">;

/**
 * The authority's findings, in invoice date, invoice number, line and id order: of one status,
 * or every status but `superseded`; of invoices dated in `month`, of one provider, when given.
 */
export async function findingRecordRows(db: Database, authorityId: number, filter: { month?: string | undefined; status?: FindingStatus | undefined; providerId?: string | undefined }): Promise<FindingRecordRow[]> {
  const query = db
    .knex("findings as f")
    .join("invoices as i", "i.id", "f.invoice_id")
    .select("f.id", "f.provider_id", "i.invoice_number", "i.invoice_date", "f.line_no", "f.child_ref", "f.rule", "f.category", "f.amount", "f.recovered_amount", "f.written_off_amount", "f.status", "f.explanation")
    .where("f.authority_id", authorityId)
    .orderBy([{ column: "i.invoice_date" }, { column: "i.invoice_number" }, { column: "f.line_no" }, { column: "f.id" }]);
  if (filter.status) void query.andWhere("f.status", filter.status);
  else void query.andWhereNot("f.status", "superseded");
  if (filter.providerId) void query.andWhere("f.provider_id", filter.providerId);
  if (filter.month) {
    const { from, to } = monthBounds(filter.month);
    void query.andWhereBetween("i.invoice_date", [from, to]);
  }
  return query.select<FindingRecordRow[]>();
}
