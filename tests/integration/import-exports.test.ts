import fs from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { forAuthority } from "../../src/db/connection.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Capture } from "../support/cli.js";
import { EXIT_OK, type CommandContext } from "../../src/cli/command.js";
import { importCommand } from "../../src/cli/commands/import.js";
import { profilesCommand } from "../../src/cli/commands/profiles.js";
import { settingsFromEnv } from "../../src/config.js";
import { loadReferenceData } from "../../src/db/repositories/reference.repository.js";
import { silentLogger } from "../../src/logger.js";
import { importReference } from "../../src/services/reference/import-reference.js";
import { openTestDatabase, type TestDatabase } from "../support/db.js";

const SAMPLES = path.resolve("samples");
const EXPORTS = path.join(SAMPLES, "exports");
const REFERENCE = path.join(SAMPLES, "reference");

interface ShippedProfile {
  name: string;
  mappings: string[];
}

/**
 * The three realistic exports of samples/exports, each read through its shipped import profile
 * with the CLI as an admin would (`profiles set`, then `import --profile`), give exactly the
 * database that samples/reference gives.
 */
describe("samples/exports through their import profiles = samples/reference", () => {
  let fromReference: TestDatabase;
  let fromExports: TestDatabase;
  beforeAll(async () => {
    [fromReference, fromExports] = await Promise.all([openTestDatabase(), openTestDatabase()]);
  });
  afterAll(async () => {
    await Promise.all([fromReference.dispose(), fromExports.dispose()]);
  });

  async function run(command: typeof importCommand, args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
    const stdout = new Capture();
    const stderr = new Capture();
    const context: CommandContext = {
      settings: settingsFromEnv(), logger: silentLogger(), stdout, stderr, stdin: Readable.from([]), database: () => Promise.resolve(forAuthority(fromExports.db, 1)),
      deployment: () => Promise.resolve(fromExports.db),
      chosenAuthorityId: () => Promise.resolve(1), authorityId: () => Promise.resolve(1),
    };
    const status = await command.run(args, context);
    return { status, stdout: stdout.text, stderr: stderr.text };
  }

  it("saves the three shipped profiles with the CLI", async () => {
    const profiles = JSON.parse(fs.readFileSync(path.join(EXPORTS, "profiles.json"), "utf8")) as ShippedProfile[];
    expect(profiles.map((p) => p.name)).toEqual(["Mosaic placements export", "ContrOCC service agreements", "Placements team tracker"]);
    for (const profile of profiles) {
      const result = await run(profilesCommand, ["set", profile.name, ...profile.mappings.flatMap((m) => ["--map", m])]);
      expect(result.status).toBe(EXIT_OK);
    }
    const listed = await run(profilesCommand, ["show", "Mosaic placements export"]);
    expect(listed.stdout).toBe("Care Package Level → placements.service_level\nService Agreement → placements.contract_id\nAgreed Weekly Cost → placements.weekly_fee\n");
  });

  it("each export loads through its profile, finance system first", async () => {
    const files: [string, string][] = [
      ["ContrOCC service agreements 2026-12.xlsx", "ContrOCC service agreements"],
      ["Mosaic_LAC_Placements_Dec2026.csv", "Mosaic placements export"],
      ["Placements team tracker 2026-27.xlsx", "Placements team tracker"],
    ];
    const outputs: string[] = [];
    const warnings: string[] = [];
    for (const [file, profile] of files) {
      const result = await run(importCommand, ["--profile", profile, path.join(EXPORTS, file)]);
      expect([file, result.status, result.stdout.trimEnd().split("\n").pop()]).toEqual([file, EXIT_OK, "Reference data imported."]);
      outputs.push(result.stdout.split("\n\n")[0] ?? "");
      warnings.push(result.stderr);
    }
    expect(outputs[0]).toBe(
      [
        "ContrOCC service agreements 2026-12.xlsx (sheet Suppliers) (providers): 8 inserted, 0 updated, 0 unchanged",
        "ContrOCC service agreements 2026-12.xlsx (sheet Agreements) (contracts): 8 inserted, 0 updated, 0 unchanged",
        "ContrOCC service agreements 2026-12.xlsx (sheet Price Schedule) (rates): 34 inserted, 0 updated, 0 unchanged",
        "ContrOCC service agreements 2026-12.xlsx (sheet Discounts) (discounts): 5 inserted, 0 updated, 0 unchanged",
      ].join("\n"),
    );
    // Providers given by name are said once per name; the team's read-me sheet is skipped, and said.
    expect(warnings[1]).toContain('warning: Mosaic_LAC_Placements_Dec2026.csv row 2, provider_id (column "Provider Name"): provider "Brightfield Fostering Ltd" taken as "BRF" (its name or alias)');
    expect(warnings[1]).toContain('warning: Mosaic_LAC_Placements_Dec2026.csv row 1: ignored column "Legal Status" (not a column of the placements table)');
    expect(warnings[2]).toContain("warning: Placements team tracker 2026-27.xlsx (sheet Read me): skipped: no table recognised");
  });

  it("gives the same database as samples/reference", async () => {
    const files = fs.readdirSync(REFERENCE).map((name) => ({ name, bytes: fs.readFileSync(path.join(REFERENCE, name)) }));
    const report = await importReference(fromReference.db, files, { authorityId: 1 });
    expect(report.ok).toBe(true);
    expect(await loadReferenceData(fromExports.db.knex, 1)).toEqual(await loadReferenceData(fromReference.db.knex, 1));
  });
});
