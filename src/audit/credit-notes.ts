import { Dec, ZERO, moneyString, toPence } from "../domain/money.js";
import type { AuditInvoice } from "./invoice-work.js";

/** An invoice a credit note may name. */
export interface CreditableInvoice {
  key: string;
  providerId: string;
  invoiceNumber: string;
  total: string;
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
 * Which invoices credit notes void and what they partly credit (AUDIT.md "Credit notes"). A
 * credit note naming an invoice of the same provider whose whole total it credits voids it;
 * otherwise it is a partial credit, per line with the child reference where lines print one,
 * else as a whole. When several invoices share the number (a duplicate), the credit goes to
 * the last one in the order given (pass them in audit order): the copy.
 */
export function resolveCreditNotes(creditNotes: readonly AuditInvoice[], invoices: readonly CreditableInvoice[]): CreditNoteResolution {
  const voidedInvoiceKeys = new Set<string>();
  const voidedBy = new Map<string, string>();
  const partialCredits: PartialCredit[] = [];
  const unmatchedCreditNotes: string[] = [];
  for (const note of creditNotes) {
    const number = note.creditsInvoice?.trim() ?? "";
    const candidates = number === "" ? [] : invoices.filter((i) => i.providerId === note.providerId && i.invoiceNumber.trim() === number).reverse();
    if (candidates.length === 0) {
      unmatchedCreditNotes.push(note.key);
      continue;
    }
    const amount = toPence(creditAmount(note));
    const whole = candidates.find((i) => !voidedInvoiceKeys.has(i.key) && toPence(new Dec(i.total).abs()).equals(amount));
    if (whole) {
      voidedInvoiceKeys.add(whole.key);
      voidedBy.set(whole.key, note.key);
      continue;
    }
    const target = candidates.find((i) => !voidedInvoiceKeys.has(i.key)) ?? candidates[0];
    if (target === undefined) continue;
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
