/**
 * A problem found in an import file. `message` is the whole sentence a person reads, naming the
 * file, the row as a spreadsheet numbers it (header = row 1), the column and the value, e.g.
 * `placements.csv row 14, end_date: "31/02/2026" is not a date`.
 */
export interface ImportIssue {
  /** Stable code, e.g. `field.date`, `ref.missing`, `placement.overlap`. */
  code: string;
  file: string;
  /** Spreadsheet row number; null for problems with the whole file. */
  row: number | null;
  /** The DATA.md column name; null when the problem is not about one column. */
  column: string | null;
  /** The value as written in the file, when there is one. */
  value: string | null;
  message: string;
}

export interface IssueWhere {
  file: string;
  row?: number | null;
  column?: string | null;
  /** How the file spells the column's header, when it differs from the DATA.md name. */
  header?: string | null;
  value?: string | null;
}

export function makeIssue(code: string, where: IssueWhere, detail: string): ImportIssue {
  const row = where.row ?? null;
  const column = where.column ?? null;
  let place = where.file;
  if (row !== null) place += ` row ${row}`;
  if (column !== null) place += `, ${column}${where.header ? ` (column "${where.header}")` : ""}`;
  return { code, file: where.file, row, column, value: where.value ?? null, message: `${place}: ${detail}` };
}

/** `"31/02/2026"`: values are quoted in messages so blanks and spaces show. */
export function quote(value: string): string {
  return JSON.stringify(value);
}
