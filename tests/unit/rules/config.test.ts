import { describe, expect, it } from "vitest";
import rulesConfigJson from "../../../rules/rules.config.json" with { type: "json" };
import { loadRulesConfig, RULE_IDS } from "../../../src/audit/index.js";
import { AppError } from "../../../src/domain/errors.js";

function withChange(change: (json: Record<string, unknown>) => void): Record<string, unknown> {
  const json = structuredClone(rulesConfigJson) as Record<string, unknown>;
  change(json);
  return json;
}

function errorOf(json: unknown): AppError {
  try {
    loadRulesConfig(json);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error("no error thrown");
}

describe("rules/rules.config.json", () => {
  it("loads with the defaults of AUDIT.md", () => {
    const config = loadRulesConfig(rulesConfigJson);
    expect(config.minFindingAmount.toFixed(2)).toBe("5.00");
    expect(config.vatRate.toString()).toBe("20");
    expect(config.items).toEqual([
      { item: "one_to_one_hour", keywords: ["1:1", "1-1", "one to one", "one-to-one", "additional staffing", "support hours"] },
      { item: "education_day", keywords: ["education", "school", "tuition"] },
      { item: "transport_mile", keywords: ["transport", "mileage", "travel", "miles"] },
      { item: "therapy_session", keywords: ["therapy", "therapeutic", "counselling", "psychology"] },
    ]);
    expect(config.feeKeywords).toEqual(["placement", "fee", "care", "foster", "residential", "accommodation"]);
    for (const id of RULE_IDS) expect(config.enabled[id]).toBe(true);
  });

  it("names every rule of AUDIT.md with a flag", () => {
    expect(Object.keys((rulesConfigJson as { rules: object }).rules).sort()).toEqual([...RULE_IDS].sort());
  });

  it("treats a rule left out as enabled and reads a disabled one", () => {
    const config = loadRulesConfig(withChange((json) => (json.rules = { "vat-overcharge": { enabled: false } })));
    expect(config.enabled["vat-overcharge"]).toBe(false);
    expect(config.enabled["rate-above-agreed"]).toBe(true);
  });
});

describe("loadRulesConfig refuses a bad file with config.invalid naming the key", () => {
  it.each([
    ["min_finding_amount", (json: Record<string, unknown>) => (json.min_finding_amount = 5)],
    ["min_finding_amount", (json: Record<string, unknown>) => (json.min_finding_amount = "five")],
    ["min_finding_amount", (json: Record<string, unknown>) => (json.min_finding_amount = "-1.00")],
    ["min_finding_amount", (json: Record<string, unknown>) => delete json.min_finding_amount],
    ["vat_rate", (json: Record<string, unknown>) => (json.vat_rate = "120")],
    ["vat_rate", (json: Record<string, unknown>) => (json.vat_rate = null)],
    ["items", (json: Record<string, unknown>) => (json.items = ["1:1"])],
    ["items", (json: Record<string, unknown>) => (json.items = {})],
    ["items.one_to_one_hour", (json: Record<string, unknown>) => (json.items = { one_to_one_hour: [] })],
    ["items.one_to_one_hour[1]", (json: Record<string, unknown>) => (json.items = { one_to_one_hour: ["1:1", ""] })],
    ["items.placement", (json: Record<string, unknown>) => (json.items = { placement: ["fee"] })],
    ["items.Bad Item", (json: Record<string, unknown>) => (json.items = { "Bad Item": ["x"] })],
    ["fee_keywords", (json: Record<string, unknown>) => (json.fee_keywords = "placement")],
    ["rules.rate-too-high", (json: Record<string, unknown>) => (json.rules = { "rate-too-high": { enabled: true } })],
    ["rules.vat-overcharge.enabled", (json: Record<string, unknown>) => (json.rules = { "vat-overcharge": { enabled: "no" } })],
    ["rules.vat-overcharge.threshold", (json: Record<string, unknown>) => (json.rules = { "vat-overcharge": { enabled: true, threshold: 1 } })],
    ["rules.vat-overcharge", (json: Record<string, unknown>) => (json.rules = { "vat-overcharge": true })],
    ["rules", (json: Record<string, unknown>) => (json.rules = [])],
    ["min_finding_amunt", (json: Record<string, unknown>) => (json.min_finding_amunt = "5.00")],
  ])("%s", (key, change) => {
    const error = errorOf(withChange(change));
    expect(error.code).toBe("config.invalid");
    expect(error.context.key).toBe(key);
    expect(error.message).toContain(key);
  });

  it("the whole file must be an object", () => {
    for (const json of [null, "{}", [], 5]) {
      const error = errorOf(json);
      expect(error.code).toBe("config.invalid");
      expect(error.context.key).toBe("(root)");
    }
  });
});
