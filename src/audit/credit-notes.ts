import { Dec, ZERO, moneyString, toPence } from "../domain/money.js";
import type { AuditInvoice } from "./invoice-work.js";
import { sortForAudit } from "./order.js";

/** An invoice a credit note may name. */
export interface CreditableInvoice {
  key: string;
  providerId: string;
  invoiceNumber: string;
  total: string;
  /** The invoice date (ISO). Without it the invoice counts as dated on or before every credit note. */
  invoiceDate?: string;
}

/** Money a partial credit note gives back against one invoice (by child where the credit names one). */
export interface PartialCredit {
  invoiceKey: string;
  childRef: string | null;
  amount: string;
  creditNoteKey: string;
}

export interface CreditNoteResolution {
  /** Invoices a credit note credited in full: audited as usual, their findings then recovered, their nights never billed. */
  voidedInvoiceKeys: Set<string>;
  /** For each voided invoice, the key of the credit note that voided it. */
  voidedBy: Map<string, string>;
  partialCredits: PartialCredit[];
  /** Credit notes that name no invoice of their provider (keys). */
  unmatchedCreditNotes: string[];
}

function creditAmount(note: AuditInvoice): Dec {
  // A credit note's amounts count by their size, whatever sign it prints them with.
  const total = new Dec(note.total).abs();
  if (!total.isZero()) return total;
  let sum = ZERO;
  for (const line of note.lines) sum = sum.plus(new Dec(line.amount).abs());
  return sum;
}

/**
 * The invoice a credit note names (AUDIT.md "Credit notes"): of that provider's invoices with
 * the number, the latest in audit order, not already voided, of those dated on or before the
 * credit note; if none, the earliest after it. So a copy sent twice and then credited is the
 * copy, and a re-issue dated after the credit note is left alone (a new invoice, not a duplicate).
 * `candidates` are in audit order. When every candidate is already voided the latest dated on or
 * before the note takes a partial credit (nothing is left to void).
 */
function creditedInvoice(note: AuditInvoice, candidates: readonly CreditableInvoice[], voided: ReadonlySet<string>): CreditableInvoice | undefined {
  const onOrBefore = candidates.filter((i) => i.invoiceDate === undefined || i.invoiceDate <= note.invoiceDate);
  const after = candidates.filter((i) => i.invoiceDate !== undefined && i.invoiceDate > note.invoiceDate);
  const open = (i: CreditableInvoice): boolean => !voided.has(i.key);
  return [...onOrBefore].reverse().find(open) ?? after.find(open) ?? onOrBefore[onOrBefore.length - 1] ?? after[0];
}

/**
 * Which invoices credit notes void and what they partly credit (AUDIT.md "Credit notes"). A
 * credit note names one invoice of its provider (creditedInvoice); when it credits that
 * invoice's whole total it voids it, otherwise it is a partial credit, per line with the child
 * reference where lines print one, else as a whole. Pass the invoices in audit order; credit
 * notes are taken in audit order too, so "not already voided" does not depend on how they were listed.
 */
export function resolveCreditNotes(creditNotes: readonly AuditInvoice[], invoices: readonly CreditableInvoice[]): CreditNoteResolution {
  const voidedInvoiceKeys = new Set<string>();
  const voidedBy = new Map<string, string>();
  const partialCredits: PartialCredit[] = [];
  const unmatchedCreditNotes: string[] = [];
  // Looked up by provider and number, not found by a filter over every invoice per credit note
  // (at 1M lines, 75,000 invoices for each of about 80 credit notes: about 1 s in a profile of the audit).
  const byNumber = creditNotes.length === 0 ? new Map<string, Map<string, CreditableInvoice[]>>() : invoicesByNumber(invoices);
  for (const note of sortForAudit(creditNotes)) {
    const number = note.creditsInvoice?.trim() ?? "";
    const candidates = number === "" ? [] : (byNumber.get(note.providerId)?.get(number) ?? []);
    const target = creditedInvoice(note, candidates, voidedInvoiceKeys);
    if (target === undefined) {
      unmatchedCreditNotes.push(note.key);
      continue;
    }
    const amount = toPence(creditAmount(note));
    if (!voidedInvoiceKeys.has(target.key) && toPence(new Dec(target.total).abs()).equals(amount)) {
      voidedInvoiceKeys.add(target.key);
      voidedBy.set(target.key, note.key);
      continue;
    }
    const byChild = note.lines.some((line) => line.childRef !== null && line.childRef.trim() !== "");
    if (byChild) {
      for (const line of note.lines) {
        const lineAmount = new Dec(line.amount).abs();
        if (lineAmount.isZero()) continue;
        const childRef = line.childRef === null || line.childRef.trim() === "" ? null : line.childRef.trim();
        partialCredits.push({ invoiceKey: target.key, childRef, amount: moneyString(lineAmount), creditNoteKey: note.key });
      }
    } else if (!amount.isZero()) {
      partialCredits.push({ invoiceKey: target.key, childRef: null, amount: moneyString(amount), creditNoteKey: note.key });
    }
  }
  return { voidedInvoiceKeys, voidedBy, partialCredits, unmatchedCreditNotes };
}

/** The invoices by provider, then by trimmed number, each list in the order given (audit order). */
function invoicesByNumber(invoices: readonly CreditableInvoice[]): Map<string, Map<string, CreditableInvoice[]>> {
  const byProvider = new Map<string, Map<string, CreditableInvoice[]>>();
  for (const invoice of invoices) {
    let byNumber = byProvider.get(invoice.providerId);
    if (byNumber === undefined) byProvider.set(invoice.providerId, (byNumber = new Map<string, CreditableInvoice[]>()));
    const number = invoice.invoiceNumber.trim();
    const list = byNumber.get(number);
    if (list === undefined) byNumber.set(number, [invoice]);
    else list.push(invoice);
  }
  return byProvider;
}
