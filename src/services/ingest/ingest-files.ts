import fs from "node:fs";
import path from "node:path";
import type { Database } from "../../db/connection.js";
import {
  findReceivedFilesBySha,
  getReceivedFile,
  insertInvoice,
  insertReceivedFile,
  latestReceivedAt,
  listNeedsAttention,
  loadProviderIdentities,
  updateReceivedFileStatus,
  type AttentionDetail,
  type ReceivedFileStatus,
} from "../../db/repositories/invoice.repository.js";
import { loadPlacementKeys } from "../../db/repositories/reference.repository.js";
import { AppError } from "../../domain/errors.js";
import { visibleText } from "../../ingest/evidence.js";
import type { ReadContext, ReadOutcome } from "../../ingest/read-invoice-file.js";
import { BUILT_IN_TEMPLATES_DIR, dataDirTemplates, loadTemplates, type ProviderTemplate } from "../../ingest/templates.js";
import type { NeedsAttentionCode, Problem } from "../../ingest/types.js";
import type { Logger } from "../../logger.js";
import { parseFiles } from "./ingest-parse.js";
import { defaultRulesConfig } from "../audit/run-audit.js";
import { auditArrivals, type ArrivalAuditResult } from "../audit/audit-arrivals.js";
import type { WorkQueue } from "../queue/work-queue.js";
import { logInvoiceFiles } from "./ingest-log.js";
import { taughtTemplates } from "./taught-templates.js";
import { sha256Of } from "./ingest-storage.js";
import { originalsStore, type OriginalsStore } from "../originals/originals.js";

/**
 * The ingest use case (INTERFACES.md `ingest`): each file is hashed, stored once under DATA_DIR
 * by content, read, and recorded with its invoice and lines in one transaction. A file seen
 * before (same content) is reported as already received and not stored again; a file that
 * cannot be read fully is kept with status needs_attention and its reason.
 * Files of one ingest are received in the order of their names (AUDIT.md): received_at is
 * strictly increasing in that order, and after every file received before.
 */
export interface IngestFileInput {
  name: string;
  bytes?: Uint8Array;
  path?: string;
  /**
   * Decided without reading the file: it is recorded (and kept) with this outcome. The inbox
   * gives this for a file whose worker died reading it twice (inbox-pass.ts), so that it is
   * never read a third time.
   */
  unread?: ReadOutcome;
}

export interface IngestProgress {
  done: number;
  total: number;
  name: string;
  status: IngestFileStatus;
  result: IngestFileResult;
}

export interface IngestOptions {
  dataDir: string;
  logger?: Logger;
  onProgress?: (progress: IngestProgress) => void;
  /** Each page of a scan as OCR reads it (a scan takes seconds a page). */
  onPage?: (name: string, page: number, pages: number) => void;
  authorityId: number;
  /** Template directories (default: the built-in ones and DATA_DIR/templates). */
  templateDirs?: string[];
  /** Templates given directly (tests, tools); added to those loaded from templateDirs. */
  templates?: ProviderTemplate[];
  /** Files read and recorded at a time (default INGEST_BATCH). */
  batchSize?: number;
  /** The clock (tests). */
  now?: () => Date;
  /** Audit the stored invoices at once (AUDIT.md "When"); default true. */
  auditOnArrival?: boolean;
  /** On a PostgreSQL server, the work queue: the audit on arrival is queued for the workers (audit-arrivals.ts). */
  arrivalQueue?: WorkQueue | null;
  /** Who sends the files, for the audit log: a username, "command line", "inbox" (default "ingest"). */
  actor?: string;
  /** A web upload is logged as one (default: an ingest). */
  upload?: boolean;
}

export type IngestFileStatus = "stored" | "already_received" | "needs_attention";

export interface IngestFileResult {
  name: string;
  status: IngestFileStatus;
  /** received_files.id (null only when the file could not even be read from disk). */
  fileId: string | null;
  sha256: string | null;
  invoiceId: string | null;
  invoiceNumber: string | null;
  providerId: string | null;
  kind: "invoice" | "credit_note" | null;
  lines: number;
  /** Why the file needs attention (for already received files: why it did then, if it still does). */
  reason: string | null;
  reasonCode: NeedsAttentionCode | "unreadable_path" | null;
  /** The text the reader stopped at, quoted. */
  evidence: string | null;
  /** Every problem of the file (the reason first); empty when it was stored. */
  problems: Problem[];
  notes: string[];
  /** Stored "to verify": the values read without certainty (empty otherwise). */
  toVerify: string[];
}

