import type { Database } from "../../db/connection.js";
import { findingRecordRows } from "../../db/queries/finding-records.query.js";
import { AppError } from "../../domain/errors.js";
import { FINDING_STATUSES, type FindingStatus } from "../../domain/finding.js";
import { moneyString } from "../../domain/money.js";
import { outstandingOf } from "../../domain/recovery.js";

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
  /** Money recovered so far ("0.00" when none). */
  recovered_amount: string;
  /** Still owed by the provider: amount − recovered for confirmed and recovered findings, else "0.00". */
  outstanding: string;
}

/** AUDIT.md's columns, then what was recovered and what is still owed (issue 19). */
export const FINDING_COLUMNS = ["provider_id", "invoice_number", "child_ref", "rule", "category", "amount", "status", "explanation", "recovered_amount", "outstanding"] as const;

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
  return rows.map(({ recovered_amount: recovered, ...r }) => ({
    ...r,
    child_ref: r.child_ref ?? "",
    recovered_amount: moneyString(recovered ?? "0"),
    outstanding: outstandingOf(r.status, r.amount, recovered),
  }));
}
