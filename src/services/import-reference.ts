import type { Database } from "../db/connection.js";
import { appendAuditLog } from "../db/repositories/audit-log.repository.js";
import { loadReferenceRows, upsertReferenceRows } from "../db/repositories/reference.repository.js";
import type { Logger } from "../logger.js";
import { diffRows, type PlannedRow, type PlannedUpdate } from "../reference/diff.js";
import { makeIssue, type ImportIssue } from "../reference/issues.js";
import { parseTable, type ParsedTable } from "../reference/parse-table.js";
import { describeReadError, readTableFile } from "../reference/read-table-file.js";
import { checkReferences, referenceWarnings, type CheckContext, type TableRows } from "../reference/reference-checks.js";
import { formatOf, tableFromFileName, type TabularFormat } from "../reference/table-name.js";
import { REFERENCE_TABLES, rowKey, TABLE_DEPENDENCIES, TABLES, tableOrder, type ReferenceRow, type ReferenceTableName } from "../reference/tables.js";

export type { ImportIssue } from "../reference/issues.js";
export type { ReferenceTableName } from "../reference/tables.js";
export type { FieldChange, PlannedRow, PlannedUpdate } from "../reference/diff.js";

export interface ImportFileInput {
  /** The file's name: it says which table the file holds (`placements.csv`). */
  name: string;
  bytes: Buffer;
}

/** Rows by what the import does (or, in a preview, would do) with them. */
export interface ImportCounts {
  inserted: number;
  /** Stored rows changed, key changes included. */
  updated: number;
  unchanged: number;
  /** Rows with a problem: listed, never loaded. */
  rejected: number;
}

export interface ImportFileResult {
  file: string;
  /** The table recognised; null when none could be. */
  table: ReferenceTableName | null;
  format: TabularFormat | null;
  /** ok: every row is good; partial: some rows have problems; rejected: the file as a whole cannot be loaded. */
  status: "ok" | "partial" | "rejected";
  /** Non-blank data rows in the file. */
  rows: number;
  counts: ImportCounts;
  inserts: PlannedRow[];
  updates: PlannedUpdate[];
  /** Changes of who or where (an existing placement's child, provider or contract): need a confirmation. */
  keyChanges: PlannedUpdate[];
  warnings: ImportIssue[];
  /** Every problem, row by row (at most MAX_ERRORS_PER_FILE; see errorsOmitted). */
  errors: ImportIssue[];
  errorsOmitted: number;
}

/**
 * preview: nothing was written (a dry run); applied: the changes listed are stored;
 * refused_problems: some rows have problems and loading the good rows alone was not asked for;
 * refused_key_changes: key changes were not confirmed. Refused imports write nothing.
 */
export type ImportOutcome = "preview" | "applied" | "refused_problems" | "refused_key_changes";

export interface ImportReport {
  outcome: ImportOutcome;
  /** True when no file and no row has a problem. */
  ok: boolean;
  /** True when the import was applied and wrote something. */
  changed: boolean;
  /** Number of key changes in the import (applied only when confirmed). */
  keyChanges: number;
  /** Unrecognised files first, then in the order processed (dependency order). */
  files: ImportFileResult[];
  /** Totals per table, for the tables in this import. */
  tables: Partial<Record<ReferenceTableName, ImportCounts>>;
}

