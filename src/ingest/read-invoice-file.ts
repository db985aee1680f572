import path from "node:path";
import type { Invoice } from "../domain/invoice.js";
import { emptyConfig } from "./extract/config.js";
import { extractInvoice, layoutText } from "./extract/extractor.js";
import { identifyProvider, type ProviderIdentity, type ProviderMatch } from "./providers.js";
import { readPdf } from "./readers/pdf.reader.js";
import { readCsvInvoice, readXlsxInvoice } from "./readers/spreadsheet.reader.js";
import { selectTemplate, type ProviderTemplate } from "./templates.js";
import { toInvoice } from "./to-invoice.js";
import { NeedsAttentionError, isNeedsAttention, type LayoutDocument, type NeedsAttentionCode, type SourceFormat } from "./types.js";

/**
 * One file in, one invoice (or one reason it needs a person) out. No database and no disk: the
 * providers and templates are given, so this runs the same in the sandbox's child process.
 */
export interface ReadContext {
  providers: readonly ProviderIdentity[];
  templates: readonly ProviderTemplate[];
}

export type ReadOutcome =
  | {
      status: "ok";
      format: SourceFormat;
      invoice: Invoice;
      notes: string[];
      providerVia: ProviderMatch["via"];
      template: string | null;
    }
  | {
      status: "needs_attention";
      format: SourceFormat | null;
      reason: NeedsAttentionCode;
      message: string;
      providerId: string | null;
      invoiceNumber: string | null;
    };

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
  // Zip and OLE containers are workbooks unless the name says they are something else (.docx, .zip).
  if (ZIP_MAGIC.every((b, i) => bytes[i] === b) || OLE_MAGIC.every((b, i) => bytes[i] === b)) {
    return extension === "" || [".xlsx", ".xlsm", ".xls"].includes(extension) ? "xlsx" : null;
  }
  if (extension === ".csv" || extension === ".tsv" || extension === ".txt") return "csv";
  if (extension === ".pdf") return "pdf";
  if (extension === ".xlsx" || extension === ".xlsm") return "xlsx";
  return null;
}

export async function readLayout(name: string, bytes: Uint8Array): Promise<LayoutDocument> {
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
      return readPdf(bytes);
    case "xlsx":
      return readXlsxInvoice(bytes);
    case "csv":
      return readCsvInvoice(bytes);
    case null:
      throw new NeedsAttentionError("unsupported_format", `"${path.extname(name) || name}" files are not invoices this service reads (PDF, XLSX or CSV).`);
  }
}

export async function readInvoiceFile(name: string, bytes: Uint8Array, context: ReadContext): Promise<ReadOutcome> {
  let format: SourceFormat | null = null;
  let providerId: string | null = null;
  let invoiceNumber: string | null = null;
  try {
    const doc = await readLayout(name, bytes);
    format = doc.format;
    // Names, aliases and template keywords are printed in the header, on the first page: a
    // large spreadsheet's thousands of lines need not be searched for them.
    const text = layoutText(doc).slice(0, IDENTIFICATION_TEXT_LIMIT);
    const generic = extractInvoice(doc, emptyConfig());
    invoiceNumber = generic.invoiceNumber;
    let template = selectTemplate(text, null, context.templates);
    let match: ProviderMatch;
    if (template) {
      const named = template.providerId;
      if (!context.providers.some((p) => p.providerId === named)) {
        throw new NeedsAttentionError(
          "unknown_provider",
          `The provider template ${path.basename(template.source)} names provider ${named}, which is not in the reference data.`,
        );
      }
      match = { providerId: named, via: "template" };
    } else {
      match = identifyProvider(text, generic.vatNumbers, context.providers);
      template = selectTemplate(text, match.providerId, context.templates);
    }
    providerId = match.providerId;
    const draft = template ? extractInvoice(doc, template.config) : generic;
    invoiceNumber = draft.invoiceNumber;
    const converted = toInvoice(draft, match.providerId);
    return {
      status: "ok",
      format: doc.format,
      invoice: converted.invoice,
      notes: converted.notes,
      providerVia: match.via,
      template: template ? path.basename(template.source) : null,
    };
  } catch (error) {
    if (isNeedsAttention(error)) {
      return { status: "needs_attention", format, reason: error.reason, message: error.message, providerId, invoiceNumber };
    }
    const message = error instanceof Error ? error.message : String(error);
    return { status: "needs_attention", format, reason: "corrupt", message: `The file could not be read (${message}).`, providerId, invoiceNumber };
  }
}
