import type { Database } from "../../db/connection.js";
import { getReceivedFile, loadProviderIdentities } from "../../db/repositories/invoice.repository.js";
import { fileDiscardReason, knownReferences, lockInvoiceForVerify } from "../../db/repositories/keying.repository.js";
import { AppError } from "../../domain/errors.js";
import type { Invoice, UncertainValue } from "../../domain/invoice.js";
import type { ReadSoFar } from "../../ingest/keying/read-so-far.js";
import { inspectFile } from "./file-inspection.js";
import { emptyLine, lineFieldId, LINE_FIELDS, type KeyedForm, type KeyedLineForm, type KnownReferences } from "./keyed-form.js";

/**
 * The keying screen for one file in "needs attention" or one invoice "to verify" (issue 18):
 * the form pre-filled with everything read so far, and each field that was not read, or not
 * read with certainty, marked with the reason.
 */
export type KeyingTarget = { kind: "file"; fileId: string } | { kind: "invoice"; invoiceId: string };

export interface KeyingScreen {
  target: KeyingTarget;
  fileId: string;
  fileName: string;
  /** received_files.status (a discarded file can be restored, not keyed). */
  fileStatus: string;
  invoiceStatus: string | null;
  reason: string | null;
  discardReason: string | null;
  pages: number;
  /** Why nothing could be read from the file, when so. */
  readProblem: string | null;
  form: KeyedForm;
  /** Field id → why it is highlighted (not read, or read without certainty). */
  marks: Record<string, string>;
  providers: Array<{ providerId: string; name: string }>;
}

function displayDate(iso: string | null): string {
  if (!iso) return "";
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : iso;
}

export function formFromRead(read: ReadSoFar | null, providerId: string | null): KeyedForm {
  const lines: KeyedLineForm[] = (read?.lines ?? []).map((l) => ({
    childRef: l.childRef ?? "",
    placementRef: l.placementRef ?? "",
    description: l.description,
    from: displayDate(l.from),
    to: displayDate(l.to),
    quantity: l.quantity ?? "",
    unit: l.unit ?? "",
    unitRate: l.unitRate ?? "",
    amount: l.amount ?? "",
  }));
  return {
    providerId: providerId ?? "",
    kind: read?.kind ?? "invoice",
    invoiceNumber: read?.invoiceNumber ?? "",
    invoiceDate: displayDate(read?.invoiceDate ?? null),
    creditsInvoice: read?.creditsInvoice ?? "",
    periodFrom: displayDate(read?.periodFrom ?? null),
    periodTo: displayDate(read?.periodTo ?? null),
    subtotal: read?.subtotal ?? "",
    vat: read?.vat ?? "",
    total: read?.total ?? "",
    lines: lines.length > 0 ? lines : [emptyLine()],
  };
}

export function formFromInvoice(invoice: Invoice): KeyedForm {
  return {
    providerId: invoice.providerId,
    kind: invoice.kind,
    invoiceNumber: invoice.invoiceNumber,
    invoiceDate: displayDate(invoice.invoiceDate),
    creditsInvoice: invoice.creditsInvoice ?? "",
    periodFrom: displayDate(invoice.periodFrom),
    periodTo: displayDate(invoice.periodTo),
    subtotal: invoice.subtotal ?? "",
    vat: invoice.vat ?? "",
    total: invoice.total,
    lines: invoice.lines.map((l) => ({
      childRef: l.childRef ?? "",
      placementRef: l.placementRef ?? "",
      description: l.description,
      from: displayDate(l.from),
      to: displayDate(l.to),
      quantity: l.quantity === null ? "" : l.quantity.replace(/(\.\d*?)0+$/, "$1").replace(/\.$/, ""),
      unit: l.unit ?? "",
      unitRate: l.unitRate === null ? "" : l.unitRate.replace(/(\.\d\d\d*?)0+$/, "$1"),
      amount: l.amount,
    })),
  };
}

const HEADER_FIELD_IDS: Readonly<Record<string, string>> = {
  invoiceNumber: "invoiceNumber", invoiceDate: "invoiceDate", period: "periodFrom", periodFrom: "periodFrom", periodTo: "periodTo",
  creditsInvoice: "creditsInvoice", subtotal: "subtotal", vat: "vat", total: "total",
};

