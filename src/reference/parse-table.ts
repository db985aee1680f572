import { cellText, FieldError, isBlank, parseField, serialDateOf, type FieldContext, type TableCell } from "./fields.js";
import { matchHeaders, type HeaderMapping } from "./headers.js";
import { makeIssue, quote, type ImportIssue, type IssueWhere } from "./issues.js";
import { rowKey, type ParsedRow, type ReferenceRow, type TableSpec } from "./tables.js";
import { checkRow } from "./row-checks.js";
import { mangledIdentifier, paddedIdWidths } from "./identifier-digits.js";
import { columnLetters } from "../tabular/xlsx-repair.js";
import { isUsOrderOnly } from "../tabular/other-tools.js";

export type { ReferenceRow };

export interface ParsedTable {
  rows: ParsedRow[];
  /** Non-blank data rows in the file. */
  dataRows: number;
  errors: ImportIssue[];
  warnings: ImportIssue[];
  /** How the file spells headers that differ from the DATA.md names. */
  headerSpellings: Map<string, string>;
  /** The table's columns the file has a header for; the others keep their stored values. */
  present: Set<string>;
  /** Keys of rows refused here whose key itself could be read: for clearer messages in dependent files. */
  failedKeys: string[];
  /** Headers that name no column of the table (a person may map them). */
  ignored: string[];
}

export interface ParseOptions {
  /** Stored rows by key: a stored row keeps its values for the columns the file lacks. */
  stored?: ReadonlyMap<string, ReferenceRow> | undefined;
  /** Index of the header row in `rows` (rows above it are titles and filters); default the first non-blank row. */
  headerIndex?: number;
  mappings?: readonly HeaderMapping[];
  /** The workbook counts dates in the 1904 system (bare serial numbers in date columns). */
  date1904?: boolean;
}

/**
 * Reads the rows of one table file: finds the header (the first non-blank row, normally row 1),
 * matches columns, parses every cell and checks each row on its own (required values, date
 * order, keys not repeated). Checks against other tables come later (reference-checks.ts).
 *
 * A row whose key is already stored keeps the stored value of every column the file has no
 * header for (`stored`): a column absent from the file never blanks or resets a field.
 */
