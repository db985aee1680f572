import path from "node:path";
import type { LineKeywords } from "../domain/classify.js";
import type { Invoice, UncertainValue } from "../domain/invoice.js";
import { hasUnreadableCharacters, headerRowsMatching, headingRowCandidate, quote, rowText, senderNameSeen, unreadableEvidence, visibleText } from "./evidence.js";
import { emptyConfig } from "./extract/config.js";
import { extractInvoice, layoutText } from "./extract/extractor.js";
import { identifyProvider, type ProviderIdentity, type ProviderMatch } from "./providers.js";
import { imageFormatOf } from "./ocr/page-images.js";
import { placeUnlabelledReferences } from "./unlabelled-references.js";
import { doubtsAsUncertain, validateOcrDraft, type OcrDoubt, type OcrReference } from "./ocr/validate-ocr.js";
import { sharedOcrEngine } from "./ocr/ocr-engine.js";
import { rereadTableCells } from "./ocr/reread-table-cells.js";
import { lookAgain } from "./ocr/second-look.js";
import { readScan, scanPageImages, type ScanHooks } from "./readers/ocr.reader.js";
import { readPdf } from "./readers/pdf.reader.js";
import { readCsvInvoice, readXlsxInvoice } from "./readers/spreadsheet.reader.js";
import { selectTemplate, type ProviderTemplate } from "./templates.js";
import { draftProblems, toInvoice, type SeenText } from "./to-invoice.js";
import { NeedsAttentionError, isNeedsAttention, type InvoiceDraft, type LayoutDocument, type NeedsAttentionCode, type Problem, type SourceFormat } from "./types.js";

/**
 * One file in, one invoice (or one reason it needs a person) out. No database and no disk: the
 * providers, templates and line keywords are given (plain data, so this runs the same in the
 * sandbox's child process).
 */
export interface ReadContext {
  providers: readonly ProviderIdentity[];
  templates: readonly ProviderTemplate[];
  /** The item keywords of rules/rules.config.json, which the service loads with the audit's settings. */
  lineKeywords: LineKeywords;
  /** Placements, for cross-checking references read by OCR from a scan (none: every reference is to verify). */
  reference?: OcrReference;
}

/** A scan read in full whose values not every check confirmed: what was read, and what to verify. */
export interface OcrToVerify {
  invoice: Invoice;
  doubts: OcrDoubt[];
  notes: string[];
}

export type ReadOutcome =
  | {
      status: "ok";
      format: SourceFormat;
      invoice: Invoice;
      notes: string[];
      providerVia: ProviderMatch["via"];
      template: string | null;
      /**
       * Values read without certainty (problem code uncertain_value, from any reader: text layer
       * or OCR). When there are any, the invoice is stored "to verify" with these fields marked,
       * and it is not audited until a person confirms them (issue 18).
       */
      uncertain: UncertainValue[];
      /** A scan's values that no check confirmed (each also in `uncertain`), with what OCR read and its confidence. */
      ocrDoubts?: OcrDoubt[];
    }
  | {
      status: "needs_attention";
      format: SourceFormat | null;
      reason: NeedsAttentionCode;
      message: string;
      /** The text the reader stopped at, quoted (null when there is nothing to quote). */
      evidence: string | null;
      /** Every problem found in the file, the reason first. */
      problems: Problem[];
      providerId: string | null;
      invoiceNumber: string | null;
    };

/**
 * The OCR values a person must verify: the invoice was read in full from a scan, but some of its
 * values no check confirmed. It is stored "to verify" (issue 18) with those values marked, shown
 * beside its page image, and not audited until they are confirmed.
 */
export function ocrToVerify(outcome: ReadOutcome): OcrToVerify | null {
  if (outcome.status !== "ok" || !outcome.ocrDoubts || outcome.ocrDoubts.length === 0) return null;
  return { invoice: outcome.invoice, doubts: outcome.ocrDoubts, notes: outcome.notes };
}

function ocrProblem(doubts: readonly OcrDoubt[]): Problem {
  const fields = doubts.map((d) => `${d.field} ${d.value === null ? "(unread)" : `"${d.value}"`}${d.confidence === null ? "" : ` (confidence ${Math.round(d.confidence)})`}`);
  return {
    code: "ocr_to_verify",
    message: `This invoice was read by OCR from a scan, and ${doubts.length} value(s) were not confirmed by its own arithmetic or the reference data: verify them beside the page image before it is audited.`,
    evidence: fields.join("; "),
  };
}

const IDENTIFICATION_TEXT_LIMIT = 50_000;

/**
 * No invoice is this large (the web upload refuses the same size): reading a bigger file would
 * hold hundreds of megabytes of text and cells in memory, so it goes to a person unread.
 */
export const MAX_INVOICE_FILE_BYTES = 20 * 1024 * 1024;
const PDF_MAGIC = Buffer.from("%PDF-");
const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const OLE_MAGIC = [0xd0, 0xcf, 0x11, 0xe0];

