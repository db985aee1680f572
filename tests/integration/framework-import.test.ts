import fs from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT_OK, EXIT_REJECTED, type Command, type CommandContext } from "../../src/cli/command.js";
import { consortiaCommand } from "../../src/cli/commands/consortia.js";
import { importCommand } from "../../src/cli/commands/import.js";
import { settingsFromEnv } from "../../src/config.js";
import { addAuthority } from "../../src/db/repositories/authority.repository.js";
import { isAppError } from "../../src/domain/errors.js";
import { silentLogger } from "../../src/logger.js";
import { Capture } from "../support/cli.js";
import { openTestDatabase, tempDir, type TestDatabase } from "../support/db.js";

const CONSORTIUM = path.resolve(import.meta.dirname, "../../samples/consortium");

/** `import --framework CODE`: a consortium's contracts and rates, once, with the import's preview and checks. */
describe("placement-audit import --framework", () => {
  let t: TestDatabase;
  let north = 0;
  let south = 0;
  beforeAll(async () => {
    t = await openTestDatabase();
    north = await addAuthority(t.db.knex, { code: "north", name: "North Council" });
    south = await addAuthority(t.db.knex, { code: "south", name: "South Council" });
  });
  afterAll(async () => {
    await t.dispose();
  });

  async function run(command: Command, args: string[], authorityId = 1): Promise<{ status: number; stdout: string; stderr: string }> {
    const stdout = new Capture();
    const stderr = new Capture();
    const context: CommandContext = {
      settings: settingsFromEnv(), logger: silentLogger(), stdout, stderr, stdin: Readable.from([]),
      database: () => Promise.resolve(t.db),
      authorityId: () => Promise.resolve(authorityId),
      deployment: () => Promise.resolve(t.db),
      chosenAuthorityId: () => Promise.resolve(authorityId),
    };
    try {
      const status = await command.run(args, context);
      return { status, stdout: stdout.text, stderr: stderr.text };
    } catch (error) {
      // As main does: a usage error is exit 2 with its message.
      if (isAppError(error) && error.code === "usage") return { status: 2, stdout: stdout.text, stderr: `${stderr.text}${error.message}\n` };
      throw error;
    }
  }
  const count = async (table: string): Promise<number> => Number((await t.db.knex(table).count<{ n: string }[]>({ n: "*" }))[0]?.n);

  it("needs a consortium with members", async () => {
    expect((await run(importCommand, ["--framework", "NWC", path.join(CONSORTIUM, "framework")])).status).toBe(2);
    expect((await run(consortiaCommand, ["add", "NWC", "--name", "Northvale", "--member", "north", "--member", "nowhere"])).status).toBe(2);
    const made = await run(consortiaCommand, ["add", "NWC", "--name", "Northvale", "--member", "north", "--member", "south"]);
    expect(made).toMatchObject({ status: EXIT_OK, stdout: "Consortium NWC (Northvale): 2 member(s).\n" });
  });

  it("checks a framework's providers against the members' and previews without writing", async () => {
    const framework = path.join(CONSORTIUM, "framework");
    // No member knows the providers yet: every contract's provider is unknown, and nothing is written.
    const early = await run(importCommand, ["--framework", "NWC", framework]);
    expect(early.status).toBe(EXIT_REJECTED);
    expect(early.stderr).toContain('"HAV" is not a known provider');
    expect(await count("framework_contracts")).toBe(0);
    expect((await run(importCommand, [path.join(CONSORTIUM, "ALD/reference/providers.csv")], north)).status).toBe(EXIT_OK);
    const preview = await run(importCommand, ["--framework", "NWC", "--dry-run", framework]);
    expect(preview.status).toBe(EXIT_OK);
    expect(preview.stdout).toMatch(/contracts\.csv[\s\S]*3 to insert/);
    expect(await count("framework_contracts")).toBe(0);
  });

  it("loads it once for the consortium, with the uplift, and logs it in each member's audit log", async () => {
    const applied = await run(importCommand, ["--framework", "NWC", path.join(CONSORTIUM, "framework")]);
    expect(applied.status).toBe(EXIT_OK);
    expect(await t.db.knex("framework_contracts").orderBy("contract_id").pluck("annual_uplift_pct")).toEqual(["3.0000", "2.5000", "3.0000"]);
    expect(await count("framework_rates")).toBe(9);
    expect(await count("contracts")).toBe(0);
    const logged = await t.db.knex("audit_log").where({ action: "import", entity: "framework NWC" }).orderBy("authority_id").pluck("authority_id");
    expect(logged.map(Number)).toEqual([north, south]);
  });

  it("takes only contracts and rates", async () => {
    const result = await run(importCommand, ["--framework", "NWC", path.join(CONSORTIUM, "ALD/reference/placements.csv")]);
    expect(result.status).toBe(EXIT_REJECTED);
    expect(result.stderr).toContain("a framework import holds contracts and rates only, not placements");
  });

  it("lets a member's placements name a framework contract, and no one else's", async () => {
    const placements = path.join(CONSORTIUM, "ALD/reference");
    expect((await run(importCommand, [placements], north)).status).toBe(EXIT_OK);
    expect(await t.db.knex("placements").where({ authority_id: north, contract_id: "FW-HAV" }).count<{ n: string }[]>({ n: "*" })).toEqual([{ n: "13" }]);
    // Authority 1 is no member: the framework contract is unknown to it, and the database agrees.
    await t.db.knex("providers").insert({ authority_id: 1, provider_id: "HAV", name: "Haven Fostering Ltd", kind: "ifa" });
    const outsider = await run(importCommand, [path.join(placements, "placements.csv")], 1);
    expect(outsider.status).toBe(EXIT_REJECTED);
    expect(outsider.stderr).toContain('"FW-HAV" is not a known contract');
    await expect(
      t.db.knex("placements").insert({ authority_id: 1, placement_id: "X1", child_ref: "C1", provider_id: "HAV", contract_id: "FW-HAV", start_date: "2026-01-01" }),
    ).rejects.toThrow(/neither the authority's own nor a framework contract/);
  });

  it("refuses a member's own contract that reuses a framework contract's id", async () => {
    const dir = tempDir("own-contract");
    fs.writeFileSync(path.join(dir, "contracts.csv"), "contract_id,provider_id,title,start_date\nFW-HAV,HAV,Our own Haven contract,2026-01-01\n");
    const result = await run(importCommand, [path.join(dir, "contracts.csv")], south);
    expect(result.status).toBe(EXIT_REJECTED);
    expect(result.stderr).toContain("is a framework contract of the consortium");
  });
});