export function parseTable(file: string, table: TableSpec, rows: readonly (readonly TableCell[])[], options: ParseOptions = {}): ParsedTable {
  const { stored, mappings } = options;
  const result: ParsedTable = { rows: [], dataRows: 0, errors: [], warnings: [], headerSpellings: new Map(), present: new Set(), failedKeys: [], ignored: [] };
  const headerIndex = options.headerIndex ?? rows.findIndex((row) => row.some((cell) => !isBlank(cell)));
  if (headerIndex < 0) {
    result.errors.push(makeIssue("file.empty", { file }, "the file is empty (no header row)"));
    return result;
  }
  const headerRowNumber = headerIndex + 1;
  const match = matchHeaders(
    table,
    (rows[headerIndex] ?? []).map(cellText),
    mappings,
  );
  for (const name of match.columns.keys()) result.present.add(name);
  result.ignored = match.ignored;
  for (const [name, header] of match.headers) {
    if (header.toLowerCase().replace(/[\s-]+/g, "_") !== name) result.headerSpellings.set(name, header);
  }
  for (const [name, first, second] of match.duplicates) {
    result.errors.push(makeIssue("header.duplicate", { file, row: headerRowNumber, column: name }, `both ${quote(first)} and ${quote(second)} mean ${name}`));
  }
  for (const name of match.missing) {
    result.errors.push(makeIssue("header.missing", { file, row: headerRowNumber }, `missing column ${name} (the header row must name it)`));
  }
  if (match.ignored.length > 0) {
    result.warnings.push(
      makeIssue("header.ignored", { file, row: headerRowNumber }, `ignored column${match.ignored.length > 1 ? "s" : ""} ${match.ignored.map(quote).join(", ")} (not a column of the ${table.name} table)`),
    );
  }
  if (result.errors.length > 0) {
    result.dataRows = rows.slice(headerIndex + 1).filter((row) => row.some((cell) => !isBlank(cell))).length;
    return result;
  }

  const seen = new Map<string, number>();
  // What each row wrote, by key: a row repeated to the letter is loaded once, not refused.
  const writtenByKey = new Map<string, Record<string, string>>();
  const padded = paddedIdWidths(table, match.columns, rows.slice(headerIndex + 1), stored);
  // Absences by key, so that a second absence starting the same night can be merged into the first.
  const kept = new Map<string, ParsedRow>();
  // Values in columns that have no header: ignored like unknown columns, and said so.
  const headerCells = rows[headerIndex] ?? [];
  const headerless = (position: number): boolean => position >= headerCells.length || isBlank(headerCells[position]);
  const unnamed = new Set<number>();
  const contexts = fieldContexts(table, match.columns, rows, headerIndex, options.date1904 === true);
  const serials = new Map<string, { count: number; row: number; text: string; iso: string }>();
  for (let index = headerIndex + 1; index < rows.length; index += 1) {
    const cells = rows[index] ?? [];
    if (!cells.some((cell) => !isBlank(cell))) continue;
    for (let position = 0; position < cells.length; position += 1) {
      if (headerless(position) && !unnamed.has(position) && !isBlank(cells[position])) unnamed.add(position);
    }
    const summary = summaryRowLabel(table, match.columns, cells);
    if (summary !== null) {
      result.warnings.push(makeIssue("row.summary", { file, row: index + 1, value: summary }, `${quote(summary)} is a total or note row, not a ${table.rowNoun}: skipped`));
      continue;
    }
    result.dataRows += 1;
    const rowNumber = index + 1;
    const values: ReferenceRow = {};
    const written: Record<string, string> = {};
    let rowOk = true;
    for (const column of table.columns) {
      const position = match.columns.get(column.name);
      const cell = position === undefined ? undefined : cells[position];
      const text = cellText(cell).trim();
      written[column.name] = text;
      if (column.required && isBlank(cell)) {
        result.errors.push(makeIssue("field.required", cellWhere(file, rowNumber, column.name, result, text), `a value is required but the cell is blank`));
        rowOk = false;
        continue;
      }
      const mangled = column.kind === "id" && text !== "" ? mangledIdentifier(column.name, text, padded) : null;
      if (mangled !== null) {
        result.errors.push(makeIssue("field.identifier_mangled", cellWhere(file, rowNumber, column.name, result, text), mangled));
        rowOk = false;
        continue;
      }
      const parsed = parseField(column, cell, contexts.get(column.name));
      if (parsed instanceof FieldError) {
        result.errors.push(makeIssue(parsed.code, cellWhere(file, rowNumber, column.name, result, text), parsed.detail));
        rowOk = false;
        continue;
      }
      if (column.kind === "date" && typeof parsed === "string" && serialDateOf(cell) !== null) {
        const seenSerial = serials.get(column.name);
        if (seenSerial) seenSerial.count += 1;
        else serials.set(column.name, { count: 1, row: rowNumber, text, iso: parsed });
      }
      values[column.name] = parsed;
    }
    if (!rowOk) {
      if (table.key.every((name) => values[name] !== undefined)) result.failedKeys.push(rowKey(table, values));
      continue;
    }
    const row: ParsedRow = { rowNumber, values: keepAbsentColumns(table, values, result.present, stored), written };
    const rowErrors = checkRow(file, table, row, result.headerSpellings);
    if (rowErrors.length > 0) {
      result.errors.push(...rowErrors);
      result.failedKeys.push(rowKey(table, values));
      continue;
    }
    const key = rowKey(table, values);
    const firstRow = seen.get(key);
    if (firstRow !== undefined && table.name === "absences") {
      result.warnings.push(mergeAbsence(file, kept.get(key) as ParsedRow, row, result.headerSpellings));
      continue;
    }
    if (firstRow !== undefined && sameWritten(writtenByKey.get(key), written)) {
      result.warnings.push(
        makeIssue("row.repeated", { file, row: rowNumber }, `repeats row ${firstRow} exactly (every value the same): loaded once`),
      );
      continue;
    }
    if (firstRow !== undefined) {
      const keyText = table.key.map((name) => `${name} ${quote(written[name] ?? "")}`).join(", ");
      result.errors.push(
        makeIssue("row.duplicate", { file, row: rowNumber, column: table.key.length === 1 ? (table.key[0] ?? null) : null, value: table.key.map((name) => written[name] ?? "").join(", ") }, table.key.length === 1 ? `${quote(written[table.key[0] ?? ""] ?? "")} appears twice (also row ${firstRow})` : `repeats the ${table.rowNoun} on row ${firstRow} (${keyText})${table.name === "rates" ? ": which of the two is in force from that date would be a guess" : ""}`),
      );
      continue;
    }
    seen.set(key, rowNumber);
    writtenByKey.set(key, written);
    if (table.name === "absences") kept.set(key, row);
    result.rows.push(row);
  }
  for (const [name, serial] of serials) {
    // Read, not guessed: the column holds dates, and the number is a date in the plausible years;
    // still said once per column, so that the person checks the preview.
    result.warnings.push(
      makeIssue(
        "field.date_serial",
        cellWhere(file, serial.row, name, result, serial.text),
        `${serial.count} date${serial.count > 1 ? "s" : ""} written as Excel serial day numbers read in the ${options.date1904 ? "1904" : "1900"} date system (e.g. ${quote(serial.text)} = ${serial.iso}): check them in the preview`,
      ),
    );
  }
  if (unnamed.size > 0) {
    const letters = [...unnamed].sort((a, b) => a - b).map((position) => columnLetters(position + 1));
    result.warnings.push(
      makeIssue("header.unnamed", { file, row: headerRowNumber }, `ignored column${letters.length > 1 ? "s" : ""} ${letters.join(", ")}: values under no header`),
    );
  }
  return result;
}