/** The format of a file, by its first bytes, then by its name. */
export function detectFormat(name: string, bytes: Uint8Array): SourceFormat | null {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 1024));
  const extension = path.extname(name).toLowerCase();
  if (head.includes(PDF_MAGIC)) return "pdf";
  // A scan, unless its name says it is text or a workbook (a binary file renamed .csv is not read as an image).
  if (imageFormatOf(bytes) !== null && ![".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls"].includes(extension)) return "image";
  // Zip and OLE containers are workbooks unless the name says they are something else (.docx, .zip).
  if (ZIP_MAGIC.every((b, i) => bytes[i] === b) || OLE_MAGIC.every((b, i) => bytes[i] === b)) {
    return extension === "" || [".xlsx", ".xlsm", ".xls"].includes(extension) ? "xlsx" : null;
  }
  if (extension === ".csv" || extension === ".tsv" || extension === ".txt") return "csv";
  if (extension === ".pdf") return "pdf";
  if (extension === ".xlsx" || extension === ".xlsm") return "xlsx";
  return null;
}

/** A PDF's text layer; a PDF without one, or an image, is a scan and is read by OCR. */
async function readPdfOrScan(bytes: Uint8Array, hooks: ScanHooks): Promise<LayoutDocument> {
  try {
    return await readPdf(bytes);
  } catch (error) {
    if (isNeedsAttention(error) && error.reason === "no_text_layer") return readScan(bytes, "pdf", hooks);
    throw error;
  }
}

export async function readLayout(name: string, bytes: Uint8Array, hooks: ScanHooks = {}): Promise<LayoutDocument> {
  if (bytes.byteLength === 0) throw new NeedsAttentionError("corrupt", "The file is empty.");
  if (bytes.byteLength > MAX_INVOICE_FILE_BYTES) {
    throw new NeedsAttentionError(
      "too_large",
      `The file is ${Math.ceil(bytes.byteLength / (1024 * 1024))} MB, more than the ${MAX_INVOICE_FILE_BYTES / (1024 * 1024)} MB an invoice may be: it was kept but not read.`,
      { bytes: bytes.byteLength },
    );
  }
  const format = detectFormat(name, bytes);
  switch (format) {
    case "pdf":
      return readPdfOrScan(bytes, hooks);
    case "image":
      return readScan(bytes, imageFormatOf(bytes) ?? "png", hooks);
    case "xlsx":
      return readXlsxInvoice(bytes);
    case "csv":
      return readCsvInvoice(bytes);
    case null:
      throw new NeedsAttentionError("unsupported_format", `"${path.extname(name) || name}" files are not invoices this service reads (PDF, XLSX, CSV, or a scan as PNG, JPEG or TIFF).`);
  }
}

/** The provider, or the problem that stops it being known (kept with the file's other problems). */
function whichProvider(doc: LayoutDocument, text: string, generic: InvoiceDraft, context: ReadContext): { match: ProviderMatch | null; template: ProviderTemplate | null; problem: Problem | null } {
  const template = selectTemplate(text, null, context.templates);
  if (template) {
    const named = template.providerId;
    if (context.providers.some((p) => p.providerId === named)) return { match: { providerId: named, via: "template" }, template, problem: null };
    const message = `The provider template ${path.basename(template.source)} names provider ${named}, which is not in the reference data.`;
    return { match: null, template: null, problem: { code: "unknown_provider", message, evidence: null } };
  }
  try {
    const match = identifyProvider(text, generic.vatNumbers, context.providers);
    return { match, template: selectTemplate(text, match.providerId, context.templates), problem: null };
  } catch (error) {
    if (!isNeedsAttention(error)) throw error;
    if (error.reason !== "unknown_provider") return { match: null, template: null, problem: { code: error.reason, message: error.message, evidence: error.evidence } };
    // Only the header block is quoted: the name the file seems to come from and its VAT numbers.
    const name = senderNameSeen(doc);
    const vat = generic.vatNumbers.map((v) => `GB${v}`);
    const seen = [name ? `name "${name}"` : null, vat.length > 0 ? `VAT number ${vat.join(", ")}` : null].filter((t) => t !== null).join("; ");
    const message =
      `No provider in the reference data matches ${seen ? `the ${seen} printed on this file` : "this file (no provider name or VAT number was recognised in its header)"}. ` +
      "Add that name as the provider's alias (or its VAT number), then re-process the file.";
    return { match: null, template: null, problem: { code: "unknown_provider", message, evidence: seen || null } };
  }
}

function seenText(doc: LayoutDocument): SeenText {
  const heading = headingRowCandidate(doc);
  return {
    headingRow: heading ? quote(rowText(heading)) : null,
    // "No" alone would quote every "VAT Reg No" row: a number label is about the invoice or a reference.
    numberRows: headerRowsMatching(doc, /\b(?:invoice|inv|credit note|ref|reference)\b|\b(?:number|no)\b(?!.*\bGB ?\d)/i),
    dateRows: headerRowsMatching(doc, /\b(?:date|tax point|issued?)\b/i),
  };
}

