import type { Database } from "../../db/connection.js";
import { findingRecordRows } from "../../db/queries/finding-records.query.js";
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
  const rows = await findingRecordRows(db, filter.authorityId, { month: filter.month, status: filter.status as FindingStatus | undefined });
  return rows.map((r) => ({ ...r, child_ref: r.child_ref ?? "" }));
}
