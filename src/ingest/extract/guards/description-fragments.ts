import { Dec } from "../../../domain/money.js";
import { monthNumber } from "../../../domain/dates.js";
import { cleanText, parseMoneyText, parsePeriodText, parseQuantity, type DateFormat } from "../../text/values.js";
import type { DraftLine, UncertainField } from "../../types.js";
import type { Unit } from "../../../domain/reference.js";

/**
 * A description that begins or ends with text of another column (DESIGN.md "Reading pipeline",
 * step 5): a cell wrapped over two rows leaves its second half under the line, where it is
 * easily joined to the description ("1–31 October" over "2026" gives "… placement 2026"; a
 * period printed under the description both read as the line's dates and kept in its words).
 * The description is then stored wrong without anything saying so. These fragments are not
 * removed here (which column they belong to is not known for sure): the description is marked.
 *
 * Only fragments no description of the corpus ends with in its own words are taken: a year
 * alone (a date ends with its month and year, "agreement of 5 May 2026", and is left alone); a
 * period that is the line's own period while the table prints periods in a column of their own;
 * a range of dates on a line that reads no period (its dates kept in its words, the invoice's
 * period given);
 * a quantity with its unit on a line whose quantity or unit was not read; the line's own amount
 * or rate.
 */
export interface FragmentContext {
  /** The table reads some line's period from a column that is not the description's. */
  periodColumn: boolean;
  dateFormats: readonly DateFormat[];
  units: Readonly<Record<string, Unit>>;
}

type End = "begins" | "ends";

const YEAR_ALONE = /^(?:19|20)\d{2}$/;
const MOST_WORDS = 7;
/** Two dates joined by a dash or a word ("21/11/2026 - 22/11/2026", "3 to 5 Nov 2026"), not a month ("May 2026" ends "agreed 3 May 2026"). */
const DATE_RANGE = /\d.*(?:[-–—]|\b(?:to|until|till)\b).*\d/i;

/** The description's first or last `count` words, without the brackets or stops around them. */
function fragmentAt(words: readonly string[], end: End, count: number): string {
  const taken = end === "ends" ? words.slice(words.length - count) : words.slice(0, count);
  return taken.join(" ").replace(/^[([{,;:.\s]+|[)\]},;:.\s]+$/g, "");
}

/** The word beside a fragment, inside the description: "May" in "5 May 2026", "placement" in "placement 2026". */
function wordBeside(words: readonly string[], end: End, count: number): string {
  return (end === "ends" ? words[words.length - count - 1] : words[count]) ?? "";
}

/** A year that is part of a date written out ("5 May 2026", "Oct 2026", "May 5, 2026", "2026 May"). */
function partOfDate(beside: string): boolean {
  const word = beside.replace(/[,.()]/g, "");
  return monthNumber(word) !== undefined || /^\d{1,2}(?:st|nd|rd|th)?$/i.test(word);
}

function sameSize(a: Dec | null, b: Dec): boolean {
  return a !== null && a.abs().eq(b.abs());
}

function why(line: DraftLine, fragment: string, words: readonly string[], end: End, count: number, context: FragmentContext): string | null {
  if (count === 1 && YEAR_ALONE.test(fragment) && !partOfDate(wordBeside(words, end, count))) return "a year alone, which no description says in its own words: the end of a date or period cell wrapped onto the row below";
  const period = parsePeriodText(fragment, context.dateFormats);
  if (period && context.periodColumn && line.from === period.from && line.to === period.to && count > 1) {
    return "the line's own period, which this table prints in a column of its own: the dates were read as the line's and kept in its words";
  }
  if (period && line.from === null && count > 1 && DATE_RANGE.test(fragment)) {
    return "a period, while the line reads none of its own: dates wrapped under the description were kept in its words, and the line would be given the invoice's period";
  }
  if (count <= 2 && /\d/.test(fragment)) {
    const quantity = parseQuantity(fragment, context.units);
    if (quantity?.unit && (line.quantity === null || line.unit === null)) return `a quantity with its unit, where the line's ${line.quantity === null ? "quantity" : "unit"} was not read`;
    if (/£|\.\d{2}\b/.test(fragment)) {
      const money = parseMoneyText(fragment);
      if (money && (sameSize(line.amount, money) || sameSize(line.unitRate, money))) return `the line's own ${sameSize(line.amount, money) ? "amount" : "rate"}`;
    }
  }
  return null;
}

export function descriptionFragments(lines: readonly DraftLine[], context: FragmentContext): UncertainField[] {
  const doubts: UncertainField[] = [];
  for (const line of lines) {
    const words = cleanText(line.description).split(" ").filter((w) => w !== "");
    found: for (const end of ["ends", "begins"] as const) {
      // A fragment never is the whole description: something must be left of the line's own words.
      for (let count = 1; count < Math.min(words.length, MOST_WORDS + 1); count++) {
        const fragment = fragmentAt(words, end, count);
        const reason = fragment === "" ? null : why(line, fragment, words, end, count, context);
        if (reason === null) continue;
        const rest = end === "ends" ? words.slice(0, words.length - count) : words.slice(count);
        doubts.push({
          code: "uncertain_value",
          field: `line ${line.lineNo} description`,
          reason: `(${line.source}, "${line.description.slice(0, 80)}") ${end} with "${fragment}", ${reason}`,
          candidates: [rest.join(" "), line.description],
        });
        break found;
      }
    }
  }
  return doubts;
}
