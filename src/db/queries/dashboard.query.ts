import type { IsoDate } from "../../domain/dates.js";
import { monthBounds } from "../../domain/months.js";
import { CATEGORIES, type Category, type FindingStatus } from "../../domain/finding.js";
import { dec, moneyString, ZERO } from "../../domain/money.js";
import type { Database } from "../connection.js";
import { countRows, FLAGGED_STATUSES, resultOf, type Scope } from "./read-model.js";

/** The dashboard: this month's invoices and the money their findings flag, by category. */
export interface CategoryTotals {
  category: Category | "total";
  open: string;
  confirmed: string;
  recovered: string;
  dismissed: string;
  /** open + confirmed + recovered: money flagged and still standing. */
  flagged: string;
  /** Money actually recovered (partial recoveries count what was received). */
  moneyRecovered: string;
}

export interface DashboardSummary {
  month: string;
  from: IsoDate;
  to: IsoDate;
  invoicesReceived: number;
  invoicesAudited: number;
  invoicesWithFindings: number;
  byCategory: CategoryTotals[];
  needsAttention: number;
  openFindings: number;
}

/**
 * "This month" on the dashboard: invoices received in the month (Europe/London calendar)
 * and the findings raised on them.
 */
export async function dashboardSummary(db: Database, scope: Scope, month: string): Promise<DashboardSummary> {
  const { from, to } = monthBounds(month);
  const knex = db.knex;
  const receivedInMonth = knex.raw(`(i.received_at at time zone 'Europe/London')::date between ? and ?`, [from, to]);
  const [invoiceCounts] = await resultOf<{ received: string; audited: string; with_findings: string }[]>(knex("invoices as i")
    .where("i.authority_id", scope.authorityId)
    .andWhere(receivedInMonth)
    .select(
      knex.raw("count(*) as received"),
      knex.raw("count(i.audited_at) as audited"),
      knex.raw(`count(*) filter (where exists (select 1 from findings f where f.invoice_id = i.id and f.status <> 'superseded')) as with_findings`),
    ));
  // From the month's invoices (by index on the London date) to each one's findings (by index):
  // the month's work, not a scan of every finding ever raised. `offset 0` keeps the planner
  // from flattening the lateral back into a hash join over all findings.
  const sums = await resultOf<{ category: Category; status: FindingStatus; amount: string; recovered_amount: string }[]>(knex("invoices as i")
    .joinRaw(
      "cross join lateral (select f.category, f.status, f.amount, f.recovered_amount from findings f where f.invoice_id = i.id and f.authority_id = ? offset 0) f",
      [scope.authorityId],
    )
    .where(receivedInMonth)
    .groupBy("f.category", "f.status")
    .select("f.category", "f.status", knex.raw("sum(f.amount) as amount"), knex.raw("coalesce(sum(f.recovered_amount), 0) as recovered_amount")));
  const totalsFor = (category: Category | "total"): CategoryTotals => {
    const rows = sums.filter((s) => category === "total" || s.category === category);
    const by = (status: FindingStatus): string => moneyString(rows.filter((r) => r.status === status).reduce((t, r) => t.plus(r.amount), ZERO));
    const flagged = rows.filter((r) => FLAGGED_STATUSES.includes(r.status)).reduce((t, r) => t.plus(r.amount), ZERO);
    const recovered = rows.reduce((t, r) => t.plus(dec(r.recovered_amount)), ZERO);
    return {
      category, open: by("open"), confirmed: by("confirmed"), recovered: by("recovered"), dismissed: by("dismissed"),
      flagged: moneyString(flagged), moneyRecovered: moneyString(recovered),
    };
  };
  const needsAttention = await countRows(knex("received_files").where({ authority_id: scope.authorityId, status: "needs_attention" }));
  const openFindings = await countRows(knex("findings").where({ authority_id: scope.authorityId, status: "open" }));
  return {
    month, from, to,
    invoicesReceived: Number(invoiceCounts?.received ?? 0),
    invoicesAudited: Number(invoiceCounts?.audited ?? 0),
    invoicesWithFindings: Number(invoiceCounts?.with_findings ?? 0),
    byCategory: [...CATEGORIES.map(totalsFor), totalsFor("total")],
    needsAttention,
    openFindings,
  };
}
