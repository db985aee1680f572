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
  /**
   * Spreadsheet cells holding a bare whole number that is a plausible Excel serial day number in
   * the workbook's date system (src/tabular/other-tools.ts): the date it stands for, used only
   * where a date is expected (under a date heading, beside a date label), never elsewhere.
   */
  serialDate?: string;
  /** Scans: OCR's confidence in the text, 0–100 (its least sure word). */
  confidence?: number;
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

/** "image": a PNG, JPEG or TIFF scan (read by OCR into a page layout like a PDF's). */
export type SourceFormat = "pdf" | "xlsx" | "csv" | "image";

export interface LayoutDocument {
  format: SourceFormat;
  pageCount: number;
  /** PDF: each page's height in points (for margins and footers); absent for spreadsheets. */
  pageHeights?: number[];
  rows: LayoutRow[];
  /** Facts about the file worth keeping with the invoice (e.g. formula cells read from cache). */
  notes: string[];
  /** XLSX: the workbook counts dates in the 1904 system (cells' serialDate already allow for it). */
  date1904?: boolean;
  /**
   * PDF: text drawn past a page's right edge, which the PDF reader cuts at the edge (only its first
   * glyphs remain): whatever was printed there cannot be read, so a field missing may be in it.
   */
  cutAtEdge?: Array<{ page: number; top: number; text: string }>;
  /** Present when the text was read from page images by OCR (a scan): its values need validating. */
  ocr?: OcrReading;
}

/** How a scan was read. */
export interface OcrReading {
  pages: number;
  /** Mean word confidence over the document, 0–100. */
  meanConfidence: number;
  /** The skew undone on each page, degrees. */
  skewDegrees: number[];
  /**
   * Every word OCR read, with its box on the page image: where a value was printed, so that a
   * doubtful value can be looked at again (validate-ocr.ts, second-look.ts).
   */
  words: OcrWord[];
}

/** One word as OCR read it. */
export interface OcrWord {
  page: number;
  /** The baseline of its phrase in page points, deskewed: the `top` of the layout item it joined. */
  top: number;
  /** Left edge in page points, deskewed (orders the words of a row). */
  left: number;
  text: string;
  /** 0–100. */
  confidence: number;
  /** Its box on the page image, in pixels, as read (not deskewed). */
  box: PixelBox;
}

export interface PixelBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/**
 * How a value was found (DESIGN.md "Reading pipeline", step 4): after a label beside or above
 * it, under a column heading, after the document's title, in a sentence, from a provider
 * template's pattern, from a statement block's heading, or worked out (a total from the lines).
 */
export type FoundVia = "label" | "label_above" | "heading" | "title" | "sentence" | "template" | "statement_block" | "item_block" | "totals_row" | "computed";

export interface FieldEvidence {
  via: FoundVia;
  /** The label or heading it was printed under or after, as printed. */
  label: string | null;
  /** "page 2 row 14" or "row 14" (null for computed values). */
  where: string | null;
}

/** A value the reader is not sure of: it is never stored as if certain. */
export interface UncertainField {
  /** The refusal code it gives when the invoice goes to a person. */
  code: "uncertain_value";
  /** `invoiceNumber`, `total`, or `line 3 amount`. */
  field: string;
  reason: string;
  /** The values it could be, as read. */
  candidates: string[];
}

/** One sum of the invoice's own arithmetic, checked at reading time. */
export interface ArithmeticCheck {
  check: "line" | "lines_to_subtotal" | "subtotal_vat_total" | "lines_to_total";
  /** The line checked (check "line"). */
  lineNo?: number;
  /** What the printed figures add up to, and what was printed. */
  expected: string;
  printed: string;
  closes: boolean;
}

export type HeaderDraftField = "invoiceNumber" | "invoiceDate" | "creditsInvoice" | "period" | "subtotal" | "vat" | "total" | "kind";
export type LineDraftField = "childRef" | "placementRef" | "description" | "period" | "quantity" | "unit" | "unitRate" | "amount";

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
  /** How each value of the line was found. */
  evidence: Partial<Record<LineDraftField, FieldEvidence>>;
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
  /** How each header and totals value was found. */
  evidence: Partial<Record<HeaderDraftField, FieldEvidence>>;
  /** Values read but not certain (two candidates, arithmetic that picks none): never stored as certain. */
  uncertain: UncertainField[];
  /** The invoice's own sums, checked as read. */
  arithmetic: ArithmeticCheck[];
  /** Observations kept with the invoice (extraction_notes). */
  notes: string[];
  /**
   * References printed with no label (an item block's "C1001"), by line number from 1: each is
   * also an uncertain `line N childRef` until the reference data says whose it is.
   */
  unlabelledReferences?: Array<{ line: number; text: string }>;
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
  /** A date was printed beside the invoice date label but could not be read (US order, no such day, a bare number). */
  | "invoice_date_unreadable"
  | "line_missing_amount"
  | "line_missing_period"
  /** A value read without certainty (two readings, arithmetic that picks none): never stored as certain. */
  | "uncertain_value"
  /** A scan read by OCR with values no check confirmed: a person verifies them beside the page image. */
  | "ocr_to_verify"
  /** A scan page OCR could not read (failed, timed out, or no text on it). */
  | "ocr_failed"
  /** Characters a text layer cannot mean (NUL, other control or private-use characters). */
  | "text_layer_unreadable"
  /** The file was read but the database refused what was read; kept with this reason. */
  | "storage_failed";

/**
 * One thing wrong with a file: a stable code, what a person should know, and the text it
 * stopped at, quoted as printed (a heading row, a cell, a label), when there is one.
 */
export interface Problem {
  code: NeedsAttentionCode;
  message: string;
  evidence: string | null;
}

/** Thrown (or returned) when a file goes to the "needs attention" queue. */
export class NeedsAttentionError extends AppError {
  readonly reason: NeedsAttentionCode;
  readonly evidence: string | null;
  /** Every problem found in the file, this one first. */
  readonly problems: readonly Problem[];

  constructor(reason: NeedsAttentionCode, message: string, context: ErrorContext = {}, detail: { evidence?: string | null; more?: readonly Problem[] } = {}) {
    super(`ingest.${reason}`, message, context);
    this.name = "NeedsAttentionError";
    this.reason = reason;
    this.evidence = detail.evidence ?? null;
    this.problems = [{ code: reason, message, evidence: this.evidence }, ...(detail.more ?? [])];
  }

  /** One error standing for several problems (the first is the reason shown first). */
  static of(problems: readonly Problem[]): NeedsAttentionError {
    const [first, ...more] = problems;
    if (!first) throw new Error("NeedsAttentionError.of needs at least one problem");
    return new NeedsAttentionError(first.code, first.message, {}, { evidence: first.evidence, more });
  }
}

export function isNeedsAttention(value: unknown): value is NeedsAttentionError {
  return value instanceof NeedsAttentionError;
}
