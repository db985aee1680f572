import type { Database } from "../db/connection.js";
import type { Logger } from "../logger.js";
import { importReference, type ImportReport } from "../services/reference/import-reference.js";
import { arrivalAuditSummary } from "../services/audit/audit-arrivals.js";
import { ingestFiles, reprocessFile, type IngestFileResult, type IngestReport } from "../services/ingest/ingest-files.js";
import { startAudit, type RunAuditResult } from "../services/audit/run-audit.js";
import { categoryLabel, formatMoney } from "./format.js";

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
}

export interface ServicePorts {
  ingestInvoices: ((files: UploadedFile[], authorityId: number) => Promise<ServiceReport>) | null;
  /** Reads a file that needs attention again (after an alias or the reference data was fixed). */
  reprocessFile: ((fileId: string, authorityId: number) => Promise<ServiceReport>) | null;
  importReference: ((files: UploadedFile[], authorityId: number) => Promise<ServiceReport>) | null;
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

function describeImport(report: ImportReport): ServiceReport {
  return {
    ok: report.ok,
    summary: report.files.map((f) => ({
      label: f.file,
      value:
        f.status === "applied"
          ? `${f.table ?? "?"}: ${f.counts.inserted} added, ${f.counts.updated} updated, ${f.counts.unchanged} unchanged`
          : `Rejected: nothing from this file was applied (${f.rows} rows)`,
    })),
    problems: report.files.flatMap((f) => [
      ...f.errors.map((e) => e.message),
      ...(f.errorsOmitted > 0 ? [`${f.file}: ${f.errorsOmitted} more problems not shown`] : []),
      ...f.warnings.map((w) => `Warning: ${w.message}`),
    ]),
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
  return {
    ingestInvoices: async (files, authorityId) => describeIngest(await ingestFiles(db, files, { dataDir, logger, authorityId })),
    reprocessFile: async (fileId, authorityId) => {
      const result = await reprocessFile(db, fileId, { dataDir, logger, authorityId });
      return { ok: result.status === "stored", summary: [describeIngestedFile(result)], problems: result.reason && result.status !== "stored" ? [result.reason] : [] };
    },
    importReference: async (files, authorityId) =>
      describeImport(await importReference(db, files.map((f) => ({ name: f.name, bytes: Buffer.from(f.bytes.buffer, f.bytes.byteOffset, f.bytes.byteLength) })), { authorityId, logger })),
    runAudit: async (request) => {
      const started = await startAudit(db, { scope: request.month ? { kind: "month", month: request.month } : { kind: "all" }, trigger: "manual", authorityId: request.authorityId, logger });
      return { runId: started.runId, finished: started.finished.then(describeAudit) };
    },
  };
}

export const NO_PORTS: ServicePorts = { ingestInvoices: null, reprocessFile: null, importReference: null, runAudit: null };
