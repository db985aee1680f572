import type { DraftLine } from "../types.js";

/**
 * A line table that prints the child and placement once for a run of lines, their cells left
 * blank on the lines below (a LaTeX longtable's or a spreadsheet's merged cells: "C5001 PO-1"
 * on the accommodation line, nothing on the support lines under it): the references printed
 * above apply to each line of the run, as a statement block's do (DATA.md "Statement layouts").
 *
 * Only charges are given them: a line with both cells blank that takes money off (a discount,
 * a rebate) may be on the whole invoice (DATA.md), and on a credit note every line takes money
 * off, so those keep no reference rather than a guessed one. A run ends at a line that prints
 * either reference, one not read from the table's columns, or a table without those columns.
 */
export function carryReferencesDown(lines: DraftLine[], referenceColumns: readonly boolean[], isCredit: boolean, notes: string[]): void {
  let printed: { child: string | null; placement: string | null; where: string } | null = null;
  const carried: string[] = [];
  for (const [index, line] of lines.entries()) {
    // A table without those columns (an "Other charges" table below the placements) prints
    // no blank cell: its lines are not the run's.
    if (referenceColumns[index] !== true) {
      printed = null;
      continue;
    }
    if (line.childRef !== null || line.placementRef !== null) {
      const fromColumns = line.evidence.childRef?.via === "heading" || line.evidence.placementRef?.via === "heading";
      printed = fromColumns ? { child: line.childRef, placement: line.placementRef, where: line.source } : null;
      continue;
    }
    if (printed === null || isCredit || line.amount === null || !line.amount.isPositive()) continue;
    line.childRef = printed.child;
    line.placementRef = printed.placement;
    const evidence = { via: "statement_block" as const, label: "printed once for the lines below", where: printed.where };
    if (printed.child !== null) line.evidence.childRef = evidence;
    if (printed.placement !== null) line.evidence.placementRef = evidence;
    carried.push(line.source);
  }
  if (carried.length > 0) {
    const shown = carried.length > 5 ? `${carried.slice(0, 5).join(", ")} and ${carried.length - 5} more` : carried.join(", ");
    notes.push(`The child and placement printed once for a run of lines were read for each line under them with blank cells: ${shown}.`);
  }
}
