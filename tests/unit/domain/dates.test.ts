import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dayFromIso, formatDate, isoFromDay, parseDate, tryParseDay } from "../../../src/domain/dates.js";
import { monthBounds } from "../../../src/domain/months.js";
import { ParseError } from "../../../src/domain/errors.js";

describe("parseDate: every DATA.md date spelling, UK order only", () => {
  it.each([
    "2026-10-01", "01/10/2026", "01-10-2026", "01.10.2026", "1 Oct 2026", "1 October 2026", "1st October 2026",
    "Oct 1, 2026", "1/10/2026", " 1  Oct  2026 ", "October 1st 2026",
  ])("%s is 1 October 2026", (text) => {
    expect(parseDate(text)).toBe("2026-10-01");
  });

  it("reads 03/04/2026 as 3 April (never US order)", () => {
    expect(parseDate("03/04/2026")).toBe("2026-04-03");
  });

  it.each(["31/02/2026", "2026-13-01", "32 Oct 2026", "10/31/2026", "Foo 1, 2026", "", "2026", "1 Smarch 2026"])("refuses %j", (text) => {
    expect(tryParseDay(text)).toBeNull();
    expect(() => parseDate(text)).toThrow(ParseError);
  });

  it("formats as the UI shows dates", () => {
    expect(formatDate("2026-10-01")).toBe("1 Oct 2026");
    expect(formatDate("2026-12-31")).toBe("31 Dec 2026");
  });

  it("gives month bounds, leap years included", () => {
    expect(monthBounds("2028-02")).toEqual({ from: "2028-02-01", to: "2028-02-29" });
    expect(monthBounds("2026-12")).toEqual({ from: "2026-12-01", to: "2026-12-31" });
    expect(() => monthBounds("2026-13")).toThrow(ParseError);
  });

  it("counts across the clock change without losing a night (day numbers, not instants)", () => {
    // British Summer Time ends on 25 Oct 2026: still exactly one day between the dates.
    expect(dayFromIso("2026-10-26") - dayFromIso("2026-10-25")).toBe(1);
    expect(dayFromIso("2026-10-31") - dayFromIso("2026-10-01") + 1).toBe(31);
  });

  it("property: ISO and UK spellings of any date parse back to it", () => {
    fc.assert(
      fc.property(fc.integer({ min: dayFromIso("1990-01-01"), max: dayFromIso("2100-12-31") }), (day) => {
        const iso = isoFromDay(day);
        const [y, m, d] = iso.split("-");
        expect(parseDate(iso)).toBe(iso);
        expect(parseDate(`${d}/${m}/${y}`)).toBe(iso);
        expect(parseDate(formatDate(iso))).toBe(iso);
      }),
    );
  });

  it("property: random text never throws anything but ParseError", () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        try {
          parseDate(text);
        } catch (error) {
          expect(error).toBeInstanceOf(ParseError);
        }
      }),
    );
  });
});
