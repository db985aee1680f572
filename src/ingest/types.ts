import type { IsoDate } from "../domain/dates.js";
import { AppError, type ErrorContext } from "../domain/errors.js";
import type { Dec } from "../domain/money.js";
import type { InvoiceKind } from "../domain/invoice.js";
import type { Unit } from "../domain/reference.js";

/**
 * What every reader produces: rows of positioned cells, page after page. PDF cells carry their
 * x edges in points; spreadsheet cells use their column index (left = c, right = c + 1), so one
 * extractor serves all three formats.
 */
export interface LayoutCell {
  text: string;
  left: number;
  right: number;
  /** Spreadsheet cells: the typed value (a real date or number), when the cell holds one. */
  value?: Date | number | boolean | null;
  /** Spreadsheet cells: read from a formula's cached result (not recalculated). */
  isFormula?: boolean;
}

export interface LayoutRow {
  /** 1-based page (PDF) or sheet (XLSX) number. */
  page: number;
  /** Vertical position, growing down the page (PDF points from the top; spreadsheet row number). */
  top: number;
  /** Typical text height on the row (PDF points; 1 for spreadsheets). */
  height: number;
  /** Cells in left-to-right order. */
  cells: LayoutCell[];
  /** Spreadsheet row number as the spreadsheet shows it (for messages); PDF: row index on the page. */
  rowNumber: number;
  /** The items of the row before they were joined into cells (PDF); used to re-split by columns. */
  items?: LayoutCell[];
}

export type SourceFormat = "pdf" | "xlsx" | "csv";

export interface LayoutDocument {
  format: SourceFormat;
  pageCount: number;
  rows: LayoutRow[];
  /** Facts about the file worth keeping with the invoice (e.g. formula cells read from cache). */
  notes: string[];
}

/** One line of the table as read, before the provider is known. */
export interface DraftLine {
  lineNo: number;
  childRef: string | null;
  placementRef: string | null;
  description: string;
  from: IsoDate | null;
  to: IsoDate | null;
  quantity: Dec | null;
  unit: Unit | null;
  unitRate: Dec | null;
  /** Signed as printed; null when the row printed no readable amount. */
  amount: Dec | null;
  /** Where the line was printed, for messages: "page 2 row 14" or "row 14". */
  source: string;
}

/** An invoice as the extractor read it: every field optional until validated. */
export interface InvoiceDraft {
  invoiceNumber: string | null;
  invoiceDate: IsoDate | null;
  kind: InvoiceKind;
  creditsInvoice: string | null;
  periodFrom: IsoDate | null;
  periodTo: IsoDate | null;
  subtotal: Dec | null;
  vat: Dec | null;
  total: Dec | null;
  /** VAT registration numbers printed on the document, digits only. */
  vatNumbers: string[];
  lines: DraftLine[];
  /** True when a line table header was found. */
  tableFound: boolean;
  /** Observations kept with the invoice (extraction_notes). */
  notes: string[];
}

/** Why a file could not be read fully; the stable code goes in reports, the message to people. */
export type NeedsAttentionCode =
  | "no_text_layer"
  | "encrypted"
  | "corrupt"
  | "unsupported_format"
  | "suspicious_archive"
  | "too_large"
  | "unknown_provider"
  | "ambiguous_provider"
  | "no_line_table"
  | "no_invoice_number"
  | "no_invoice_date"
  | "line_missing_amount"
  | "line_missing_period";

/** Thrown (or returned) when a file goes to the "needs attention" queue. */
export class NeedsAttentionError extends AppError {
  readonly reason: NeedsAttentionCode;

  constructor(reason: NeedsAttentionCode, message: string, context: ErrorContext = {}) {
    super(`ingest.${reason}`, message, context);
    this.name = "NeedsAttentionError";
    this.reason = reason;
  }
}

export function isNeedsAttention(value: unknown): value is NeedsAttentionError {
  return value instanceof NeedsAttentionError;
}
