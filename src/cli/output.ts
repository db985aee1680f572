/**
 * Text output for commands: CSV (RFC 4180, formula injection neutralised by the one guard,
 * safeCellText) and plain tables.
 */
import { cellText } from "../tabular/csv-write.js";

export { toCsv } from "../tabular/csv-write.js";

/** A plain text table for a terminal; columns listed in `rightAligned` are right-aligned. */
export function toTable<Row extends object>(columns: readonly (keyof Row & string)[], rows: readonly Row[], rightAligned: readonly string[] = []): string {
  const cells = rows.map((row) => columns.map((c) => cellText(row[c]).replace(/[\r\n\t]+/g, " ")));
  const widths = columns.map((c, i) => Math.min(60, Math.max(c.length, ...cells.map((r) => (r[i] ?? "").length))));
  const fit = (text: string, i: number): string => {
    const width = widths[i] ?? 0;
    const cut = text.length > width ? `${text.slice(0, width - 1)}…` : text;
    return rightAligned.includes(columns[i] ?? "") ? cut.padStart(width) : cut.padEnd(width);
  };
  const lines = [columns.map(fit).join("  "), widths.map((w) => "-".repeat(w)).join("  "), ...cells.map((r) => r.map(fit).join("  "))];
  return `${lines.map((l) => l.trimEnd()).join("\n")}\n`;
}
