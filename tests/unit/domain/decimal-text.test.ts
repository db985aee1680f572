import { describe, expect, it } from "vitest";
import { Exact } from "../../../src/domain/exact.js";
import { Dec } from "../../../src/domain/money.js";
import { decimalText, poundsText } from "../../../src/domain/pence.js";

/** What decimalText wrote before it had a path of its own: decimal.js dividing numerator by denominator. */
function byDecimalJs(value: Exact, places?: number): string {
  const { n, d } = (places === undefined ? value : value.roundedTo(places)).toFraction();
  const numerator = new Dec(n.toString());
  return (d === 1n ? numerator : numerator.dividedBy(new Dec(d.toString()))).toString();
}

describe("decimalText writes numbers exactly as decimal.js did", () => {
  it("on hand-picked values: trailing zeros, small and negative values, exponents, non-terminating fractions", () => {
    expect(decimalText(Exact.ratio(1871428, 100_000), 6)).toBe("18.71428");
    expect(decimalText(Exact.ratio(13100, 100))).toBe("131");
    expect(decimalText(Exact.ratio(-5, 100))).toBe("-0.05");
    expect(decimalText(Exact.ratio(1, 1_000_000))).toBe("0.000001");
    expect(decimalText(Exact.ratio(1, 10_000_000))).toBe("1e-7");
    expect(decimalText(Exact.ratio(1, 3))).toBe("0.3333333333333333333333333333333333333333");
    expect(decimalText(Exact.ratio(-1, 1000), 2)).toBe("0");
    expect(poundsText(Exact.ratio(91250, 7), 6)).toBe("130.357143");
  });

  it("on 20,000 random fractions with denominators of 2s, 5s and other factors, at several places", () => {
    let seed = 11;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const denominators = [1, 2, 3, 7, 8, 20, 25, 100, 125, 1000, 1024, 3125, 100_000, 10_000_000, 2 ** 40, 5 ** 20, 700, 2 ** 52];
    const magnitudes = [1, 100, 1e6, 1e9, 1e12, 1e15];
    for (let i = 0; i < 20_000; i++) {
      const n = Math.floor((random() - 0.5) * 2 * (magnitudes[i % magnitudes.length] as number));
      const value = Exact.ratio(n, denominators[Math.floor(random() * denominators.length)] as number);
      for (const places of [undefined, 0, 2, 6]) expect(decimalText(value, places)).toBe(byDecimalJs(value, places));
    }
  });
});
