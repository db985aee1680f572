import { runAudit } from "../src/services/audit/run-audit.js";
import { writeMonthlyReport } from "../src/services/reports/savings-report.js";
import { MONTHLY_AUDIT_JOB, type MonthlyAuditJob } from "../src/services/scheduler/monthly-slots.js";

/**
 * The monthly audit: on AUDIT_SCHEDULE (Europe/London), audit the invoices of the month before
 * the firing time's month and write that month's savings report to DATA_DIR/reports/. Which
 * instance runs which authority's month, once, is the scheduler's business
 * (src/services/scheduler/monthly-slots.ts).
 */
export const monthlyAuditJob: MonthlyAuditJob = {
  name: MONTHLY_AUDIT_JOB,
  schedule: (settings) => ({ kind: "cron", expression: settings.auditSchedule, timezone: "Europe/London" }),
  async run({ db, dataDir, logger, queue }, { authorityId, month, runKey, audited }) {
    const audit = audited ?? (await runAudit(db, { scope: { kind: "month", month }, authorityId, trigger: "scheduled", runKey, logger, queue: queue ?? null }));
    const reportPath = await writeMonthlyReport(db, month, dataDir, { authorityId });
    return { audit, reportPath };
  },
};
