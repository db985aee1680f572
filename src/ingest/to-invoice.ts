import type { Invoice, InvoiceLine } from "../domain/invoice.js";
import { Dec, moneyString, sum } from "../domain/money.js";
import type { Unit } from "../domain/reference.js";
import { classifyInvoiceLine } from "./classify.js";
import { NeedsAttentionError, type DraftLine, type InvoiceDraft } from "./types.js";

/**
 * Turns a draft into the domain Invoice once the provider is known, or says exactly why the file
 * needs a person (AUDIT.md: a line with no period of its own and no invoice period cannot be
 * audited; a line with no amount cannot either).
 */
export interface ConvertedInvoice {
  invoice: Invoice;
  notes: string[];
}

export type LineClassifier = (description: string, unit: Unit | null, amount: Dec) => string;

function decimalText(value: Dec, places: number): string {
  // toFixed() without places never uses exponent notation, unlike toString().
  return value.toDecimalPlaces(places, Dec.ROUND_HALF_UP).toFixed();
}

function where(line: DraftLine): string {
  const label = line.description ? ` "${line.description.slice(0, 40)}"` : "";
  return `line ${line.lineNo}${label} (${line.source})`;
}

export function toInvoice(draft: InvoiceDraft, providerId: string, classify: LineClassifier = classifyInvoiceLine): ConvertedInvoice {
  const notes = [...draft.notes];
  if (!draft.tableFound) {
    throw new NeedsAttentionError(
      "no_line_table",
      "No line table was found: no row of column headings with an amount column and a description, child or placement column. " +
        "A provider template can name this provider's headings.",
    );
  }
  if (draft.lines.length === 0) {
    throw new NeedsAttentionError("no_line_table", "The line table has headings but no lines with an amount.");
  }
  if (!draft.invoiceNumber) {
    throw new NeedsAttentionError("no_invoice_number", `No ${draft.kind === "credit_note" ? "credit note" : "invoice"} number was found (labels such as "Invoice No" or "Credit Note No").`);
  }
  if (!draft.invoiceDate) {
    throw new NeedsAttentionError("no_invoice_date", `No invoice date was found (labels such as "Invoice Date", "Date" or "Tax Point") on ${draft.invoiceNumber}.`);
  }
  if (draft.uncertain.length > 0) {
    throw new NeedsAttentionError(
      "uncertain_value",
      `${draft.uncertain.length === 1 ? "A value was" : "Values were"} read without certainty, so nothing was stored as if it were certain: ` +
        draft.uncertain.map((u) => `${u.field} ${u.reason}`).join("; ") + ".",
      { fields: draft.uncertain.map((u) => u.field).join(",") },
    );
  }
  const credit = draft.kind === "credit_note";
  const hasPeriod = draft.periodFrom !== null && draft.periodTo !== null;
  if (hasPeriod && (draft.periodTo as string) < (draft.periodFrom as string)) {
    throw new NeedsAttentionError("line_missing_period", `The billing period ends (${draft.periodTo}) before it starts (${draft.periodFrom}).`);
  }

  const lines: InvoiceLine[] = draft.lines.map((line) => {
    if (line.amount === null) {
      throw new NeedsAttentionError("line_missing_amount", `The amount of ${where(line)} could not be read.`, { line: line.lineNo });
    }
    const amount = credit ? line.amount.abs() : line.amount;
    const isDiscount = amount.isNegative();
    if ((line.from === null || line.to === null) && !hasPeriod && !isDiscount) {
      throw new NeedsAttentionError(
        "line_missing_period",
        `${where(line).replace(/^l/, "L")} has no period of its own and the invoice prints no billing period, so its nights are not known.`,
        { line: line.lineNo },
      );
    }
    if (line.from !== null && line.to !== null && line.to < line.from) {
      throw new NeedsAttentionError("line_missing_period", `${where(line).replace(/^l/, "L")} ends (${line.to}) before it starts (${line.from}).`, { line: line.lineNo });
    }
    const unitRate = line.unitRate === null ? null : credit ? line.unitRate.abs() : line.unitRate;
    return {
      lineNo: line.lineNo,
      childRef: line.childRef,
      placementRef: line.placementRef,
      description: line.description,
      item: classify(line.description, line.unit, amount),
      from: line.from !== null && line.to !== null ? line.from : null,
      to: line.from !== null && line.to !== null ? line.to : null,
      quantity: line.quantity === null ? null : decimalText(credit ? line.quantity.abs() : line.quantity, 6),
      unit: line.unit,
      unitRate: unitRate === null ? null : decimalText(unitRate, 6),
      amount: moneyString(amount),
    };
  });

  const positive = (value: Dec | null): Dec | null => (value === null ? null : credit ? value.abs() : value);
  const subtotal = positive(draft.subtotal);
  const vat = positive(draft.vat);
  let total = positive(draft.total);
  if (total === null) {
    const lineSum = sum(lines.map((l) => new Dec(l.amount)));
    total = (subtotal ?? lineSum).plus(vat ?? 0);
    notes.push(`No total was printed; the total is taken as ${subtotal ? "the subtotal" : "the sum of the lines"}${vat ? " plus VAT" : ""}: ${moneyString(total)}.`);
  }
  if (credit && !draft.creditsInvoice) notes.push("The credit note names no invoice it credits.");

  return {
    invoice: {
      providerId,
      invoiceNumber: draft.invoiceNumber,
      invoiceDate: draft.invoiceDate,
      kind: draft.kind,
      creditsInvoice: credit ? draft.creditsInvoice : null,
      periodFrom: hasPeriod ? draft.periodFrom : null,
      periodTo: hasPeriod ? draft.periodTo : null,
      subtotal: subtotal === null ? null : moneyString(subtotal),
      vat: vat === null ? null : moneyString(vat),
      total: moneyString(total),
      lines,
    },
    notes,
  };
}
