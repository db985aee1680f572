import type { Database } from "../../db/connection.js";
import { appendAuditLog } from "../../db/repositories/audit-log.repository.js";
import { waitingFilesOfProvider } from "../../db/repositories/keying.repository.js";
import { deleteTaughtTemplate, upsertTaughtTemplate } from "../../db/repositories/provider-template.repository.js";
import { AppError } from "../../domain/errors.js";
import type { Invoice } from "../../domain/invoice.js";
import { learnTemplate } from "../../ingest/keying/learn-template.js";
import { parseTemplate } from "../../ingest/templates.js";
import type { Logger } from "../../logger.js";
import { reprocessFile } from "../ingest/ingest-files.js";
import { taughtTemplateSource } from "../ingest/taught-templates.js";
import type { Actor } from "../review/decide-finding.js";
import { inspectFile } from "./file-inspection.js";

/**
 * "Read this provider's invoices like this from now on" (issue 18): the keyed correction of a
 * file becomes the provider's template (learn-template.ts), stored for this deployment and used
 * by the reader beside the shipped templates; then the provider's other files waiting in "needs
 * attention" are read again with it. Audit-logged.
 */
export interface TaughtLayout {
  templateId: string | null;
  /** What was learnt, one sentence each (empty: the file showed nothing the reader does not know). */
  learnt: string[];
  /** The provider's other waiting files read again, and how many of them it now reads. */
  reprocessed: number;
  nowRead: number;
}

export async function teachLayout(
  db: Database,
  options: { dataDir: string; actor: Actor; fileId: string; invoice: Invoice; logger?: Logger },
): Promise<TaughtLayout> {
  const { actor, invoice } = options;
  const { inspection } = await inspectFile(db, options.dataDir, actor.authorityId, options.fileId);
  if (!inspection.layout) return { templateId: null, learnt: [], reprocessed: 0, nowRead: 0 };
  const learnt = learnTemplate(invoice.providerId, inspection.layout, invoice);
  if (learnt.learnt.length === 0) return { templateId: null, learnt: [], reprocessed: 0, nowRead: 0 };
  // The template must be one the reader accepts, exactly as a file in DATA_DIR/templates would be.
  parseTemplate(learnt.template, taughtTemplateSource(invoice.providerId));
  const templateId = await db.knex.transaction(async (trx) => {
    const stored = await upsertTaughtTemplate(trx, {
      authorityId: actor.authorityId, providerId: invoice.providerId, template: learnt.template, learntFromFileId: options.fileId, createdBy: actor.username,
    });
    await appendAuditLog(trx, {
      authorityId: actor.authorityId, actor: actor.username, action: "teach_template", entity: "provider_template", entityId: stored.id,
      before: stored.before ? stored.before.template : null, after: { ...learnt.template, learnt_from_file_id: options.fileId },
    });
    return stored.id;
  });
  let nowRead = 0;
  const waiting = await waitingFilesOfProvider(db.knex, actor.authorityId, invoice.providerId);
  for (const fileId of waiting) {
    const result = await reprocessFile(db, fileId, { dataDir: options.dataDir, authorityId: actor.authorityId, ...(options.logger ? { logger: options.logger } : {}) });
    if (result.status === "stored") nowRead++;
  }
  options.logger?.info("provider layout taught", { templateId, providerId: invoice.providerId, reprocessed: waiting.length, nowRead });
  return { templateId, learnt: learnt.learnt, reprocessed: waiting.length, nowRead };
}

/** Removes a taught template (admin); the provider's files are read without it from now on. */
export async function removeTaughtTemplate(db: Database, actor: Actor, templateId: string): Promise<void> {
  await db.knex.transaction(async (trx) => {
    const removed = await deleteTaughtTemplate(trx, actor.authorityId, templateId);
    if (!removed) throw new AppError("not_found", "There is no such template");
    await appendAuditLog(trx, {
      authorityId: actor.authorityId, actor: actor.username, action: "remove_template", entity: "provider_template", entityId: removed.id,
      before: { provider_id: removed.providerId, ...removed.template }, after: null,
    });
  });
}
