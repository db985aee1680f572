import fs from "node:fs";
import path from "node:path";
import { AppError } from "../../domain/errors.js";
import { arrivalAuditSummary, type ArrivalAuditResult } from "../../services/audit/audit-arrivals.js";
import { databaseNow, waitForArrivals } from "../../services/audit/arrival-queue.js";
import { startQueueWorkers } from "../../services/queue/queue-workers.js";
import { ingestFiles, reprocessNeedsAttention, type IngestFileInput, type IngestFileResult, type IngestProgress, type IngestReport } from "../../services/ingest/ingest-files.js";
import { parseCommandArgs } from "../args.js";
import { workQueueFor, type WorkQueue } from "../../services/queue/work-queue.js";
import { queueFiles } from "../../services/ingest/ingest-queue.js";
import { MAX_FILES_AT_ONCE, readFilesAtOnce } from "../../services/ingest/ingest-parse.js";
import type { Database } from "../../db/connection.js";
import type { CommandContext } from "../command.js";
import { EXIT_OK, EXIT_REJECTED, type Command } from "../command.js";

/** Extensions picked up when a directory is named (a file named explicitly is always tried). */
const INVOICE_EXTENSIONS = new Set([".pdf", ".xlsx", ".xlsm", ".csv", ".png", ".jpg", ".jpeg", ".tif", ".tiff"]);

interface Collected {
  files: IngestFileInput[];
  missing: string[];
  skipped: number;
}

/** Files named, and invoice files found under directories named (hidden entries skipped). */
export function collectInvoiceFiles(targets: readonly string[]): Collected {
  const collected: Collected = { files: [], missing: [], skipped: 0 };
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (entry.name.startsWith(".")) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && INVOICE_EXTENSIONS.has(path.extname(entry.name).toLowerCase())) collected.files.push({ name: entry.name, path: full });
      else collected.skipped++;
    }
  };
  for (const target of targets) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(target);
    } catch {
      collected.missing.push(target);
      continue;
    }
    if (stat.isDirectory()) walk(target);
    else collected.files.push({ name: path.basename(target), path: target });
  }
  return collected;
}

function describe(result: IngestFileResult): string {
  switch (result.status) {
    case "stored": {
      const what = result.kind === "credit_note" ? "credit note" : "invoice";
      const stored = `${result.name}  ${result.providerId ?? ""} ${what} ${result.invoiceNumber ?? ""} (${result.lines} line${result.lines === 1 ? "" : "s"})`;
      // Stored but not audited until a person confirms its uncertain values (issue 18).
      if (result.toVerify.length > 0) return `to verify         ${stored}: ${result.toVerify.length} value(s) to verify (${result.toVerify.join("; ")})`;
      return `stored            ${stored}`;
    }
    case "already_received":
      return `already received  ${result.name}${result.reason ? `  (still needs attention: ${result.reason})` : ""}`;
    case "needs_attention":
      return `needs attention   ${result.name}: ${result.reason ?? "could not be read"}`;
  }
}

function progressBar(stream: NodeJS.WritableStream, progress: IngestProgress): void {
  const width = 30;
  const filled = Math.round((progress.done / Math.max(1, progress.total)) * width);
  const name = progress.name.length > 40 ? `${progress.name.slice(0, 39)}…` : progress.name;
  stream.write(`\r[${"#".repeat(filled)}${".".repeat(width - filled)}] ${progress.done}/${progress.total} ${name.padEnd(40)}`);
}

function summary(report: IngestReport, skipped: number, missing: number): string {
  const parts = [`${report.stored} stored`, `${report.alreadyReceived} already received`, `${report.needsAttention} need${report.needsAttention === 1 ? "s" : ""} attention`];
  if (missing > 0) parts.push(`${missing} not found`);
  if (skipped > 0) parts.push(`${skipped} other file(s) skipped`);
  const audited = arrivalAuditSummary(report.audit);
  return `${parts.join(", ")}\n${audited ? `${audited}\n` : ""}`;
}

