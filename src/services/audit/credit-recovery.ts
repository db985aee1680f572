import type { Knex } from "knex";
import { resolveCreditNotes } from "../../audit/index.js";
import { creditNotes, invoiceTotals, linkCreditNotes, markCreditNotesApplied, recordCreditRecovery, refreshInvoiceStatuses } from "../../db/repositories/audit.repository.js";

/** The authority's credit notes and what they void or give back (resolveCreditNotes). */
export async function creditResolution(knex: Knex, authorityId: number): Promise<{ credits: Awaited<ReturnType<typeof creditNotes>>; resolution: ReturnType<typeof resolveCreditNotes> }> {
  const credits = await creditNotes(knex, authorityId);
  return { credits, resolution: resolveCreditNotes(credits, await invoiceTotals(knex, authorityId)) };
}

/**
 * Credit notes realise findings: a voiding credit recovers all of the invoice's findings, a
 * partial one the amount it gives back (by child where it names one). Applying one twice does
 * nothing (recordCreditRecovery). The credited invoices' status then follows their findings
 * (all recovered → cleared), and the credit notes themselves are marked audited.
 */
export async function applyCreditNotes(knex: Knex, authorityId: number, { credits, resolution }: Awaited<ReturnType<typeof creditResolution>>): Promise<void> {
  const creditByInvoice = new Map(credits.map((c) => [c.key, c]));
  const credited = new Set<string>();
  for (const [invoiceKey, creditNoteKey] of resolution.voidedBy) {
    const creditNote = creditByInvoice.get(creditNoteKey);
    await recordCreditRecovery(knex, invoiceKey, { authorityId, childRef: null, amount: null, creditNoteNumber: creditNote?.invoiceNumber ?? "", creditDate: creditNote?.invoiceDate ?? "" });
    credited.add(invoiceKey);
  }
  for (const partial of resolution.partialCredits) {
    const creditNote = creditByInvoice.get(partial.creditNoteKey);
    await recordCreditRecovery(knex, partial.invoiceKey, {
      authorityId,
      childRef: partial.childRef,
      amount: partial.amount,
      creditNoteNumber: creditNote?.invoiceNumber ?? "",
      creditDate: creditNote?.invoiceDate ?? "",
    });
    credited.add(partial.invoiceKey);
  }
  await linkCreditNotes(knex, authorityId, [
    ...[...resolution.voidedBy].map(([invoiceKey, creditNoteKey]) => ({ invoiceKey, creditNoteKey })),
    ...resolution.partialCredits.map((p) => ({ invoiceKey: p.invoiceKey, creditNoteKey: p.creditNoteKey })),
  ]);
  await refreshInvoiceStatuses(knex, [...credited]);
  await markCreditNotesApplied(knex, authorityId);
}
