import type { Database } from "../db/connection.js";
import { loadReferenceRows, upsertReferenceRows } from "../db/repositories/reference.repository.js";
import type { Logger } from "../logger.js";
import { diffRows } from "../reference/diff.js";
import { makeIssue, type ImportIssue } from "../reference/issues.js";
import { parseTable, type ParsedTable } from "../reference/parse-table.js";
import { describeReadError, readTableFile } from "../reference/read-table-file.js";
import { checkReferences, referenceWarnings, type CheckContext, type TableRows } from "../reference/reference-checks.js";
import { formatOf, tableFromFileName, type TabularFormat } from "../reference/table-name.js";
import { REFERENCE_TABLES, rowKey, TABLE_DEPENDENCIES, TABLES, tableOrder, type ReferenceRow, type ReferenceTableName } from "../reference/tables.js";

export type { ImportIssue } from "../reference/issues.js";
export type { ReferenceTableName } from "../reference/tables.js";

export interface ImportFileInput {
  /** The file's name: it says which DATA.md table the file holds (`placements.csv`). */
  name: string;
  bytes: Buffer;
}

export interface ImportCounts {
  inserted: number;
  updated: number;
  unchanged: number;
  /** Rows not applied: every row of a rejected file. */
  rejected: number;
}

export interface ImportFileResult {
  file: string;
  /** The table recognised from the file name; null when the name names none. */
  table: ReferenceTableName | null;
  format: TabularFormat | null;
  /** applied: every row is stored (inserted, updated or already so); rejected: none of the file is. */
  status: "applied" | "rejected";
  /** Non-blank data rows in the file. */
  rows: number;
  counts: ImportCounts;
  warnings: ImportIssue[];
  /** Why the file was rejected, row by row (at most MAX_ERRORS_PER_FILE; see errorsOmitted). */
  errors: ImportIssue[];
  errorsOmitted: number;
}

export interface ImportReport {
  /** True when every file was applied. */
  ok: boolean;
  /** True when anything was inserted or updated. */
  changed: boolean;
  /** In the order processed (dependency order). */
  files: ImportFileResult[];
  /** Totals per table, for the tables in this import. */
  tables: Partial<Record<ReferenceTableName, ImportCounts>>;
}

export interface ImportOptions {
  authorityId?: number;
}

export const MAX_ERRORS_PER_FILE = 500;
const MAX_FILE_BYTES = 200 * 1024 * 1024;

const zeroCounts = (): ImportCounts => ({ inserted: 0, updated: 0, unchanged: 0, rejected: 0 });

interface PlannedFile {
  index: number;
  input: ImportFileInput;
  table: ReferenceTableName;
  format: TabularFormat;
}

/**
 * Loads reference data files (DATA.md tables, CSV or XLSX) into the database: the `import`
 * command and the UI upload both call this.
 *
 * - The table comes from the file name; files are applied in dependency order (providers,
 *   contracts, rates, placements, placement_fees, packages, discounts, absences) whatever
 *   order they are given in.
 * - Each file is all or nothing: any bad row rejects the whole file (its transaction is never
 *   opened), with every reason reported; the other files are still processed.
 * - Rows are upserted by natural key; unchanged rows are not written, so importing the same
 *   files again changes nothing. Rows missing from a file are never deleted.
 * - References are checked against the database plus the files of this import applied before.
 */
export async function importReference(db: Database, files: readonly ImportFileInput[], logger?: Logger, options: ImportOptions = {}): Promise<ImportReport> {
  const authorityId = options.authorityId ?? 1;
  const started = Date.now();
  const results: ImportFileResult[] = [];
  const planned: PlannedFile[] = [];

  files.forEach((input, index) => {
    const rejectWith = (code: string, detail: string, table: ReferenceTableName | null = null, format: TabularFormat | null = null): void => {
      results.push(rejectedResult(input.name, table, format, 0, [makeIssue(code, { file: input.name }, detail)]));
    };
    const table = tableFromFileName(input.name);
    const format = formatOf(input.name, input.bytes);
    if (table === null) {
      rejectWith("file.unknown_table", `the file name does not say which table it holds: name it after one of ${REFERENCE_TABLES.join(", ")} (e.g. placements.csv)`);
    } else if (typeof format !== "string") {
      rejectWith("file.unsupported_format", format.unsupported, table);
    } else if (input.bytes.length > MAX_FILE_BYTES) {
      rejectWith("file.too_large", `the file is larger than ${MAX_FILE_BYTES / (1024 * 1024)} MB`, table, format);
    } else {
      planned.push({ index, input, table, format });
    }
  });
  planned.sort((a, b) => tableOrder(a.table) - tableOrder(b.table) || a.index - b.index);

  const context: CheckContext = { tables: {}, rejected: new Map() };
  const needed = new Set(planned.flatMap((file) => TABLE_DEPENDENCIES[file.table]));
  for (const table of REFERENCE_TABLES) {
    if (needed.has(table)) context.tables[table] = await loadReferenceRows(db.knex, table, authorityId);
  }

  for (const file of planned) {
    const fileStarted = Date.now();
    const result = await importFile(db, file, context, authorityId);
    results.push(result);
    logger?.debug("reference file imported", {
      file: file.input.name,
      table: file.table,
      status: result.status,
      ...result.counts,
      errors: result.errors.length + result.errorsOmitted,
      ms: Date.now() - fileStarted,
    });
  }

  const tables: Partial<Record<ReferenceTableName, ImportCounts>> = {};
  for (const result of results) {
    if (!result.table) continue;
    const total = (tables[result.table] ??= zeroCounts());
    total.inserted += result.counts.inserted;
    total.updated += result.counts.updated;
    total.unchanged += result.counts.unchanged;
    total.rejected += result.counts.rejected;
  }
  const report: ImportReport = {
    ok: results.every((result) => result.status === "applied"),
    changed: results.some((result) => result.counts.inserted + result.counts.updated > 0),
    // Unrecognised files first (they were refused before anything ran), then processing order.
    files: results,
    tables,
  };
  // One event with the counts at the end (per-file events are at debug level).
  logger?.info("reference import finished", { files: results.length, ok: report.ok, changed: report.changed, tables, ms: Date.now() - started });
  return report;
}

