import { addDays } from "../domain/dates.js";
import { makeIssue, quote, type ImportIssue, type IssueWhere } from "./issues.js";
import { rowKey, TABLES, type ParsedRow, type ReferenceRow, type ReferenceTableName, type TableSpec } from "./tables.js";

/** Rows of one table by natural key (rowKey). */
export type TableRows = Map<string, ReferenceRow>;

/**
 * What the checks compare against: the database as loaded at the start of the import, with
 * every file applied since (so a placement may refer to a provider in the same import).
 */
export interface CheckContext {
  tables: Partial<Record<ReferenceTableName, TableRows>>;
  /** Keys of rows in files of this import that were rejected, and which file: for clearer messages. */
  rejected: Map<ReferenceTableName, Map<string, string>>;
  /** The import's date (ISO, Europe/London): an ongoing placement runs at least to it. */
  today?: string;
}

interface Where {
  file: string;
  row: number;
  column: string;
  header: string | null;
  value: string;
}

/**
 * Checks the rows of one file against the other tables: what they refer to exists, a
 * placement's contract is with its provider, placements of one child with one provider do not
 * overlap, and fee changes and absences lie within their placement's nights.
 */
export function checkReferences(file: string, table: TableSpec, rows: readonly ParsedRow[], context: CheckContext, headers: ReadonlyMap<string, string>): ImportIssue[] {
  const issues: ImportIssue[] = [];
  const where = (row: ParsedRow, column: string): Where => ({ file, row: row.rowNumber, column, header: headers.get(column) ?? null, value: row.written[column] ?? "" });

  const lookup = (target: ReferenceTableName, id: string): ReferenceRow | undefined => context.tables[target]?.get(id);
  const requireRow = (row: ParsedRow, column: string, target: ReferenceTableName): ReferenceRow | undefined => {
    const id = row.values[column];
    if (typeof id !== "string" || id === "") return undefined;
    const found = lookup(target, id);
    if (!found) {
      const rejectedIn = context.rejected.get(target)?.get(id);
      const why = rejectedIn ? `its row in ${rejectedIn} was rejected` : `not in the database nor in this import`;
      issues.push(makeIssue("ref.missing", where(row, column), `${quote(id)} is not a known ${TABLES[target].rowNoun} (${why})`));
    }
    return found;
  };
  const contractOfProvider = (row: ParsedRow): void => {
    const contract = requireRow(row, "contract_id", "contracts");
    if (contract && contract.provider_id !== row.values.provider_id) {
      issues.push(
        makeIssue(
          "ref.provider_mismatch",
          where(row, "contract_id"),
          `contract ${quote(String(row.values.contract_id))} is with provider ${quote(String(contract.provider_id))}, not ${quote(String(row.values.provider_id))}`,
        ),
      );
    }
  };

  switch (table.name) {
    case "providers":
      break;
    case "contracts":
      for (const row of rows) requireRow(row, "provider_id", "providers");
      break;
    case "rates":
      for (const row of rows) requireRow(row, "contract_id", "contracts");
      break;
    case "placements": {
      for (const row of rows) {
        const provider = requireRow(row, "provider_id", "providers");
        if (provider) contractOfProvider(row);
        else requireRow(row, "contract_id", "contracts");
      }
      issues.push(...overlappingPlacements(file, rows, context, headers));
      break;
    }
    case "placement_fees":
      for (const row of rows) {
        const placement = requireRow(row, "placement_id", "placements");
        if (!placement) continue;
        // A fee change after the placement ended changes nothing the audit counts: a warning (referenceWarnings), not an error.
        const outside = outsidePlacement(placement, String(row.values.effective_from), String(row.values.effective_from), context);
        if (outside === "before") issues.push(makeIssue("fee.outside_placement", where(row, "effective_from"), `${quote(row.written.effective_from ?? "")} is outside placement ${quote(String(row.values.placement_id))} (${describe(placement, context)})`));
      }
      break;
    case "packages":
      for (const row of rows) requireRow(row, "placement_id", "placements");
      break;
    case "discounts":
      for (const row of rows) {
        const provider = requireRow(row, "provider_id", "providers");
        if (provider && typeof row.values.contract_id === "string" && row.values.contract_id !== "") contractOfProvider(row);
      }
      break;
    case "absences":
      for (const row of rows) {
        const placement = requireRow(row, "placement_id", "placements");
        if (!placement) continue;
        const outside = outsidePlacement(placement, String(row.values.from_date), String(row.values.to_date), context);
        if (outside) {
          issues.push(
            makeIssue(
              "absence.outside_placement",
              where(row, outside === "before" ? "from_date" : "to_date"),
              `the absence ${quote(row.written.from_date ?? "")} to ${quote(row.written.to_date ?? "")} is not within placement ${quote(String(row.values.placement_id))} (${describe(placement, context)})`,
            ),
          );
        }
      }
      break;
  }
  return issues;
}

