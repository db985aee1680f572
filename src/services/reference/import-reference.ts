import type { Database } from "../../db/connection.js";
import { appendAuditLog } from "../../db/repositories/audit-log.repository.js";
import { loadOwnedRows, loadReferenceRows, upsertOwnedRows, type RowOwner } from "../../db/repositories/reference.repository.js";
import { consortiumMemberIds, frameworkContractsOf } from "../../db/repositories/consortium.repository.js";
import type { Logger } from "../../logger.js";
import { londonDate } from "../../domain/months.js";
import { diffRows, type PlannedRow, type PlannedUpdate } from "../../reference/diff.js";
import { makeIssue, quote, type ImportIssue } from "../../reference/issues.js";
import { isBlank, type TableCell } from "../../reference/fields.js";
import type { HeaderMapping } from "../../reference/headers.js";
import { parseTable } from "../../reference/parse-table.js";
import { resolveProviderNames } from "../../reference/provider-names.js";
import { isRecognised, recogniseTable, type SheetCells } from "../../reference/recognise.js";
import { describeReadError, readTableFile } from "../../reference/read-table-file.js";
import { checkReferences, referenceWarnings, type CheckContext, type TableRows } from "../../reference/reference-checks.js";
import { formatOf, tableFromFileName, type TabularFormat } from "../../reference/table-name.js";
import { REFERENCE_TABLES, rowKey, TABLE_DEPENDENCIES, TABLES, tableOrder, type ReferenceRow, type ReferenceTableName, type TableSpec, type ParsedRow } from "../../reference/tables.js";

export type { ImportIssue } from "../../reference/issues.js";
export type { ReferenceTableName } from "../../reference/tables.js";
export type { FieldChange, PlannedRow, PlannedUpdate } from "../../reference/diff.js";

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
  /** Headers the importer could not place: a person may map them to columns. */
  unplacedHeaders: string[];
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
  authorityId: number;
  logger?: Logger | undefined;
  /** Only work out what would change (nothing is written). */
  dryRun?: boolean;
  /** Apply changes of an existing placement's child, provider or contract. */
  confirmKeyChanges?: boolean;
  /** Load the good rows and leave the rows with problems listed (otherwise any problem stops the import). */
  skipBadRows?: boolean;
  /** Who imports, for the audit log ("cli", a user name). */
  actor?: string;
  /** The date an ongoing placement is taken to run to in the checks (default: today in London). */
  today?: string;
  /** Where headers the importer cannot place go (from the command line or an import profile). */
  mappings?: readonly HeaderMapping[];
  /**
   * A framework import (`import --framework CODE`): the files are the consortium's framework
   * contracts and rates, loaded once for all its members (framework_contracts, framework_rates).
   * Providers are checked against the members' providers (one provider id across the
   * consortium); `authorityId` is the authority acting, and each member's audit log records it.
   */
  framework?: { consortiumId: number; code: string };
}

/** The tables a framework import holds: the consortium's contracts (with their uplift) and rates. */
const FRAMEWORK_TABLES: ReadonlySet<ReferenceTableName> = new Set(["contracts", "rates"]);

/** A framework contract: the DATA.md contract columns and the framework's agreed annual uplift. */
export const FRAMEWORK_CONTRACT_SPEC: TableSpec = {
  ...TABLES.contracts,
  columns: [
    ...TABLES.contracts.columns,
    { name: "annual_uplift_pct", kind: "percent", required: false, synonyms: ["annual uplift", "uplift", "uplift pct", "agreed uplift", "annual uplift percent"], scale: 4 },
  ],
};

/** The table spec of a source: a framework import reads contracts with their uplift. */
function specOf(table: ReferenceTableName, framework: boolean): TableSpec {
  return framework && table === "contracts" ? FRAMEWORK_CONTRACT_SPEC : TABLES[table];
}

/** Where a table's rows live: the authority's own table, or the consortium's framework table. */
function ownerOf(table: ReferenceTableName, options: ImportOptions): RowOwner {
  return options.framework && FRAMEWORK_TABLES.has(table)
    ? { table: `framework_${table}`, column: "consortium_id", id: options.framework.consortiumId }
    : { table, column: "authority_id", id: options.authorityId };
}

export const MAX_ERRORS_PER_FILE = 500;
const MAX_FILE_BYTES = 200 * 1024 * 1024;

const zeroCounts = (): ImportCounts => ({ inserted: 0, updated: 0, unchanged: 0, rejected: 0 });

