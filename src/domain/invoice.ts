import type { IsoDate } from "./dates.js";
import type { DecimalString } from "./money.js";
import type { Unit } from "./reference.js";

export type InvoiceKind = "invoice" | "credit_note";

/**
 * Where an invoice is in review; it follows its findings (README "Decisions"). `to_verify`: read
 * with an uncertain value, waiting for a person to confirm it; never audited before that.
 */
export const INVOICE_STATUSES = ["awaiting_audit", "awaiting_review", "queried", "cleared", "to_verify"] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];

/** `placement`, an extra's item (`one_to_one_hour`, …), `discount`, or `unknown`. */
export type LineItem = string;

/** One line item as printed on the provider's invoice. */
export interface InvoiceLine {
  lineNo: number;
  childRef: string | null;
  placementRef: string | null;
  description: string;
  item: LineItem;
  from: IsoDate | null;
  to: IsoDate | null;
  quantity: DecimalString | null;
  unit: Unit | null;
  unitRate: DecimalString | null;
  /** Signed as printed (discount lines negative); a credit note's amounts are stored positive. */
  amount: DecimalString;
}

/** An invoice as extracted from a provider's file. */
export interface Invoice {
  providerId: string;
  invoiceNumber: string;
  invoiceDate: IsoDate;
  kind: InvoiceKind;
  creditsInvoice: string | null;
  periodFrom: IsoDate | null;
  periodTo: IsoDate | null;
  subtotal: DecimalString | null;
  vat: DecimalString | null;
  total: DecimalString;
  lines: InvoiceLine[];
}

/** How an invoice's values came to be: read by the reader, keyed in by a person, or read and then verified by one. */
export const INVOICE_SOURCES = ["read", "keyed", "verified"] as const;
export type InvoiceSource = (typeof INVOICE_SOURCES)[number];

/** A value read without certainty, kept with a `to_verify` invoice until a person confirms it. */
export interface UncertainValue {
  /** `invoiceNumber`, `total`, `line 2 childRef`, … */
  field: string;
  reason: string;
  /** The values it could be, as read. */
  candidates: string[];
}