/**
 * What the import accepts but says (ImportFileResult.warnings):
 * - a placement_fees row dated after its placement's last night (it never applies to a night
 *   the audit counts, and a finance system's export may well carry one);
 * - a contract whose dates no longer cover a placement under it, or a placement outside its
 *   contract's dates (the audit still prices it by the contract's rate card, but someone
 *   shortened a contract or mistyped a date);
 * - a sibling group whose placements are with different providers (a sibling discount applies
 *   to siblings placed together with one provider).
 * `rows` are the file's good rows, as they would be stored.
 */
export function referenceWarnings(file: string, table: TableSpec, rows: readonly ParsedRow[], context: CheckContext, headers: ReadonlyMap<string, string>): ImportIssue[] {
  const where = (row: ParsedRow, column: string): IssueWhere => ({ file, row: row.rowNumber, column, header: headers.get(column) ?? null, value: row.written[column] ?? "" });
  switch (table.name) {
    case "placement_fees":
      return feesAfterPlacement(rows, context, where);
    case "contracts":
      return rows.flatMap((row) => {
        const outside = [...(context.tables.placements?.values() ?? [])].filter((p) => p.contract_id === row.values.contract_id && !coveredBy(p, row.values, context));
        if (outside.length === 0) return [];
        const listed = outside.slice(0, 5).map((p) => `${quote(String(p.placement_id))} (${span(p)})`).join(", ");
        const more = outside.length > 5 ? ` and ${outside.length - 5} more` : "";
        return [makeIssue("contract.not_covering", where(row, "end_date"), `contract ${quote(String(row.values.contract_id))} (${span(row.values)}) no longer covers placement${outside.length > 1 ? "s" : ""} ${listed}${more} under it`)];
      });
    case "placements": {
      const issues = rows.flatMap((row) => {
        const contract = context.tables.contracts?.get(String(row.values.contract_id));
        if (!contract || coveredBy(row.values, contract, context)) return [];
        return [makeIssue("placement.outside_contract", where(row, "start_date"), `placement ${quote(String(row.values.placement_id))} (${span(row.values)}) runs outside its contract ${quote(String(contract.contract_id))} (${span(contract)})`)];
      });
      return [...issues, ...siblingsSpread(rows, context, where)];
    }
    case "providers":
    case "rates":
    case "packages":
    case "discounts":
    case "absences":
      return [];
  }
}

type WhereOf = (row: ParsedRow, column: string) => IssueWhere;

function feesAfterPlacement(rows: readonly ParsedRow[], context: CheckContext, where: WhereOf): ImportIssue[] {
  const warnings: ImportIssue[] = [];
  for (const row of rows) {
    const placement = context.tables.placements?.get(String(row.values.placement_id));
    if (!placement) continue;
    const from = String(row.values.effective_from);
    if (outsidePlacement(placement, from, from, context) !== "after") continue;
    warnings.push(
      makeIssue(
        "fee.after_placement",
        where(row, "effective_from"),
        `${quote(row.written.effective_from ?? "")} is after placement ${quote(String(row.values.placement_id))} ended (${describe(placement, context)}): the row is kept but applies to no night`,
      ),
    );
  }
  return warnings;
}

/** start_date to end_date, or "ongoing". */
function span(row: ReferenceRow): string {
  return `${String(row.start_date)} to ${typeof row.end_date === "string" ? row.end_date : "ongoing"}`;
}

/**
 * Whether a contract's dates cover every night of a placement; an ongoing placement is taken to
 * run to today (a contract ending next year is no problem for it yet; one that ended is).
 */
function coveredBy(placement: ReferenceRow, contract: ReferenceRow, context: CheckContext): boolean {
  if (String(placement.start_date) < String(contract.start_date)) return false;
  if (typeof contract.end_date !== "string") return true;
  const last = lastNight(placement, context) ?? context.today ?? String(placement.start_date);
  return last <= contract.end_date;
}

