import type { Database } from "../../db/connection.js";
import { appendAuditLog } from "../../db/repositories/audit-log.repository.js";
import { getReceivedFile, insertInvoice } from "../../db/repositories/invoice.repository.js";
import { lockInvoiceForVerify, lockReceivedFileStatus, markFileKeyed, storeVerifiedInvoice } from "../../db/repositories/keying.repository.js";
import { AppError } from "../../domain/errors.js";
import type { Invoice } from "../../domain/invoice.js";
import type { Logger } from "../../logger.js";
import { auditArrivals, type ArrivalAuditResult } from "../audit/audit-arrivals.js";
import type { WorkQueue } from "../queue/work-queue.js";
import { defaultRulesConfig } from "../audit/run-audit.js";
import type { Actor } from "../review/decide-finding.js";
import { checkKeyedForm, type FormCheck, type KeyedForm } from "./keyed-form.js";
import { referencesFor, type KeyingTarget } from "./keying-screen.js";
import { teachLayout, type TaughtLayout } from "./teach-layout.js";

/**
 * Saving the keying screen (issue 18). A file from "needs attention" becomes an invoice keyed in
 * by a person (source keyed); an invoice "to verify" takes the values a person confirmed (source
 * verified). Either way who did it is kept, the audit log says what changed, and the invoice is
 * audited at once (audit-arrivals.ts, as every arrival). With `teach`, the correction also
 * becomes the provider's template and the provider's other waiting files are read again.
 */
export interface SaveKeyedOptions {
  dataDir: string;
  actor: Actor;
  target: KeyingTarget;
  form: KeyedForm;
  teach: boolean;
  logger?: Logger;
  now?: () => Date;
  /** On a PostgreSQL server, the work queue: the keyed invoice's audit on arrival is queued (audit-arrivals.ts). */
  arrivalQueue?: WorkQueue | null;
}

export type SaveKeyedResult =
  | { outcome: "invalid"; check: FormCheck }
  | { outcome: "saved"; invoiceId: string; check: FormCheck; audit: ArrivalAuditResult | null; taught: TaughtLayout | null };

function summary(invoice: Invoice): Record<string, unknown> {
  return {
    provider_id: invoice.providerId, invoice_number: invoice.invoiceNumber, invoice_date: invoice.invoiceDate, kind: invoice.kind, total: invoice.total,
    lines: invoice.lines.map((l) => ({ child_ref: l.childRef, placement_ref: l.placementRef, from: l.from, to: l.to, quantity: l.quantity, unit_rate: l.unitRate, amount: l.amount })),
  };
}

async function storeKeyed(db: Database, options: SaveKeyedOptions, invoice: Invoice, at: Date): Promise<{ invoiceId: string; fileId: string }> {
  const { actor, target } = options;
  return db.knex.transaction(async (trx) => {
    if (target.kind === "file") {
      const file = await lockReceivedFileStatus(trx, actor.authorityId, target.fileId);
      if (!file) throw new AppError("not_found", "There is no such file");
      if (file.status !== "needs_attention") throw new AppError("keying.not_waiting", `${file.originalName} is not waiting in "needs attention" (it is ${file.status.replace(/_/g, " ")}).`);
      const record = await getReceivedFile(trx, actor.authorityId, file.id);
      const invoiceId = await insertInvoice(trx, {
        authorityId: actor.authorityId, fileId: file.id, receivedAt: record?.receivedAt ?? at, invoice,
        notes: [`Keyed in by ${actor.username} from the file.`], source: { kind: "keyed", by: actor.username, at },
      });
      await markFileKeyed(trx, file.id, at);
      await appendAuditLog(trx, {
        authorityId: actor.authorityId, actor: actor.username, action: "key_invoice", entity: "invoice", entityId: invoiceId,
        before: { file_id: file.id, file: file.originalName, status: "needs_attention" }, after: { source: "keyed", ...summary(invoice) },
      });
      return { invoiceId, fileId: file.id };
    }
    const record = await lockInvoiceForVerify(trx, actor.authorityId, target.invoiceId);
    if (!record) throw new AppError("not_found", "There is no such invoice");
    if (record.status !== "to_verify") throw new AppError("keying.not_waiting", `Invoice ${record.invoice.invoiceNumber} is not waiting to be verified.`);
    await storeVerifiedInvoice(trx, record.id, invoice, { notes: [...record.notes, `Verified by ${actor.username}.`], by: actor.username, at });
    await appendAuditLog(trx, {
      authorityId: actor.authorityId, actor: actor.username, action: "verify_invoice", entity: "invoice", entityId: record.id,
      before: { status: "to_verify", uncertain: record.uncertain, ...summary(record.invoice) }, after: { status: "awaiting_audit", source: "verified", ...summary(invoice) },
    });
    return { invoiceId: record.id, fileId: record.fileId };
  });
}

/** The form checked against the reference data, as saving checks it (for "Check the figures"). */
export async function checkKeyed(db: Database, authorityId: number, form: KeyedForm): Promise<FormCheck> {
  const { items, feeKeywords } = defaultRulesConfig();
  return checkKeyedForm(form, await referencesFor(db, authorityId, form.providerId.trim()), { items, feeKeywords });
}

export async function saveKeyedInvoice(db: Database, options: SaveKeyedOptions): Promise<SaveKeyedResult> {
  const now = options.now ?? (() => new Date());
  const check = await checkKeyed(db, options.actor.authorityId, options.form);
  if (!check.invoice) return { outcome: "invalid", check };
  const invoice = check.invoice;
  const { invoiceId, fileId } = await storeKeyed(db, options, invoice, now());
  options.logger?.info("invoice keyed in", { invoiceId, fileId, kind: options.target.kind, userId: options.actor.userId });
  let audit: ArrivalAuditResult | null;
  try {
    audit = await auditArrivals(db, { authorityId: options.actor.authorityId, invoiceIds: [invoiceId], actor: options.actor.username, queue: options.arrivalQueue ?? null, ...(options.logger ? { logger: options.logger } : {}) });
  } catch (error) {
    options.logger?.error("the audit of a keyed invoice failed; the monthly run will audit it", { invoiceId, error: error instanceof Error ? error.message : String(error) });
    audit = { status: "left_for_monthly_run", reason: error instanceof Error ? error.message : String(error) };
  }
  const taught = options.teach ? await teachLayout(db, { dataDir: options.dataDir, actor: options.actor, fileId, invoice, ...(options.logger ? { logger: options.logger } : {}) }) : null;
  return { outcome: "saved", invoiceId, check, audit, taught };
}