export const ingestCommand: Command = {
  name: "ingest",
  help: [
    "Reads invoices and credit notes. Directories are searched for .pdf, .xlsx and .csv files, and",
    "for scans (.png, .jpg, .tif), which are read by OCR like PDFs without a text layer.",
    "Files are received in the order of their names. A file received before (same content) is",
    "reported and skipped; a file that cannot be read fully is kept in \"needs attention\" with its",
    "reason (see `invoices --needs-attention`). Exit status 1 when some file needs attention.",
    "The stored invoices are audited on arrival; on a PostgreSQL server through the work queue (one",
    "job per provider), which this command works until they are done, with any running `worker`.",
    "",
    "  --reprocess      read again every file waiting in \"needs attention\" (after adding a provider",
    "                   alias, VAT number or template); may be given without files",
    "  --workers N      read at most N files at once (1-16), each in its own bounded child process",
    "                   (default: one per core, at most 4)",
    "  --queue          on a PostgreSQL server: keep each file in the database and queue it for the",
    "                   running `worker`s (on any machine) to read, then return; each content is queued once",
    "",
    "Provider templates: DATA_DIR/templates/*.json (format: src/ingest/templates/README.md).",
  ].join("\n"),
  async run(args, context) {
    const { values, positionals } = parseCommandArgs(args, { reprocess: { type: "boolean" }, workers: { type: "string" }, queue: { type: "boolean" } }, true);
    if (positionals.length === 0 && !values.reprocess) throw new AppError("usage", "name at least one invoice file or directory (or --reprocess)");
    if (values.workers !== undefined) {
      const workers = Number(values.workers);
      if (!Number.isInteger(workers) || workers < 1 || workers > MAX_FILES_AT_ONCE) throw new AppError("usage", `--workers must be a whole number from 1 to ${MAX_FILES_AT_ONCE}, not "${values.workers}"`);
      readFilesAtOnce(workers);
    }
    const collected = collectInvoiceFiles(positionals);
    for (const missing of collected.missing) context.stderr.write(`placement-audit ingest: ${missing}: no such file or directory\n`);
    const db = await context.database();
    const authorityId = await context.authorityId();
    // On a PostgreSQL server the audit on arrival goes through the work queue (one job per
    // provider, its lock held: arrival-queue.ts), and this process works those jobs itself until
    // its arrivals are audited. The files are still read here: the files of one `ingest` are
    // received in the order of their names (INTERFACES.md), which jobs on several workers could
    // not keep (`--queue` hands them to the workers, order aside).
    const queue = await workQueueFor(db, context.logger);
    try {
      if (queue && !values.queue) await startQueueWorkers(db, queue, { dataDir: context.settings.dataDir, logger: context.logger, files: false, arrivalsOnly: true });
      return await ingestHere(context, db, { authorityId, collected, positionals, reprocess: values.reprocess === true, queueOnly: values.queue === true, queue });
    } finally {
      await queue?.stop();
    }
  },
};

