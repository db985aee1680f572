import { describe, expect, it } from "vitest";
import {
  periodOfOneDate,
  findMoneyInText,
  findPeriodInText,
  findVatNumbers,
  firstReference,
  parseDateText,
  parseMoneyText,
  parsePeriodText,
  parseQuantity,
  parseRate,
  parseReference,
  parseUnit,
  parseVatNumber,
} from "../../../src/ingest/text/values.js";

describe("DATA.md date spellings", () => {
  it.each([
    ["2026-10-01"], ["01/10/2026"], ["01-10-2026"], ["01.10.2026"], ["1 Oct 2026"], ["1 October 2026"], ["1st October 2026"], ["Oct 1, 2026"],
    ["Thursday 1 October 2026"], ["1/10/2026"],
  ])("%s is 1 October 2026", (text) => {
    expect(parseDateText(text)).toBe("2026-10-01");
  });

  it("UK order only, and no impossible dates", () => {
    expect(parseDateText("10/01/2026")).toBe("2026-01-10");
    expect(parseDateText("12/31/2026")).toBeNull();
    expect(parseDateText("31 Sep 2026")).toBeNull();
    expect(parseDateText("INV-1046")).toBeNull();
  });

  it("two-digit years are 20YY, day before month (DATA.md), with or without a template", () => {
    expect(parseDateText("01/10/26")).toBe("2026-10-01");
    expect(parseDateText("1-Oct-26")).toBe("2026-10-01");
    expect(parseDateText("01.10.26")).toBe("2026-10-01");
    expect(parseDateText("31/09/26")).toBeNull();
    expect(parseDateText("1st Sept 2026")).toBe("2026-09-01");
    expect(parseDateText("30 Sept 2026")).toBe("2026-09-30");
    expect(parseDateText("Oct 1st, 2026")).toBe("2026-10-01");
  });

  it("a template's formats: compact dates, and US order only when declared", () => {
    expect(parseDateText("01/10/26", ["DD/MM/YY"])).toBe("2026-10-01");
    expect(parseDateText("20261001", ["YYYYMMDD"])).toBe("2026-10-01");
    expect(parseDateText("1-Oct-26", ["D-MMM-YY"])).toBe("2026-10-01");
    expect(parseDateText("10/31/2026", ["MM/DD/YYYY"])).toBe("2026-10-31");
  });
});

describe("DATA.md period forms", () => {
  it.each([
    ["01/10/2026 to 31/10/2026"], ["1 Oct 2026 - 31 Oct 2026"], ["1 Oct 2026 – 31 Oct 2026"], ["2026-10-01 until 2026-10-31"],
    ["1–31 October 2026"], ["1-31 Oct 2026"], ["October 2026"], ["Oct 2026"], ["01.10.2026 - 31.10.2026"], ["01-10-2026 - 31-10-2026"],
    ["1st October 2026 to 31st October 2026"], ["Oct 1, 2026 - Oct 31, 2026"], ["1 Oct - 31 Oct 2026"],
  ])("%s is 1–31 October 2026", (text) => {
    expect(parsePeriodText(text)).toEqual({ from: "2026-10-01", to: "2026-10-31" });
  });

  it("February of a leap year, a period across months, and what is not a period", () => {
    expect(parsePeriodText("February 2028")).toEqual({ from: "2028-02-01", to: "2028-02-29" });
    expect(parsePeriodText("28 Sep – 4 Oct 2026")).toEqual({ from: "2026-09-28", to: "2026-10-04" });
    expect(parsePeriodText("31/10/2026 to 01/10/2026")).toBeNull();
    expect(parsePeriodText("01/10/2026")).toBeNull();
    expect(parsePeriodText("Foster placement")).toBeNull();
  });

  it("a period inside a description, but not a single date", () => {
    expect(findPeriodInText("Placement fee 01/10/2026 - 31/10/2026 (standard)")).toEqual({ from: "2026-10-01", to: "2026-10-31" });
    expect(findPeriodInText("Fostering (1–31 October 2026)")).toEqual({ from: "2026-10-01", to: "2026-10-31" });
    expect(findPeriodInText("Fostering for October 2026")).toEqual({ from: "2026-10-01", to: "2026-10-31" });
    expect(findPeriodInText("Transport on 12 October 2026")).toBeNull();
  });
});

describe("one date under a period heading", () => {
  it("starts a week under 'Week Commencing' or 'W/C', ends one under 'Week Ending', is the day under 'Dates'", () => {
    expect(periodOfOneDate("Week Commencing", "2026-10-05")).toEqual({ from: "2026-10-05", to: "2026-10-11" });
    expect(periodOfOneDate("W/C", "2026-10-26")).toEqual({ from: "2026-10-26", to: "2026-11-01" });
    expect(periodOfOneDate("Week Ending", "2026-10-11")).toEqual({ from: "2026-10-05", to: "2026-10-11" });
    expect(periodOfOneDate("Dates", "2026-11-20")).toEqual({ from: "2026-11-20", to: "2026-11-20" });
    expect(periodOfOneDate("Period", "2026-11-20")).toEqual({ from: "2026-11-20", to: "2026-11-20" });
  });
});

