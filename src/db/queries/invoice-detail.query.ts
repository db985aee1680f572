import type { IsoDate } from "../../domain/dates.js";
import type { Knex } from "knex";
import { asShown } from "../../domain/credit-note.js";
import { earlierInvoiceOf, type EarlierInvoice } from "./finding-detail.query.js";
import { moneyString, ZERO } from "../../domain/money.js";
import type { Database } from "../connection.js";
import type { InvoiceStatus } from "../repositories/finding.repository.js";
import type { InvoiceRow } from "../repositories/invoice.repository.js";
import { isRowId } from "../row-id.js";
import { FINDING_VIEW_COLUMNS, findingView, lineView, type FindingViewRow, type InvoiceLineView, type LineRow, type FindingView } from "./finding-view.js";
import { FLAGGED_STATUSES, money, moneyOrNull, resultOf, type Scope } from "./read-model.js";

/** One invoice with its lines, findings and notes (the invoice page). */
export interface InvoiceNote {
  lineNo: number | null;
  kind: string | null;
  amount: string | null;
  text: string;
}

export interface InvoiceDetail {
  id: string;
  providerId: string;
  providerName: string;
  invoiceNumber: string;
  invoiceDate: IsoDate;
  kind: string;
  creditsInvoice: string | null;
  periodFrom: IsoDate | null;
  periodTo: IsoDate | null;
  subtotal: string | null;
  vat: string | null;
  total: string;
  status: InvoiceStatus;
  receivedAt: Date;
  auditedAt: Date | null;
  file: { id: string; originalName: string; sizeBytes: number };
  lines: InvoiceLineView[];
  /** Whole-invoice findings (line 0) and any whose line is not on the invoice. */
  invoiceFindings: FindingView[];
  auditNotes: InvoiceNote[];
  extractionNotes: InvoiceNote[];
  flaggedAmount: string;
  /** For a credit note: the invoice it credits, as the audit resolved it (null until applied, or when none matches). */
  creditsInvoiceLink: CreditLink | null;
  /** For an invoice: the credit notes that credit it. */
  creditedBy: CreditLink[];
  /** When the invoice repeats an earlier one's number (a duplicate-invoice finding): that invoice. */
  duplicateOf: EarlierInvoice | null;
}

/** The other side of a credit: an invoice or credit note of the same authority. */
export interface CreditLink {
  id: string;
  invoiceNumber: string;
  invoiceDate: IsoDate;
  /** As shown: negative for a credit note. */
  total: string;
}

/** Notes are jsonb arrays written by other services: read them defensively. */
function notesFrom(value: unknown): InvoiceNote[] {
  if (!Array.isArray(value)) return [];
  return value.map((item: unknown): InvoiceNote => {
    if (typeof item === "string") return { lineNo: null, kind: null, amount: null, text: item };
    if (item && typeof item === "object") {
      const o = item as Record<string, unknown>;
      const text = [o.text, o.message, o.reason].find((t): t is string => typeof t === "string") ?? JSON.stringify(item);
      const lineNo = typeof o.lineNo === "number" ? o.lineNo : typeof o.line_no === "number" ? o.line_no : null;
      const amount = typeof o.amount === "string" || typeof o.amount === "number" ? moneyString(String(o.amount)) : null;
      return { lineNo, kind: typeof o.kind === "string" ? o.kind : null, amount, text };
    }
    return { lineNo: null, kind: null, amount: null, text: String(item) };
  });
}

type InvoiceDetailRow = Omit<InvoiceRow, "authority_id" | "file_id"> & {
  credits_invoice_id: string | null;
  provider_name: string;
  file_id: string;
  original_name: string;
  size_bytes: string;
};