/**
 * What each column's values say about one another: a date column holding a date that exists only
 * in US (month-first) order makes its other day/month dates doubtful (an export from a US tool
 * writes 03/04/2026 for 4 March). One pass over the column before its rows are read.
 */
function fieldContexts(
  table: TableSpec,
  positions: ReadonlyMap<string, number>,
  rows: readonly (readonly TableCell[])[],
  headerIndex: number,
  date1904: boolean,
): Map<string, FieldContext> {
  const contexts = new Map<string, FieldContext>();
  for (const column of table.columns) {
    const position = positions.get(column.name);
    if (position === undefined) continue;
    let usOrder: FieldContext["usOrder"] = null;
    if (column.kind === "date") {
      for (let index = headerIndex + 1; index < rows.length && usOrder === null; index += 1) {
        const cell = rows[index]?.[position];
        if (typeof cell !== "string" && cell !== undefined && typeof cell.value !== "string") continue; // a real date or number cell
        const text = cellText(cell).trim();
        if (text !== "" && isUsOrderOnly(text)) usOrder = { row: index + 1, text };
      }
    }
    contexts.set(column.name, { date1904, usOrder });
  }
  return contexts;
}

/**
 * Workbooks kept by hand end their tables with a total, a count or a report footer ("Total",
 * "Count: 47", "End of report"). Such a row starts with one of those words and leaves required
 * columns blank, so it could never be a row of the table: it is skipped, and said so.
 */
const SUMMARY_START = /^(?:(?:grand|sub)[\s-]*total|totals?|count|number of|average|sum|end of report|report (?:run|generated|produced)|generated (?:on|by)|printed (?:on|by)|\d+\s+(?:rows?|records?|placements?))(?=$|[\s:(])/i;

function summaryRowLabel(table: TableSpec, positions: ReadonlyMap<string, number>, cells: readonly TableCell[]): string | null {
  const first = cells.find((cell) => !isBlank(cell));
  const label = cellText(first).trim();
  if (!SUMMARY_START.test(label)) return null;
  const requiredBlank = table.columns.some((column) => {
    const position = positions.get(column.name);
    return column.required && position !== undefined && isBlank(cells[position]);
  });
  return requiredBlank ? label : null;
}

function sameWritten(first: Readonly<Record<string, string>> | undefined, second: Readonly<Record<string, string>>): boolean {
  if (!first) return false;
  return Object.keys(second).every((name) => first[name] === second[name]);
}

/** The row as it will be stored: the file's values, and the stored row's for columns the file lacks. */
function keepAbsentColumns(table: TableSpec, values: ReferenceRow, present: ReadonlySet<string>, stored: ReadonlyMap<string, ReferenceRow> | undefined): ReferenceRow {
  if (!stored || present.size === table.columns.length) return values;
  const existing = stored.get(rowKey(table, values));
  if (!existing) return values;
  for (const column of table.columns) if (!present.has(column.name)) values[column.name] = existing[column.name] ?? null;
  return values;
}

/**
 * Two absences of one placement that start the same night (3–10 Oct and 3–22 Oct) are one
 * continuous absence (AUDIT.md: rows that overlap form one absence, a night counted once): the
 * first row is kept to the later of the two last nights, and the import says so. The reason
 * stays the first row's (the audit does not use it).
 */
function mergeAbsence(file: string, first: ParsedRow, row: ParsedRow, headers: ReadonlyMap<string, string>): ImportIssue {
  const firstTo = String(first.values.to_date);
  const to = String(row.values.to_date);
  if (to > firstTo) {
    first.values.to_date = to;
    first.written.to_date = row.written.to_date ?? to;
  }
  return makeIssue(
    "absence.merged",
    { file, row: row.rowNumber, column: "from_date", header: headers.get("from_date") ?? null, value: row.written.from_date ?? "" },
    `the absence from ${quote(row.written.from_date ?? "")} to ${quote(row.written.to_date ?? "")} starts the same night as row ${first.rowNumber}'s: taken as one continuous absence to ${quote(first.written.to_date ?? "")}`,
  );
}

/** Where a cell is, for a message (built only then: a big file has millions of cells). */
function cellWhere(file: string, row: number, column: string, result: ParsedTable, value: string): IssueWhere {
  return { file, row, column, header: result.headerSpellings.get(column) ?? null, value };
}
