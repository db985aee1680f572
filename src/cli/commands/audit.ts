import { AppError } from "../../domain/errors.js";
import { formatMoney } from "../../domain/money.js";
import type { AuditScope } from "../../services/audit/run-audit.js";
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
    "  --threads N       on PostgreSQL, share a large audit among N threads (default: one per core",
    "                    when the server is another machine, else one; the embedded database uses one)",
    "  --queue           on PostgreSQL, share the audit out through the work queue as one job per",
    "                    provider partition, done by every running `worker` and by this command",
    "  --queue-only      as --queue, but leave the parts to the workers and only wait for them",
    "  --part-lines N    with --queue: lines per partition (default 20,000)",
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
    // Owned and heart-beating, so that a run this process leaves behind (killed) is recognised
    // as abandoned by the next command on any machine.
    const queued = values.queue === true || values["queue-only"] === true;
    const partLines = values["part-lines"] === undefined ? undefined : Number(values["part-lines"]);
    if (partLines !== undefined && (!Number.isInteger(partLines) || partLines < 1)) throw new AppError("usage", `--part-lines must be a whole number of lines, not "${values["part-lines"]}"`);
    const queue = queued ? await workQueueFor(db, context.logger) : null;
    if (queued && !queue) throw new AppError("usage", "--queue and --queue-only need a PostgreSQL server (DATABASE_URL): the embedded database audits in this process");
    let result: Awaited<ReturnType<typeof runAuditWithHeartbeat>>;
    try {
      if (queue && values["queue-only"] !== true) await startQueueWorkers(db, queue, { dataDir: context.settings.dataDir, logger: context.logger, files: false });
      result = await runAuditWithHeartbeat(db, { scope, authorityId: await context.authorityId(), logger: context.logger, queue, ...(partLines !== undefined ? { partLines } : {}), ...(threads !== undefined ? { threads } : {}) });
    } finally {
      await queue?.stop();
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
