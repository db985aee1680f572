import { describe, expect, it } from "vitest";
import { formatDateValue, formatGeneral, formatNumber } from "../../../src/tabular/number-format.js";

describe("cell text as a person sees it", () => {
  it("General", () => {
    expect(formatGeneral(912.5)).toBe("912.5");
    expect(formatGeneral(0.1 + 0.2)).toBe("0.3");
    expect(formatGeneral(123456789012)).toBe("123456789012");
    expect(formatGeneral(-4)).toBe("-4");
    expect(formatNumber(42, undefined)).toBe("42");
  });

  it("fixed decimals, thousands, currency, negatives in brackets", () => {
    expect(formatNumber(912.5, "0.00")).toBe("912.50");
    expect(formatNumber(1234.5, "#,##0.00")).toBe("1,234.50");
    expect(formatNumber(1234.5, '"£"#,##0.00')).toBe("£1,234.50");
    expect(formatNumber(1234.5, "[$£-809]#,##0.00")).toBe("£1,234.50");
    expect(formatNumber(-10, "#,##0.00;(#,##0.00)")).toBe("(10.00)");
    expect(formatNumber(-10, "#,##0.00")).toBe("-10.00");
    expect(formatNumber(-10, '"£"#,##0.00;[Red]-"£"#,##0.00')).toBe("-£10.00");
    expect(formatNumber(1.005, "0.00")).toBe("1.01");
    expect(formatNumber(0, '#,##0.00;(#,##0.00);"-"')).toBe("-");
  });

  it("percentages and scientific", () => {
    expect(formatNumber(0.05, "0%")).toBe("5%");
    expect(formatNumber(0.055, "0.0%")).toBe("5.5%");
    expect(formatNumber(12345, "0.00E+00")).toBe("1.23E+04");
  });

  it("dates: the locale short date is UK order", () => {
    const date = new Date(Date.UTC(2026, 9, 1, 14, 5, 0));
    expect(formatDateValue(date, "mm-dd-yy")).toBe("01/10/2026");
    expect(formatDateValue(date, "dd/mm/yyyy")).toBe("01/10/2026");
    expect(formatDateValue(date, "d mmm yyyy")).toBe("1 Oct 2026");
    expect(formatDateValue(date, "dddd d mmmm yyyy")).toBe("Thursday 1 October 2026");
    expect(formatDateValue(date, "yyyy-mm-dd hh:mm")).toBe("2026-10-01 14:05");
    expect(formatDateValue(date, "h:mm AM/PM")).toBe("2:05 PM");
    expect(formatDateValue(date, "[$-809]dd/mm/yyyy;@")).toBe("01/10/2026");
  });
});