/** Values holding characters no text layer means are never stored: the file goes to a person. */
function unreadableProblem(doc: LayoutDocument, invoice: Invoice): Problem | null {
  const texts = [invoice.invoiceNumber, invoice.creditsInvoice ?? "", ...invoice.lines.flatMap((l) => [l.description, l.childRef ?? "", l.placementRef ?? ""])];
  if (!texts.some(hasUnreadableCharacters)) return null;
  return {
    code: "text_layer_unreadable",
    message: "The text layer holds characters that stand for nothing readable (such as NUL or unmapped glyphs), so what they replace is not known. Key the invoice in, or ask the provider for another copy.",
    evidence: unreadableEvidence(doc),
  };
}

export interface ReadOptions {
  /** Scans: the sandbox's budget request and page progress (see readers/ocr.reader.ts). */
  scan?: ScanHooks;
}

export async function readInvoiceFile(name: string, bytes: Uint8Array, context: ReadContext, options: ReadOptions = {}): Promise<ReadOutcome> {
  let format: SourceFormat | null = null;
  let providerId: string | null = null;
  let invoiceNumber: string | null = null;
  try {
    const read = await readLayout(name, bytes, options.scan);
    const images = scanPageImages(read);
    // A scan's line cells the page read left unsure are read again one by one (reread-table-cells.ts).
    const { doc, notes: rereadNotes } = read.ocr ? await rereadTableCells(read, images, sharedOcrEngine()) : { doc: read, notes: [] };
    format = detectFormat(name, bytes) === "image" ? "image" : doc.format;
    // Names, aliases and template keywords are printed in the header, on the first page: a
    // large spreadsheet's thousands of lines need not be searched for them.
    const text = layoutText(doc).slice(0, IDENTIFICATION_TEXT_LIMIT);
    const generic = extractInvoice(doc, emptyConfig());
    invoiceNumber = generic.invoiceNumber;
    const { match, template, problem } = whichProvider(doc, text, generic, context);
    providerId = match?.providerId ?? null;
    let draft = template ? extractInvoice(doc, template.config) : generic;
    // An item list's unlabelled references are placed by the reference data, or stay uncertain.
    if (match) draft = placeUnlabelledReferences(draft, match.providerId, context.reference);
    let doubts: OcrDoubt[] = [];
    if (doc.ocr && match) {
      // A scan's values stand only when a check confirms them (DATA.md "Scans").
      const reference = context.reference ?? { placements: [] };
      let validation = validateOcrDraft(doc, draft, match.providerId, reference, name);
      if (validation.wanted.length > 0) {
        // The doubtful values' words read a second time, on their own: what the two readings
        // agree on may then stand (second-look.ts).
        const looks = await lookAgain(doc, images, validation.wanted, sharedOcrEngine());
        validation = validateOcrDraft(doc, draft, match.providerId, reference, name, looks);
      }
      doubts = validation.doubts;
      draft = { ...validation.draft, notes: [...rereadNotes, ...validation.draft.notes, ...validation.notes] };
    }
    invoiceNumber = draft.invoiceNumber;
    // Every problem at once: the provider's, then the draft's (table, number, date, lines).
    const problems = [...(problem ? [problem] : []), ...draftProblems(draft, seenText(doc))];
    if (doubts.length > 0 && match && problems.length > 0) {
      throw NeedsAttentionError.of([...problems, ...doubtsAsUncertain(doubts).map((u) => ({ code: u.code, message: `The ${u.field} ${u.reason}.`, evidence: u.candidates.join(" or ") || null })), ocrProblem(doubts)]);
    }
    // Only uncertain values and nothing else wrong: stored "to verify", the values marked.
    const onlyUncertain = match !== null && problems.length > 0 && problems.every((p) => p.code === "uncertain_value");
    if ((problems.length > 0 && !onlyUncertain) || !match) throw NeedsAttentionError.of(problems);
    const converted = toInvoice({ ...draft, uncertain: [] }, match.providerId, context.lineKeywords);
    const unreadable = unreadableProblem(doc, converted.invoice);
    if (unreadable) throw NeedsAttentionError.of([unreadable]);
    return {
      status: "ok",
      format: doc.format,
      invoice: converted.invoice,
      notes: converted.notes,
      providerVia: match.via,
      template: template ? path.basename(template.source) : null,
      // A scan's values no check confirmed are to verify like any other uncertain value (issue 17).
      uncertain: [...draft.uncertain, ...doubtsAsUncertain(doubts)].map((u) => ({ field: u.field, reason: u.reason, candidates: [...u.candidates] })),
      ...(doubts.length > 0 ? { ocrDoubts: doubts } : {}),
    };
  } catch (error) {
    if (isNeedsAttention(error)) {
      return {
        status: "needs_attention", format, reason: error.reason, message: error.message, evidence: error.evidence, problems: [...error.problems], providerId, invoiceNumber: visibleOrNull(invoiceNumber),
      };
    }
    const message = `The file could not be read (${error instanceof Error ? error.message : String(error)}).`;
    return { status: "needs_attention", format, reason: "corrupt", message, evidence: null, problems: [{ code: "corrupt", message, evidence: null }], providerId, invoiceNumber: visibleOrNull(invoiceNumber) };
  }
}

function visibleOrNull(text: string | null): string | null {
  return text === null ? null : visibleText(text);
}
