import type { Database } from "../../db/connection.js";
import { findingRecordRows } from "../../db/queries/finding-records.query.js";
import { AppError } from "../../domain/errors.js";
import { FINDING_STATUSES, type FindingStatus } from "../../domain/finding.js";
import { moneyString } from "../../domain/money.js";
import { outstandingOf } from "../../domain/recovery.js";
import type { FindingRecord } from "../../reports/findings-export.js";

export { FINDING_COLUMNS, type FindingRecord } from "../../reports/findings-export.js";

export interface FindingFilter {
  /** Invoices dated in this month (YYYY-MM). */
  month?: string;
  providerId?: string;
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
  const rows = await findingRecordRows(db, filter.authorityId, { month: filter.month, status: filter.status as FindingStatus | undefined, providerId: filter.providerId });
  return rows.map((r) => {
    const amount = moneyString(r.amount);
    const recovered = moneyString(r.recovered_amount ?? "0");
    return {
      provider_id: r.provider_id,
      invoice_number: r.invoice_number,
      child_ref: r.child_ref ?? "",
      rule: r.rule,
      category: r.category,
      amount,
      status: r.status,
      explanation: r.explanation,
      id: String(r.id),
      invoice_date: r.invoice_date,
      line: r.line_no,
      recovered_amount: recovered,
      outstanding: outstandingOf(r.status, amount, recovered, r.written_off_amount),
    };
  });
}
