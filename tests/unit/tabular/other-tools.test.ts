import { describe, expect, it } from "vitest";
import { dateFromSerial, hasDecimalComma, isDayMonthAmbiguous, isUsOrderOnly, serialFromText } from "../../../src/tabular/other-tools.js";

describe("spellings other tools write", () => {
  it("a date that exists only month first is US order; one that exists both ways and differs is ambiguous", () => {
    expect(isUsOrderOnly("11/23/2026")).toBe(true);
    expect(isUsOrderOnly("2/29/2028")).toBe(true);
    expect(isUsOrderOnly("11-30-26")).toBe(true);
    expect(isUsOrderOnly("23/11/2026")).toBe(false); // a UK date
    expect(isUsOrderOnly("02/30/2026")).toBe(false); // no 30 February either way
    expect(isUsOrderOnly("03/04/2026")).toBe(false);
    expect(isDayMonthAmbiguous("03/04/2026")).toBe(true);
    expect(isDayMonthAmbiguous("04/04/2026")).toBe(false); // the same date either way
    expect(isDayMonthAmbiguous("13/04/2026")).toBe(false);
    expect(isDayMonthAmbiguous("2026-04-03")).toBe(false);
  });

  it("Excel serial day numbers: the 1900 system (with its 29 February 1900) and the 1904 system, plausible years only", () => {
    // Worked by hand: serial 25569 is 1970-01-01 in the 1900 system; 2026-01-01 is 56 years with
    // 14 leap days later (20454 days), and 31 October is day 304 of 2026: 25569 + 20454 + 303.
    expect(dateFromSerial(25569)).toBeNull(); // 1970: outside the plausible years
    expect(dateFromSerial(25569 + 20454 + 303)).toBe("2026-10-31");
    expect(dateFromSerial(46327)).toBe("2026-11-01");
    expect(dateFromSerial(36526)).toBe("2000-01-01");
    expect(dateFromSerial(36525)).toBeNull(); // 1999-12-31: before the plausible years
    expect(dateFromSerial(73050)).toBe("2099-12-31");
    expect(dateFromSerial(73051)).toBeNull();
    // 1904 system: day 0 is 1904-01-01, so the same date is 1462 less.
    expect(dateFromSerial(46326 - 1462, true)).toBe("2026-10-31");
    expect(dateFromSerial(46327.5)).toBeNull(); // a date and time is not a date
    expect(dateFromSerial(60)).toBeNull(); // 29 February 1900 never was
    expect(serialFromText(" 46327 ")).toBe(46327);
    expect(serialFromText("4632")).toBeNull();
    expect(serialFromText("463270")).toBeNull();
  });

  it("decimal commas: any comma that cannot separate thousands", () => {
    for (const text of ["12,5", "1.234,56", "1 234,56", "3.720,00", "£12,50", "1,2345", "-0,5", "(12,50)", "12,50 €"]) expect([text, hasDecimalComma(text)]).toEqual([text, true]);
    for (const text of ["1,234.56", "1,234", "1,234,567.00", "£4,500.00", "12.5", "912.50 GBP", "abc,de", "1 234.56"]) expect([text, hasDecimalComma(text)]).toEqual([text, false]);
  });
});
