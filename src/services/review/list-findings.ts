import type { Database } from "../../db/connection.js";
import { monthBounds } from "../../domain/dates.js";
import { AppError } from "../../domain/errors.js";
import { FINDING_STATUSES, type FindingStatus } from "../../domain/finding.js";

/** One finding as AUDIT.md "Machine-readable results" defines it. */
export interface FindingRecord {
  provider_id: string;
  invoice_number: string;
  child_ref: string;
  rule: string;
  category: string;
  amount: string;
  status: FindingStatus;
  explanation: string;
}

export const FINDING_COLUMNS = ["provider_id", "invoice_number", "child_ref", "rule", "category", "amount", "status", "explanation"] as const;

export interface FindingFilter {
  /** Invoices dated in this month (YYYY-MM). */
  month?: string;
  status?: string;
  authorityId: number;
}

/**
 * Findings for output. Without a status filter every status except `superseded` is listed
 * (AUDIT.md); ordered by invoice date, invoice number, line and the waterfall's order of rules.
 */
export async function listFindings(db: Database, filter: FindingFilter): Promise<FindingRecord[]> {
  if (filter.status !== undefined && !(FINDING_STATUSES as readonly string[]).includes(filter.status)) {
    throw new AppError("usage", `--status must be one of ${FINDING_STATUSES.join(", ")}, not "${filter.status}"`);
  }
  const query = db
    .knex("findings as f")
    .join("invoices as i", "i.id", "f.invoice_id")
    .select("f.provider_id", "i.invoice_number", "f.child_ref", "f.rule", "f.category", "f.amount", "f.status", "f.explanation")
    .where("f.authority_id", filter.authorityId)
    .orderBy([{ column: "i.invoice_date" }, { column: "i.invoice_number" }, { column: "f.line_no" }, { column: "f.id" }]);
  if (filter.status) void query.andWhere("f.status", filter.status);
  else void query.andWhereNot("f.status", "superseded");
  if (filter.month) {
    const { from, to } = monthBounds(filter.month);
    void query.andWhereBetween("i.invoice_date", [from, to]);
  }
  const rows = await query.select<(Omit<FindingRecord, "child_ref"> & { child_ref: string | null })[]>();
  return rows.map((r) => ({ ...r, child_ref: r.child_ref ?? "" }));
}