/** A table found in a file: the file itself (CSV, one-sheet workbook) or one sheet of a workbook. */
interface PlannedSource {
  /** The file, and the sheet when the workbook has several: `Placements team.xlsx (sheet Placements)`. */
  label: string;
  order: number;
  table: ReferenceTableName;
  format: TabularFormat;
  headerIndex: number;
  rows: readonly (readonly TableCell[])[];
  date1904: boolean;
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
export async function importReference(db: Database, files: readonly ImportFileInput[], options: ImportOptions): Promise<ImportReport> {
  const { authorityId, logger } = options;
  const started = Date.now();
  const results: ImportFileResult[] = [];
  const planned: PlannedSource[] = [];
  /** Sheets skipped because they hold no table (a notes or lookup sheet): said, with the first source of their file. */
  const warnings: ImportIssue[] = [];

  const mappings = options.mappings ?? [];
  let order = 0;
  for (const input of files) {
    const found = await recogniseFile(input, mappings);
    results.push(...found.rejected);
    warnings.push(...found.warnings);
    for (const source of found.sources) planned.push({ ...source, order: order++ });
  }
  planned.sort((a, b) => tableOrder(a.table) - tableOrder(b.table) || a.order - b.order);
  const framework = options.framework !== undefined;
  if (framework) {
    // A framework holds contracts and rates only: placements and the rest belong to a member.
    for (const source of planned.filter((p) => !FRAMEWORK_TABLES.has(p.table))) {
      results.push(rejectedResult(source.label, source.table, source.format, 0, [makeIssue("framework.table", { file: source.label }, `a framework import holds contracts and rates only, not ${source.table}: import ${source.table} for each member council`)]));
    }
    planned.splice(0, planned.length, ...planned.filter((p) => FRAMEWORK_TABLES.has(p.table)));
  }

  const context: CheckContext = { tables: {}, rejected: new Map(), today: options.today ?? londonDate(new Date()) };
  const needed = new Set(planned.flatMap((file) => TABLE_DEPENDENCIES[file.table]));
  for (const table of REFERENCE_TABLES) {
    if (!needed.has(table)) continue;
    if (framework && table === "providers") context.tables.providers = await membersProviders(db, options.framework?.consortiumId ?? 0);
    else if (framework && table === "placements") context.tables.placements = new Map();
    else context.tables[table] = await loadOwnedRows(db.knex, specOf(table, framework), ownerOf(table, options));
  }
  const frameworkIds = framework ? new Set<string>() : await addFrameworkContracts(db, authorityId, context);
  const rateSources = new Map<string, string>();
  for (const source of planned) results.push(planSource(source, context, mappings, rateSources, specOf(source.table, framework), frameworkIds));
  const firstOfFile = (issue: ImportIssue): ImportFileResult | undefined => results.find((result) => result.file.startsWith(issue.file));
  for (const warning of warnings) (firstOfFile(warning) ?? results[0])?.warnings.unshift(warning);

  const ok = results.every((result) => result.status === "ok");
  const keyChanges = results.reduce((sum, result) => sum + result.keyChanges.length, 0);
  let outcome: ImportOutcome;
  if (options.dryRun) outcome = "preview";
  else if (!ok && !options.skipBadRows) outcome = "refused_problems";
  else if (keyChanges > 0 && !options.confirmKeyChanges) outcome = "refused_key_changes";
  else outcome = "applied";

  const writes = results.reduce((sum, result) => sum + result.inserts.length + result.updates.length + result.keyChanges.length, 0);
  if (outcome === "applied" && writes > 0) await applyImport(db, results, options);

  const report: ImportReport = { outcome, ok, changed: outcome === "applied" && writes > 0, keyChanges, files: results, tables: totalsByTable(results) };
  // One event with the counts at the end (per-file events are at debug level).
  logger?.info("reference import finished", { files: results.length, outcome, ok, changed: report.changed, keyChanges, tables: report.tables, ms: Date.now() - started });
  return report;
}

/** Checks and sorts one source's rows; its good rows join the context for the sources after it. */
function planSource(source: PlannedSource, context: CheckContext, mappings: readonly HeaderMapping[], rateSources: Map<string, string>, table: TableSpec, frameworkIds: ReadonlySet<string>): ImportFileResult {
  const name = source.label;
  const stored = context.tables[source.table];
  const parsed = parseTable(name, table, source.rows, { stored, headerIndex: source.headerIndex, mappings, date1904: source.date1904 });

  const providerProblems = resolveProviderNames(name, table, parsed, context);
  // A provider spelling already said to be ambiguous is not also "not a known provider".
  const ambiguous = new Set(providerProblems.errors.map((error) => error.row));
  const references = checkReferences(name, table, parsed.rows, context, parsed.headerSpellings).filter((issue) => !(issue.column === "provider_id" && ambiguous.has(issue.row)));
  const errors = [
    ...parsed.errors, ...providerProblems.errors, ...references, ...conflictingRates(name, table, parsed.rows, rateSources, parsed.headerSpellings),
    ...frameworkRedefined(name, table, parsed.rows, frameworkIds, parsed.headerSpellings),
  ];
  // A problem with the file's header or the whole file is a problem with every row.
  if (errors.some((error) => error.row === null || error.code.startsWith("header."))) {
    return { ...rejectedResult(name, source.table, source.format, parsed.dataRows, errors, parsed.warnings), unplacedHeaders: parsed.ignored };
  }
  const badRows = new Set(errors.map((error) => error.row));
  const good = parsed.rows.filter((row) => !badRows.has(row.rowNumber));
  const refused = parsed.rows.filter((row) => badRows.has(row.rowNumber)).map((row) => rowKey(table, row.values));
  rememberRejected(context, source.table, name, [...parsed.failedKeys, ...refused]);
  const warnings = [...parsed.warnings, ...providerProblems.warnings, ...referenceWarnings(name, table, good, context, parsed.headerSpellings)];

  const changes = diffRows(table, good, stored);
  const target: TableRows = (context.tables[source.table] ??= new Map<string, ReferenceRow>());
  for (const row of [...changes.inserts, ...changes.updates, ...changes.keyChanges]) target.set(rowKey(table, row.values), row.values);

  const rejected = badRows.size;
  return {
    file: name,
    table: source.table,
    format: source.format,
    status: rejected === 0 ? "ok" : good.length === 0 ? "rejected" : "partial",
    rows: parsed.dataRows,
    counts: { inserted: changes.inserts.length, updated: changes.updates.length + changes.keyChanges.length, unchanged: changes.unchanged, rejected },
    inserts: changes.inserts,
    updates: changes.updates,
    keyChanges: changes.keyChanges,
    warnings,
    errors: errors.slice(0, MAX_ERRORS_PER_FILE),
    errorsOmitted: Math.max(0, errors.length - MAX_ERRORS_PER_FILE),
    unplacedHeaders: parsed.ignored,
  };
}

/**
 * Writes every file's good rows in one transaction, with the audit log: one entry for the
 * import (who, the files, their counts) and one per key change (the fields before and after).
 */
async function applyImport(db: Database, results: readonly ImportFileResult[], options: ImportOptions): Promise<void> {
  const { authorityId } = options;
  const actor = options.actor ?? "system";
  const framework = options.framework !== undefined;
  // A framework changes what every member pays: each member's audit log says so.
  const logged = options.framework ? [...new Set([authorityId, ...(await consortiumMemberIds(db.knex, options.framework.consortiumId))])] : [authorityId];
  await db.knex.transaction(async (trx) => {
    for (const result of results) {
      if (!result.table) continue;
      const rows = [...result.inserts, ...result.updates, ...result.keyChanges].map((row) => row.values);
      await upsertOwnedRows(trx, specOf(result.table, framework), rows, ownerOf(result.table, options));
    }
    const files = results.map((result) => ({ file: result.file, table: result.table, ...result.counts, keyChanges: result.keyChanges.length }));
    const entity = options.framework ? `framework ${options.framework.code}` : "reference data";
    for (const logAuthority of logged) {
      await appendAuditLog(trx, { authorityId: logAuthority, actor, action: "import", entity, entityId: results.map((result) => result.file).join(", "), before: null, after: { files } });
    }
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

/**
 * Two files (or sheets) of one import giving a rate for the same contract, item and level from
 * the same date: which one is in force would be a guess, so the later one's rows are problems
 * (within one file, parseTable already refuses the repeat). `seen` maps keys to where they came from.
 */
function conflictingRates(file: string, table: TableSpec, rows: readonly ParsedRow[], seen: Map<string, string>, headers: ReadonlyMap<string, string>): ImportIssue[] {
  if (table.name !== "rates") return [];
  const issues: ImportIssue[] = [];
  for (const row of rows) {
    const key = rowKey(table, row.values);
    const earlier = seen.get(key);
    if (earlier === undefined) continue;
    issues.push(
      makeIssue(
        "rate.duplicate",
        { file, row: row.rowNumber, column: "effective_from", header: headers.get("effective_from") ?? null, value: row.written.effective_from ?? "" },
        `${earlier} also gives a rate for contract ${quote(String(row.values.contract_id))}, ${String(row.values.item)}${row.values.service_level ? ` ${String(row.values.service_level)}` : ""}, from ${String(row.values.effective_from)}: which one is in force would be a guess`,
      ),
    );
  }
  for (const row of rows) if (!seen.has(rowKey(table, row.values))) seen.set(rowKey(table, row.values), `${file} row ${row.rowNumber}`);
  return issues;
}

/**
 * The members' providers, for checking a framework's contracts: one provider id across the
 * consortium, so a framework contract names a provider at least one member knows.
 */
async function membersProviders(db: Database, consortiumId: number): Promise<TableRows> {
  const providers: TableRows = new Map();
  for (const memberId of await consortiumMemberIds(db.knex, consortiumId)) {
    for (const [key, row] of await loadReferenceRows(db.knex, "providers", memberId)) if (!providers.has(key)) providers.set(key, row);
  }
  return providers;
}

/**
 * A member's import: its placements may name a framework contract of its consortia, so those
 * join the contracts the checks look up (an own contract of the same id stays the one used).
 * Returns the framework contract ids, which a member's contracts file may not reuse.
 */
async function addFrameworkContracts(db: Database, authorityId: number, context: CheckContext): Promise<Set<string>> {
  const frameworkContracts = await frameworkContractsOf(db.knex, authorityId);
  const ids = new Set(frameworkContracts.map((row) => String(row.contract_id)));
  const contracts = context.tables.contracts;
  if (contracts) for (const row of frameworkContracts) if (!contracts.has(String(row.contract_id))) contracts.set(String(row.contract_id), row);
  return ids;
}

/** A member's contracts file giving a framework contract's id: it would shadow the framework for that member only. */
function frameworkRedefined(file: string, table: TableSpec, rows: readonly ParsedRow[], frameworkIds: ReadonlySet<string>, headers: ReadonlyMap<string, string>): ImportIssue[] {
  if (table.name !== "contracts" || frameworkIds.size === 0) return [];
  return rows
    .filter((row) => frameworkIds.has(String(row.values.contract_id)))
    .map((row) =>
      makeIssue(
        "contract.framework",
        { file, row: row.rowNumber, column: "contract_id", header: headers.get("contract_id") ?? null, value: row.written.contract_id ?? "" },
        `${quote(String(row.values.contract_id))} is a framework contract of the consortium: it is changed by a framework import (import --framework), not by a member`,
      ),
    );
}

interface RecognisedFile {
  sources: Omit<PlannedSource, "order">[];
  rejected: ImportFileResult[];
  warnings: ImportIssue[];
}

/**
 * Reads a file and finds the tables in it: a CSV file or each sheet of a workbook, recognised
 * by its headers (or named by the file or sheet name). A workbook's sheet that resembles no
 * table (notes, lookups) is skipped with a warning; one that comes close to a table but lacks a
 * column is a problem, as is a single-table file whose table cannot be recognised.
 */
async function recogniseFile(input: ImportFileInput, mappings: readonly HeaderMapping[]): Promise<RecognisedFile> {
  const found: RecognisedFile = { sources: [], rejected: [], warnings: [] };
  const refuse = (label: string, code: string, detail: string, table: ReferenceTableName | null = null, format: TabularFormat | null = null): void => {
    found.rejected.push(rejectedResult(label, table, format, 0, [makeIssue(code, { file: label }, detail)]));
  };
  const format = formatOf(input.name, input.bytes);
  if (typeof format !== "string") return refuse(input.name, "file.unsupported_format", format.unsupported), found;
  if (input.bytes.length > MAX_FILE_BYTES) return refuse(input.name, "file.too_large", `the file is larger than ${MAX_FILE_BYTES / (1024 * 1024)} MB`, null, format), found;
  let sheets: SheetCells[];
  try {
    const all = await readTableFile(input.bytes, format);
    const filled = all.filter((sheet) => sheet.rows.some((row) => row.some((cell) => !isBlank(cell))));
    // An empty file is still one (empty) table, so that the person is told it is empty.
    sheets = filled.length > 0 ? filled : all.slice(0, 1);
  } catch (error) {
    const { code, message } = describeReadError(error);
    return refuse(input.name, code, message, tableFromFileName(input.name), format), found;
  }
  if (sheets.length === 0) return refuse(input.name, "xlsx.no_sheet", "the workbook has no sheets", null, format), found;
  const nameHint = sheets.length === 1 ? tableFromFileName(input.name) : null;
  for (const sheet of sheets) {
    const label = sheets.length === 1 || sheet.name === null ? input.name : `${input.name} (sheet ${sheet.name})`;
    const recognised = recogniseTable(input.name, sheet, mappings, nameHint);
    if (isRecognised(recognised)) found.sources.push({ label, table: recognised.table, format, headerIndex: recognised.headerIndex, rows: sheet.rows, date1904: sheet.date1904 === true });
    else if (sheets.length > 1 && recognised.closest === null) found.warnings.push(makeIssue("sheet.skipped", { file: label }, `skipped: ${recognised.detail}`));
    else {
      refuse(label, "file.unknown_table", recognised.detail, recognised.closest, format);
      const last = found.rejected[found.rejected.length - 1];
      if (last) last.unplacedHeaders = recognised.headers;
    }
  }
  return found;
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
    unplacedHeaders: [],
  };
}
