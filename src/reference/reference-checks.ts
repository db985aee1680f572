import { addDays } from "../domain/dates.js";
import { makeIssue, quote, type ImportIssue } from "./issues.js";
import type { ParsedRow } from "./parse-table.js";
import { rowKey, TABLES, type ReferenceRow, type ReferenceTableName, type TableSpec } from "./tables.js";

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
 * What the import accepts but says (ImportFileResult.warnings): a placement_fees row dated
 * after its placement's last night (it never applies to a night the audit counts, and a
 * finance system's export may well carry one).
 */
export function referenceWarnings(file: string, table: TableSpec, rows: readonly ParsedRow[], context: CheckContext, headers: ReadonlyMap<string, string>): ImportIssue[] {
  if (table.name !== "placement_fees") return [];
  const warnings: ImportIssue[] = [];
  for (const row of rows) {
    const placement = context.tables.placements?.get(String(row.values.placement_id));
    if (!placement) continue;
    const from = String(row.values.effective_from);
    if (outsidePlacement(placement, from, from, context) !== "after") continue;
    warnings.push(
      makeIssue(
        "fee.after_placement",
        { file, row: row.rowNumber, column: "effective_from", header: headers.get("effective_from") ?? null, value: row.written.effective_from ?? "" },
        `${quote(row.written.effective_from ?? "")} is after placement ${quote(String(row.values.placement_id))} ended (${describe(placement, context)}): the row is kept but applies to no night`,
      ),
    );
  }
  return warnings;
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
