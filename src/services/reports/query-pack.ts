import { createHash } from "node:crypto";
import type ExcelJS from "exceljs";
import type { Database } from "../../db/connection.js";
import { providerById } from "../../db/queries/providers.query.js";
import { confirmedFindingsOfProvider, providersWithFindingsOwed, type QueryPackFindingRow } from "../../db/queries/query-pack.query.js";
import { addDays, type IsoDate } from "../../domain/dates.js";
import { AppError } from "../../domain/errors.js";
import { moneyString, ZERO } from "../../domain/money.js";
import { londonDate } from "../../domain/months.js";
import { outstandingOf } from "../../domain/recovery.js";
import { evidenceNightRanges, queryPackWorkbook, querySections, sumMoney, totalNights, type QueryPack, type QueryPackLine } from "../../reports/query-pack.js";
import { renderQueryPackPage } from "../../reports/render.js";
import { RULE_ORDER } from "../../../rules/catalogue.js";
import { getAuthoritySettings } from "../authority/settings.js";

export interface QueryPackOptions {
  authorityId: number;
  /** The clock, for the pack's date and reply-by date (tests fix it). */
  now?: Date;
}

/**
 * The pack's reference: the date and six characters of a digest of the provider and the
 * findings it asks about. The same findings on the same day give the same reference (a pack
 * produced twice is one query); another day or another set of findings gives another.
 */
export function queryReference(authorityId: number, providerId: string, findingIds: readonly string[], on: IsoDate): string {
  const digest = createHash("sha256").update(JSON.stringify([authorityId, providerId, [...findingIds].sort()])).digest("hex").slice(0, 6).toUpperCase();
  return `Q-${on.replace(/-/g, "")}-${digest}`;
}

function packLine(r: QueryPackFindingRow): QueryPackLine {
  const nightRanges = evidenceNightRanges(r.evidence);
  const status = r.status;
  const lineNo = Number(r.line_no) > 0 ? Number(r.line_no) : null;
  const childRef = r.child_ref ?? r.line_child_ref ?? "";
  // The service in the provider's own words; their placement reference when no child is named.
  const described = lineNo === null ? "Whole invoice" : (r.line_description ?? "").trim() || `Line ${lineNo}`;
  const service = childRef === "" && r.line_placement_ref ? `${described} (your reference ${r.line_placement_ref})` : described;
  return {
    findingId: String(r.id),
    invoiceNumber: r.invoice_number,
    invoiceDate: r.invoice_date,
    lineNo,
    childRef,
    service,
    rule: r.rule,
    nights: totalNights(nightRanges),
    nightRanges,
    charged: moneyString(r.charged),
    expected: moneyString(r.expected),
    queried: moneyString(r.amount),
    recovered: moneyString(r.recovered_amount ?? ZERO),
    // What is still owed: a finding partly recovered is asked for the rest only.
    outstanding: outstandingOf(status, r.amount, r.recovered_amount, r.written_off_amount),
  };
}

/**
 * One provider's query pack: its findings still owed (confirmed, or recovered in part), grouped
 * by kind of issue, with the council's details from its settings. A provider that does not
 * exist is `not_found`; one with nothing owed gives a pack without sections (the CLI and the
 * web page say there is nothing to query).
 */
export async function queryPackData(db: Database, providerId: string, options: QueryPackOptions): Promise<QueryPack> {
  const { authorityId } = options;
  const provider = await providerById(db, { authorityId }, providerId);
  if (!provider) throw new AppError("not_found", `There is no provider ${providerId}`, { providerId });
  const settings = await getAuthoritySettings(db, authorityId);
  const lines = (await confirmedFindingsOfProvider(db, authorityId, providerId)).map(packLine);
  const generatedOn = londonDate(options.now ?? new Date());
  return {
    council: {
      name: settings.name,
      addressLines: settings.address ? settings.address.split("\n") : [],
      contactName: settings.contactName,
      contactEmail: settings.contactEmail,
      contactPhone: settings.contactPhone,
    },
    provider: { providerId: provider.providerId, name: provider.name },
    reference: queryReference(authorityId, provider.providerId, lines.map((l) => l.findingId), generatedOn),
    generatedOn,
    replyBy: addDays(generatedOn, settings.queryReplyDays),
    sections: querySections(lines, RULE_ORDER),
    lines,
    invoiceCount: new Set(lines.map((l) => l.invoiceNumber + "\u0000" + l.invoiceDate)).size,
    queried: sumMoney(lines, (l) => l.queried),
    recovered: sumMoney(lines, (l) => l.recovered),
    total: sumMoney(lines, (l) => l.outstanding),
  };
}

/** The providers a query pack is offered for: those with something still owed. */
export async function providersToQuery(db: Database, authorityId: number): Promise<{ providerId: string; name: string }[]> {
  return (await providersWithFindingsOwed(db, authorityId)).map((p) => ({ providerId: p.provider_id, name: p.name }));
}

/** Whether the council's contact details are missing (the pack would not say whom to reply to). */
export async function missingCouncilDetails(db: Database, authorityId: number): Promise<string[]> {
  const s = await getAuthoritySettings(db, authorityId);
  // "The council" is the name migration 0001 gives an authority nobody has named yet.
  return [...(s.name === "The council" ? ["name"] : []), ...(s.address ? [] : ["postal address"]), ...(s.contactEmail || s.contactPhone ? [] : ["contact email or phone"])];
}

/** The query pack as a workbook (sheets "Query" and "Lines"). */
export async function buildQueryPackWorkbook(db: Database, providerId: string, options: QueryPackOptions): Promise<ExcelJS.Workbook> {
  return queryPackWorkbook(await queryPackData(db, providerId, options));
}

/** The query pack as a standalone printable HTML page (src/reports/views/query-pack.njk). */
export async function queryPackHtml(db: Database, providerId: string, options: QueryPackOptions): Promise<string> {
  return renderQueryPackPage(await queryPackData(db, providerId, options));
}
