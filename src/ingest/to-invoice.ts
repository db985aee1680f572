import { classifyLine, type LineKeywords } from "../domain/classify.js";
import type { Invoice, InvoiceLine } from "../domain/invoice.js";
import { Dec, moneyString, sum } from "../domain/money.js";
import { NeedsAttentionError, type DraftLine, type InvoiceDraft, type Problem } from "./types.js";
import { parseDateText } from "./text/values.js";
import { dateFromSerial, isUsOrderOnly, serialFromText, SERIAL_DATE_FIRST, SERIAL_DATE_LAST, US_ORDER_REASON } from "../tabular/other-tools.js";

/**
 * Turns a draft into the domain Invoice once the provider is known, or says exactly why the file
 * needs a person (AUDIT.md: a line with no period of its own and no invoice period cannot be
 * audited; a line with no amount cannot either).
 */
export interface ConvertedInvoice {
  invoice: Invoice;
  notes: string[];
}

function decimalText(value: Dec, places: number): string {
  // toFixed() without places never uses exponent notation, unlike toString().
  return value.toDecimalPlaces(places, Dec.ROUND_HALF_UP).toFixed();
}

function where(line: DraftLine): string {
  const label = line.description ? ` "${line.description.slice(0, 40)}"` : "";
  return `line ${line.lineNo}${label} (${line.source})`;
}

/** Text the reader saw near where it stopped, quoted in the problems (see evidence.ts). */
export interface SeenText {
  /** The row most like a table's headings. */
  headingRow?: string | null;
  /** Header-block rows mentioning an invoice number or a date. */
  numberRows?: readonly string[];
  dateRows?: readonly string[];
}

function quoted(texts: readonly string[] | undefined): string | null {
  return texts && texts.length > 0 ? texts.map((t) => `"${t}"`).join("; ") : null;
}

function lineEvidence(line: DraftLine): string {
  return `${line.source}: "${line.description.slice(0, 80)}"`;
}

const DATE_SHAPED = /\b\d{1,2}([/.-])\d{1,2}\1(?:\d{4}|\d{2})\b/g;
const BARE_NUMBER = /(?:^|[\s:|])(\d{5})(?=$|[\s|])/;

/**
 * A value on a date row of the header (`"Date: | 11/30/2026"`) shaped like a date but not read as
 * one, and why: a US (month-first) date, a day that does not exist, or a bare number. Rows about
 * a due date are passed over (they are not the invoice date).
 */
export function unreadDateOn(rows: readonly string[]): { value: string; why: string; row: string } | null {
  for (const row of rows) {
    if (/\bdue\b/i.test(row)) continue;
    for (const match of row.matchAll(DATE_SHAPED)) {
      const value = match[0];
      if (parseDateText(value) !== null) continue;
      return { value, row, why: isUsOrderOnly(value) ? US_ORDER_REASON : "is shaped like day/month/year but there is no such day" };
    }
    const bare = BARE_NUMBER.exec(row)?.[1];
    const serial = bare === undefined ? null : serialFromText(bare);
    if (bare !== undefined && serial !== null) {
      const plausible = dateFromSerial(serial) !== null;
      return {
        value: bare,
        row,
        why: plausible
          ? "is a bare number, where a date was expected (an Excel serial day number is read only from a spreadsheet's own cell)"
          : `is a bare number, not a date (as an Excel serial day number it is no date from ${SERIAL_DATE_FIRST} to ${SERIAL_DATE_LAST})`,
      };
    }
  }
  return null;
}

