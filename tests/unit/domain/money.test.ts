import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ParseError } from "../../../src/domain/errors.js";
import { Dec, formatMoney, moneyString, parseMoney, toPence } from "../../../src/domain/money.js";

describe("parseMoney: every DATA.md money spelling", () => {
  it.each([
    ["£1,234.56", "1234.56"],
    ["1234.56", "1234.56"],
    ["1,234.56 GBP", "1234.56"],
    ["-£10.00", "-10"],
    ["£-10.00", "-10"],
    ["(10.00)", "-10"],
    ["£10.00 CR", "-10"],
    ["  912.50 ", "912.5"],
    ["£131", "131"],
    ["0.142857", "0.142857"],
    ["GBP 1,000,000.00", "1000000"],
    ["−£5.00", "-5"],
  ])("%s is %s", (text, value) => {
    expect(parseMoney(text).equals(new Dec(value))).toBe(true);
  });

  it.each(["", "abc", "12,34.00", "£", "1.2.3", "--5", "GB123456789", "£1,23"])("refuses %j with a coded error", (text) => {
    expect(() => parseMoney(text)).toThrow(ParseError);
    try {
      parseMoney(text);
    } catch (error) {
      expect((error as ParseError).code).toBe("money.invalid");
    }
  });
});

describe("rounding and formatting", () => {
  it("rounds half up to pence, once", () => {
    expect(toPence(new Dec("1152.805")).toFixed(2)).toBe("1152.81");
    expect(toPence(new Dec("137.142857")).toFixed(2)).toBe("137.14");
    expect(toPence(new Dec("-0.005")).toFixed(2)).toBe("-0.01");
    // 31 nights of £917/7 is exactly £4,061.00 only when the nightly fee is kept exact
    expect(moneyString(new Dec(917).div(7).times(31))).toBe("4061.00");
  });

  it("formats as £1,234.56", () => {
    expect(formatMoney("1234.5")).toBe("£1,234.50");
    expect(formatMoney("-10")).toBe("-£10.00");
    expect(formatMoney("1000000")).toBe("£1,000,000.00");
    expect(formatMoney("0.004")).toBe("£0.00");
  });

  it("property: formatting then parsing returns the value in pence", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -10_000_000_000n, max: 10_000_000_000n }), (pence) => {
        const value = new Dec(pence.toString()).div(100);
        expect(parseMoney(formatMoney(value)).equals(value)).toBe(true);
        expect(parseMoney(moneyString(value)).equals(value)).toBe(true);
      }),
    );
  });

  it("property: random text never throws anything but the coded ParseError", () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        try {
          parseMoney(text);
        } catch (error) {
          expect(error).toBeInstanceOf(ParseError);
        }
      }),
    );
  });
});
