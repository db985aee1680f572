import type { InvoiceLine } from "../domain/invoice.js";
import type { ChildTimeline, ReferenceIndex } from "./reference-index.js";

/**
 * Finds the child a line is about among the invoicing provider's placements, by `child_ref`,
 * `placement_id` or `po_number` (AUDIT.md). The whole of that child's placements with the
 * provider then counts, night by night. A reference printed in the other column (a PO in the
 * child column) is still an exact match, so it is tried too; null when nothing matches.
 */
export function matchLine(index: ReferenceIndex, providerId: string, line: Pick<InvoiceLine, "childRef" | "placementRef">): ChildTimeline | null {
  const childRef = clean(line.childRef);
  if (childRef !== null) {
    const timeline = index.timeline(providerId, childRef);
    // The usual line: its child reference is known (the placement reference is then not read).
    if (timeline) return timeline;
  }
  const placementRef = clean(line.placementRef);
  for (const ref of [placementRef, childRef]) {
    if (ref === null) continue;
    const placement = index.placementByRef(providerId, ref);
    if (placement) return index.timeline(providerId, placement.childRef);
  }
  if (placementRef !== null) return index.timeline(providerId, placementRef);
  return null;
}

function clean(ref: string | null): string | null {
  if (ref === null) return null;
  const trimmed = ref.trim();
  return trimmed === "" ? null : trimmed;
}

/** How an unmatched line names its child: the child reference as printed, else its placement reference. */
export function printedReference(line: Pick<InvoiceLine, "childRef" | "placementRef">): string | null {
  return clean(line.childRef) ?? clean(line.placementRef);
}