export interface ImportOptions {
  authorityId?: number;
  logger?: Logger | undefined;
  /** Only work out what would change (nothing is written). */
  dryRun?: boolean;
  /** Apply changes of an existing placement's child, provider or contract. */
  confirmKeyChanges?: boolean;
  /** Load the good rows and leave the rows with problems listed (otherwise any problem stops the import). */
  skipBadRows?: boolean;
  /** Who imports, for the audit log ("cli", a user name). */
  actor?: string;
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
 * Loads reference data files (CSV or XLSX) into the database: the `import` command and the UI
 * upload both call this. First it works out everything the import would do, then (unless it is
 * a dry run) applies it in one transaction, or nothing at all:
 *
 * - Every problem of every file is found in one pass: each row's own checks and its references
 *   to other tables together. References are checked against the database plus the good rows
 *   of the files before it (dependency order: providers, contracts, rates, placements,
 *   placement_fees, packages, discounts, absences, whatever order the files are given in).
 * - A row is inserted, or updated where its key is stored; a column absent from the file keeps
 *   the stored value. Unchanged rows are not written; nothing is ever deleted.
 * - Any problem stops the import unless `skipBadRows`; a change of an existing placement's
 *   child, provider or contract stops it unless `confirmKeyChanges`.
 * - Applying writes the audit log: who, which files, the counts, and each key change.
 */
export async function importReference(db: Database, files: readonly ImportFileInput[], options: ImportOptions = {}): Promise<ImportReport> {
  const authorityId = options.authorityId ?? 1;
  const logger = options.logger;
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
  for (const file of planned) results.push(await planFile(file, context));

  const ok = results.every((result) => result.status === "ok");
  const keyChanges = results.reduce((sum, result) => sum + result.keyChanges.length, 0);
  let outcome: ImportOutcome;
  if (options.dryRun) outcome = "preview";
  else if (!ok && !options.skipBadRows) outcome = "refused_problems";
  else if (keyChanges > 0 && !options.confirmKeyChanges) outcome = "refused_key_changes";
  else outcome = "applied";

  const writes = results.reduce((sum, result) => sum + result.inserts.length + result.updates.length + result.keyChanges.length, 0);
  if (outcome === "applied" && writes > 0) await applyImport(db, results, authorityId, options.actor ?? "system");

  const report: ImportReport = { outcome, ok, changed: outcome === "applied" && writes > 0, keyChanges, files: results, tables: totalsByTable(results) };
  // One event with the counts at the end (per-file events are at debug level).
  logger?.info("reference import finished", { files: results.length, outcome, ok, changed: report.changed, keyChanges, tables: report.tables, ms: Date.now() - started });
  return report;
}

/** Reads, checks and sorts one file's rows; its good rows join the context for the files after it. */
async function planFile(file: PlannedFile, context: CheckContext): Promise<ImportFileResult> {
  const name = file.input.name;
  const table = TABLES[file.table];
  const stored = context.tables[file.table];
  const parsed = await readAndParse(file, stored);
  if ("readError" in parsed) return rejectedResult(name, file.table, file.format, 0, [parsed.readError]);

  const errors = [...parsed.errors, ...checkReferences(name, table, parsed.rows, context, parsed.headerSpellings)];
  // A problem with the file's header or the whole file is a problem with every row.
  if (errors.some((error) => error.row === null || error.code.startsWith("header."))) {
    return rejectedResult(name, file.table, file.format, parsed.dataRows, errors, parsed.warnings);
  }
  const badRows = new Set(errors.map((error) => error.row));
  const good = parsed.rows.filter((row) => !badRows.has(row.rowNumber));
  const refused = parsed.rows.filter((row) => badRows.has(row.rowNumber)).map((row) => rowKey(table, row.values));
  rememberRejected(context, file.table, name, [...parsed.failedKeys, ...refused]);
  const warnings = [...parsed.warnings, ...referenceWarnings(name, table, good, context, parsed.headerSpellings)];

  const changes = diffRows(table, good, stored);
  const target: TableRows = (context.tables[file.table] ??= new Map<string, ReferenceRow>());
  for (const row of [...changes.inserts, ...changes.updates, ...changes.keyChanges]) target.set(rowKey(table, row.values), row.values);

  const rejected = badRows.size;
  return {
    file: name,
    table: file.table,
    format: file.format,
    status: rejected === 0 ? "ok" : good.length === 0 ? "rejected" : "partial",
    rows: parsed.dataRows,
    counts: { inserted: changes.inserts.length, updated: changes.updates.length + changes.keyChanges.length, unchanged: changes.unchanged, rejected },
    inserts: changes.inserts,
    updates: changes.updates,
    keyChanges: changes.keyChanges,
    warnings,
    errors: errors.slice(0, MAX_ERRORS_PER_FILE),
    errorsOmitted: Math.max(0, errors.length - MAX_ERRORS_PER_FILE),
  };
}

/**
 * Writes every file's good rows in one transaction, with the audit log: one entry for the
 * import (who, the files, their counts) and one per key change (the fields before and after).
 */
async function applyImport(db: Database, results: readonly ImportFileResult[], authorityId: number, actor: string): Promise<void> {
  await db.knex.transaction(async (trx) => {
    for (const result of results) {
      if (!result.table) continue;
      const rows = [...result.inserts, ...result.updates, ...result.keyChanges].map((row) => row.values);
      await upsertReferenceRows(trx, result.table, rows, authorityId);
    }
    const files = results.map((result) => ({ file: result.file, table: result.table, ...result.counts, keyChanges: result.keyChanges.length }));
    await appendAuditLog(trx, { authorityId, actor, action: "import", entity: "reference data", entityId: results.map((result) => result.file).join(", "), before: null, after: { files } });
    for (const result of results) {
      if (!result.table) continue;
      for (const change of result.keyChanges) {
        const field = (side: "before" | "after"): Record<string, unknown> => Object.fromEntries(change.changes.map((c) => [c.column, c[side]]));
        await appendAuditLog(trx, {
          authorityId, actor, action: "key change", entity: TABLES[result.table].rowNoun, entityId: change.label,
          before: field("before"), after: { ...field("after"), file: result.file, row: change.rowNumber },
        });
      }
    }
  });
}

/** Reads and parses a file; the raw cells are dropped on return, before the database work (big files). */
async function readAndParse(file: PlannedFile, stored: TableRows | undefined): Promise<ParsedTable | { readError: ImportIssue }> {
  try {
    const cells = await readTableFile(file.input.bytes, file.format);
    return parseTable(file.input.name, TABLES[file.table], cells, stored);
  } catch (error) {
    const { code, message } = describeReadError(error);
    return { readError: makeIssue(code, { file: file.input.name }, message) };
  }
}

function totalsByTable(results: readonly ImportFileResult[]): Partial<Record<ReferenceTableName, ImportCounts>> {
  const tables: Partial<Record<ReferenceTableName, ImportCounts>> = {};
  for (const result of results) {
    if (!result.table) continue;
    const total = (tables[result.table] ??= zeroCounts());
    total.inserted += result.counts.inserted;
    total.updated += result.counts.updated;
    total.unchanged += result.counts.unchanged;
    total.rejected += result.counts.rejected;
  }
  return tables;
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
    inserts: [],
    updates: [],
    keyChanges: [],
    warnings,
    errors: errors.slice(0, MAX_ERRORS_PER_FILE),
    errorsOmitted: Math.max(0, errors.length - MAX_ERRORS_PER_FILE),
  };
}
