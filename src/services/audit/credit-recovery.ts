import type { Knex } from "knex";
import { resolveCreditNotes } from "../../audit/index.js";
import { creditNotes, invoiceTotals, linkCreditNotes, markCreditNotesApplied, recordCreditRecovery, refreshInvoiceStatuses } from "../../db/repositories/audit.repository.js";

/** The authority's credit notes and what they void or give back (resolveCreditNotes). */
export async function creditResolution(knex: Knex, authorityId: number): Promise<{ credits: Awaited<ReturnType<typeof creditNotes>>; resolution: ReturnType<typeof resolveCreditNotes> }> {
  const credits = await creditNotes(knex, authorityId);
  return { credits, resolution: resolveCreditNotes(credits, await invoiceTotals(knex, authorityId)) };
}

/** Credited invoices whose credits are applied at once (connections of the pool, which has 8). */
const CREDITS_AT_ONCE = 4;

/**
 * Credit notes realise findings: a voiding credit recovers all of the invoice's findings, a
 * partial one the amount it gives back (by child where it names one). Applying one twice does
 * nothing (recordCreditRecovery). The credited invoices' status then follows their findings
 * (all recovered → cleared), and the credit notes themselves are marked audited.
 */
export async function applyCreditNotes(knex: Knex, authorityId: number, { credits, resolution }: Awaited<ReturnType<typeof creditResolution>>): Promise<void> {
  const creditByInvoice = new Map(credits.map((c) => [c.key, c]));
  // Each credited invoice's credits in the order they apply (voiding ones first, then partial
  // ones in turn): a partial credit is shared among what the ones before it left.
  const byInvoice = new Map<string, Parameters<typeof recordCreditRecovery>[2][]>();
  const add = (invoiceKey: string, credit: Parameters<typeof recordCreditRecovery>[2]): void => {
    const list = byInvoice.get(invoiceKey);
    if (list) list.push(credit);
    else byInvoice.set(invoiceKey, [credit]);
  };
  for (const [invoiceKey, creditNoteKey] of resolution.voidedBy) {
    const creditNote = creditByInvoice.get(creditNoteKey);
    add(invoiceKey, { authorityId, childRef: null, amount: null, creditNoteNumber: creditNote?.invoiceNumber ?? "", creditDate: creditNote?.invoiceDate ?? "" });
  }
  for (const partial of resolution.partialCredits) {
    const creditNote = creditByInvoice.get(partial.creditNoteKey);
    add(partial.invoiceKey, { authorityId, childRef: partial.childRef, amount: partial.amount, creditNoteNumber: creditNote?.invoiceNumber ?? "", creditDate: creditNote?.invoiceDate ?? "" });
  }
  // Invoices are independent (each credit touches its own invoice's findings), so a few are
  // done at once, each on its own connection: the run's last step is otherwise thousands of
  // short statements one after the other (228 credited invoices at 1M lines: 1.7 s at load 16).
  const invoices = [...byInvoice];
  let next = 0;
  const applyInTurn = async (): Promise<void> => {
    while (next < invoices.length) {
      const [invoiceKey, list] = invoices[next++] as [string, Parameters<typeof recordCreditRecovery>[2][]];
      for (const credit of list) await recordCreditRecovery(knex, invoiceKey, credit);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CREDITS_AT_ONCE, invoices.length) }, applyInTurn));
  const credited = [...byInvoice.keys()];
  await linkCreditNotes(knex, authorityId, [
    ...[...resolution.voidedBy].map(([invoiceKey, creditNoteKey]) => ({ invoiceKey, creditNoteKey })),
    ...resolution.partialCredits.map((p) => ({ invoiceKey: p.invoiceKey, creditNoteKey: p.creditNoteKey })),
  ]);
  await refreshInvoiceStatuses(knex, credited);
  await markCreditNotesApplied(knex, authorityId);
}
