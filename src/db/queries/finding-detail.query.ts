import type { Knex } from "knex";
import type { IsoDate } from "../../domain/dates.js";
import type { Database } from "../connection.js";
import { listDecisions } from "../repositories/finding.repository.js";
import { isRowId } from "../row-id.js";
import { FINDING_VIEW_COLUMNS, findingView, lineView, type InvoiceLineView, type LineRow } from "./finding-view.js";
import type { FindingListItem, FindingListRow } from "./finding-list.query.js";
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

export interface FindingDetail extends FindingListItem {
  evidence: unknown;
  line: Omit<InvoiceLineView, "findings"> | null;
  decisions: DecisionView[];
}

function findingBase(knex: Knex, scope: Scope): Knex.QueryBuilder {
  return knex("findings as f")
    .join("invoices as i", "i.id", "f.invoice_id")
    .join("providers as p", (j) => j.on("p.authority_id", "f.authority_id").andOn("p.provider_id", "f.provider_id"))
    .where("f.authority_id", scope.authorityId);
}

export async function findingDetail(db: Database, scope: Scope, id: string): Promise<FindingDetail | null> {
  if (!isRowId(id)) return null;
  const knex = db.knex;
  const row = await resultOf<(FindingListRow & { evidence: unknown }) | undefined>(
    findingBase(knex, scope)
      .andWhere("f.id", id)
      .first([...FINDING_VIEW_COLUMNS, "f.evidence", "i.invoice_number", "i.invoice_date", "p.name as provider_name"]),
  );
  if (!row) return null;
  const line = await resultOf<LineRow | undefined>(knex("invoice_lines").where({ invoice_id: row.invoice_id, line_no: row.line_no }).first());
  const decisions = await listDecisions(knex, id);
  return {
    ...findingView(row),
    invoiceNumber: row.invoice_number,
    invoiceDate: row.invoice_date,
    providerName: row.provider_name,
    evidence: row.evidence,
    line: line ? lineView(line) : null,
    decisions: decisions.map((d) => ({
      action: d.action, reason: d.reason, amount: moneyOrNull(d.amount), decidedOn: d.decided_on, at: d.created_at, username: d.username,
    })),
  };
}
