import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * The layer rules of .dependency-cruiser.js (run by `npm run lint`) bite: a small tree that
 * plants one violation of each rule, beside arrows the layering allows, is cruised with the
 * repository's own config, and exactly the planted arrows are refused.
 */
const ROOT = path.resolve(import.meta.dirname, "../..");
const DEPCRUISE = path.join(ROOT, "node_modules/dependency-cruiser/bin/dependency-cruise.mjs");

const TREE: Record<string, string> = {
  "tsconfig.json": JSON.stringify({ compilerOptions: { module: "NodeNext", moduleResolution: "NodeNext", strict: true } }),
  // Allowed: the domain uses decimal.js; ingest uses the domain; services use db; web uses services.
  "src/domain/classify.ts": `import { Decimal } from "decimal.js";\nexport const zero = new Decimal(0);\n`,
  "src/ingest/read.ts": `import { zero } from "../domain/classify.js";\nimport { engine } from "../audit/engine.js";\nexport const read = [zero, engine];\n`,
  "src/db/connection.ts": `export const connection = 1;\n`,
  "src/db/repositories/user.repository.ts": `import { connection } from "../connection.js";\nexport const users = connection;\n`,
  "src/services/users.ts": `import { users } from "../db/repositories/user.repository.js";\nimport { other } from "./other.js";\nexport const listUsers = () => [users, other];\n`,
  "src/services/other.ts": `import { listUsers } from "./users.js";\nexport const other = () => listUsers;\n`,
  "src/web/page.ts": `import { listUsers } from "../services/users.js";\nimport { users } from "../db/repositories/user.repository.js";\nexport const page = [listUsers, users];\n`,
  // Planted: the core reaching out, ingest reaching the audit, a job with knex and a repository.
  "src/domain/money.ts": `import { connection } from "../db/connection.js";\nexport const money = connection;\n`,
  "src/audit/engine.ts": `import { listUsers } from "../services/users.js";\nexport const engine = listUsers;\n`,
  "src/reports/figures.ts": `import { page } from "../web/page.js";\nexport const figures = page;\n`,
  "rules/some-rule/rule.ts": `import { monthly } from "../../jobs/monthly.job.js";\nexport const rule = monthly;\n`,
  "jobs/monthly.job.ts": `import knexPkg from "knex";\nexport const monthly = knexPkg;\n`,
  "jobs/inbox.job.ts": `import { users } from "../src/db/repositories/user.repository.js";\nexport const inbox = users;\n`,
  "src/cli/main.ts": `import { nothing } from "./missing.js";\nexport const main = nothing;\n`,
};

/** [rule, from, to] for every arrow the tree plants (a cycle is reported once, at one of its arrows). */
const PLANTED = [
  ["core-imports-outer-layer", "src/domain/money.ts", "src/db/connection.ts"],
  ["domain-imports-beyond-domain", "src/domain/money.ts", "src/db/connection.ts"],
  ["core-imports-outer-layer", "src/audit/engine.ts", "src/services/users.ts"],
  ["core-imports-outer-layer", "src/reports/figures.ts", "src/web/page.ts"],
  ["core-imports-outer-layer", "rules/some-rule/rule.ts", "jobs/monthly.job.ts"],
  ["ingest-imports-audit", "src/ingest/read.ts", "src/audit/engine.ts"],
  ["web-imports-repositories", "src/web/page.ts", "src/db/repositories/user.repository.ts"],
  ["jobs-import-knex", "jobs/monthly.job.ts", "knex"],
  ["jobs-import-knex", "jobs/inbox.job.ts", "src/db/repositories/user.repository.ts"],
  ["no-unresolvable", "src/cli/main.ts", "./missing.js"],
  ["no-cycles", "src/services/other.ts", "src/services/users.ts"],
].map((v) => v.join(" "));

interface Violation {
  from: string;
  to: string;
  rule: { name: string; severity: string };
}

let dir = "";
let lintExitCode = 0;
let violations: Violation[] = [];

/** Runs depcruise in the planted tree with the repository's config; its exit code and what it printed. */
async function cruise(extraArgs: string[]): Promise<{ code: number; stdout: string }> {
  const args = [DEPCRUISE, "--config", path.join(ROOT, ".dependency-cruiser.js"), ...extraArgs, "src", "jobs", "rules"];
  try {
    const { stdout } = await promisify(execFile)(process.execPath, args, { cwd: dir, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? "" };
  }
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "layers-"));
  for (const [file, text] of Object.entries(TREE)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
  // As `npm run lint` runs it (its exit code), and as JSON (what it refused).
  const [asLint, asJson] = await Promise.all([cruise([]), cruise(["--output-type", "json"])]);
  lintExitCode = asLint.code;
  violations = (JSON.parse(asJson.stdout) as { summary: { violations: Violation[] } }).summary.violations;
}, 60_000);

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe("the import-graph check (.dependency-cruiser.js)", () => {
  it("fails on the planted tree", () => {
    expect(lintExitCode).not.toBe(0);
  });

  it("refuses exactly the planted arrows, as errors, and none of the allowed ones", () => {
    // A resolved package shows as its path under node_modules: name it by the package.
    const found = violations.map((v) => [v.rule.name, v.from, v.to.replace(/^.*node_modules\/([^/]+)\/.*$/, "$1")].join(" "));
    expect(new Set(found)).toEqual(new Set(PLANTED));
    expect(violations.every((v) => v.rule.severity === "error")).toBe(true);
  });
});
