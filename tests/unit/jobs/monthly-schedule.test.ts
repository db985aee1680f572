import { afterEach, describe, expect, it, vi } from "vitest";
import { monthlyAuditJob } from "../../../jobs/monthly-audit.job.js";
import { createCronTask, validateAuditSchedule } from "../../../src/services/scheduler/cron.js";
import { monthToAudit, monthlySlotKey } from "../../../src/services/scheduler/monthly-slots.js";
import { AppError } from "../../../src/domain/errors.js";
import { silentLogger } from "../../../src/logger.js";

// The clock is faked (vitest's fake timers replace Date and setTimeout), so node-cron itself
// decides when the task fires: the test shows what production would do at those instants.
async function firingsBetween(expression: string, from: string, to: string): Promise<string[]> {
  vi.useFakeTimers({ now: new Date(from), toFake: ["Date", "setTimeout", "clearTimeout", "setInterval", "clearInterval"] });
  const fired: string[] = [];
  const schedule = monthlyAuditJob.schedule({ auditSchedule: expression, inboxPollMs: 5_000 });
  if (schedule.kind !== "cron") throw new Error("the monthly audit runs on a cron schedule");
  const task = createCronTask(monthlyAuditJob.name, schedule, (at) => {
    fired.push(at.toISOString());
    return Promise.resolve();
  }, silentLogger());
  await task.start();
  await vi.advanceTimersByTimeAsync(new Date(to).getTime() - new Date(from).getTime());
  await task.destroy();
  return fired;
}

describe("the monthly schedule (Europe/London)", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("fires 0 6 1 * * at 06:00 London on the 1st: 06:00Z in GMT, 05:00Z in BST", async () => {
    // 1 Mar 2026 is GMT; the clocks go forward on 29 Mar 2026; 1 Apr 2026 is BST.
    expect(await firingsBetween("0 6 1 * *", "2026-02-27T12:00:00Z", "2026-04-02T12:00:00Z")).toEqual([
      "2026-03-01T06:00:00.000Z",
      "2026-04-01T05:00:00.000Z",
    ]);
  });

  it("fires in GMT again after the clocks go back (25 Oct 2026)", async () => {
    expect(await firingsBetween("0 6 1 * *", "2026-09-30T00:00:00Z", "2026-11-01T12:00:00Z")).toEqual([
      "2026-10-01T05:00:00.000Z",
      "2026-11-01T06:00:00.000Z",
    ]);
  });

  it("audits the month before the firing's month, as a calendar in London", () => {
    expect(monthToAudit(new Date("2026-11-01T06:00:00Z"))).toBe("2026-10");
    expect(monthToAudit(new Date("2026-04-01T05:00:00Z"))).toBe("2026-03");
    expect(monthToAudit(new Date("2027-01-01T06:00:00Z"))).toBe("2026-12");
    // 00:30 on 1 Apr 2026 in London is still 31 Mar in UTC: London's April, so March is audited.
    expect(monthToAudit(new Date("2026-03-31T23:30:00Z"))).toBe("2026-03");
  });

  it("keys a month's run by authority and month", () => {
    expect(monthlySlotKey(1, "2026-10")).toBe("monthly:1:2026-10");
  });

  it("refuses a bad AUDIT_SCHEDULE with a config error naming the variable", () => {
    for (const bad of ["every month", "0 6 32 * *", "61 6 1 * *", "0 6 1 * * * *"]) {
      let thrown: unknown;
      try {
        validateAuditSchedule(bad);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(AppError);
      expect((thrown as AppError).code).toBe("config.audit_schedule");
      expect((thrown as AppError).message).toContain("AUDIT_SCHEDULE");
      expect((thrown as AppError).message).toContain(bad);
    }
    expect(() => validateAuditSchedule("0 6 1 * *")).not.toThrow();
    expect(() => validateAuditSchedule("* * * * * *")).not.toThrow();
  });
});
