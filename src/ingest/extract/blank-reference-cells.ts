import type { DraftLine, UncertainField } from "../types.js";

/**
 * A line table with child or placement columns that prints the references once, on a child's
 * first line, and leaves the cells blank on the lines below ("Carer allowance" with C1001, then
 * "Agency fee" with nothing): the blank cells say "as above", as a statement block's heading does
 * (DATA.md "Statement layouts"), over a page break too.
 *
 * Read so only when the table shows it: a charge (an amount above nil) with blank reference cells
 * under a line that printed them. Every line of a child is a charge for someone, so a charge
 * whose cells are blank can only be the child's above. In a table that prints the references on
 * every charge, a blank line (a discount after the lines) stays the whole invoice's, as before.
 *
 * A discount with blank cells after the last block's lines is the one line that reads both ways
 * (the last child's discount or the whole invoice's): it is not guessed, but marked.
 */
export interface ReferenceCells {
  line: DraftLine;
  /** Which reference columns the line's table has (a statement block's lines have none to leave blank). */
  columns: { child: boolean; placement: boolean };
  /** How many statement block headings stand above the line: blank cells never reach across one. */
  block: number;
}

function printedAny(cells: ReferenceCells): boolean {
  return (cells.columns.child && cells.line.childRef !== null) || (cells.columns.placement && cells.line.placementRef !== null);
}

/** Blank in every reference column its table has, and given no reference any other way. */
function blank(cells: ReferenceCells): boolean {
  return (cells.columns.child || cells.columns.placement) && cells.line.childRef === null && cells.line.placementRef === null;
}

const isCharge = (line: DraftLine): boolean => line.amount !== null && line.amount.isPositive() && !line.amount.isZero();

export function settleBlankReferenceCells(lines: readonly ReferenceCells[], notes: string[]): UncertainField[] {
  let above: ReferenceCells | null = null;
  let once = false;
  for (const cells of lines) {
    if (printedAny(cells)) above = cells;
    else if (above !== null && above.block === cells.block && blank(cells) && isCharge(cells.line)) once = true;
  }
  if (!once) return [];

  const uncertain: UncertainField[] = [];
  const lastCharge = lines.reduce((last, cells, index) => (isCharge(cells.line) ? index : last), -1);
  let printed: ReferenceCells | null = null;
  let taken = 0;
  for (const [index, cells] of lines.entries()) {
    const line = cells.line;
    if (printedAny(cells)) {
      printed = cells;
      continue;
    }
    if (printed === null || printed.block !== cells.block || !blank(cells)) continue;
    const from = printed.line;
    if (!isCharge(line) && index > lastCharge) {
      uncertain.push({
        code: "uncertain_value",
        field: `line ${line.lineNo} childRef`,
        reason: `${line.source} ("${line.description.slice(0, 60)}") prints no reference after the last child's lines, in a table that prints each child's reference once above its lines: a discount for ${from.childRef ?? from.placementRef ?? "that child"} or for the whole invoice`,
        candidates: [from.childRef ?? from.placementRef ?? "", "none (the whole invoice)"],
      });
      continue;
    }
    line.childRef = from.childRef;
    line.placementRef = from.placementRef;
    const evidence = { via: "statement_block" as const, label: null, where: from.source };
    if (from.childRef !== null) line.evidence.childRef = evidence;
    if (from.placementRef !== null) line.evidence.placementRef = evidence;
    taken++;
  }
  if (taken > 0) notes.push(`The line table prints each child's reference once, on the child's first line: ${taken} line(s) with blank reference cells were read as the lines of the child above.`);
  return uncertain;
}