export interface IngestReport {
  files: IngestFileResult[];
  stored: number;
  alreadyReceived: number;
  needsAttention: number;
  /** One line per file that needs attention: "name: reason". */
  problems: string[];
  /** The audit of the stored invoices on arrival (null when none was stored or it was not asked for). */
  audit: ArrivalAuditResult | null;
}

/**
 * The name a file is recorded and reported under: its base name (never a path: "../" cannot
 * lead anywhere) with control characters replaced, since a newline or an escape sequence in a
 * name would break the one-line-per-file output and could forge log lines.
 */
export function receivedFileName(name: string): string {
  const base = path.basename(name);
  let clean = "";
  for (const ch of base) {
    const code = ch.codePointAt(0) ?? 0;
    clean += code < 0x20 || (code >= 0x7f && code <= 0x9f) ? "_" : ch;
  }
  return clean === "" ? "file" : clean;
}

/** Code-unit order of the base name, then of the whole name: the order files are received in. */
export function receiptOrder(a: string, b: string): number {
  const baseA = path.basename(a);
  const baseB = path.basename(b);
  if (baseA !== baseB) return baseA < baseB ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function report(files: IngestFileResult[]): Omit<IngestReport, "audit"> {
  return {
    files,
    stored: files.filter((f) => f.status === "stored").length,
    alreadyReceived: files.filter((f) => f.status === "already_received").length,
    needsAttention: files.filter((f) => f.status === "needs_attention").length,
    problems: files.filter((f) => f.status === "needs_attention").map((f) => `${f.name}: ${f.reasonCode ? `[${f.reasonCode}] ` : ""}${f.reason ?? "needs attention"}`),
  };
}

async function readContext(db: Database, authorityId: number, options: Pick<IngestOptions, "dataDir" | "templateDirs" | "templates">): Promise<ReadContext & { templateDirs: string[] }> {
  const templateDirs = options.templateDirs ?? [BUILT_IN_TEMPLATES_DIR, dataDirTemplates(options.dataDir)];
  // Layouts taught from the review screen (issue 18) come with the shipped ones and DATA_DIR's.
  const templates = [...(options.templates ?? []), ...loadTemplates(templateDirs), ...(await taughtTemplates(db, authorityId))];
  // Lines are classified with the shipped keywords; only the plain lists go to parse threads.
  const { items, feeKeywords } = defaultRulesConfig();
  return {
    providers: await loadProviderIdentities(db.knex, authorityId),
    templates,
    templateDirs,
    lineKeywords: { items, feeKeywords },
    // Scans' references are checked against these (ingest/ocr/validate-ocr.ts).
    reference: { placements: await loadPlacementKeys(db.knex, authorityId) },
  };
}

function baseResult(name: string): IngestFileResult {
  return {
    name, status: "needs_attention", fileId: null, sha256: null, invoiceId: null, invoiceNumber: null, providerId: null,
    kind: null, lines: 0, reason: null, reasonCode: null, evidence: null, problems: [], notes: [], toVerify: [],
  };
}

function outcomeFields(outcome: ReadOutcome): Partial<IngestFileResult> {
  if (outcome.status === "ok") {
    return {
      invoiceNumber: outcome.invoice.invoiceNumber, providerId: outcome.invoice.providerId, kind: outcome.invoice.kind,
      lines: outcome.invoice.lines.length, notes: outcome.notes, reason: null, reasonCode: null, evidence: null, problems: [],
      toVerify: outcome.uncertain.map((u) => `${u.field}: ${visibleText(u.reason)}`),
    };
  }
  // Messages and quotations may carry what the document printed: never a character PostgreSQL refuses.
  const problems = outcome.problems.map((p) => ({ code: p.code, message: visibleText(p.message), evidence: p.evidence === null ? null : visibleText(p.evidence) }));
  return {
    invoiceNumber: outcome.invoiceNumber, providerId: outcome.providerId, reason: visibleText(outcome.message), reasonCode: outcome.reason,
    evidence: outcome.evidence === null ? null : visibleText(outcome.evidence), problems,
  };
}

function attentionOf(result: IngestFileResult): AttentionDetail {
  return { reasonCode: result.reasonCode ?? "corrupt", evidence: result.evidence, problems: result.problems, providerId: result.providerId, invoiceNumber: result.invoiceNumber };
}

function errorText(error: unknown): string {
  return visibleText(error instanceof Error ? error.message : String(error)).slice(0, 300);
}

/** The file was read but what was read could not be written: it is kept with this reason instead. */
function storageFailed(result: IngestFileResult, error: unknown): void {
  const message = `The file was read but what was read could not be stored (${errorText(error)}). It is kept for a person to key in or re-process.`;
  Object.assign(result, { status: "needs_attention", invoiceId: null, reason: message, reasonCode: "storage_failed", evidence: null, problems: [{ code: "storage_failed", message, evidence: null }] });
}

/** Files are read and recorded this many at a time, so a large inbox never sits in memory whole. */
export const INGEST_BATCH = 250;

type Loaded = { input: IngestFileInput; bytes: Uint8Array; sha256: string; result: IngestFileResult };

export async function ingestFiles(db: Database, files: readonly IngestFileInput[], options: IngestOptions): Promise<IngestReport> {
  const { authorityId } = options;
  const now = options.now ?? (() => new Date());
  const log = options.logger;
  const ordered = [...files].sort((a, b) => receiptOrder(a.name, b.name));
  const results: IngestFileResult[] = [];
  const progress = (result: IngestFileResult): void => {
    results.push(result);
    options.onProgress?.({ done: results.length, total: ordered.length, name: result.name, status: result.status, result });
  };
  const context = await readContext(db, authorityId, options);
  const latest = await latestReceivedAt(db.knex, authorityId);
  let clock = Math.max(now().getTime(), latest ? latest.getTime() + 1 : 0);
  const seen = new Map<string, string>();
  const originals = originalsStore(db, options.dataDir);

  const batchSize = Math.max(1, options.batchSize ?? INGEST_BATCH);
  for (let start = 0; start < ordered.length; start += batchSize) {
    const batch = ordered.slice(start, start + batchSize);
    const early = new Map<IngestFileInput, IngestFileResult>();

    // 1. Bytes and hashes; the same content twice in one ingest is received once.
    const loaded: Loaded[] = [];
    for (const input of batch) {
      const name = receivedFileName(input.name);
      const result = baseResult(name);
      let bytes: Uint8Array;
      try {
        bytes = input.bytes ?? fs.readFileSync(input.path ?? input.name);
      } catch (error) {
        result.reason = `The file could not be read from disk (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`;
        result.reasonCode = "unreadable_path";
        early.set(input, result);
        continue;
      }
      result.sha256 = sha256Of(bytes);
      const twin = seen.get(result.sha256);
      if (twin !== undefined) {
        Object.assign(result, { status: "already_received", reason: null, notes: [`Same content as ${twin} in this ingest.`] });
        early.set(input, result);
        continue;
      }
      seen.set(result.sha256, name);
      loaded.push({ input, bytes, sha256: result.sha256, result });
    }

    // 2. Files received before are reported, not stored again.
    const existing = await findReceivedFilesBySha(db.knex, authorityId, loaded.map((l) => l.sha256));
    const fresh = loaded.filter((l) => {
      const before = existing.get(l.sha256);
      if (!before) return true;
      Object.assign(l.result, {
        status: "already_received" as const,
        fileId: before.id,
        reason: before.status === "needs_attention" ? before.reason : null,
        reasonCode: before.status === "needs_attention" ? ((before.attention?.reasonCode as NeedsAttentionCode | undefined) ?? null) : null,
        notes: [`Already received as ${before.originalName} on ${before.receivedAt.toISOString()}.`],
      });
      early.set(l.input, l.result);
      return false;
    });

    // 3. Read the new ones, each in the sandbox's bounded child processes (never in this process).
    const toRead = fresh.filter((f) => f.input.unread === undefined);
    const outcomes = await parseFiles(toRead.map((f) => ({ name: f.result.name, bytes: f.bytes })), context, { ...(log ? { logger: log } : {}), onPage: options.onPage });
    const byInput = new Map<IngestFileInput, Loaded & { outcome: ReadOutcome }>();
    toRead.forEach((f, i) => byInput.set(f.input, { ...f, outcome: outcomes[i] as ReadOutcome }));
    for (const f of fresh) if (f.input.unread) byInput.set(f.input, { ...f, outcome: f.input.unread });

    // 4. Record them in name order, each file in its own transaction, strictly increasing receipt times.
    clock = Math.max(clock, now().getTime());
    for (const input of batch) {
      const earlyResult = early.get(input);
      if (earlyResult) {
        progress(earlyResult);
        continue;
      }
      const item = byInput.get(input);
      if (!item) continue;
      const result = await recordFile(db, authorityId, originals, item, new Date(clock++), now(), log);
      log?.info("invoice file ingested", {
        fileId: result.fileId, sha256: result.sha256?.slice(0, 12), status: result.status, reason: result.reasonCode,
        providerId: result.providerId, lines: result.lines,
      });
      progress(result);
    }
  }
  const summary = { ...report(results), audit: await auditStored(db, results, options) };
  await logInvoiceFiles(db.knex, { authorityId, actor: options.actor ?? "ingest", action: options.upload ? "upload" : "ingest", results, audit: summary.audit });
  log?.info("ingest finished", { files: results.length, stored: summary.stored, alreadyReceived: summary.alreadyReceived, needsAttention: summary.needsAttention });
  return summary;
}

/**
 * Records one file in its own transaction. Nothing about one file stops the next: when what was
 * read cannot be written (PostgreSQL refuses a character, a value out of range), the file is
 * recorded as needing attention instead; a received file always has its row, and bytes written
 * for a file whose row could not be written at all are removed again.
 */
async function recordFile(
  db: Database,
  authorityId: number,
  originals: OriginalsStore,
  item: { bytes: Uint8Array; sha256: string; result: IngestFileResult; outcome: ReadOutcome },
  receivedAt: Date,
  processedAt: Date,
  log: Logger | undefined,
): Promise<IngestFileResult> {
  const { result, outcome } = item;
  Object.assign(result, outcomeFields(outcome));
  let keptBefore: boolean;
  let storedPath: string;
  try {
    keptBefore = await originals.has(item.sha256, result.name);
    storedPath = await originals.keep(item.sha256, result.name, item.bytes);
  } catch (error) {
    storageFailed(result, error);
    result.reason = `The file could not be kept ${originals.kind === "database" ? "in the database" : "under DATA_DIR"} (${errorText(error)}), so it was not received.`;
    return result;
  }
  const row = (status: ReceivedFileStatus) => ({
    authorityId, sha256: item.sha256, originalName: result.name, storedPath, sizeBytes: item.bytes.byteLength,
    status, reason: result.reason, attention: status === "needs_attention" ? attentionOf(result) : null, receivedAt, processedAt,
  });
  try {
    return await db.knex.transaction(async (trx) => {
      const fileId = await insertReceivedFile(trx, row(outcome.status === "ok" ? "processed" : "needs_attention"));
      if (fileId === null) {
        // Another ingest received the same content meanwhile.
        return { ...result, status: "already_received" as const, reason: null, notes: ["Received by another ingest at the same time."] };
      }
      result.fileId = fileId;
      if (outcome.status === "ok") {
        result.invoiceId = await insertInvoice(trx, { authorityId, fileId, receivedAt, invoice: outcome.invoice, notes: outcome.notes, uncertain: outcome.uncertain });
        result.status = "stored";
      } else {
        result.status = "needs_attention";
      }
      return result;
    });
  } catch (error) {
    log?.warn("invoice file could not be stored as read", { sha256: item.sha256.slice(0, 12), error: errorText(error) });
    result.fileId = null;
    storageFailed(result, error);
  }
  try {
    result.fileId = await db.knex.transaction((trx) => insertReceivedFile(trx, row("needs_attention")));
  } catch (error) {
    if (!keptBefore) await originals.forget(item.sha256, storedPath).catch(() => undefined);
    result.reason = `${result.reason ?? ""} Recording it failed as well (${errorText(error)}), so it was not kept.`;
  }
  return result;
}

export interface ReprocessOptions {
  dataDir: string;
  logger?: Logger;
  authorityId: number;
  /** Audit the invoice once stored (AUDIT.md "When"); default true. */
  auditOnArrival?: boolean;
  arrivalQueue?: WorkQueue | null;
  /** Who asks, for the audit log (default "ingest"). */
  actor?: string;
  templateDirs?: string[];
  templates?: ProviderTemplate[];
  now?: () => Date;
}

/**
 * Reads a received file that needs attention again (after an alias, a VAT number, a template or
 * the reference data was added). On success its invoice is stored with the file's original
 * receipt time and the file leaves the queue; otherwise its reason is brought up to date.
 */
export async function reprocessFile(db: Database, fileId: string | number, options: ReprocessOptions): Promise<IngestFileResult> {
  const { authorityId } = options;
  const context = await readContext(db, authorityId, options);
  const result = await reprocessWith(db, String(fileId), context, options);
  const audit = await auditStored(db, [result], options);
  await logInvoiceFiles(db.knex, { authorityId, actor: options.actor ?? "ingest", action: "reprocess", fileId: result.fileId, results: [result], audit });
  return result;
}

/**
 * Audits the invoices just stored (audit-arrivals.ts). Never fails the ingest: the files are
 * stored, and an invoice the arrival audit missed is audited by the monthly run.
 */
async function auditStored(
  db: Database,
  results: readonly IngestFileResult[],
  options: { authorityId: number; logger?: Logger; auditOnArrival?: boolean; actor?: string; arrivalQueue?: WorkQueue | null },
): Promise<ArrivalAuditResult | null> {
  if (options.auditOnArrival === false) return null;
  const invoiceIds = results.filter((r) => r.status === "stored" && r.invoiceId !== null).map((r) => r.invoiceId as string);
  if (invoiceIds.length === 0) return null;
  try {
    return await auditArrivals(db, { authorityId: options.authorityId, invoiceIds, actor: options.actor ?? null, queue: options.arrivalQueue ?? null, ...(options.logger ? { logger: options.logger } : {}) });
  } catch (error) {
    options.logger?.error("the audit on arrival failed; the monthly run will audit these invoices", { invoices: invoiceIds.length, error: errorText(error) });
    return { status: "left_for_monthly_run", reason: errorText(error) };
  }
}

async function reprocessWith(db: Database, fileId: string, context: ReadContext, options: ReprocessOptions): Promise<IngestFileResult> {
  const { authorityId } = options;
  const now = options.now ?? (() => new Date());
  const file = await getReceivedFile(db.knex, authorityId, fileId);
  if (!file) throw new AppError("ingest.no_such_file", `No received file has id ${fileId}.`, { fileId });
  const result = baseResult(file.originalName);
  result.fileId = file.id;
  result.sha256 = file.sha256;
  if (file.status !== "needs_attention") {
    throw new AppError("ingest.not_waiting", `${file.originalName} does not need attention (it was processed already).`, { fileId });
  }
  const bytes = await originalsStore(db, options.dataDir).read(file);
  const [outcome] = await parseFiles([{ name: file.originalName, bytes }], context);
  if (!outcome) throw new AppError("ingest.internal", "No outcome for the file");
  Object.assign(result, outcomeFields(outcome));
  try {
    await db.knex.transaction(async (trx) => {
      if (outcome.status === "ok") {
        result.invoiceId = await insertInvoice(trx, { authorityId, fileId: file.id, receivedAt: file.receivedAt, invoice: outcome.invoice, notes: outcome.notes, uncertain: outcome.uncertain });
        await updateReceivedFileStatus(trx, file.id, "processed", null, now());
        result.status = "stored";
      } else {
        await updateReceivedFileStatus(trx, file.id, "needs_attention", result.reason, now(), attentionOf(result));
        result.status = "needs_attention";
      }
    });
  } catch (error) {
    options.logger?.warn("invoice file could not be stored as read", { fileId: file.id, error: errorText(error) });
    storageFailed(result, error);
    await updateReceivedFileStatus(db.knex, file.id, "needs_attention", result.reason, now(), attentionOf(result));
  }
  options.logger?.info("invoice file re-processed", { fileId: file.id, status: result.status, reason: result.reasonCode, providerId: result.providerId });
  return result;
}

/** Re-processes every file waiting in "needs attention", oldest first. */
export async function reprocessNeedsAttention(db: Database, options: ReprocessOptions): Promise<IngestReport> {
  const { authorityId } = options;
  const context = await readContext(db, authorityId, options);
  const results: IngestFileResult[] = [];
  for (const file of await listNeedsAttention(db.knex, authorityId)) {
    results.push(await reprocessWith(db, file.id, context, options));
  }
  const audit = await auditStored(db, results, options);
  await logInvoiceFiles(db.knex, { authorityId, actor: options.actor ?? "ingest", action: "reprocess", results, audit });
  return { ...report(results), audit };
}
