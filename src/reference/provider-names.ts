import { makeIssue, quote, type ImportIssue } from "./issues.js";
import type { ParsedTable } from "./parse-table.js";
import type { CheckContext } from "./reference-checks.js";
import { compact, type TableSpec } from "./tables.js";

/**
 * A provider may be given by id, name or alias (a finance system knows "Oakleaf Family
 * Placements CIC", not OAK). Rows whose provider_id is not a known id but is exactly one
 * provider's name or alias (any case and punctuation) get that provider's id, and the file is
 * told once per spelling; a spelling shared by two providers is a problem, never a pick. Unknown
 * values are left for checkReferences to report.
 */
export function resolveProviderNames(file: string, table: TableSpec, parsed: ParsedTable, context: CheckContext): { errors: ImportIssue[]; warnings: ImportIssue[] } {
  const result = { errors: [] as ImportIssue[], warnings: [] as ImportIssue[] };
  const providers = context.tables.providers;
  if (!providers || !table.columns.some((column) => column.name === "provider_id")) return result;
  const byName = new Map<string, Set<string>>();
  for (const [id, provider] of providers) {
    const names = [String(provider.name), ...(Array.isArray(provider.aliases) ? provider.aliases : [])];
    for (const name of names) {
      const key = compact(name);
      if (key === "") continue;
      const ids = byName.get(key) ?? new Set<string>();
      byName.set(key, ids.add(id));
    }
  }
  const told = new Set<string>();
  const header = parsed.headerSpellings.get("provider_id") ?? null;
  for (const row of parsed.rows) {
    const value = row.values.provider_id;
    if (typeof value !== "string" || value === "" || providers.has(value)) continue;
    const ids = [...(byName.get(compact(value)) ?? [])];
    const where = { file, row: row.rowNumber, column: "provider_id", header, value };
    if (ids.length > 1) {
      result.errors.push(makeIssue("provider.ambiguous", where, `${quote(value)} is the name or alias of several providers (${ids.join(", ")}): give the provider's id`));
    } else if (ids.length === 1) {
      const id = ids[0] as string;
      row.values.provider_id = id;
      if (!told.has(value)) {
        told.add(value);
        result.warnings.push(makeIssue("provider.by_name", where, `provider ${quote(value)} taken as ${quote(id)} (its name or alias)`));
      }
    }
  }
  return result;
}
