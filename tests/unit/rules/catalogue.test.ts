import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CATALOGUE, checksText, RULE_CATEGORIES, ruleLabel, stageText } from "../../../rules/catalogue.js";
import { EXTRA_STEPS, FEE_STEPS, INVOICE_CHECKS, INVOICE_GATES, LINE_GATES, RULES } from "../../../rules/index.js";
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
    expect(ids).toEqual(RULES.map((rule) => rule.id));
    expect([...ids].sort()).toEqual([...RULE_IDS].sort());
  });

  it("gives each rule AUDIT.md's category", () => {
    for (const [category, rules] of Object.entries(AUDIT_MD_CATEGORIES)) {
      for (const rule of rules) expect(RULE_CATEGORIES[rule as keyof typeof RULE_CATEGORIES], rule).toBe(category);
    }
    expect(Object.values(AUDIT_MD_CATEGORIES).flat().sort()).toEqual([...RULE_IDS].sort());
  });

  it("places each rule at its stage of rules/index.ts", () => {
    const stepOf = (steps: readonly (readonly { id: string }[])[], id: string): number | null => {
      const index = steps.findIndex((step) => step.some((rule) => rule.id === id));
      return index < 0 ? null : index + 1;
    };
    for (const entry of CATALOGUE) {
      const { id, stage } = entry;
      expect(stage.kind === "invoice-gate", id).toBe(INVOICE_GATES.some((rule) => rule.id === id));
      expect(stage.kind === "line-gate", id).toBe(LINE_GATES.some((rule) => rule.id === id));
      expect(stage.kind === "invoice-check", id).toBe(INVOICE_CHECKS.some((rule) => rule.id === id));
      expect(stage.kind === "line-steps" ? stage.feeStep : null, id).toBe(stepOf(FEE_STEPS, id));
      expect(stage.kind === "line-steps" ? stage.extraStep : null, id).toBe(stepOf(EXTRA_STEPS, id));
    }
    // AUDIT.md: eight fee steps (the ninth, the cap, is the engine's) and six for extras.
    expect(FEE_STEPS.length).toBe(8);
    expect(EXTRA_STEPS.length).toBe(6);
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
