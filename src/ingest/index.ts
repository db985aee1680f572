/**
 * Invoice ingestion, pure of databases: readers (PDF, XLSX, CSV) → layout rows → the generic
 * extractor (DATA.md label spellings, refined by provider templates) → InvoiceDraft → Invoice.
 * Storage and the queue live in src/services/ingest/ingest-files.ts.
 */
export { readInvoiceFile, readLayout, detectFormat, type ReadContext, type ReadOutcome } from "./read-invoice-file.js";
export { extractInvoice, layoutText } from "./extract/extractor.js";
export { emptyConfig, type ExtractionConfig } from "./extract/config.js";
export { toInvoice, type ConvertedInvoice } from "./to-invoice.js";
export { identifyProvider, type ProviderIdentity, type ProviderMatch } from "./providers.js";
export { loadTemplates, parseTemplate, selectTemplate, dataDirTemplates, BUILT_IN_TEMPLATES_DIR, type ProviderTemplate } from "./templates.js";
export { warmUpPdfReader } from "./readers/pdf.reader.js";
export { NeedsAttentionError, isNeedsAttention, type DraftLine, type InvoiceDraft, type LayoutDocument, type NeedsAttentionCode } from "./types.js";
