import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

/**
 * samples/check-expected.ts is an independent reading of AUDIT.md applied to the sample data
 * (not the engine): it recomputes every finding and compares with samples/expected-findings.json,
 * which the golden test holds the engine to. Both must agree, so it runs here as a script would.
 */
const ROOT = path.resolve(import.meta.dirname, "../..");

describe("samples/check-expected.ts", () => {
  it("agrees with samples/expected-findings.json", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", "samples/check-expected.ts"], { cwd: ROOT });
    expect(stdout).not.toContain("DIFFERENCES");
    expect(stdout.trim().split("\n").at(-1)).toBe("expected-findings.json agrees with the independent check");
  }, 60_000);
});
