/**
 * Text output for commands: CSV (RFC 4180, formula injection neutralised) and plain tables.
 */

const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;

/**
 * A spreadsheet opening the CSV must not run a cell as a formula: text from outside data that
 * starts with = + - @ tab or CR is prefixed with an apostrophe. Plain numbers ("-12.50") are
 * left alone so amounts stay numbers.
 */
export function neutraliseFormula(value: string): string {
  return FORMULA_START.test(value) && !PLAIN_NUMBER.test(value) ? `'${value}` : value;
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return value.toString();
  return JSON.stringify(value) ?? "";
}

function csvField(value: unknown): string {
  const text = neutraliseFormula(cellText(value));
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv<Row extends object>(columns: readonly (keyof Row & string)[], rows: readonly Row[]): string {
  const lines = [columns.join(",")];
  for (const row of rows) lines.push(columns.map((c) => csvField(row[c])).join(","));
  return `${lines.join("\r\n")}\r\n`;
}

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
