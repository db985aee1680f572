import type { Dec } from "../../../domain/money.js";
import type { InvoiceKind } from "../../../domain/invoice.js";
import { cleanText } from "../../text/values.js";
import type { DraftLine, UncertainField } from "../../types.js";

/**
 * A credit note read as an invoice, or an invoice read as a credit note (DESIGN.md "Reading
 * pipeline", step 5): either way every amount is stored with the wrong sense and nothing says so.
 * What decides the kind is the document's title and labels (header-fields.ts); these are other
 * signs of the same thing, looked at only to doubt it:
 * - an invoice whose total is below nil, or (no total) whose every line is: what it bills is the
 *   buyer's;
 * - an invoice that says, outside its lines, that a sum is the buyer's ("in your favour",
 *   "credited to your account", "total credited", a credit note or memo named);
 * - a credit note titled "Invoice" with no credit title anywhere.
 */

/** Words that say a sum is the buyer's, as credit notes print them (not "Credit" alone: a ledger's column). */
const BUYERS_SUM = /\bcredit\s*(?:note|memo)\b|\bin\s+your\s+favou?r\b|\bcredit(?:ed)?\s+to\s+your\s+account\b|\b(?:total|amount|net)\s+credit(?:ed)?\b|\brefund(?:ed)?\s+to\s+you\b/i;
const INVOICE_TITLE = /^(?:tax\s+|vat\s+|sales\s+)?invoice$/i;
const CREDIT_TITLE = /^(?:tax\s+)?credit(?:\s*(?:note|memo))?\b/i;

export interface KindContext {
  kind: InvoiceKind;
  total: Dec | null;
  lines: readonly DraftLine[];
  /** The text of each row outside the line table (title, labels, notes), cell by cell. */
  outsideCells: ReadonlyArray<{ where: string; texts: readonly string[] }>;
}

function doubt(reason: string, candidates: string[]): UncertainField {
  return { code: "uncertain_value", field: "kind", reason, candidates };
}

export function kindDoubts(context: KindContext): UncertainField[] {
  const cells = context.outsideCells.flatMap((row) => row.texts.map((text) => ({ where: row.where, text: cleanText(text) })));
  if (context.kind === "invoice") {
    const total = context.total;
    if (total !== null && total.isNegative() && !total.isZero()) {
      return [doubt(`is read as an invoice, yet its total is £${total.toFixed(2)}, below nil: a credit note whose title was not read, or an invoice crediting more than it bills`, ["invoice", "credit_note"])];
    }
    const amounts = context.lines.map((line) => line.amount);
    if (total === null && amounts.length > 0 && amounts.every((amount) => amount !== null && amount.isNegative() && !amount.isZero())) {
      return [doubt(`is read as an invoice, yet every one of its ${amounts.length} line(s) is below nil and no total is printed: a credit note whose title was not read`, ["invoice", "credit_note"])];
    }
    const says = context.outsideCells.find((row) => BUYERS_SUM.test(row.texts.join(" ")));
    if (says) {
      const text = cleanText(says.texts.join(" "));
      return [doubt(`is read as an invoice, yet ${says.where} says "${text.slice(0, 80)}", words a credit note prints`, ["invoice", "credit_note"])];
    }
    return [];
  }
  const invoiceTitle = cells.find((cell) => INVOICE_TITLE.test(cell.text));
  if (invoiceTitle && !cells.some((cell) => CREDIT_TITLE.test(cell.text))) {
    return [doubt(`is read as a credit note, yet ${invoiceTitle.where} is titled "${invoiceTitle.text}" and no credit title is printed`, ["credit_note", "invoice"])];
  }
  return [];
}