/** Everything that stops the draft becoming an invoice, all at once (not one per attempt). */
export function draftProblems(draft: InvoiceDraft, seen: SeenText = {}): Problem[] {
  const problems: Problem[] = [];
  if (!draft.tableFound) {
    problems.push({
      code: "no_line_table",
      message:
        "No line table was found: no row of column headings with an amount column and a description, child or placement column. " +
        "A provider template can name this provider's headings.",
      evidence: seen.headingRow ? `closest to a heading row: "${seen.headingRow}"` : null,
    });
  } else if (draft.lines.length === 0) {
    problems.push({ code: "no_line_table", message: "The line table has headings but no lines with an amount.", evidence: seen.headingRow ? `"${seen.headingRow}"` : null });
  }
  if (!draft.invoiceNumber) {
    problems.push({
      code: "no_invoice_number",
      message: `No ${draft.kind === "credit_note" ? "credit note" : "invoice"} number was found (labels such as "Invoice No" or "Credit Note No").`,
      evidence: quoted(seen.numberRows),
    });
  }
  const unread = draft.invoiceDate ? null : unreadDateOn(seen.dateRows ?? []);
  if (unread) {
    // A date was printed but is not one DATA.md reads: say which and why, not "no date found".
    problems.push({
      code: "invoice_date_unreadable",
      message: `The invoice date "${unread.value}"${draft.invoiceNumber ? ` on ${draft.invoiceNumber}` : ""} could not be read: it ${unread.why}.`,
      evidence: `"${unread.row}"`,
    });
  } else if (!draft.invoiceDate) {
    problems.push({
      code: "no_invoice_date",
      message: `No invoice date was found (labels such as "Invoice Date", "Date" or "Tax Point")${draft.invoiceNumber ? ` on ${draft.invoiceNumber}` : ""}.`,
      evidence: quoted(seen.dateRows),
    });
  }
  // A value read without certainty is marked with its field, its reason and what it could be.
  for (const unsure of draft.uncertain) {
    problems.push({
      code: unsure.code,
      message: `The ${unsure.field} was not read with certainty, so it was not stored as if it were: it ${unsure.reason}.`,
      evidence: unsure.candidates.length > 0 ? unsure.candidates.map((c) => `"${c}"`).join(" or ") : null,
    });
  }
  const hasPeriod = draft.periodFrom !== null && draft.periodTo !== null;
  if (hasPeriod && (draft.periodTo as string) < (draft.periodFrom as string)) {
    problems.push({ code: "line_missing_period", message: `The billing period ends (${draft.periodTo}) before it starts (${draft.periodFrom}).`, evidence: null });
  }
  for (const line of draft.lines) {
    if (line.amount === null) {
      problems.push({ code: "line_missing_amount", message: `The amount of ${where(line)} could not be read.`, evidence: lineEvidence(line) });
      continue;
    }
    const isDiscount = (draft.kind === "credit_note" ? line.amount.abs() : line.amount).isNegative();
    if ((line.from === null || line.to === null) && !hasPeriod && !isDiscount) {
      problems.push({
        code: "line_missing_period",
        message: `${where(line).replace(/^l/, "L")} has no period of its own and the invoice prints no billing period, so its nights are not known.`,
        evidence: lineEvidence(line),
      });
    } else if (line.from !== null && line.to !== null && line.to < line.from) {
      problems.push({ code: "line_missing_period", message: `${where(line).replace(/^l/, "L")} ends (${line.to}) before it starts (${line.from}).`, evidence: lineEvidence(line) });
    }
  }
  return problems;
}

/** `keywords` classify each line (AUDIT.md "Kinds of line"); the engine trusts the stored item. */
export function toInvoice(draft: InvoiceDraft, providerId: string, keywords: LineKeywords, seen: SeenText = {}): ConvertedInvoice {
  const notes = [...draft.notes];
  const problems = draftProblems(draft, seen);
  if (problems.length > 0) throw NeedsAttentionError.of(problems);
  const credit = draft.kind === "credit_note";
  const hasPeriod = draft.periodFrom !== null && draft.periodTo !== null;

  const lines: InvoiceLine[] = draft.lines.map((line) => {
    const printed = line.amount ?? new Dec(0);
    const amount = credit ? printed.abs() : printed;
    const unitRate = line.unitRate === null ? null : credit ? line.unitRate.abs() : line.unitRate;
    return {
      lineNo: line.lineNo,
      childRef: line.childRef,
      placementRef: line.placementRef,
      description: line.description,
      item: classifyLine(line.description, line.unit, amount, keywords),
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
      // draftProblems refused a draft without them.
      invoiceNumber: draft.invoiceNumber as string,
      invoiceDate: draft.invoiceDate as string,
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