describe("DATA.md money spellings", () => {
  it.each([
    ["£1,234.56", "1234.56"], ["1234.56", "1234.56"], ["1,234.56 GBP", "1234.56"], ["-£10.00", "-10"], ["(10.00)", "-10"], ["£10.00 CR", "-10"],
    ["(£594.00)", "-594"], ["GBP 12.5", "12.5"], [" £ 4,061.00 ", "4061"], ["−£399.90", "-399.9"],
  ])("%s is %s", (text, value) => {
    expect(parseMoneyText(text)?.toString()).toBe(value);
  });

  it("dates, percentages and words are not money", () => {
    for (const text of ["01/10/2026", "20%", "01.10.2026", "Oct", "", "1,23,4"]) expect(parseMoneyText(text)).toBeNull();
  });

  it("money inside a short text: the last amount, never the VAT rate", () => {
    expect(findMoneyInText("VAT @ 20% £629.80")?.toString()).toBe("629.8");
    expect(findMoneyInText("Balance Due: £4,481.00")?.toString()).toBe("4481");
  });
});

describe("units, quantities, rates", () => {
  it.each([
    ["nights", "night"], ["Night", "night"], ["days", "day"], ["weeks", "week"], ["wk", "week"], ["wks", "week"], ["hours", "hour"], ["hrs", "hour"],
    ["miles", "mile"], ["sessions", "session"], ["items", "item"], ["per week", "week"], ["/night", "night"],
  ])("%s is %s", (text, unit) => {
    expect(parseUnit(text)).toBe(unit);
  });

  it("quantities with and without units, fractional weeks", () => {
    expect(parseQuantity("4.43")).toEqual({ value: expect.anything(), unit: null });
    expect(parseQuantity("4.43")?.value.toString()).toBe("4.43");
    expect(parseQuantity("31 nights")?.unit).toBe("night");
    expect(parseQuantity("2.5 wks")?.unit).toBe("week");
    expect(parseQuantity("31 apples")).toBeNull();
    expect(parseQuantity("1,200")?.value.toString()).toBe("1200");
  });

  it("rates with a unit after them", () => {
    expect(parseRate("£131.00/night")).toMatchObject({ unit: "night" });
    expect(parseRate("£131.00/night")?.value.toString()).toBe("131");
    expect(parseRate("917.00 per week")?.unit).toBe("week");
    expect(parseRate("£26.00 ph")?.unit).toBe("hour");
    expect(parseRate("£26.00")?.unit).toBeNull();
  });
});

describe("references and VAT numbers", () => {
  it("invoice references have a digit and no spaces; dates are not references", () => {
    expect(parseReference("OFP-1046")).toBe("OFP-1046");
    expect(parseReference("HCH/26/0812")).toBe("HCH/26/0812");
    expect(parseReference("#2026.0042,")).toBe("2026.0042");
    expect(parseReference("Invoice")).toBeNull();
    expect(parseReference("01/10/2026")).toBeNull();
    expect(firstReference("OFP-1046 Page 1 of 2")).toBe("OFP-1046");
    expect(firstReference("INV 1046")).toBe("INV 1046");
    expect(firstReference("Invoice")).toBeNull();
  });

  it("VAT numbers with or without GB and spaces; amounts are not VAT numbers", () => {
    expect(parseVatNumber("GB123456789")).toBe("123456789");
    expect(parseVatNumber("GB 123 4567 89")).toBe("123456789");
    expect(parseVatNumber("987 6543 21")).toBe("987654321");
    expect(parseVatNumber("£812.20")).toBeNull();
    expect(findVatNumbers("Reg. office … VAT GB 284 6193 07; tel 01632 960418")).toEqual(["284619307"]);
  });

  it("VAT numbers in every grouping other programs print, normalised to digits; not amounts or phone numbers", () => {
    for (const printed of ["GB 123 456 789", "gb123-4567-89", "GB: 123456789", "GB-123-4567-89", "123 456 789"]) expect([printed, parseVatNumber(printed)]).toEqual([printed, "123456789"]);
    expect(parseVatNumber("GB 123 4567 89 001")).toBe("123456789001"); // a branch (12 digits)
    for (const other of ["1234567.89", "12345678", "1234567890", "123 - 456 789", "GB12345678A"]) expect([other, parseVatNumber(other)]).toEqual([other, null]);
    expect(findVatNumbers("VAT Reg: GB 123 456 789 | Tel 01632 960418")).toEqual(["123456789"]);
    expect(findVatNumbers("gb-123-4567-89")).toEqual(["123456789"]);
  });
});
