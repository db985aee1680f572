import cron from "node-cron";
import { afterEach, describe, expect, it } from "vitest";
import { startScheduler } from "../../jobs/index.js";
import { lastFiringBefore } from "../../src/services/scheduler/monthly-slots.js";
import type { Settings } from "../../src/config.js";
import { silentLogger } from "../../src/logger.js";
import { openTestDatabase, type TestDatabase } from "../support/db.js";

// A monthly firing missed while no instance ran (a restart at 06:00 on the 1st) is run when an
// instance next starts, if the month before ran here; never on a new installation.

describe("lastFiringBefore", () => {
  const task = cron.createTask("0 6 1 * *", () => undefined, { timezone: "Europe/London" });

  it("finds 06:00 London on the 1st, in GMT and in BST", () => {
    const matches = (date: Date): boolean => task.match(date);
    expect(lastFiringBefore(matches, new Date("2026-11-29T17:00:00Z"))?.toISOString()).toBe("2026-11-01T06:00:00.000Z");
    // A minute before November's firing, the last one was October's, at 05:00 UTC (BST).
    expect(lastFiringBefore(matches, new Date("2026-11-01T05:59:00Z"))?.toISOString()).toBe("2026-10-01T05:00:00.000Z");
    expect(lastFiringBefore(matches, new Date("2026-11-01T06:00:30Z"))?.toISOString()).toBe("2026-11-01T06:00:00.000Z");
    expect(lastFiringBefore(() => false, new Date("2026-11-29T17:00:00Z"), 2)).toBeNull();
  });
});

describe("catching up a missed monthly audit at start", () => {
  let t: TestDatabase | null = null;
  afterEach(async () => {
    await t?.dispose();
    t = null;
  });

  const settings = (db: TestDatabase): Settings => ({ databaseUrl: db.databaseUrl, dataDir: db.dataDir, port: 0, auditSchedule: "0 6 1 * *", logLevel: "error", sessionSecret: null, councilName: null, trustProxy: false, demoPassword: null });
  // The day after November's firing: the month due is October.
  const now = (): Date => new Date("2026-11-02T09:00:00Z");
  const slots = async (db: TestDatabase): Promise<{ period: string; status: string }[]> =>
    db.db.knex("scheduled_slots").where({ job: "monthly-audit" }).orderBy("period").select("period", "status");

  /** Starts a scheduler, waits for its catch-up, stops it; what the catch-up ran (a month or null). */
  const startAndStop = async (db: TestDatabase): Promise<string | null> => {
    const scheduler = await startScheduler({ authorityId: 1, db: db.db, settings: settings(db), logger: silentLogger(), jobs: ["monthly-audit"], now });
    try {
      return await scheduler.catchUp;
    } finally {
      await scheduler.stop();
    }
  };

  it("runs October when September ran here and October's firing found no instance", async () => {
    t = await openTestDatabase();
    await t.db.knex("scheduled_slots").insert({ slot_key: "monthly:1:2026-09", job: "monthly-audit", period: "2026-09", owner_id: "earlier-worker", status: "succeeded" });
    expect(await startAndStop(t)).toBe("2026-10");
    expect(await slots(t)).toEqual([
      { period: "2026-09", status: "succeeded" },
      { period: "2026-10", status: "succeeded" },
    ]);
    const runs: { scope: string; trigger: string; status: string }[] = await t.db.knex("audit_runs").select("scope", "trigger", "status");
    expect(runs).toEqual([{ scope: "2026-10", trigger: "scheduled", status: "succeeded" }]);
  });

  it("does nothing on a new installation, or when the month due has run", async () => {
    t = await openTestDatabase();
    expect(await startAndStop(t)).toBeNull();
    expect(await slots(t)).toEqual([]);
    await t.db.knex("scheduled_slots").insert([
      { slot_key: "monthly:1:2026-09", job: "monthly-audit", period: "2026-09", owner_id: "w", status: "succeeded" },
      { slot_key: "monthly:1:2026-10", job: "monthly-audit", period: "2026-10", owner_id: "w", status: "succeeded" },
    ]);
    expect(await startAndStop(t)).toBeNull();
    expect(await t.db.knex("audit_runs").count<{ count: string }[]>("* as count")).toEqual([{ count: "0" }]);
  });

  it("leaves a gap of several months to a person", async () => {
    t = await openTestDatabase();
    await t.db.knex("scheduled_slots").insert({ slot_key: "monthly:1:2026-06", job: "monthly-audit", period: "2026-06", owner_id: "w", status: "succeeded" });
    expect(await startAndStop(t)).toBeNull();
    expect((await slots(t)).map((s) => s.period)).toEqual(["2026-06"]);
  });
});
