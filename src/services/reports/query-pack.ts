import type ExcelJS from "exceljs";
import type { Database } from "../../db/connection.js";
import { providerById } from "../../db/queries/providers.query.js";
import { confirmedFindingsOfProvider } from "../../db/queries/query-pack.query.js";
import { outstandingOf, recoveryText } from "../../domain/recovery.js";
import { AppError } from "../../domain/errors.js";
import { londonDate } from "../../domain/months.js";
import { evidenceNightRanges, queryPackWorkbook, sumDifferences, totalNights, type QueryPack, type QueryPackLine } from "../../reports/query-pack.js";
import { renderQueryPackPage } from "../../reports/render.js";
import { ruleLabel } from "../../../rules/catalogue.js";

export interface QueryPackOptions {
  authorityId: number;
  /** The clock, for the "Produced" date (tests fix it). */
  now?: Date;
}

/**
 * One provider's confirmed findings (raised with the provider, not yet recovered or
 * dismissed), in invoice date, invoice number and line order. A provider that does not exist
 * is `not_found`; one with nothing confirmed gives an empty pack.
 */
export async function queryPackData(db: Database, providerId: string, options: QueryPackOptions): Promise<QueryPack> {
  const { authorityId } = options;
  const provider = await providerById(db, { authorityId }, providerId);
  if (!provider) throw new AppError("not_found", `There is no provider ${providerId}`, { providerId });
  const rows = await confirmedFindingsOfProvider(db, authorityId, providerId);
  const invoiceIds = new Set(rows.map((r) => String(r.invoice_id)));
  const lines = rows.map((r): QueryPackLine => {
    const nightRanges = evidenceNightRanges(r.evidence);
    return {
      findingId: String(r.id),
      invoiceNumber: r.invoice_number,
      invoiceDate: r.invoice_date,
      childRef: r.child_ref ?? "",
      rule: r.rule,
      issue: ruleLabel(r.rule),
      nights: totalNights(nightRanges),
      nightRanges,
      charged: r.charged,
      expected: r.expected,
      // What is still owed: a finding partly recovered is asked for the rest only.
      amount: outstandingOf(r.status, r.amount, r.recovered_amount),
      explanation: recoveryText(r.status, r.amount, r.recovered_amount) ? `${r.explanation} ${recoveryText(r.status, r.amount, r.recovered_amount) ?? ""}.` : r.explanation,
    };
  });
  return {
    provider: { providerId: provider.providerId, name: provider.name },
    generatedOn: londonDate(options.now ?? new Date()),
    lines,
    invoiceCount: invoiceIds.size,
    total: sumDifferences(lines),
  };
}

/** The query pack as a workbook (one sheet, "Query"). */
export async function buildQueryPackWorkbook(db: Database, providerId: string, options: QueryPackOptions): Promise<ExcelJS.Workbook> {
  return queryPackWorkbook(await queryPackData(db, providerId, options));
}

/** The query pack as a standalone printable HTML page (src/reports/views/query-pack.njk). */
export async function queryPackHtml(db: Database, providerId: string, options: QueryPackOptions): Promise<string> {
  return renderQueryPackPage(await queryPackData(db, providerId, options));
}
