import os from "node:os";
import { describe, expect, it } from "vitest";
import { defaultAuditThreads, isOnThisMachine, shareProviders, THREADS_FROM_LINES } from "../../../src/services/audit/audit-threads.js";

describe("shareProviders", () => {
  const providers = [
    { providerId: "P1", lines: 900 },
    { providerId: "P2", lines: 500 },
    { providerId: "P3", lines: 400 },
    { providerId: "P4", lines: 300 },
    { providerId: "P5", lines: 100 },
  ];

  it("gives each provider to exactly one part, the biggest first to the lightest part", () => {
    // 900 → A; 500 → B; 400 → B (900 vs 500); 300 → A (900 vs 900: the first); 100 → B.
    expect(shareProviders(providers, 2)).toEqual([
      ["P1", "P4"],
      ["P2", "P3", "P5"],
    ]);
  });

  it("never makes an empty part, and one part holds everything", () => {
    expect(shareProviders(providers.slice(0, 2), 4)).toEqual([["P1"], ["P2"]]);
    expect(shareProviders(providers, 1)).toEqual([["P1", "P2", "P3", "P4", "P5"]]);
    expect(shareProviders([], 2)).toEqual([]);
  });
});

describe("defaultAuditThreads", () => {
  it("uses one thread when PostgreSQL shares this machine's cores, or for a small audit", () => {
    for (const url of ["postgres://postgres@127.0.0.1:5432/test", "postgres://localhost/db", "postgres://[::1]:5432/db", "postgres:///db?host=/var/run/postgresql"]) {
      expect(isOnThisMachine(url)).toBe(true);
      expect(defaultAuditThreads(1_000_000, url)).toBe(1);
    }
    expect(defaultAuditThreads(THREADS_FROM_LINES - 1, "postgres://db.council.example/audit")).toBe(1);
  });

  it("uses more than one thread for a large audit against a server elsewhere, when there are cores", () => {
    expect(isOnThisMachine("postgres://audit@db.council.example:5432/audit")).toBe(false);
    expect(defaultAuditThreads(THREADS_FROM_LINES, "postgres://db.council.example/audit")).toBe(Math.min(4, os.availableParallelism()));
  });
});
