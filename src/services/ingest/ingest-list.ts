import type { Database } from "../../db/connection.js";
import { invoiceToRow, listInvoices, listNeedsAttention, type StoredInvoiceRecord } from "../../db/repositories/invoice.repository.js";
import { monthBounds } from "../../domain/months.js";
import { Dec, moneyString } from "../../domain/money.js";

/**
 * The invoices as extracted, in the shape INTERFACES.md gives `invoices --format json`:
 * snake_case fields, dates ISO, money as strings with two decimals (a credit note's amounts
 * positive, as stored), and every line showing a period (its own, else the invoice's).
 */
export interface InvoiceLineJson {
  child_ref: string | null;
  placement_ref: string | null;
  description: string;
  item: string;
  from: string | null;
  to: string | null;
  quantity: string | null;
  unit: string | null;
  unit_rate: string | null;
  amount: string;
}

export interface InvoiceJson {
  provider_id: string;
  invoice_number: string;
  invoice_date: string;
  kind: "invoice" | "credit_note";
  credits_invoice: string | null;
  period_from: string | null;
  period_to: string | null;
  subtotal: string | null;
  vat: string | null;
  total: string;
  source_file: string;
  lines: InvoiceLineJson[];
}

export type NeedsAttentionJson = {
  file_id: string;
  source_file: string;
  sha256: string;
  received_at: string;
  /** Stable code of the first problem (null only for files recorded before reason codes). */
  reason_code: string | null;
  reason: string | null;
  /** The text the reader stopped at, quoted. */
  evidence: string | null;
  /** What was read before the reader stopped. */
  provider_id: string | null;
  invoice_number: string | null;
  /** Every problem of the file, the reason first. */
  problems: Array<{ code: string; message: string; evidence: string | null }>;
};

/** Quantities and rates: at least two decimals ("31.00", "0.45"), more when printed ("4.428571"). */
export function decimalForOutput(value: string | null): string | null {
  if (value === null) return null;
  const exact = new Dec(value);
  const places = Math.max(2, exact.decimalPlaces());
  return exact.toFixed(places);
}

export function invoiceJson(record: StoredInvoiceRecord): InvoiceJson {
  const invoice = record.invoice;
  // The header's fields are the invoices columns, in their order; money printed with two places.
  return {
    ...invoiceToRow(invoice),
    subtotal: invoice.subtotal === null ? null : moneyString(invoice.subtotal),
    vat: invoice.vat === null ? null : moneyString(invoice.vat),
    total: moneyString(invoice.total),
    source_file: record.sourceFile,
    lines: invoice.lines.map((line) => {
      const own = line.from !== null && line.to !== null;
      return {
        child_ref: line.childRef,
        placement_ref: line.placementRef,
        description: line.description,
        item: line.item,
        from: own ? line.from : invoice.periodFrom,
        to: own ? line.to : invoice.periodTo,
        quantity: decimalForOutput(line.quantity),
        unit: line.unit,
        unit_rate: decimalForOutput(line.unitRate),
        amount: moneyString(line.amount),
      };
    }),
  };
}

/** Invoices dated in `month` (YYYY-MM), or all, in audit order. */
export async function listExtractedInvoices(db: Database, options: { month?: string; providerId?: string; authorityId: number }): Promise<InvoiceJson[]> {
  const bounds = options.month ? monthBounds(options.month) : null;
  const records = await listInvoices(db.knex, options.authorityId, {
    ...(bounds ? { from: bounds.from, to: bounds.to } : {}),
    ...(options.providerId ? { providerId: options.providerId } : {}),
  });
  return records.map(invoiceJson);
}

/** The files waiting for a person and why, oldest first. */
export async function listNeedsAttentionFiles(db: Database, options: { authorityId: number }): Promise<NeedsAttentionJson[]> {
  const files = await listNeedsAttention(db.knex, options.authorityId);
  return files.map((file) => ({
    file_id: file.id,
    source_file: file.originalName,
    sha256: file.sha256,
    received_at: file.receivedAt.toISOString(),
    reason_code: file.attention?.reasonCode ?? null,
    reason: file.reason,
    evidence: file.attention?.evidence ?? null,
    provider_id: file.attention?.providerId ?? null,
    invoice_number: file.attention?.invoiceNumber ?? null,
    problems: (file.attention?.problems ?? []).map((p) => ({ code: p.code, message: p.message, evidence: p.evidence })),
  }));
}
