import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { inclusiveRange, intersectAll, nightCount, normalize, subtract, takeNights, totalNights, type NightRange } from "../../../src/domain/ranges.js";

const arbRange = fc.tuple(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 40 })).map(([start, length]): NightRange => ({ start, end: start + length }));
const arbRanges = fc.array(arbRange, { maxLength: 6 });

function nightSet(ranges: readonly NightRange[]): Set<number> {
  const set = new Set<number>();
  for (const r of ranges) for (let d = r.start; d < r.end; d++) set.add(d);
  return set;
}

describe("night ranges", () => {
  it("1–31 Oct inclusive is 31 nights", () => {
    expect(nightCount(inclusiveRange(100, 130))).toBe(31);
  });

  it("subtracts the nights from the end date onwards", () => {
    // placed 1–19 of 31 nights: 12 outside
    expect(totalNights(subtract([inclusiveRange(1, 31)], [{ start: 1, end: 20 }]))).toBe(12);
  });

  it("takes the earliest nights first", () => {
    expect(takeNights([{ start: 10, end: 12 }, { start: 20, end: 30 }], 5)).toEqual([{ start: 10, end: 12 }, { start: 20, end: 23 }]);
  });

  it("property: subtracting conserves nights (kept + removed overlap = original)", () => {
    fc.assert(
      fc.property(arbRanges, arbRanges, (a, b) => {
        const kept = subtract(a, b);
        const removed = intersectAll(a, b);
        expect(totalNights(kept) + totalNights(removed)).toBe(totalNights(normalize(a)));
        const expectedKept = [...nightSet(a)].filter((d) => !nightSet(b).has(d)).sort((x, y) => x - y);
        expect([...nightSet(kept)].sort((x, y) => x - y)).toEqual(expectedKept);
      }),
    );
  });

  it("property: normalize keeps the same nights in disjoint sorted runs", () => {
    fc.assert(
      fc.property(arbRanges, (a) => {
        const n = normalize(a);
        expect(nightSet(n)).toEqual(nightSet(a));
        for (let i = 1; i < n.length; i++) expect(n[i]!.start).toBeGreaterThan(n[i - 1]!.end);
      }),
    );
  });
});
