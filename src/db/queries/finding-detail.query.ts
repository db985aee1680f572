import type { Knex } from "knex";
import type { IsoDate } from "../../domain/dates.js";
import type { Database } from "../connection.js";
import { listDecisions } from "../repositories/finding.repository.js";
import { isRowId } from "../row-id.js";
import { listFindingNotes } from "../repositories/finding-note.repository.js";
import { lineView, type InvoiceLineView, type LineRow } from "./finding-view.js";
import { FINDING_LIST_COLUMNS, findingListItem, withAssignee, type FindingListItem, type FindingListRow } from "./finding-list.query.js";
import { moneyOrNull, resultOf, type Scope } from "./read-model.js";

/** One finding with its line, evidence and decisions (the finding page). */
export interface DecisionView {
  action: string;
  reason: string | null;
  amount: string | null;
  decidedOn: IsoDate | null;
  at: Date;
  username: string | null;
}

/** The earlier invoice a duplicate-invoice finding repeats (from its evidence). */
export interface EarlierInvoice {
  id: string;
  invoiceNumber: string;
  invoiceDate: IsoDate;
  receivedAt: Date;
}

export interface NoteView {
  text: string;
  at: Date;
  username: string;
}

export interface FindingDetail extends FindingListItem {
  evidence: unknown;
  /** For a duplicate-invoice finding: the earlier invoice with the same number; else null. */
  earlierInvoice: EarlierInvoice | null;
  line: Omit<InvoiceLineView, "findings"> | null;
  decisions: DecisionView[];
  /** Reviewers' notes, oldest first. */
  notes: NoteView[];
}

function findingBase(knex: Knex, scope: Scope): Knex.QueryBuilder {
  return knex("findings as f")
    .join("invoices as i", "i.id", "f.invoice_id")
    .join("providers as p", (j) => j.on("p.authority_id", "f.authority_id").andOn("p.provider_id", "f.provider_id"))
    .where("f.authority_id", scope.authorityId);
}

/** The invoice a duplicate-invoice finding's evidence names as the earlier one, in the reader's authority. */
export async function earlierInvoiceOf(knex: Knex, scope: Scope, evidence: unknown): Promise<EarlierInvoice | null> {
  const key = evidence && typeof evidence === "object" ? (evidence as Record<string, unknown>).earlierInvoiceKey : undefined;
  if (typeof key !== "string" || !isRowId(key)) return null;
  const row = await resultOf<{ id: string; invoice_number: string; invoice_date: IsoDate; received_at: Date } | undefined>(
    knex("invoices").where({ authority_id: scope.authorityId, id: key }).first("id", "invoice_number", "invoice_date", "received_at"),
  );
  return row ? { id: String(row.id), invoiceNumber: row.invoice_number, invoiceDate: row.invoice_date, receivedAt: row.received_at } : null;
}

export async function findingDetail(db: Database, scope: Scope, id: string): Promise<FindingDetail | null> {
  if (!isRowId(id)) return null;
  const knex = db.knex;
  const row = await resultOf<(FindingListRow & { evidence: unknown }) | undefined>(
    withAssignee(findingBase(knex, scope))
      .andWhere("f.id", id)
      .first([...FINDING_LIST_COLUMNS, "f.evidence"]),
  );
  if (!row) return null;
  const line = await resultOf<LineRow | undefined>(knex("invoice_lines").where({ invoice_id: row.invoice_id, line_no: row.line_no }).first());
  const decisions = await listDecisions(knex, id);
  const earlierInvoice = await earlierInvoiceOf(knex, scope, row.evidence);
  const notes = await listFindingNotes(knex, id);
  return {
    ...findingListItem(row),
    evidence: row.evidence,
    earlierInvoice,
    notes: notes.map((n) => ({ text: n.text, at: n.created_at, username: n.username })),
    line: line ? lineView(line) : null,
    decisions: decisions.map((d) => ({
      action: d.action, reason: d.reason, amount: moneyOrNull(d.amount), decidedOn: d.decided_on, at: d.created_at, username: d.username,
    })),
  };
}