/** The form field an uncertain value names: `total`, or `line 2 childRef` → `lines-1-childRef`. */
export function fieldIdOf(field: string): string | null {
  const header = HEADER_FIELD_IDS[field];
  if (header) return header;
  const m = /^line (\d+) (\w+)$/.exec(field);
  if (m && (LINE_FIELDS as readonly string[]).includes(m[2] ?? "")) return lineFieldId(Number(m[1]) - 1, m[2] as keyof KeyedLineForm);
  return null;
}

export function uncertainMarks(uncertain: readonly UncertainValue[]): Record<string, string> {
  const marks: Record<string, string> = {};
  for (const u of uncertain) {
    const id = fieldIdOf(u.field);
    if (!id) continue;
    const could = u.candidates.length > 0 ? ` It could be ${u.candidates.map((c) => `"${c}"`).join(" or ")}.` : "";
    marks[id] = `Not read with certainty: it ${u.reason}.${could} Check it against the page.`;
  }
  return marks;
}

const PROBLEM_FIELDS: Readonly<Record<string, string>> = {
  unknown_provider: "providerId", ambiguous_provider: "providerId", no_invoice_number: "invoiceNumber", no_invoice_date: "invoiceDate", invoice_date_unreadable: "invoiceDate",
  no_line_table: lineFieldId(0, "amount"),
};

function missingMarks(form: KeyedForm, marks: Record<string, string>): void {
  const required: Array<[string, string]> = [["providerId", form.providerId], ["invoiceNumber", form.invoiceNumber], ["invoiceDate", form.invoiceDate], ["total", form.total]];
  for (const [id, value] of required) if (value === "" && !marks[id]) marks[id] = "Not found on the file: enter it from the page image.";
  form.lines.forEach((line, i) => {
    const id = lineFieldId(i, "amount");
    if (line.amount === "" && !marks[id]) marks[id] = "Not read: enter the line's amount from the page image.";
  });
}

async function providersOf(db: Database, authorityId: number): Promise<Array<{ providerId: string; name: string }>> {
  return (await loadProviderIdentities(db.knex, authorityId)).map((p) => ({ providerId: p.providerId, name: p.name })).sort((a, b) => a.providerId.localeCompare(b.providerId));
}

export async function keyingScreen(db: Database, dataDir: string, authorityId: number, target: KeyingTarget): Promise<KeyingScreen> {
  if (target.kind === "invoice") {
    const record = await db.knex.transaction((trx) => lockInvoiceForVerify(trx, authorityId, target.invoiceId));
    if (!record) throw new AppError("not_found", "There is no such invoice");
    const file = await getReceivedFile(db.knex, authorityId, record.fileId);
    const inspection = await inspectFile(db, dataDir, authorityId, record.fileId);
    const form = formFromInvoice(record.invoice);
    return {
      target, fileId: record.fileId, fileName: file?.originalName ?? "", fileStatus: file?.status ?? "processed", invoiceStatus: record.status,
      reason: null, discardReason: null, pages: inspection.pages, readProblem: null, form, marks: uncertainMarks(record.uncertain), providers: await providersOf(db, authorityId),
    };
  }
  const file = await getReceivedFile(db.knex, authorityId, target.fileId);
  if (!file) throw new AppError("not_found", "There is no such file");
  const inspection = await inspectFile(db, dataDir, authorityId, file.id);
  const form = formFromRead(inspection.inspection.read, file.attention?.providerId ?? null);
  const marks = uncertainMarks(inspection.inspection.read?.uncertain ?? []);
  for (const problem of file.attention?.problems ?? []) {
    const id = PROBLEM_FIELDS[problem.code];
    if (id && !marks[id]) marks[id] = problem.message;
  }
  missingMarks(form, marks);
  return {
    target, fileId: file.id, fileName: file.originalName, fileStatus: file.status, invoiceStatus: null, reason: file.reason,
    discardReason: await fileDiscardReason(db.knex, file.id), pages: inspection.pages, readProblem: inspection.inspection.problem, form, marks,
    providers: await providersOf(db, authorityId),
  };
}

export async function referencesFor(db: Database, authorityId: number, providerId: string): Promise<KnownReferences> {
  return knownReferences(db.knex, authorityId, providerId);
}
