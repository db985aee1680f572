import type { Database } from "../db/connection.js";
import type { Logger } from "../logger.js";
import { showValue } from "../reference/diff.js";
import type { HeaderMapping } from "../reference/headers.js";
import { importReference, type ImportFileInput, type ImportReport } from "../services/reference/import-reference.js";
import { arrivalAuditSummary } from "../services/audit/audit-arrivals.js";
import { ingestFiles, reprocessFile, type IngestFileResult, type IngestReport } from "../services/ingest/ingest-files.js";
import { startAudit, type RunAuditResult } from "../services/audit/run-audit.js";
import { categoryLabel, formatMoney } from "./format.js";
import type { WorkQueue } from "../services/queue/work-queue.js";

/**
 * The one place where the web UI reaches the pipeline services: invoice ingestion, reference
 * import and the audit. Pages see only ServicePorts (a summary and problems to show), so a
 * change in a service's report touches this file alone; tests and the lead may pass their own.
 */
export interface UploadedFile {
  name: string;
  bytes: Uint8Array;
}

/** What a service did, reduced to what a page shows: summary rows and problems. */
export interface ServiceReport {
  ok: boolean;
  summary: { label: string; value: string }[];
  problems: string[];
}

export interface AuditRequest {
  /** `YYYY-MM`, or null for all invoices. */
  month: string | null;
  authorityId: number;
  /** Who asked (the audit log names them). */
  actor?: string;
}

export interface ReferenceImportRequest {
  authorityId: number;
  /** Who, for the audit log. */
  actor: string;
  mappings: HeaderMapping[];
  dryRun?: boolean;
  confirmKeyChanges?: boolean;
  skipBadRows?: boolean;
}

export interface ServicePorts {
  /**
   * On a PostgreSQL server, the work queue: the audit on arrival of what a page stores outside
   * these ports (an invoice keyed in) is queued through it, as an upload's is (null: in-process).
   */
  arrivalQueue?: WorkQueue | null;
  /** `actor`: who uploads (the audit log names them). */
  ingestInvoices: ((files: UploadedFile[], authorityId: number, actor?: string) => Promise<ServiceReport>) | null;
  /** Reads a file that needs attention again (after an alias or the reference data was fixed). */
  reprocessFile: ((fileId: string, authorityId: number, actor?: string) => Promise<ServiceReport>) | null;
  /** Previews or applies reference files as one import (the preview page, then its Apply button). */
  importReference: ((files: ImportFileInput[], request: ReferenceImportRequest) => Promise<ImportReport>) | null;
  /**
   * Starts an audit: resolves once the run is recorded, with its end to come. Rejects with
   * AppError "audit.already_running" (naming the running run) while another audit runs.
   */
  runAudit: ((request: AuditRequest) => Promise<{ runId: string; finished: Promise<ServiceReport> }>) | null;
}

export interface PortDeps {
  db: Database;
  dataDir: string;
  logger: Logger;
  /** On a PostgreSQL server, the work queue: an audit is shared out through it. */
  queue?: WorkQueue | null;
}

function describeIngestedFile(file: IngestFileResult): { label: string; value: string } {
  switch (file.status) {
    case "stored":
      return {
        label: file.name,
        value: `Stored: ${file.kind === "credit_note" ? "credit note" : "invoice"} ${file.invoiceNumber ?? ""} from ${file.providerId ?? "?"}, ${file.lines} ${file.lines === 1 ? "line" : "lines"}`,
      };
    case "already_received":
      return { label: file.name, value: "Already received: skipped" };
    case "needs_attention":
      return { label: file.name, value: `Needs attention: ${file.reason ?? "not readable"}` };
  }
}

function describeIngest(report: IngestReport): ServiceReport {
  return {
    ok: report.needsAttention === 0,
    summary: [
      { label: "Stored", value: String(report.stored) },
      { label: "Already received", value: String(report.alreadyReceived) },
      { label: "Need attention", value: String(report.needsAttention) },
      ...(arrivalAuditSummary(report.audit) ? [{ label: "Audit", value: arrivalAuditSummary(report.audit) ?? "" }] : []),
      ...report.files.map(describeIngestedFile),
    ],
    problems: report.problems,
  };
}

/** An applied import as the uploads page's report. */
export function describeImport(report: ImportReport): ServiceReport {
  const applied = report.outcome === "applied";
  const refusal =
    report.outcome === "refused_key_changes"
      ? [`Nothing was applied: ${report.keyChanges} change(s) would move an existing placement to another child, provider or contract.`]
      : report.outcome === "refused_problems"
        ? ["Nothing was applied: some rows have problems (listed)."]
        : [];
  return {
    ok: applied && report.ok,
    summary: report.files.map((f) => ({
      label: f.file,
      value:
        f.status === "rejected"
          ? `Rejected: nothing from this file can be loaded (${f.rows} rows)`
          : `${f.table ?? "?"}: ${f.counts.inserted} ${applied ? "added" : "to add"}, ${f.counts.updated} ${applied ? "updated" : "to update"}, ${f.counts.unchanged} unchanged${f.counts.rejected > 0 ? `, ${f.counts.rejected} with problems` : ""}`,
    })),
    problems: [
      ...refusal,
      ...report.files.flatMap((f) => [
        ...f.errors.map((e) => e.message),
        ...(f.errorsOmitted > 0 ? [`${f.file}: ${f.errorsOmitted} more problems not shown`] : []),
        ...f.keyChanges.map((k) => `${f.file} row ${k.rowNumber}: ${k.label}: ${k.changes.map((c) => `${c.column} ${showValue(c.before)} → ${showValue(c.after)}`).join("; ")}`),
        ...f.warnings.map((w) => `Warning: ${w.message}`),
      ]),
    ],
  };
}

function describeAudit(result: RunAuditResult): ServiceReport {
  return {
    ok: true,
    summary: [
      { label: "Audit run", value: result.runId },
      { label: "Invoices audited", value: String(result.invoicesAudited) },
      { label: "Lines audited", value: String(result.linesAudited) },
      { label: "Findings raised", value: String(result.findingsRaised) },
      ...Object.entries(result.flaggedByCategory).map(([category, amount]) => ({ label: `Flagged: ${categoryLabel(category)}`, value: formatMoney(amount) })),
    ],
    problems: [],
  };
}

/** The ports backed by the real services. */
export function servicePorts(deps: PortDeps): ServicePorts {
  const { db, dataDir, logger } = deps;
  const queue = deps.queue ?? null;
  return {
    arrivalQueue: queue,
    ingestInvoices: async (files, authorityId, actor) => describeIngest(await ingestFiles(db, files, { dataDir, logger, authorityId, upload: true, arrivalQueue: queue, ...(actor ? { actor } : {}) })),
    reprocessFile: async (fileId, authorityId, actor) => {
      const result = await reprocessFile(db, fileId, { dataDir, logger, authorityId, arrivalQueue: queue, ...(actor ? { actor } : {}) });
      return { ok: result.status === "stored", summary: [describeIngestedFile(result)], problems: result.reason && result.status !== "stored" ? [result.reason] : [] };
    },
    importReference: (files, request) => importReference(db, files, { logger, ...request }),
    runAudit: async (request) => {
      const started = await startAudit(db, { scope: request.month ? { kind: "month", month: request.month } : { kind: "all" }, trigger: "manual", authorityId: request.authorityId, actor: request.actor ?? null, logger, queue });
      return { runId: started.runId, finished: started.finished.then(describeAudit) };
    },
  };
}

export const NO_PORTS: ServicePorts = { ingestInvoices: null, reprocessFile: null, importReference: null, runAudit: null };
