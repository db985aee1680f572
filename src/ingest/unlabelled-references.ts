import type { OcrReference } from "./ocr/validate-ocr.js";
import type { InvoiceDraft } from "./types.js";

/**
 * References an item list printed with no label ("C1001 · 1 Dec 2026 – 31 Dec 2026 · …"): the
 * reference data says whether each is one of the provider's children or placements. Only an
 * exact match with this provider's own placements settles it; anything else (unknown, another
 * provider's child, both a child and a placement) stays uncertain, as the extractor left it.
 */
export function placeUnlabelledReferences(draft: InvoiceDraft, providerId: string, reference: OcrReference | undefined): InvoiceDraft {
  const pending = draft.unlabelledReferences ?? [];
  if (pending.length === 0) return draft;
  const own = (reference?.placements ?? []).filter((p) => p.providerId === providerId);
  const lines = draft.lines.map((line) => ({ ...line, evidence: { ...line.evidence } }));
  const settled = new Set<string>();
  const notes: string[] = [];
  for (const { line: number, text } of pending) {
    const line = lines[number - 1];
    if (!line) continue;
    const wanted = text.toUpperCase();
    const isChild = own.some((p) => p.childRef.toUpperCase() === wanted);
    const isPlacement = own.some((p) => p.placementId.toUpperCase() === wanted || p.poNumber?.toUpperCase() === wanted);
    if (isChild === isPlacement) continue;
    const label = `reference data: a ${isChild ? "child" : "placement"} of ${providerId}`;
    if (isChild && line.childRef === null) {
      line.childRef = text;
      line.evidence.childRef = { via: "item_block", label, where: line.source };
    } else if (isPlacement && line.placementRef === null) {
      line.placementRef = text;
      line.evidence.placementRef = { via: "item_block", label, where: line.source };
    } else continue;
    settled.add(`line ${number} childRef ${text}`);
    notes.push(`Line ${number} prints "${text}" with no label; the reference data knows it as ${providerId}'s ${isChild ? "child" : "placement"}.`);
  }
  if (settled.size === 0) return draft;
  return { ...draft, lines, uncertain: draft.uncertain.filter((u) => !settled.has(`${u.field} ${u.candidates[0] ?? ""}`)), notes: [...draft.notes, ...notes] };
}