async function ingestHere(
  context: CommandContext,
  db: Database,
  options: { authorityId: number; collected: Collected; positionals: readonly string[]; reprocess: boolean; queueOnly: boolean; queue: WorkQueue | null },
): Promise<number> {
  const { authorityId, collected, positionals, queue } = options;
  const dataDir = context.settings.dataDir;
  const onTerminal = Boolean((context.stderr as NodeJS.WriteStream).isTTY);
  let exit = collected.missing.length > 0 ? EXIT_REJECTED : EXIT_OK;
  // When this step's arrival jobs may complete from (database time): their runs are what it audited.
  const startOfStep = async (): Promise<Date | null> => (queue ? databaseNow(db) : null);

  if (options.reprocess) {
    const since = await startOfStep();
    const again = await reprocessNeedsAttention(db, { dataDir, authorityId, logger: context.logger, actor: "command line", arrivalQueue: queue });
    if (queue && since) again.audit = await auditedThroughQueue(db, queue, authorityId, again.audit, since);
    for (const file of again.files) context.stdout.write(`re-processed: ${describe(file)}\n`);
    context.stdout.write(`re-processed ${again.files.length} file(s): ${again.stored} stored, ${again.needsAttention} still need attention\n`);
    if (again.needsAttention > 0) exit = EXIT_REJECTED;
  }
  if (collected.files.length === 0) {
    if (positionals.length > 0) context.stdout.write(summary({ files: [], stored: 0, alreadyReceived: 0, needsAttention: 0, problems: [], audit: null }, collected.skipped, collected.missing.length));
    return exit;
  }
  if (options.queueOnly) return queueForWorkers(context, db, queue, authorityId, collected.files, exit);
  const since = await startOfStep();
  const report = await ingestFiles(db, collected.files, {
    dataDir,
    authorityId,
    actor: "command line",
    arrivalQueue: queue,
    // On a terminal the progress bar and the result lines say it all; log lines would break the bar.
    ...(onTerminal ? {} : { logger: context.logger }),
    // On a terminal a progress bar, then the results; otherwise one plain line per file as it is done.
    // A scan is read at seconds a page: the terminal shows its pages as they are read.
    ...(onTerminal ? { onPage: (name: string, page: number, pages: number) => context.stderr.write(`\r  OCR ${name.slice(0, 40)}: page ${page} of ${pages}`.padEnd(80)) } : {}),
    onProgress: (progress) => {
      if (onTerminal) progressBar(context.stderr, progress);
      else context.stdout.write(`${describe(progress.result)}\n`);
    },
  });
  if (queue && since) report.audit = await auditedThroughQueue(db, queue, authorityId, report.audit, since);
  if (onTerminal) {
    context.stderr.write("\n");
    for (const file of report.files) context.stdout.write(`${describe(file)}\n`);
  }
  context.stdout.write(summary(report, collected.skipped, collected.missing.length));
  if (report.needsAttention > 0) {
    // Exit status 1 comes with the list of every file that needs a person, whatever came before.
    context.stderr.write(`${report.needsAttention} file(s) need attention (invoices --needs-attention --format json gives every problem):\n`);
    for (const problem of report.problems) context.stderr.write(`  ${problem}\n`);
  }
  return report.needsAttention > 0 ? EXIT_REJECTED : exit;
}

/** The queued audit on arrival, once its jobs are done: what they audited, as the in-process audit says it. */
async function auditedThroughQueue(db: Database, queue: WorkQueue, authorityId: number, audit: ArrivalAuditResult | null, since: Date): Promise<ArrivalAuditResult | null> {
  if (audit?.status !== "queued") return audit;
  const done = await waitForArrivals(db, queue, { authorityId, providerIds: audit.providerIds, since });
  if (done.runIds.length === 0) {
    const reason = done.leftForMonthlyRun.length > 0 ? "its audit failed every attempt" : "another audit is running";
    return { status: "left_for_monthly_run", reason };
  }
  return { status: "audited", runId: done.runIds.join(", "), providers: audit.providers, ...done.counts };
}

/** `ingest --queue`: the files are kept in the database and queued; the workers read them. */
async function queueForWorkers(context: CommandContext, db: Database, queue: WorkQueue | null, authorityId: number, files: readonly IngestFileInput[], exit: number): Promise<number> {
  if (!queue) throw new AppError("usage", "--queue needs a PostgreSQL server (DATABASE_URL): the embedded database reads files in this process");
  const queued = await queueFiles(db, queue, files, { authorityId, actor: "command line" });
  for (const file of queued) context.stdout.write(`${file.name}: ${file.problem ?? (file.queued ? "queued" : "already queued (same content)")}\n`);
  context.stdout.write(`${queued.filter((f) => f.queued).length} file(s) queued for the workers, ${queued.filter((f) => !f.queued && f.problem === null).length} queued before\n`);
  return queued.some((f) => f.problem !== null) ? EXIT_REJECTED : exit;
}
