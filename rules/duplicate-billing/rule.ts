import { NO_PENCE, evidenceRanges, formatDate, intersectAll, itemText, overlaps, money, nights, rangesText, totalNights, type FeeStepRule, type ExtraStepRule, type BilledBy, type NightRange } from "../../src/audit/rule-kit.js";

function earlierLines(sources: readonly BilledBy[], currentInvoiceKey: string): string {
  const named = sources.map((s) => (s.invoiceKey === currentInvoiceKey ? `line ${s.lineNo} of this invoice` : `invoice ${s.invoiceNumber} of ${formatDate(s.invoiceDate)} (line ${s.lineNo})`));
  return [...new Set(named)].join(", ");
}

function evidenceOf(duplicates: readonly NightRange[], sources: readonly BilledBy[]): { ranges: ReturnType<typeof evidenceRanges>; billedBy: unknown[] } {
  return {
    ranges: evidenceRanges(duplicates, "already billed"),
    billedBy: sources.map((s) => ({ invoiceKey: s.invoiceKey, invoiceNumber: s.invoiceNumber, lineNo: s.lineNo })),
  };
}

/**
 * duplicate-billing (step 3 of fee lines, step 2 of extras): nights already billed for the same
 * child by an earlier line of the same provider (an earlier invoice in audit order or an
 * earlier line of this one, not voided), whatever was found on that line. For extras, only
 * lines of the same item count (ExtraLine.sameItemKey: unknown items by their description).
 * Those nights drop out.
 */
export const rule: FeeStepRule & ExtraStepRule = {
  id: "duplicate-billing",
  feeStep(work) {
    const providerId = work.invoice.invoice.providerId;
    const billed = work.ctx.history.feeNights(providerId, work.childRef);
    // Most lines bill nights not billed before: done without building an empty intersection.
    if (!overlaps(work.remaining, billed)) return null;
    const duplicates = intersectAll(work.remaining, billed);
    const n = totalNights(duplicates);
    if (n === 0) return null;
    const c = work.perNight;
    const amount = c.times(n);
    const sources = work.ctx.history.billedBy(providerId, work.childRef, null, duplicates);
    return {
      drop: duplicates,
      finding: {
        amount,
        charged: amount,
        expected: NO_PENCE,
        explanation:
          `${nights(n)} (${rangesText(duplicates)}) were already billed for ${work.childRef} on ${earlierLines(sources, work.invoice.invoice.key)}: ` +
          `${n} × ${money(c)} = ${money(amount)}.`,
        evidence: evidenceOf(duplicates, sources),
      },
    };
  },
  extraStep(work) {
    // Unknown items are the same item when their descriptions match (ExtraLineWork.sameItemKey).
    const item = work.sameItemKey;
    const providerId = work.invoice.invoice.providerId;
    const billed = work.ctx.history.extraNights(providerId, work.childRef, item);
    if (!overlaps(work.remaining, billed)) return null;
    const duplicates = intersectAll(work.remaining, billed);
    const n = totalNights(duplicates);
    if (n === 0) return null;
    const share = work.share;
    const amount = share.times(n);
    const sources = work.ctx.history.billedBy(providerId, work.childRef, item, duplicates);
    return {
      drop: duplicates,
      finding: {
        amount,
        charged: amount,
        expected: NO_PENCE,
        explanation:
          `${work.item === "unknown" ? `"${work.line.description}"` : itemText(work.item)} for ${work.childRef} over ${nights(n)} of this line's ${work.periodNights} (${rangesText(duplicates)}) was already billed on ` +
          `${earlierLines(sources, work.invoice.invoice.key)}: that share of the line is ${money(amount)}.`,
        evidence: evidenceOf(duplicates, sources),
      },
    };
  },
};
