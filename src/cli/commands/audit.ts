import { AppError } from "../../domain/errors.js";
import { formatMoney } from "../../domain/money.js";
import { type AuditScope, type RunAuditResult } from "../../services/audit/run-audit.js";
import { runAuditAfterQueuedRuns } from "../../services/audit/audit-after-queued.js";
import { runAuditWithHeartbeat } from "../../services/scheduler/run-recovery.js";
import { parseCommandArgs, requireMonth } from "../args.js";
import { EXIT_OK, type Command } from "../command.js";
import { workQueueFor } from "../../services/queue/work-queue.js";
import { startQueueWorkers } from "../../services/queue/queue-workers.js";

/** The month before `now`, in Europe/London (the default audit scope). */
export function previousMonth(now: Date = new Date()): string {
  const parts = new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/London", year: "numeric", month: "2-digit" }).formatToParts(now);
  const year = Number(parts.find((p) => p.type === "year")?.value);
  const month = Number(parts.find((p) => p.type === "month")?.value);
  return month === 1 ? `${year - 1}-12` : `${year}-${String(month - 1).padStart(2, "0")}`;
}

export const auditCommand: Command = {
  name: "audit",
  help: [
    "Audits invoices against the reference data and records findings. Idempotent: re-running changes",
    "no reviewer decision and creates no duplicate finding.",
    "",
    "  --month YYYY-MM   invoices dated in that month (default: the previous month, Europe/London)",
    "  --all             every invoice",
    "  --threads N       on the embedded database: ignored (it audits in this thread); on PostgreSQL:",
    "                    how many of the run's partitions this process audits at once (default 1)",
    "  --queue           accepted for compatibility; does nothing more: on PostgreSQL every audit is",
    "                    shared out through the work queue (pg-boss) as one job per provider partition,",
    "                    done by every running `worker` and by this command until the run is done",
    "  --queue-only      on PostgreSQL, leave the parts to the workers and only wait for them",
    "  --part-lines N    on PostgreSQL: lines per partition (default 20,000)",
  ].join("\n"),
  async run(args, context) {
    const { values } = parseCommandArgs(args, { month: { type: "string" }, all: { type: "boolean" }, threads: { type: "string" }, queue: { type: "boolean" }, "queue-only": { type: "boolean" }, "part-lines": { type: "string" } });
    if (values.all && values.month) throw new AppError("usage", "give --month or --all, not both");
    let threads: number | undefined;
    if (values.threads !== undefined) {
      threads = Number(values.threads);
      if (!Number.isInteger(threads) || threads < 1 || threads > 16) throw new AppError("usage", `--threads must be a whole number from 1 to 16, not "${values.threads}"`);
    }
    const scope: AuditScope = values.all ? { kind: "all" } : { kind: "month", month: requireMonth(values.month) ?? previousMonth() };
    const db = await context.database();
    const partLines = values["part-lines"] === undefined ? undefined : Number(values["part-lines"]);
    if (partLines !== undefined && (!Number.isInteger(partLines) || partLines < 1)) throw new AppError("usage", `--part-lines must be a whole number of lines, not "${values["part-lines"]}"`);
    const options = { scope, authorityId: await context.authorityId(), logger: context.logger };
    let result: RunAuditResult;
    const queue = await workQueueFor(db, context.logger);
    if (queue) {
      // PostgreSQL: one execution path, the work queue's. The parts take the providers' locks (no
      // arrival job audits one of them meanwhile), and a part whose worker dies (this process
      // killed) is retried by another worker after its expiry: the run is the queue's, not ours.
      try {
        if (values["queue-only"] !== true) await startQueueWorkers(db, queue, { dataDir: context.settings.dataDir, logger: context.logger, files: false, auditParts: threads ?? 1 });
        // An audit still on the queue (say its process was killed) is waited for, worked by this
        // process too, and this audit runs after it (audit-after-queued.ts).
        result = await runAuditAfterQueuedRuns(db, { ...options, queue, ...(partLines !== undefined ? { partLines } : {}) }, (runId) =>
          context.stderr.write(
            `placement-audit audit: audit run ${runId} is still running on the work queue; this process helps finish it (a part whose worker stopped is retried once its job expires: QUEUE_EXPIRE_SECONDS), then audits.\n`,
          ),
        );
      } finally {
        await queue.stop();
      }
    } else {
      if (values.queue === true || values["queue-only"] === true) throw new AppError("usage", "--queue and --queue-only need a PostgreSQL server (DATABASE_URL): the embedded database audits in this process");
      // Owned and heart-beating: a `serve` sharing this embedded database (embedded-share.ts)
      // tells this process's death from a long audit by it.
      result = await runAuditWithHeartbeat(db, options);
    }
    const flagged = Object.entries(result.flaggedByCategory).map(([category, amount]) => `${category} ${formatMoney(amount)}`).join(", ");
    context.stdout.write(
      `Audited ${result.invoicesAudited} invoice(s), ${result.linesAudited} line(s) (${scope.kind === "all" ? "all invoices" : scope.month}): ` +
        `${result.findingsRaised} finding(s); flagged ${flagged}. Run ${result.runId}.\n` +
        (result.foundUnaudited > 0 ? `${result.foundUnaudited} invoice(s) had not been audited on arrival; they are audited now.\n` : ""),
    );
    return EXIT_OK;
  },
};