async function importFile(db: Database, file: PlannedFile, context: CheckContext, authorityId: number): Promise<ImportFileResult> {
  const name = file.input.name;
  const table = TABLES[file.table];
  const parsed = await readAndParse(file);
  if ("readError" in parsed) return rejectedResult(name, file.table, file.format, 0, [parsed.readError]);
  const errors = [...parsed.errors];
  if (errors.length === 0) errors.push(...checkReferences(name, table, parsed.rows, context, parsed.headerSpellings));
  if (errors.length === 0) parsed.warnings.push(...referenceWarnings(name, table, parsed.rows, context, parsed.headerSpellings));
  if (errors.length > 0) {
    rememberRejected(context, file.table, name, parsed.rows.map((row) => rowKey(table, row.values)));
    return rejectedResult(name, file.table, file.format, parsed.dataRows, errors, parsed.warnings);
  }

  const changes = diffRows(table, parsed.rows, context.tables[file.table]);
  if (changes.inserts.length + changes.updates.length > 0) {
    try {
      await db.knex.transaction(async (trx) => {
        await upsertReferenceRows(trx, file.table, [...changes.inserts, ...changes.updates], authorityId);
      });
    } catch (error) {
      // The checks above should leave nothing for the database to refuse; if it does, say what
      // (knex prefixes the statement to PostgreSQL's message; the statement helps nobody here).
      const message = (error as Error).message;
      const detail = `the database refused the file, so none of it was loaded: ${message.slice(message.lastIndexOf(" - ") + (message.includes(" - ") ? 3 : 0))}`;
      rememberRejected(context, file.table, name, parsed.rows.map((row) => rowKey(table, row.values)));
      return rejectedResult(name, file.table, file.format, parsed.dataRows, [makeIssue("db.refused", { file: name }, detail)], parsed.warnings);
    }
    const stored: TableRows = (context.tables[file.table] ??= new Map<string, ReferenceRow>());
    for (const row of [...changes.inserts, ...changes.updates]) stored.set(rowKey(table, row), row);
  }
  return {
    file: name,
    table: file.table,
    format: file.format,
    status: "applied",
    rows: parsed.dataRows,
    counts: { inserted: changes.inserts.length, updated: changes.updates.length, unchanged: changes.unchanged, rejected: 0 },
    warnings: parsed.warnings,
    errors: [],
    errorsOmitted: 0,
  };
}

/** Reads and parses a file; the raw cells are dropped on return, before the database work (big files). */
async function readAndParse(file: PlannedFile): Promise<ParsedTable | { readError: ImportIssue }> {
  try {
    const cells = await readTableFile(file.input.bytes, file.format);
    return parseTable(file.input.name, TABLES[file.table], cells);
  } catch (error) {
    const { code, message } = describeReadError(error);
    return { readError: makeIssue(code, { file: file.input.name }, message) };
  }
}

function rememberRejected(context: CheckContext, table: ReferenceTableName, file: string, keys: string[]): void {
  let map = context.rejected.get(table);
  if (!map) context.rejected.set(table, (map = new Map<string, string>()));
  for (const key of keys) if (!map.has(key)) map.set(key, file);
}

function rejectedResult(
  file: string,
  table: ReferenceTableName | null,
  format: TabularFormat | null,
  rows: number,
  errors: ImportIssue[],
  warnings: ImportIssue[] = [],
): ImportFileResult {
  return {
    file,
    table,
    format,
    status: "rejected",
    rows,
    counts: { ...zeroCounts(), rejected: rows },
    warnings,
    errors: errors.slice(0, MAX_ERRORS_PER_FILE),
    errorsOmitted: Math.max(0, errors.length - MAX_ERRORS_PER_FILE),
  };
}
