import fs from "node:fs";
import path from "node:path";
import { Writable, Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importCommand } from "../../src/cli/commands/import.js";
import { EXIT_OK, EXIT_REJECTED, type CommandContext } from "../../src/cli/command.js";
import { settingsFromEnv } from "../../src/config.js";
import { silentLogger } from "../../src/logger.js";
import { VALID_DIR } from "../fixtures/reference/fixtures.js";
import { openTestDatabase, tempDir, type TestDatabase } from "../support/db.js";

class Capture extends Writable {
  text = "";
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text += chunk.toString("utf8");
    done();
  }
}

describe("placement-audit import", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase();
  });
  afterAll(async () => {
    await t.dispose();
  });

  async function run(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
    const stdout = new Capture();
    const stderr = new Capture();
    const context: CommandContext = {
      settings: settingsFromEnv(),
      logger: silentLogger(),
      stdout,
      stderr,
      stdin: Readable.from([]),
      database: () => Promise.resolve(t.db),
      authorityId: () => Promise.resolve(1),
    };
    const status = await importCommand.run(args, context);
    return { status, stdout: stdout.text, stderr: stderr.text };
  }

  it("loads a directory, prints a line per file and the counts per table, exit 0", async () => {
    const result = await run([VALID_DIR]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(EXIT_OK);
    const lines = result.stdout.split("\n");
    expect(lines.slice(0, 8)).toEqual([
      "providers.csv (providers): 3 inserted, 0 updated, 0 unchanged",
      "contracts.csv (contracts): 3 inserted, 0 updated, 0 unchanged",
      "rates.csv (rates): 6 inserted, 0 updated, 0 unchanged",
      "placements.csv (placements): 5 inserted, 0 updated, 0 unchanged",
      "placement_fees.csv (placement_fees): 2 inserted, 0 updated, 0 unchanged",
      "packages.csv (packages): 2 inserted, 0 updated, 0 unchanged",
      "discounts.csv (discounts): 3 inserted, 0 updated, 0 unchanged",
      "absences.csv (absences): 3 inserted, 0 updated, 0 unchanged",
    ]);
    expect(result.stdout).toContain("placements             5        0          0         0");
    expect(result.stdout.trimEnd().split("\n").pop()).toBe("Reference data imported.");
  });

  it("the same files again: nothing changed, and it says so", async () => {
    const result = await run([path.join(VALID_DIR, "placements.csv"), path.join(VALID_DIR, "providers.csv")]);
    expect(result.status).toBe(EXIT_OK);
    expect(result.stdout.split("\n").slice(0, 2)).toEqual([
      "providers.csv (providers): 0 inserted, 0 updated, 3 unchanged",
      "placements.csv (placements): 0 inserted, 0 updated, 5 unchanged",
    ]);
    expect(result.stdout.trimEnd().split("\n").pop()).toBe("Nothing changed: every row was already up to date.");
  });

  it("prints every reason a file was rejected and exits 1; the other files still load", async () => {
    const dir = tempDir("import-cli");
    fs.writeFileSync(path.join(dir, "absences.csv"), "placement_id,from_date,to_date,reason\nPL1,2026-01-10,2026-01-12,holiday\nPL2,2026-01-10,2026-01-12,hospital\n");
    fs.writeFileSync(path.join(dir, "providers.csv"), "provider_id,name,kind,Notes\nP4,Ash Lodge,residential,new\n");
    try {
      const result = await run([dir, path.join(dir, "missing.csv")]);
      expect(result.status).toBe(EXIT_REJECTED);
      expect(result.stderr.split("\n")).toEqual([
        `${path.join(dir, "missing.csv")}: no such file or directory`,
        'warning: providers.csv row 1: ignored column "Notes" (not in DATA.md providers)',
        'absences.csv row 2, reason: "holiday" is not one of hospital, missing, custody, respite, other',
        "",
      ]);
      expect(result.stdout.split("\n").slice(0, 2)).toEqual([
        "providers.csv (providers): 1 inserted, 0 updated, 0 unchanged",
        "absences.csv (absences): REJECTED, nothing from this file was loaded (1 problem)",
      ]);
      expect(result.stdout.trimEnd().split("\n").slice(-2)).toEqual([
        "Some files were rejected: fix the rows listed and import them again.",
        "1 path(s) named could not be read (listed above).",
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("no files named is a usage error (exit 2 from main)", async () => {
    await expect(run([])).rejects.toMatchObject({ code: "usage" });
    await expect(run(["--dry-run", VALID_DIR])).rejects.toMatchObject({ code: "usage" });
  });
});
