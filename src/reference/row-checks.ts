import { makeIssue, quote, type ImportIssue, type IssueWhere } from "./issues.js";
import type { ParsedRow, ReferenceTableName, TableSpec } from "./tables.js";

/** Pairs of date columns whose order a row must keep: [from, to, may they be equal]. */
const DATE_ORDER: Readonly<Partial<Record<ReferenceTableName, readonly [string, string, boolean]>>> = {
  contracts: ["start_date", "end_date", true],
  rates: ["effective_from", "effective_to", true],
  // A placement's end_date is the day the child left: at least one night after the start.
  placements: ["start_date", "end_date", false],
  packages: ["effective_from", "effective_to", true],
  discounts: ["effective_from", "effective_to", true],
  absences: ["from_date", "to_date", true],
};

/** Checks one row on its own, after its cells parsed: date order and rules between its columns. */
export function checkRow(file: string, table: TableSpec, row: ParsedRow, headers: ReadonlyMap<string, string>): ImportIssue[] {
  const issues: ImportIssue[] = [];
  const order = DATE_ORDER[table.name];
  if (order) {
    const [fromColumn, toColumn, mayEqual] = order;
    const from = row.values[fromColumn];
    const to = row.values[toColumn];
    if (typeof from === "string" && typeof to === "string" && (to < from || (!mayEqual && to === from))) {
      issues.push(
        makeIssue("dates.order", whereIn(file, row, toColumn, headers), `${quote(row.written[toColumn] ?? to)} is ${mayEqual ? "before" : "not after"} ${fromColumn} ${quote(row.written[fromColumn] ?? from)}`),
      );
    }
  }
  if (table.name === "rates" && row.values.item === "placement" && row.values.unit !== "week") {
    issues.push(makeIssue("rate.placement_unit", whereIn(file, row, "unit", headers), `${quote(row.written.unit ?? "")} is not week: a placement fee on the rate card is weekly`));
  }
  if (table.name === "discounts" && (row.values.kind === "volume" || row.values.kind === "length_of_stay") && row.values.threshold === null) {
    const meaning = row.values.kind === "volume" ? "the minimum number of concurrent placements" : "the weeks in placement";
    issues.push(makeIssue("field.required", whereIn(file, row, "threshold", headers), `a ${String(row.values.kind)} discount needs a threshold (${meaning}) but the cell is blank`));
  }
  return issues;
}

function whereIn(file: string, row: ParsedRow, column: string, headers: ReadonlyMap<string, string>): IssueWhere {
  return { file, row: row.rowNumber, column, header: headers.get(column) ?? null, value: row.written[column] ?? "" };
}
