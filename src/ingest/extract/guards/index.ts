import type { Dec } from "../../../domain/money.js";
import type { InvoiceKind } from "../../../domain/invoice.js";
import type { Unit } from "../../../domain/reference.js";
import type { DateFormat, Period } from "../../text/values.js";
import type { DraftLine, LayoutRow, UncertainField } from "../../types.js";
import { descriptionFragments } from "./description-fragments.js";
import { kindDoubts } from "./document-kind.js";
import { periodsApart, periodsLostOnTheirRow } from "./line-periods.js";

/**
 * Plausibility guards, run once the draft is read and its arithmetic checked (certainty.ts):
 * cheap checks for values that read cleanly yet cannot be right as read, each of a kind the
 * held-out sets stored wrong without a mark (text of another column in a description, a period
 * lost or taken from the wrong place, a credit note read as an invoice). They never change a
 * value; they mark it "to verify" naming the field and quoting what was seen. A field already
 * marked for another reason is not marked twice.
 */
export interface GuardInput {
  rows: readonly LayoutRow[];
  /** Indexes of the rows outside the line table. */
  outside: readonly number[];
  rowLabel: (row: LayoutRow) => string;
  lines: readonly DraftLine[];
  kind: InvoiceKind;
  invoiceDate: string | null;
  period: Period | null;
  total: Dec | null;
  dateFormats: readonly DateFormat[];
  units: Readonly<Record<string, Unit>>;
}

/** Some line reads its period under a heading that is not its description's: the table has a period column. */
function hasPeriodColumn(lines: readonly DraftLine[]): boolean {
  return lines.some((line) => {
    const period = line.evidence.period;
    return period?.via === "heading" && period.label !== null && period.label !== line.evidence.description?.label;
  });
}

export function plausibilityDoubts(input: GuardInput, already: readonly UncertainField[]): UncertainField[] {
  const outsideCells = input.outside.flatMap((index) => {
    const row = input.rows[index];
    return row ? [{ where: input.rowLabel(row), texts: row.cells.map((cell) => cell.text) }] : [];
  });
  const doubts = [
    ...kindDoubts({ kind: input.kind, total: input.total, lines: input.lines, outsideCells }),
    ...periodsApart(input.lines, input.period),
    ...periodsLostOnTheirRow(input.lines, input.rows, { invoiceDate: input.invoiceDate, period: input.period }, input.dateFormats),
    ...descriptionFragments(input.lines, { periodColumn: hasPeriodColumn(input.lines), dateFormats: input.dateFormats, units: input.units }),
  ];
  const marked = new Set(already.map((u) => u.field));
  return doubts.filter((doubt) => {
    if (marked.has(doubt.field)) return false;
    marked.add(doubt.field);
    return true;
  });
}
