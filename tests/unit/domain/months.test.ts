import { describe, expect, it } from "vitest";
import { addMonths, financialYearStart, londonMonth, monthLabel, monthsInPeriod, periodDates, periodLabel, resolvePeriod } from "../../../src/domain/months.js";

describe("report periods", () => {
  it("defaults to the financial year to date: April to last month", () => {
    expect(resolvePeriod({ now: new Date("2026-11-15T10:00:00Z") })).toEqual({ from: "2026-04", to: "2026-10" });
    // In April the last month is March: the whole year just ended, not an empty April.
    expect(resolvePeriod({ now: new Date("2027-04-15T10:00:00Z") })).toEqual({ from: "2026-04", to: "2027-03" });
    expect(resolvePeriod({ now: new Date("2026-05-02T10:00:00Z") })).toEqual({ from: "2026-04", to: "2026-04" });
    expect(resolvePeriod({ to: "2027-02", now: new Date("2030-01-01T00:00:00Z") })).toEqual({ from: "2026-04", to: "2027-02" });
    expect(resolvePeriod({ from: "2026-08", now: new Date("2026-11-15T10:00:00Z") })).toEqual({ from: "2026-08", to: "2026-10" });
  });

  it("takes last month in Europe/London", () => {
    // 23:30 UTC on 30 June is 00:30 on 1 July in London (BST): last month is June.
    expect(londonMonth(new Date("2026-06-30T23:30:00Z"))).toBe("2026-07");
    expect(resolvePeriod({ now: new Date("2026-06-30T23:30:00Z") }).to).toBe("2026-06");
    expect(resolvePeriod({ now: new Date("2027-01-01T00:30:00Z") }).to).toBe("2026-12");
  });

  it("refuses what is not a month, and a period back to front, as usage errors", () => {
    for (const bad of ["2026-13", "2026-00", "2026-8", "Aug 2026", "2026-08-01", ""]) {
      expect(() => resolvePeriod({ from: bad, to: "2026-10" }), bad).toThrow(expect.objectContaining({ code: "usage" }) as Error);
    }
    expect(() => resolvePeriod({ from: "2026-10", to: "2026-08" })).toThrow(expect.objectContaining({ code: "usage" }) as Error);
  });

  it("counts months across years", () => {
    expect(financialYearStart("2026-03")).toBe("2025-04");
    expect(financialYearStart("2026-04")).toBe("2026-04");
    expect(financialYearStart("2026-12")).toBe("2026-04");
    expect(addMonths("2026-10", -11)).toBe("2025-11");
    expect(addMonths("2026-12", 1)).toBe("2027-01");
    expect(monthsInPeriod({ from: "2026-11", to: "2027-02" })).toEqual(["2026-11", "2026-12", "2027-01", "2027-02"]);
    expect(monthsInPeriod({ from: "2026-11", to: "2026-10" })).toEqual([]);
    expect(periodDates({ from: "2026-02", to: "2028-02" })).toEqual({ from: "2026-02-01", to: "2028-02-29" });
    expect(monthLabel("2026-10")).toBe("Oct 2026");
    expect(periodLabel({ from: "2026-08", to: "2026-10" })).toBe("Aug 2026 to Oct 2026");
    expect(periodLabel({ from: "2026-08", to: "2026-08" })).toBe("Aug 2026");
  });
});
