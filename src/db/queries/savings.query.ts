import type { Database } from "../connection.js";
import type { FindingRow } from "../repositories/finding.repository.js";
import type { InvoiceRow } from "../repositories/invoice.repository.js";

/**
 * The savings figures' rows (src/services/reports/savings-report.ts rolls them up): one SQL
 * aggregation per period, summed in PostgreSQL numeric, never floats; and the findings listed
 * in the workbook. Superseded findings never count.
 */

// What each status contributes (src/reports/figures.ts has the table). Realised is the recorded
// recovered_amount, never more than the finding's amount; null (not recorded) realises nothing.
// A balance written off (a partly recovered finding's rest, dismissed with a reason) counts as
// dismissed, not identified: identified − realised is then nothing outstanding.
const FIGURE_SQL = `
  to_char(i.invoice_date, 'YYYY-MM') as month,
  f.provider_id,
  coalesce(max(p.name), f.provider_id) as provider_name,
  f.category,
  f.rule,
  coalesce(sum(f.amount - coalesce(f.written_off_amount, 0)) filter (where f.status in ('confirmed','recovered')), 0) as identified,
  coalesce(sum(least(coalesce(f.recovered_amount, 0), f.amount)) filter (where f.status = 'recovered'), 0) as realised,
  coalesce(sum(f.amount) filter (where f.status = 'open'), 0) as at_risk,
  coalesce(sum(case when f.status = 'dismissed' then f.amount else coalesce(f.written_off_amount, 0) end), 0) as dismissed,
  count(*) filter (where f.status in ('confirmed','recovered')) as identified_count,
  count(*) filter (where f.status = 'recovered') as recovered_count,
  count(*) filter (where f.status = 'open') as at_risk_count,
  count(*) filter (where f.status = 'dismissed') as dismissed_count`;

export interface FigureSqlRow {
  month: string;
  provider_id: string;
  provider_name: string;
  category: string;
  rule: string;
  identified: string;
  realised: string;
  at_risk: string;
  dismissed: string;
  identified_count: string | number;
  recovered_count: string | number;
  at_risk_count: string | number;
  dismissed_count: string | number;
}

/** Invoice dates from and to (inclusive), ISO. */
export interface DateRange {
  from: string;
  to: string;
}

function joinProvider(db: Database) {
  return db
    .knex("findings as f")
    .join("invoices as i", "i.id", "f.invoice_id")
    .leftJoin("providers as p", function joinProvider() {
      this.on("p.authority_id", "=", "f.authority_id").andOn("p.provider_id", "=", "f.provider_id");
    });
}

/** The period's standing findings summed by month, provider, category and rule. */
export async function savingsFigureRows(db: Database, authorityId: number, dates: DateRange, providerId: string | null): Promise<FigureSqlRow[]> {
  const query = joinProvider(db)
    .select(db.knex.raw(FIGURE_SQL))
    .where("f.authority_id", authorityId)
    .andWhereNot("f.status", "superseded")
    .andWhereBetween("i.invoice_date", [dates.from, dates.to])
    .groupByRaw("1, 2, 4, 5")
    .orderByRaw("1, 2, 4, 5");
  if (providerId) void query.andWhere("f.provider_id", providerId);
  return (await query) as FigureSqlRow[];
}

/** The date of the earliest invoice on record (credit notes aside). */
export async function firstInvoiceDate(db: Database, authorityId: number, providerId: string | null): Promise<string | null> {
  const query = db.knex("invoices").where({ authority_id: authorityId, kind: "invoice" }).min({ first: "invoice_date" });
  if (providerId) void query.andWhere("provider_id", providerId);
  const row = (await query.first()) as { first: string | null } | undefined;
  return row?.first ?? null;
}

export type SavingsFindingSqlRow = Pick<
  FindingRow,
  "id" | "provider_id" | "child_ref" | "rule" | "category" | "status" | "amount" | "recovered_amount" | "recovered_on" | "explanation" | "dismissed_reason"
  | "written_off_amount" | "written_off_reason"
> &
  Pick<InvoiceRow, "invoice_number" | "invoice_date"> & { provider_name: string | null };

/** Every finding of the period but superseded ones, in invoice date, provider, invoice and line order. */
export async function savingsFindingRows(db: Database, authorityId: number, dates: DateRange, providerId: string | null): Promise<SavingsFindingSqlRow[]> {
  const builder = joinProvider(db)
    .select(
      "f.id", "f.provider_id", "p.name as provider_name", "i.invoice_number", "i.invoice_date", "f.child_ref", "f.rule",
      "f.category", "f.status", "f.amount", "f.recovered_amount", "f.recovered_on", "f.explanation", "f.dismissed_reason",
      "f.written_off_amount", "f.written_off_reason",
    )
    .where("f.authority_id", authorityId)
    .andWhereNot("f.status", "superseded")
    .andWhereBetween("i.invoice_date", [dates.from, dates.to])
    .orderBy([{ column: "i.invoice_date" }, { column: "f.provider_id" }, { column: "i.invoice_number" }, { column: "f.line_no" }, { column: "f.id" }]);
  if (providerId) void builder.andWhere("f.provider_id", providerId);
  return (await builder) as SavingsFindingSqlRow[];
}
