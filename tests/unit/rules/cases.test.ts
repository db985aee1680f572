import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { RULES } from "../../../rules/index.js";
import { isRuleId } from "../../../src/domain/finding.js";
import { byKey, comparable, runFacts, type CasesFile, type ExpectedFinding, type ReferenceFacts } from "./facts.js";

const rulesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../rules");
const folders = fs
  .readdirSync(rulesDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

function load(folder: string): CasesFile {
  return JSON.parse(fs.readFileSync(path.join(rulesDir, folder, "cases.json"), "utf8")) as CasesFile;
}

describe("rules/: one folder per rule", () => {
  it("registers every folder, once, and every registered rule has a folder", () => {
    expect(RULES.map((rule) => rule.id).sort()).toEqual(folders);
    for (const folder of folders) {
      expect(fs.existsSync(path.join(rulesDir, folder, "rule.ts")), `${folder}/rule.ts`).toBe(true);
      expect(load(folder).rule).toBe(folder);
    }
  });
  // The waterfall order is checked against rules/catalogue.ts in catalogue.test.ts.
});

describe.each(folders)("rules/%s/cases.json", (folder) => {
  const file = load(folder);

  it("has cases, each with its arithmetic written down", () => {
    expect(file.cases.length).toBeGreaterThan(0);
    for (const c of file.cases) {
      expect(c.note.length, c.name).toBeGreaterThan(10);
      for (const f of c.expect.findings) expect(isRuleId(f.rule), `${c.name}: ${f.rule}`).toBe(true);
    }
  });

  it.each(file.cases.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const reference: ReferenceFacts = { ...(file.base ?? {}), ...(c.reference ?? {}) };
    const run = runFacts({ reference, invoices: c.invoices ?? [], creditNotes: c.creditNotes ?? [], config: c.config ?? {} });
    const expected = c.expect.findings.map((f): ExpectedFinding => ({ childRef: null, ...f })).sort(byKey);
    expect(comparable(run.findings)).toEqual(expected);
    for (const note of c.expect.notes ?? []) {
      const match = run.notes.find((n) => n.invoice === note.invoice && n.lineNo === note.line && n.kind === note.kind);
      expect(match, `note ${note.kind} on ${note.invoice} line ${note.line}`).toBeDefined();
      if (note.amount !== undefined) expect(match?.amount).toBe(note.amount);
    }
    if (c.expect.voided) expect([...run.voided].sort()).toEqual([...c.expect.voided].sort());
    for (const finding of run.findings) {
      expect(finding.explanation).toMatch(/£\d/);
      expect(Number(finding.amount)).toBeGreaterThan(0);
    }
  });
});
