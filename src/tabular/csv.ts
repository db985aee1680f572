import { parse } from "csv-parse/sync";
import { ParseError } from "../domain/errors.js";
import { decodeText } from "./decode-text.js";

export type CsvDelimiter = "," | ";" | "\t";

export const CSV_DELIMITERS: readonly CsvDelimiter[] = [",", ";", "\t"];

export interface CsvOptions {
  /** Skip detection and use this delimiter. */
  delimiter?: CsvDelimiter;
}

/**
 * The rows of a CSV file as strings, exactly as a spreadsheet would show them: row i of the
 * result is spreadsheet row i + 1 (blank lines are kept as rows, so numbering never shifts;
 * a quoted cell spanning lines is one row, as in Excel). Cells are not trimmed; rows may have
 * different lengths. Accepts bytes (decoded with decodeText) or text already decoded.
 */
export function readCsv(input: Uint8Array | string, options: CsvOptions = {}): string[][] {
  const decoded = typeof input === "string" ? input.replace(/^\uFEFF/, "") : decodeText(input);
  // Files appended to on another system mix line endings: make every one a \n first (cheaper
  // than giving csv-parse several record delimiters; a line break inside a quoted cell becomes \n).
  let text = decoded.includes("\r") ? decoded.replace(/\r\n?/g, "\n") : decoded;
  // Excel's "sep=;" first line names the delimiter and is not shown as a row when Excel opens
  // the file, so it is not one here either (row numbers stay those a person sees).
  const separatorLine = /^sep=([,;\t])[ \t]*(?:\n|$)/i.exec(text);
  if (separatorLine) text = text.slice(separatorLine[0].length);
  if (text.trim() === "") return [];
  const delimiter = options.delimiter ?? (separatorLine?.[1] as CsvDelimiter | undefined) ?? detectDelimiter(text);
  try {
    const rows: string[][] = parse(text, {
      delimiter,
      record_delimiter: "\n",
      relax_column_count: true,
      // A stray quote inside an unquoted cell (`5" screen`) is content, as Excel reads it.
      relax_quotes: true,
      skip_empty_lines: false,
      trim: false,
    });
    for (const row of rows) {
      for (let i = 0; i < row.length; i += 1) {
        const cell = row[i] as string;
        if (cell.startsWith('="') && cell.endsWith('"') && cell.length >= 3) row[i] = excelTextFormula(cell);
      }
    }
    return rows;
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    throw new ParseError("csv.invalid", `the file is not valid CSV${line ? ` (near line ${line})` : ""}: ${(error as Error).message}`, {
      line: line ?? null,
    });
  }
}

/**
 * `="004711"`: the way exports keep leading zeros and long numbers as text when Excel opens a
 * CSV (a formula whose value is the string). What a person sees in Excel is the string, so that
 * is the cell; a cell that is anything more than one string literal is left as written.
 */
function excelTextFormula(cell: string): string {
  const inner = cell.slice(2, -1);
  // Inside the literal a quote is doubled; an undoubled quote means more than one literal.
  if (inner.replace(/""/g, "").includes('"')) return cell;
  return inner.replace(/""/g, '"');
}

/**
 * Picks comma, semicolon or tab: the one that splits the first lines (quotes respected) into
 * the same number of cells most consistently. Semicolon files from European Excel often hold
 * decimal commas, so "most occurrences" alone would be wrong; consistency across lines is the
 * signal. Ties go to comma, then semicolon, then tab.
 */
export function detectDelimiter(text: string, sampleLines = 50): CsvDelimiter {
  const lines = firstLogicalLines(text, sampleLines).filter((line) => line.trim() !== "");
  let best: CsvDelimiter = ",";
  let bestScore = -1;
  for (const delimiter of CSV_DELIMITERS) {
    const counts = lines.map((line) => countOutsideQuotes(line, delimiter));
    const frequency = new Map<number, number>();
    for (const count of counts) if (count > 0) frequency.set(count, (frequency.get(count) ?? 0) + 1);
    let score = 0;
    for (const [count, lineCount] of frequency) {
      // Lines agreeing on one cell count; wider agreement on more cells breaks ties.
      const candidate = lineCount * 1000 + count;
      if (candidate > score) score = candidate;
    }
    if (score > bestScore) {
      best = delimiter;
      bestScore = score;
    }
  }
  return best;
}

/** Lines of the text, with line breaks inside quoted cells kept inside their line. */
function firstLogicalLines(text: string, limit: number): string[] {
  const lines: string[] = [];
  let start = 0;
  let inQuotes = false;
  for (let i = 0; i < text.length && lines.length < limit; i += 1) {
    const ch = text[i];
    if (ch === '"') inQuotes = !inQuotes;
    else if ((ch === "\n" || ch === "\r") && !inQuotes) {
      lines.push(text.slice(start, i));
      if (ch === "\r" && text[i + 1] === "\n") i += 1;
      start = i + 1;
    }
  }
  if (lines.length < limit && start < text.length) lines.push(text.slice(start));
  return lines;
}

function countOutsideQuotes(line: string, delimiter: string): number {
  let count = 0;
  let inQuotes = false;
  for (const ch of line) {
    if (ch === '"') inQuotes = !inQuotes;
    else if (ch === delimiter && !inQuotes) count += 1;
  }
  return count;
}
