import { showValue, type PlannedUpdate } from "../../reference/diff.js";
import { REFERENCE_TABLES } from "../../reference/tables.js";
import type { ImportFileResult, ImportReport } from "../../services/reference/import-reference.js";
import { toTable } from "../output.js";

/** Rows listed per file and kind in a preview; the counts always cover every row. */
export const PREVIEW_ROWS = 20;

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

function fileLine(result: ImportFileResult, applied: boolean): string {
  const table = result.table ?? "?";
  if (result.status === "rejected") {
    const count = result.errors.length + result.errorsOmitted;
    return `${result.file} (${table}): REJECTED, nothing from this file can be loaded (${plural(count, "problem")})`;
  }
  const { inserted, updated, unchanged, rejected } = result.counts;
  const bad = rejected > 0 ? `, ${rejected} with problems${applied ? " (not loaded)" : ""}` : "";
  const keys = result.keyChanges.length > 0 ? ` (${plural(result.keyChanges.length, "key change")})` : "";
  if (applied) return `${result.file} (${table}): ${inserted} inserted, ${updated} updated${keys}, ${unchanged} unchanged${bad}`;
  return `${result.file} (${table}): ${inserted} to insert, ${updated} to update${keys}, ${unchanged} unchanged${bad}`;
}

/** Every problem and warning (stderr). */
export function formatProblems(report: ImportReport): string {
  const lines: string[] = [];
  for (const result of report.files) {
    for (const warning of result.warnings) lines.push(`warning: ${warning.message}`);
    for (const error of result.errors) lines.push(error.message);
    if (result.errorsOmitted > 0) lines.push(`${result.file}: … and ${result.errorsOmitted} more problems`);
  }
  return lines.length > 0 ? `${lines.join("\n")}\n` : "";
}

function describeChange(update: PlannedUpdate): string {
  return update.changes.map((change) => `${change.column} ${showValue(change.before)} → ${showValue(change.after)}`).join("; ");
}

function limited<T>(items: readonly T[], limit: number, line: (item: T) => string): string[] {
  const lines = items.slice(0, limit).map(line);
  if (items.length > limit) lines.push(`    … and ${items.length - limit} more`);
  return lines;
}

/** What the import would do, row by row: inserts, field changes, and the key changes apart. */
export function formatPreview(report: ImportReport): string {
  const lines: string[] = [];
  for (const result of report.files) {
    if (result.inserts.length + result.updates.length === 0) continue;
    lines.push(`${result.file}:`);
    if (result.inserts.length > 0) lines.push(`  to insert:`, ...limited(result.inserts, PREVIEW_ROWS, (row) => `    row ${row.rowNumber}: ${row.label}`));
    if (result.updates.length > 0) {
      lines.push(`  to update:`, ...limited(result.updates, PREVIEW_ROWS, (row) => `    row ${row.rowNumber}: ${row.label}: ${describeChange(row)}`));
    }
  }
  const keyChanges = report.files.filter((result) => result.keyChanges.length > 0);
  if (keyChanges.length > 0) {
    lines.push("", `KEY CHANGES: ${plural(report.keyChanges, "existing row")} would move to another child, provider or contract:`);
    for (const result of keyChanges) {
      for (const row of result.keyChanges) lines.push(`  ${result.file} row ${row.rowNumber}: ${row.label}: ${describeChange(row)}`);
    }
  }
  return lines.length > 0 ? `${lines.join("\n")}\n\n` : "";
}

/** One line per file, the counts per table, and what happened (stdout). */
export function formatSummary(report: ImportReport): string {
  const applied = report.outcome === "applied";
  const lines = report.files.map((result) => fileLine(result, applied));
  const rows = REFERENCE_TABLES.filter((table) => report.tables[table]).map((table) => ({ table, ...report.tables[table] }));
  const table = rows.length > 0 ? `\n${toTable(["table", "inserted", "updated", "unchanged", "rejected"], rows, ["inserted", "updated", "unchanged", "rejected"])}` : "";
  return `${lines.join("\n")}\n${table}\n${verdict(report)}\n`;
}

function verdict(report: ImportReport): string {
  const keys = `${plural(report.keyChanges, "key change")} listed above`;
  switch (report.outcome) {
    case "preview": {
      const notes = [report.ok ? null : "rows with problems are listed above: fix them, or load the good rows with --skip-bad-rows", report.keyChanges > 0 ? `applying needs --confirm-key-changes for the ${keys}` : null];
      return `Dry run: nothing was changed.${notes.filter((note) => note !== null).map((note) => ` Note: ${note}.`).join("")}`;
    }
    case "refused_problems":
      return "Nothing was changed: some rows have problems (listed above). Fix them and import again, or load the good rows with --skip-bad-rows.";
    case "refused_key_changes":
      return `Nothing was changed: the ${keys} would move existing rows to another child, provider or contract. Check them, then import again with --confirm-key-changes.`;
    case "applied":
      if (!report.changed) return report.ok ? "Nothing changed: every row was already up to date." : "Nothing changed: the good rows were already up to date; the rows with problems were not loaded.";
      return report.ok ? "Reference data imported." : "Reference data imported, except the rows with problems listed above.";
  }
}
