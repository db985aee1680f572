import { describe, expect, it } from "vitest";
import { partExpirySeconds, SLOWEST_PART_LINES_PER_SECOND } from "../../../src/services/audit/audit-queue.js";

describe("a queued audit part's expiry", () => {
  it("is the queue's expiry for a part that fits in it at the slowest pace", () => {
    expect(SLOWEST_PART_LINES_PER_SECOND).toBe(200);
    expect(partExpirySeconds(20_000, 900)).toBe(900);
    expect(partExpirySeconds(0, 45)).toBe(45);
  });
  it("grows with a part too big for it (one big provider cannot be split)", () => {
    // 20,000 lines at 200 lines/s = 100 s, more than the bench's 45 s.
    expect(partExpirySeconds(20_000, 45)).toBe(100);
    expect(partExpirySeconds(500_001, 900)).toBe(2_501);
  });
});