export async function invoiceDetail(db: Database, scope: Scope, id: string): Promise<InvoiceDetail | null> {
  if (!isRowId(id)) return null;
  const knex = db.knex;
  const row = await resultOf<InvoiceDetailRow | undefined>(knex("invoices as i")
    .join("providers as p", (j) => j.on("p.authority_id", "i.authority_id").andOn("p.provider_id", "i.provider_id"))
    .join("received_files as r", "r.id", "i.file_id")
    .where("i.authority_id", scope.authorityId)
    .andWhere("i.id", id)
    .first(
      "i.id", "i.provider_id", "p.name as provider_name", "i.invoice_number", "i.invoice_date", "i.kind", "i.credits_invoice",
      "i.period_from", "i.period_to", "i.subtotal", "i.vat", "i.total", "i.status", "i.received_at", "i.audited_at",
      "i.extraction_notes", "i.audit_notes", "r.id as file_id", "r.original_name", "r.size_bytes", "i.credits_invoice_id",
    ));
  if (!row) return null;
  const lineRows = await resultOf<LineRow[]>(knex("invoice_lines").where("invoice_id", id).orderBy("line_no"));
  const findingRows = await resultOf<FindingViewRow[]>(knex("findings as f")
    .where("f.invoice_id", id)
    .whereNot("f.status", "superseded")
    .orderBy([{ column: "f.line_no" }, { column: "f.id" }])
    .select(FINDING_VIEW_COLUMNS));
  const findings = findingRows.map(findingView);
  const lineNumbers = new Set(lineRows.map((l) => l.line_no));
  // A credit note's amounts are shown as credits (negative); they are stored by their size.
  const lines = lineRows.map((l) => ({ ...lineView(l), amount: asShown(row.kind, money(l.amount)), findings: findings.filter((f) => f.lineNo === l.line_no) }));
  const links = await creditLinks(knex, scope, String(row.id), row.credits_invoice_id);
  const duplicate = await resultOf<{ evidence: unknown } | undefined>(
    knex("findings").where({ invoice_id: id, rule: "duplicate-invoice" }).whereNot("status", "superseded").first("evidence"),
  );
  const duplicateOf = duplicate ? await earlierInvoiceOf(knex, scope, duplicate.evidence) : null;
  const flagged = findings.filter((f) => FLAGGED_STATUSES.includes(f.status)).reduce((total, f) => total.plus(f.amount), ZERO);
  return {
    id: String(row.id),
    providerId: row.provider_id,
    providerName: row.provider_name,
    invoiceNumber: row.invoice_number,
    invoiceDate: row.invoice_date,
    kind: row.kind,
    creditsInvoice: row.credits_invoice,
    periodFrom: row.period_from,
    periodTo: row.period_to,
    subtotal: asShown(row.kind, moneyOrNull(row.subtotal)),
    vat: asShown(row.kind, moneyOrNull(row.vat)),
    total: asShown(row.kind, money(row.total)),
    status: row.status,
    receivedAt: row.received_at,
    auditedAt: row.audited_at,
    file: { id: String(row.file_id), originalName: row.original_name, sizeBytes: Number(row.size_bytes) },
    lines,
    invoiceFindings: findings.filter((f) => !lineNumbers.has(f.lineNo)),
    auditNotes: notesFrom(row.audit_notes),
    extractionNotes: notesFrom(row.extraction_notes),
    flaggedAmount: moneyString(flagged),
    ...links,
    duplicateOf,
  };
}

type CreditLinkRow = Pick<InvoiceRow, "invoice_number" | "invoice_date" | "kind" | "total"> & { id: string };

function creditLinkOf(r: CreditLinkRow): CreditLink {
  return { id: String(r.id), invoiceNumber: r.invoice_number, invoiceDate: r.invoice_date, total: asShown(r.kind, money(r.total)) };
}

/** The invoice a credit note credits, and the credit notes crediting an invoice (invoices.credits_invoice_id). */
async function creditLinks(knex: Knex, scope: Scope, id: string, creditsInvoiceId: string | null): Promise<Pick<InvoiceDetail, "creditsInvoiceLink" | "creditedBy">> {
  const columns = ["id", "invoice_number", "invoice_date", "kind", "total"];
  const credited = creditsInvoiceId === null
    ? undefined
    : await resultOf<CreditLinkRow | undefined>(knex("invoices").where({ authority_id: scope.authorityId, id: creditsInvoiceId }).first(columns));
  const creditedBy = await resultOf<CreditLinkRow[]>(
    knex("invoices").where({ authority_id: scope.authorityId, credits_invoice_id: id, kind: "credit_note" }).orderBy([{ column: "invoice_date" }, { column: "id" }]).select(columns),
  );
  return { creditsInvoiceLink: credited ? creditLinkOf(credited) : null, creditedBy: creditedBy.map(creditLinkOf) };
}

/** Where the original file of an invoice is kept (its content hash, and its path under DATA_DIR or in the database). */
export async function invoiceFile(db: Database, scope: Scope, invoiceId: string): Promise<{ originalName: string; sha256: string; storedPath: string } | null> {
  if (!isRowId(invoiceId)) return null;
  const row = await resultOf<{ original_name: string; sha256: string; stored_path: string } | undefined>(
    db.knex("invoices as i")
      .join("received_files as r", "r.id", "i.file_id")
      .where("i.authority_id", scope.authorityId)
      .andWhere("i.id", invoiceId)
      .first("r.original_name", "r.sha256", "r.stored_path"),
  );
  return row ? { originalName: row.original_name, sha256: row.sha256, storedPath: row.stored_path } : null;
}
