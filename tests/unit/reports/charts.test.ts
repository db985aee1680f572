import { describe, expect, it } from "vitest";
import { CATEGORY_COLOURS, escapeXml, monthlySavingsChart, niceScale, providerSavingsChart } from "../../../src/reports/charts.js";
import { sumFigures, type FigureRow, type MonthFigures, type ProviderFigures } from "../../../src/reports/figures.js";
import { Dec } from "../../../src/domain/money.js";
import type { Category } from "../../../src/domain/finding.js";

/** Checks tags balance and text holds no raw < or bare &: enough to know the SVG parses. */
function expectWellFormed(svg: string): void {
  const stack: string[] = [];
  const tag = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g;
  let last = 0;
  for (let m = tag.exec(svg); m; m = tag.exec(svg)) {
    const text = svg.slice(last, m.index);
    expect(text).not.toMatch(/[<>]|&(?!(amp|lt|gt|quot|#39);)/);
    last = tag.lastIndex;
    const [, closing, name = "", , selfClosing] = m;
    if (closing) expect(stack.pop()).toBe(name);
    else if (!selfClosing) stack.push(name);
  }
  expect(svg.slice(last)).toBe("");
  expect(stack).toEqual([]);
}

function set(category: Category, identified: string): Record<Category, ReturnType<typeof sumFigures>> {
  const zero = sumFigures([]);
  const one = sumFigures([{ identified, realised: "0", atRisk: "0", dismissed: "0", identifiedCount: 1, recoveredCount: 0, atRiskCount: 0, dismissedCount: 0 } as FigureRow]);
  return { fees: zero, errors: zero, query: zero, [category]: one };
}

function month(m: string, label: string, byCategory: Record<Category, ReturnType<typeof sumFigures>>): MonthFigures {
  return { month: m, label, byCategory, totals: sumFigures([]) };
}

function rects(svg: string): { x: number; y: number; width: number; height: number; fill: string; title: string }[] {
  return [...svg.matchAll(/<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)" fill="(#[0-9a-f]+)"[^>]*><title>([^<]*)<\/title><\/rect>/g)].map((m) => ({
    x: Number(m[1]), y: Number(m[2]), width: Number(m[3]), height: Number(m[4]), fill: m[5]!, title: m[6]!,
  }));
}

describe("niceScale", () => {
  it("rounds the axis up to 1, 2, 2.5 or 5 times a power of ten", () => {
    expect(niceScale(new Dec("2885.34"))).toEqual({ max: new Dec(3000), step: new Dec(1000) });
    // 450 / 4 = 112.5 → step 200 → axis to 600
    expect(niceScale(new Dec("450"))).toEqual({ max: new Dec(600), step: new Dec(200) });
    // 1572 / 4 = 393 → step 500 → axis to 2000
    expect(niceScale(new Dec("1572"))).toEqual({ max: new Dec(2000), step: new Dec(500) });
    expect(niceScale(new Dec("0")).max.toNumber()).toBe(100);
    const s = niceScale(new Dec("1109.34"));
    expect(s.max.gte("1109.34")).toBe(true);
    expect(s.max.dividedBy(s.step).lte(5)).toBe(true);
  });
});

describe("the monthly chart", () => {
  const months: MonthFigures[] = [
    month("2026-08", "Aug 2026", { ...set("fees", "204.00"), errors: set("errors", "100.00").errors }),
    month("2026-09", "Sep 2026", set("errors", "1572.00")),
    month("2026-10", "Oct 2026", set("query", "60.00")),
    month("2026-11", "Nov 2026", set("fees", "0")),
  ];
  const svg = monthlySavingsChart(months, { id: "m1" });

  it("is an accessible, well-formed SVG image", () => {
    expectWellFormed(svg);
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"[^>]* role="img" aria-labelledby="m1-title m1-desc"/);
    expect(svg).toContain('<title id="m1-title">Savings identified by month of invoice date, by category</title>');
    expect(svg).toContain(
      '<desc id="m1-desc">Savings identified, by month. Aug 2026: £304.00 (correct fees and discounts £204.00; invoice errors £100.00). ' +
        "Sep 2026: £1,572.00 (invoice errors £1,572.00). Oct 2026: £60.00 (needs a person (query) £60.00). Nov 2026: nothing.</desc>",
    );
    expect(svg).toContain("Correct fees and discounts</text>");
  });

  it("stacks each month's categories from the axis up, fees first, to scale", () => {
    const bars = rects(svg).filter((r) => r.title.includes(":"));
    expect(bars.map((b) => [b.title, b.fill])).toEqual([
      ["Aug 2026, correct fees and discounts: £204.00", CATEGORY_COLOURS.fees],
      ["Aug 2026, invoice errors: £100.00", CATEGORY_COLOURS.errors],
      ["Sep 2026, invoice errors: £1,572.00", CATEGORY_COLOURS.errors],
      ["Oct 2026, needs a person (query): £60.00", CATEGORY_COLOURS.query],
    ]);
    const [fees, errors, september] = bars;
    // Axis 0 to £2,000 over 240 units from y = 44 to 284.
    expect(fees!.y + fees!.height).toBeCloseTo(284, 0);
    expect(fees!.height).toBeCloseTo((204 / 2000) * 240, 0);
    expect(errors!.y + errors!.height).toBeCloseTo(fees!.y, 0);
    expect(september!.height).toBeCloseTo((1572 / 2000) * 240, 0);
    expect(svg).toContain(">£2,000</text>");
  });

  it("says so when there is nothing to draw", () => {
    const empty = monthlySavingsChart([month("2026-08", "Aug 2026", set("fees", "0"))]);
    expectWellFormed(empty);
    expect(empty).toContain("Nothing to show for this period");
    expect(rects(empty)).toHaveLength(0);
  });
});

describe("the provider chart", () => {
  const provider = (providerId: string, name: string, amount: string): ProviderFigures => ({ providerId, name, byCategory: set("fees", amount), totals: sumFigures([]) });

  it("escapes provider names and draws the largest first", () => {
    const svg = providerSavingsChart([provider("P2", 'Brook <House> & "Sons"', "812.20"), provider("P1", "Oakfield Fostering", "2073.14")], { id: "p" });
    expectWellFormed(svg);
    expect(svg).toContain("Brook &lt;House&gt; &amp; &quot;Sons&quot;");
    expect(svg).not.toContain("<House>");
    expect(svg.indexOf("Oakfield Fostering")).toBeLessThan(svg.indexOf("Brook &lt;House"));
    expect(svg).toContain('<desc id="p-desc">Savings identified, by provider. Oakfield Fostering: £2,073.14 (correct fees and discounts £2,073.14). Brook');
    expect(svg).toContain(">£2,073.14</text>");
  });

  it("groups providers beyond the limit", () => {
    const many = Array.from({ length: 6 }, (_, i) => provider(`P${i}`, `Provider ${i}`, `${(i + 1) * 100}.00`));
    const svg = providerSavingsChart(many, { limit: 4 });
    expectWellFormed(svg);
    expect(svg).toContain("Other providers (3)");
    expect(svg).toContain("Other providers (3): £600.00"); // 100 + 200 + 300
  });

  it("leaves out providers with nothing for the measure", () => {
    const svg = providerSavingsChart([provider("P1", "Oakfield", "0")], { measure: "identified" });
    expect(svg).toContain("nothing for any provider");
    expect(escapeXml("<&>\"'")).toBe("&lt;&amp;&gt;&quot;&#39;");
  });
});
