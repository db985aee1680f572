import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CATALOGUE, checksText, RULE_CATEGORIES, ruleLabel, stageText } from "../../../rules/catalogue.js";
import { RULES } from "../../../rules/index.js";
import { RULE_IDS } from "../../../src/domain/finding.js";

// AUDIT.md "Categories", copied from the spec: the catalogue must agree with the law.
const AUDIT_MD_CATEGORIES: Record<string, string[]> = {
  fees: ["rate-above-agreed", "uplift-before-effective-date", "discount-not-applied", "absence-not-at-retainer", "extra-rate-above-agreed", "extra-quantity-above-agreed"],
  errors: ["arithmetic-error", "quantity-exceeds-period", "duplicate-billing", "duplicate-invoice", "outside-placement", "vat-overcharge", "total-mismatch"],
  query: ["unmatched-line", "extra-not-agreed", "no-agreed-rate"],
};

/** The README's list of rules, as the catalogue writes it. */
function readmeRulesTable(): string {
  const rows = CATALOGUE.map((entry) => `| ${entry.label} (\`${entry.id}\`) | ${entry.category} | ${stageText(entry.stage)} | ${checksText(entry)} |`);
  return ["| rule | category | runs | what it checks |", "|---|---|---|---|", ...rows].join("\n");
}

describe("rules/catalogue.ts", () => {
  it("lists exactly the registered rules, once each, in waterfall order", () => {
    const ids = CATALOGUE.map((entry) => entry.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(RULES.flatMap((rule) => rule.raises));
    expect([...ids].sort()).toEqual([...RULE_IDS].sort());
  });

  it("gives each rule AUDIT.md's category", () => {
    for (const [category, rules] of Object.entries(AUDIT_MD_CATEGORIES)) {
      for (const rule of rules) expect(RULE_CATEGORIES[rule as keyof typeof RULE_CATEGORIES], rule).toBe(category);
    }
    expect(Object.values(AUDIT_MD_CATEGORIES).flat().sort()).toEqual([...RULE_IDS].sort());
  });

  it("places each rule where the registry runs it", () => {
    for (const entry of CATALOGUE) {
      const rule = RULES.find((r) => r.raises.includes(entry.id));
      const stage = entry.stage;
      expect(stage.kind === "invoice-gate", entry.id).toBe(rule?.invoiceGate !== undefined);
      expect(stage.kind === "line-gate", entry.id).toBe(rule?.lineGate !== undefined);
      expect(stage.kind === "invoice-check", entry.id).toBe(rule?.invoiceCheck !== undefined);
      expect(stage.kind === "line-steps" && stage.feeStep !== null, entry.id).toBe(rule?.feeStep !== undefined);
      expect(stage.kind === "line-steps" && stage.extraStep !== null, entry.id).toBe(rule?.extraStep !== undefined);
    }
  });

  it("names each rule once, in sentence case, and says what it checks with a worked example in pounds", () => {
    const labels = CATALOGUE.map((entry) => entry.label);
    expect(new Set(labels).size).toBe(labels.length);
    for (const entry of CATALOGUE) {
      expect(entry.label, entry.id).toMatch(/^[A-Z][a-z]+( [a-z]+)*$|^VAT [a-z]+$/);
      expect(ruleLabel(entry.id)).toBe(entry.label);
      expect(entry.checks.length, entry.id).toBeGreaterThan(60);
      expect(entry.example, entry.id).toContain(`${entry.id} `);
      expect(entry.example, entry.id).toMatch(/£\d[\d,]*\.\d\d/);
    }
    expect(ruleLabel("vat-overcharge")).toBe("VAT overcharge");
    expect(ruleLabel("not-a-rule")).toBe("not-a-rule");
  });

  it("is the README's list of rules", () => {
    const readme = fs.readFileSync(path.resolve(import.meta.dirname, "../../../README.md"), "utf8");
    const table = readmeRulesTable();
    expect(readme.includes(table), `README.md must contain, under "The rules":\n\n${table}\n`).toBe(true);
  });
});
