import type { Knex } from "knex";
import type { FindingStatus } from "../../domain/finding.js";
import type { InvoiceStatus } from "../../domain/invoice.js";

// The statuses are domain vocabulary (src/domain/invoice.ts); re-exported for the read queries that import them from here.
export type { InvoiceStatus };

/** A findings row as the review needs it (numerics and dates stay strings). */
export interface FindingRow {
  id: string;
  authority_id: number;
  invoice_id: string;
  line_no: number;
  rule: string;
  category: string;
  provider_id: string;
  child_ref: string | null;
  amount: string;
  charged: string;
  expected: string;
  explanation: string;
  status: FindingStatus;
  recovered_amount: string | null;
  recovered_on: string | null;
  dismissed_reason: string | null;
  /** The credit note number or deduction reference of the last recovery. */
  recovered_reference: string | null;
  /** What a re-audit found instead of this decided finding (never changed by it). */
  reaudit_change: string | null;
  /** The balance of a partly recovered finding written off (dismissed with a reason), if any. */
  written_off_amount: string | null;
  written_off_reason: string | null;
  written_off_on: string | null;
}

/** The fields a reviewer's decision changes. */
export type DecisionFields = Pick<
  FindingRow,
  "status" | "recovered_amount" | "recovered_on" | "dismissed_reason" | "recovered_reference" | "written_off_amount" | "written_off_reason" | "written_off_on"
>;

export type DecisionAction = "confirm" | "dismiss" | "recover" | "write_off" | "reopen";

const FINDING_COLUMNS = [
  "id", "authority_id", "invoice_id", "line_no", "rule", "category", "provider_id", "child_ref", "amount", "charged",
  "expected", "explanation", "status", "recovered_amount", "recovered_on", "dismissed_reason", "recovered_reference", "reaudit_change",
  "written_off_amount", "written_off_reason", "written_off_on",
] as const;

/** Reads findings and locks them for the rest of the transaction (two reviewers cannot race). */
export async function lockFindings(trx: Knex.Transaction, authorityId: number, ids: readonly string[]): Promise<FindingRow[]> {
  return (await trx("findings").select(FINDING_COLUMNS).where("authority_id", authorityId).whereIn("id", ids).orderBy("id").forUpdate()) as FindingRow[];
}

export async function updateDecisionFields(trx: Knex.Transaction, id: string, fields: DecisionFields, now: Date): Promise<void> {
  await trx("findings").where({ id }).update({ ...fields, updated_at: now });
}

export async function insertDecision(
  trx: Knex.Transaction,
  decision: { findingId: string; userId: string | null; action: DecisionAction; reason: string | null; amount: string | null; decidedOn: string },
): Promise<void> {
  await trx("finding_decisions").insert({
    finding_id: decision.findingId,
    user_id: decision.userId,
    action: decision.action,
    reason: decision.reason,
    amount: decision.amount,
    decided_on: decision.decidedOn,
  });
}

/** Statuses of an invoice's findings, superseded ones left out (they no longer stand). */
export async function liveFindingStatuses(trx: Knex.Transaction, invoiceId: string): Promise<Pick<FindingRow, "status" | "amount" | "recovered_amount" | "written_off_amount">[]> {
  return trx<FindingRow>("findings").where("invoice_id", invoiceId).whereNot("status", "superseded").select("status", "amount", "recovered_amount", "written_off_amount");
}

/** Locks the invoice row and returns its status. */
export async function lockInvoiceStatus(trx: Knex.Transaction, invoiceId: string): Promise<InvoiceStatus | undefined> {
  const row = await trx<{ status: InvoiceStatus }>("invoices").where("id", invoiceId).forUpdate().first("status");
  return row?.status;
}

export async function setInvoiceStatus(trx: Knex.Transaction, invoiceId: string, status: InvoiceStatus): Promise<void> {
  await trx("invoices").where("id", invoiceId).update({ status });
}

export interface DecisionHistoryRow {
  id: string;
  action: string;
  reason: string | null;
  amount: string | null;
  decided_on: string | null;
  created_at: Date;
  username: string | null;
}

export function listDecisions(q: Knex, findingId: string): Promise<DecisionHistoryRow[]> {
  return q("finding_decisions as d")
    .leftJoin("users as u", "u.id", "d.user_id")
    .where("d.finding_id", findingId)
    .orderBy([{ column: "d.created_at", order: "asc" }, { column: "d.id", order: "asc" }])
    .select("d.id", "d.action", "d.reason", "d.amount", "d.decided_on", "d.created_at", "u.username") as Promise<DecisionHistoryRow[]>;
}