/** Sibling groups of this file whose placements (stored ones with this file's in place) are with more than one provider: one warning per group. */
function siblingsSpread(rows: readonly ParsedRow[], context: CheckContext, where: WhereOf): ImportIssue[] {
  const groups = new Map<string, ParsedRow>();
  for (const row of rows) {
    const group = row.values.sibling_group;
    if (typeof group === "string" && group !== "" && !groups.has(group)) groups.set(group, row);
  }
  if (groups.size === 0) return [];
  const fromFile = new Map(rows.map((row) => [String(row.values.placement_id), row.values]));
  const members = new Map<string, ReferenceRow[]>();
  const add = (placement: ReferenceRow): void => {
    const group = placement.sibling_group;
    if (typeof group !== "string" || !groups.has(group)) return;
    members.set(group, [...(members.get(group) ?? []), placement]);
  };
  for (const [id, placement] of context.tables.placements ?? new Map<string, ReferenceRow>()) if (!fromFile.has(id)) add(placement);
  for (const placement of fromFile.values()) add(placement);
  const issues: ImportIssue[] = [];
  for (const [group, row] of groups) {
    const byProvider = new Map<string, string[]>();
    for (const p of members.get(group) ?? []) byProvider.set(String(p.provider_id), [...(byProvider.get(String(p.provider_id)) ?? []), String(p.placement_id)]);
    if (byProvider.size < 2) continue;
    const listed = [...byProvider].map(([provider, ids]) => `${quote(provider)} (${ids.sort().join(", ")})`).join(" and ");
    issues.push(makeIssue("sibling.providers", where(row, "sibling_group"), `sibling group ${quote(group)} is placed with providers ${listed}: a sibling discount applies only to siblings placed together`));
  }
  return issues;
}

/** The last night a placement is placed (AUDIT.md "Placed night"), or null while it is ongoing. */
function lastNight(placement: ReferenceRow, context: CheckContext): string | null {
  const end = placement.end_date;
  if (typeof end !== "string") return null;
  const contract = context.tables.contracts?.get(String(placement.contract_id));
  return contract?.pay_departure_day === true ? end : addDays(end, -1);
}

function outsidePlacement(placement: ReferenceRow, from: string, to: string, context: CheckContext): "before" | "after" | null {
  if (from < String(placement.start_date)) return "before";
  const last = lastNight(placement, context);
  return last !== null && to > last ? "after" : null;
}

function describe(placement: ReferenceRow, context: CheckContext): string {
  const start = `start_date ${String(placement.start_date)}`;
  if (typeof placement.end_date !== "string") return `${start}, ongoing`;
  return `${start}, end_date ${placement.end_date}: its last night is ${lastNight(placement, context) ?? ""}`;
}

/**
 * Placements of one child with one provider may not overlap (a move between carers may share
 * the departure day: one ends on the day the next starts). Checked over the database's
 * placements with this file's rows in place of the ones they replace.
 */
function overlappingPlacements(file: string, rows: readonly ParsedRow[], context: CheckContext, headers: ReadonlyMap<string, string>): ImportIssue[] {
  const spec = TABLES.placements;
  const fromFile = new Map<string, ParsedRow>();
  for (const row of rows) fromFile.set(rowKey(spec, row.values), row);
  const groupOf = (placement: ReferenceRow): string => `${String(placement.provider_id)}\u0001${String(placement.child_ref)}`;
  const wanted = new Set(rows.map((row) => groupOf(row.values)));

  const groups = new Map<string, ReferenceRow[]>();
  const add = (placement: ReferenceRow): void => {
    const group = groupOf(placement);
    if (!wanted.has(group)) return;
    const list = groups.get(group);
    if (list) list.push(placement);
    else groups.set(group, [placement]);
  };
  for (const [key, placement] of context.tables.placements ?? new Map<string, ReferenceRow>()) if (!fromFile.has(key)) add(placement);
  for (const row of rows) add(row.values);

  const issues: ImportIssue[] = [];
  const reported = new Set<string>();
  const span = (p: ReferenceRow): string => `${String(p.start_date)} to ${typeof p.end_date === "string" ? p.end_date : "ongoing"}`;
  for (const list of groups.values()) {
    if (list.length < 2) continue;
    list.sort((a, b) => (String(a.start_date) < String(b.start_date) ? -1 : String(a.start_date) > String(b.start_date) ? 1 : 0));
    let latest = list[0] as ReferenceRow; // the placement reaching furthest so far
    for (const next of list.slice(1)) {
      const latestEnd = latest.end_date;
      if (typeof latestEnd !== "string" || String(next.start_date) < latestEnd) {
        // Report on a row of this file: the later one if it is in the file, else the earlier.
        const nextRow = fromFile.get(String(next.placement_id));
        const latestRow = fromFile.get(String(latest.placement_id));
        const [row, other] = nextRow && nextRow.values === next ? [nextRow, latest] : [latestRow, next];
        if (row && !reported.has(String(row.values.placement_id))) {
          reported.add(String(row.values.placement_id));
          issues.push(
            makeIssue(
              "placement.overlap",
              { file, row: row.rowNumber, column: "start_date", header: headers.get("start_date") ?? null, value: row.written.start_date ?? "" },
              `placement ${quote(String(row.values.placement_id))} (${span(row.values)}) overlaps placement ${quote(String(other.placement_id))} (${span(other)}) of the same child ${quote(String(row.values.child_ref))} with provider ${quote(String(row.values.provider_id))}`,
            ),
          );
        }
      }
      if (typeof latestEnd === "string" && (typeof next.end_date !== "string" || next.end_date > latestEnd)) latest = next;
    }
  }
  return issues;
}
