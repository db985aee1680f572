import { cellText, isBlank, type TableCell } from "./fields.js";
import { matchHeaders, type HeaderMapping } from "./headers.js";
import { tableFromFileName } from "./table-name.js";
import { REFERENCE_TABLES, TABLES, type ReferenceTableName } from "./tables.js";

/** One sheet of a workbook, or a CSV file (name null). */
export interface SheetCells {
  name: string | null;
  rows: readonly (readonly TableCell[])[];
  /** The workbook counts dates in the 1904 system (for bare serial numbers in date columns). */
  date1904?: boolean;
}

export interface RecognisedTable {
  table: ReferenceTableName;
  /** Index of the header row: rows above it (titles, filters, blanks) are skipped. */
  headerIndex: number;
}

export interface Unrecognised {
  /** Why no table could be recognised, completing "file: …". */
  detail: string;
  /** The table the headers come closest to, when one does: its missing columns are named. */
  closest: ReferenceTableName | null;
  /** The headers the importer could not place (in the row that came closest): a person may map them. */
  headers: string[];
}

/** Rows searched for a header: report titles and filter lines are a handful, never dozens. */
const HEADER_SEARCH_ROWS = 30;

interface Candidate {
  table: ReferenceTableName;
  headerIndex: number;
  matched: number;
  missing: string[];
}

/**
 * Which table a file or sheet holds, and where its header row is. The header row is the row,
 * among the first 30, whose cells name the most columns of a table (with the person's
 * mappings); rows above it are skipped. A table is recognised only when every required column
 * is found; where the file or sheet name names a table, that table is taken (and a missing
 * column is then the file's problem, said by parseTable).
 * Two tables fitting the same header equally well is ambiguous, never a guess.
 */
export function recogniseTable(fileName: string, sheet: SheetCells, mappings: readonly HeaderMapping[], nameHint: ReferenceTableName | null): RecognisedTable | Unrecognised {
  const hint = (sheet.name !== null ? tableFromFileName(sheet.name) : null) ?? nameHint;
  const tables = hint ? [hint] : REFERENCE_TABLES;
  const candidates: Candidate[] = [];
  const limit = Math.min(sheet.rows.length, HEADER_SEARCH_ROWS);
  for (let index = 0; index < limit; index += 1) {
    const row = sheet.rows[index] ?? [];
    if (!row.some((cell) => !isBlank(cell))) continue;
    const headers = row.map(cellText);
    for (const table of tables) {
      const match = matchHeaders(TABLES[table], headers, mappings);
      if (match.columns.size > 0) candidates.push({ table, headerIndex: index, matched: match.columns.size, missing: match.missing });
    }
  }
  if (hint) {
    // The name says the table: the header is its best row, and parseTable names any missing column.
    const best = candidates.reduce<Candidate | null>((a, b) => (a === null || b.matched > a.matched ? b : a), null);
    return { table: hint, headerIndex: best?.headerIndex ?? sheet.rows.findIndex((row) => row.some((cell) => !isBlank(cell))) };
  }
  const complete = candidates.filter((candidate) => candidate.missing.length === 0);
  if (complete.length > 0) {
    const best = Math.max(...complete.map((candidate) => candidate.matched));
    const top = complete.filter((candidate) => candidate.matched === best);
    const first = top[0] as Candidate;
    const rivals = top.filter((candidate) => candidate.headerIndex === first.headerIndex && candidate.table !== first.table);
    if (rivals.length > 0) {
      return { closest: null, headers: headerCells(sheet, first.headerIndex), detail: `its headers on row ${first.headerIndex + 1} fit the tables ${[first, ...rivals].map((c) => c.table).join(" and ")} equally well: name the file after its table` };
    }
    return { table: first.table, headerIndex: first.headerIndex };
  }
  if (candidates.length === 0) {
    return { closest: null, headers: [], detail: `no table recognised: no row among the first ${HEADER_SEARCH_ROWS} names the columns of any table (${REFERENCE_TABLES.join(", ")})` };
  }
  const closest = candidates.reduce((a, b) => (b.matched - b.missing.length > a.matched - a.missing.length ? b : a));
  const several = closest.missing.length > 1;
  return {
    closest: closest.table,
    headers: matchHeaders(TABLES[closest.table], (sheet.rows[closest.headerIndex] ?? []).map(cellText), mappings).ignored,
    detail: `no table recognised: its headers (row ${closest.headerIndex + 1}) come closest to the ${closest.table} table, but the column${several ? "s" : ""} ${closest.missing.join(", ")} ${several ? "are" : "is"} missing: add ${several ? "them" : "it"}, or map the file's own header to ${several ? "them" : "it"}`,
  };
}

export function isRecognised(result: RecognisedTable | Unrecognised): result is RecognisedTable {
  return "table" in result;
}

function headerCells(sheet: SheetCells, index: number): string[] {
  return (sheet.rows[index] ?? []).map((cell) => cellText(cell).trim()).filter((text) => text !== "");
}
