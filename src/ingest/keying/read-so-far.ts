import { emptyConfig } from "../extract/config.js";
import { extractInvoice } from "../extract/extractor.js";
import { readLayout } from "../read-invoice-file.js";
import { isNeedsAttention, type DraftLine, type InvoiceDraft, type LayoutDocument } from "../types.js";
import type { ProviderTemplate } from "../templates.js";

/**
 * What the reader could read of a file, as plain text values, to pre-fill the keying screen
 * (issue 18): every header field and line it found, null where it found nothing. Plain strings
 * only, so it crosses the sandbox's process boundary and the JSON API unchanged.
 */
export interface ReadLine {
  childRef: string | null;
  placementRef: string | null;
  description: string;
  from: string | null;
  to: string | null;
  quantity: string | null;
  unit: string | null;
  unitRate: string | null;
  amount: string | null;
}

export interface ReadSoFar {
  invoiceNumber: string | null;
  invoiceDate: string | null;
  kind: "invoice" | "credit_note";
  creditsInvoice: string | null;
  periodFrom: string | null;
  periodTo: string | null;
  subtotal: string | null;
  vat: string | null;
  total: string | null;
  lines: ReadLine[];
  uncertain: Array<{ field: string; reason: string; candidates: string[] }>;
}

/** The file's layout (rows of positioned cells) and what the generic reader read of it. */
export interface Inspection {
  layout: LayoutDocument | null;
  read: ReadSoFar | null;
  /** Why the file has no layout (not a PDF, XLSX or CSV; unreadable), or null. */
  problem: string | null;
}

function lineOf(line: DraftLine): ReadLine {
  return {
    childRef: line.childRef,
    placementRef: line.placementRef,
    description: line.description,
    from: line.from,
    to: line.to,
    quantity: line.quantity?.toFixed() ?? null,
    unit: line.unit,
    unitRate: line.unitRate?.toFixed() ?? null,
    amount: line.amount?.toFixed(2) ?? null,
  };
}

export function readSoFar(draft: InvoiceDraft): ReadSoFar {
  return {
    invoiceNumber: draft.invoiceNumber,
    invoiceDate: draft.invoiceDate,
    kind: draft.kind,
    creditsInvoice: draft.creditsInvoice,
    periodFrom: draft.periodFrom,
    periodTo: draft.periodTo,
    subtotal: draft.subtotal?.toFixed(2) ?? null,
    vat: draft.vat?.toFixed(2) ?? null,
    total: draft.total?.toFixed(2) ?? null,
    lines: draft.lines.map(lineOf),
    uncertain: draft.uncertain.map((u) => ({ field: u.field, reason: u.reason, candidates: [...u.candidates] })),
  };
}

/** Reads the file's layout and extracts what it can (with the provider's template when one is given). */
export async function inspectInvoiceFile(name: string, bytes: Uint8Array, template: ProviderTemplate | null = null): Promise<Inspection> {
  try {
    const layout = await readLayout(name, bytes);
    return { layout, read: readSoFar(extractInvoice(layout, template?.config ?? emptyConfig())), problem: null };
  } catch (error) {
    if (isNeedsAttention(error)) return { layout: null, read: null, problem: error.message };
    return { layout: null, read: null, problem: `The file could not be read (${error instanceof Error ? error.message : String(error)}).` };
  }
}
