import { normaliseLabel, type ColumnField } from "../text/labels.js";

/** What week-bound-columns needs of a heading's column: its printed heading and the field it names. */
interface BoundColumn {
  heading: string;
  field: ColumnField | null;
}

/** "Week Commencing", "Wk Start", "W/C", "Week Beginning Date": a heading naming the day a week starts. */
const WEEK_START = /^(?:(?:week|wk)s? (?:commencing|beginning|start|starting)|w [cb]|wc)(?: date)?$/;
/** "Week Ending", "Wk End", "W/E", "Week End Date": a heading naming the day a week ends. */
const WEEK_END = /^(?:(?:week|wk)s? (?:ending|end|ends)|w e)(?: date)?$/;

/**
 * A table printing a week's first day and its last in two columns ("Wk Start" | "Wk End", "W/C" |
 * "W/E"): each heading alone names one date of a week worked out from it, yet together they are
 * the two printed bounds of the line's period (a line spanning four weeks, a reduction over the
 * whole month, prints them too). They are read as From and To, in that order left to right;
 * anything else (two of one kind, the end before the start, From/To already printed) is left to
 * the usual one-column-per-field rule.
 */
export function readWeekBoundsAsRange(columns: readonly BoundColumn[]): void {
  if (columns.some((c) => c.field === "from" || c.field === "to")) return;
  const periods = columns.filter((c) => c.field === "period");
  const starts = periods.filter((c) => WEEK_START.test(normaliseLabel(c.heading)));
  const ends = periods.filter((c) => WEEK_END.test(normaliseLabel(c.heading)));
  const start = starts[0];
  const end = ends[0];
  if (starts.length !== 1 || ends.length !== 1 || !start || !end) return;
  if (columns.indexOf(start) > columns.indexOf(end)) return;
  start.field = "from";
  end.field = "to";
}
