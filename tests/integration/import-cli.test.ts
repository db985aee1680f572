import fs from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { forAuthority } from "../../src/db/connection.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Capture } from "../support/cli.js";
import { importCommand } from "../../src/cli/commands/import.js";
import { EXIT_OK, EXIT_REJECTED, type CommandContext } from "../../src/cli/command.js";
import { settingsFromEnv } from "../../src/config.js";
import { silentLogger } from "../../src/logger.js";
import { VALID_DIR } from "../fixtures/reference/fixtures.js";
import { openTestDatabase, tempDir, type TestDatabase } from "../support/db.js";

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
      database: () => Promise.resolve(forAuthority(t.db, 1)),
      deployment: () => Promise.resolve(t.db),
      chosenAuthorityId: () => Promise.resolve(1),
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

  it("prints every problem and exits 1; with a problem nothing is loaded, with --skip-bad-rows the good rows are", async () => {
    const dir = tempDir("import-cli");
    fs.writeFileSync(path.join(dir, "absences.csv"), "placement_id,from_date,to_date,reason\nPL1,2026-01-10,2026-01-12,holiday\nPL2,2026-01-10,2026-01-12,hospital\n");
    fs.writeFileSync(path.join(dir, "providers.csv"), "provider_id,name,kind,Notes\nP4,Ash Lodge,residential,new\n");
    try {
      const result = await run([dir, path.join(dir, "missing.csv")]);
      expect(result.status).toBe(EXIT_REJECTED);
      expect(result.stderr.split("\n")).toEqual([
        `${path.join(dir, "missing.csv")}: no such file or directory`,
        'warning: providers.csv row 1: ignored column "Notes" (not a column of the providers table)',
        'absences.csv row 2, reason: "holiday" is not one of hospital, missing, custody, respite, other',
        "",
      ]);
      expect(result.stdout).toContain("providers.csv:\n  to insert:\n    row 2: P4\n");
      expect(result.stdout).toContain("providers.csv (providers): 1 to insert, 0 to update, 0 unchanged\n");
      expect(result.stdout).toContain("absences.csv (absences): 1 to insert, 0 to update, 0 unchanged, 1 with problems\n");
      expect(result.stdout.trimEnd().split("\n").slice(-2)).toEqual([
        "Nothing was changed: some rows have problems (listed above). Fix them and import again, or load the good rows with --skip-bad-rows.",
        "1 path(s) named could not be read (listed above).",
      ]);
      expect(await t.db.knex("providers").where({ provider_id: "P4" })).toEqual([]);

      const skipping = await run(["--skip-bad-rows", dir]);
      expect(skipping.status).toBe(EXIT_REJECTED);
      expect(skipping.stdout.split("\n").slice(0, 2)).toEqual([
        "providers.csv (providers): 1 inserted, 0 updated, 0 unchanged",
        "absences.csv (absences): 1 inserted, 0 updated, 0 unchanged, 1 with problems (not loaded)",
      ]);
      expect(skipping.stdout.trimEnd().split("\n").pop()).toBe("Reference data imported, except the rows with problems listed above.");
      expect(await t.db.knex("providers").where({ provider_id: "P4" }).select("name")).toEqual([{ name: "Ash Lodge" }]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("--dry-run lists the changes field by field and the key changes apart; applying them needs --confirm-key-changes", async () => {
    const dir = tempDir("import-cli-keys");
    fs.writeFileSync(path.join(dir, "placements.csv"), "placement_id,child_ref,provider_id,contract_id,start_date,end_date\nPL1,CH001,P1,C1,2025-09-01,2026-01-31\nPL2,CH009,P1,C1,2025-09-01,\n");
    try {
      const preview = await run(["--dry-run", dir]);
      expect(preview.status).toBe(EXIT_OK);
      expect(preview.stdout).toContain(
        [
          "placements.csv:",
          "  to update:",
          '    row 2: PL1: end_date (blank) → "2026-01-31"',
          "",
          "KEY CHANGES: 1 existing row would move to another child, provider or contract:",
          '  placements.csv row 3: PL2: child_ref "CH002" → "CH009"',
        ].join("\n"),
      );
      expect(preview.stdout).toContain("placements.csv (placements): 0 to insert, 2 to update (1 key change), 0 unchanged\n");
      expect(preview.stdout.trimEnd().split("\n").pop()).toBe("Dry run: nothing was changed. Note: applying needs --confirm-key-changes for the 1 key change listed above.");

      const refused = await run([dir]);
      expect(refused.status).toBe(EXIT_REJECTED);
      expect(refused.stdout).toContain('  placements.csv row 3: PL2: child_ref "CH002" → "CH009"');
      expect(refused.stdout.trimEnd().split("\n").pop()).toBe(
        "Nothing was changed: the 1 key change listed above would move existing rows to another child, provider or contract. Check them, then import again with --confirm-key-changes.",
      );
      expect(await t.db.knex("placements").where({ placement_id: "PL2" }).select("child_ref")).toEqual([{ child_ref: "CH002" }]);

      const confirmed = await run(["--confirm-key-changes", dir]);
      expect(confirmed.status).toBe(EXIT_OK);
      expect(confirmed.stdout.split("\n")[0]).toBe("placements.csv (placements): 0 inserted, 2 updated (1 key change), 0 unchanged");
      expect(await t.db.knex("placements").where({ placement_id: "PL2" }).select("child_ref")).toEqual([{ child_ref: "CH009" }]);
      expect(await t.db.knex("audit_log").where({ action: "key change" }).select("actor", "entity_id")).toEqual([{ actor: "cli", entity_id: "PL2" }]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("no files named is a usage error (exit 2 from main)", async () => {
    await expect(run([])).rejects.toMatchObject({ code: "usage" });
    await expect(run(["--dry-run"])).rejects.toMatchObject({ code: "usage" });
    await expect(run(["--force", VALID_DIR])).rejects.toMatchObject({ code: "usage" });
  });
});
