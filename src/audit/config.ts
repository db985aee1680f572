import { AppError } from "../domain/errors.js";
import { isRuleId, RULE_IDS, type RuleId } from "../domain/finding.js";
import type { ItemKeywords, LineKeywords } from "../domain/classify.js";
import { Dec } from "../domain/money.js";

/** rules/rules.config.json, validated: thresholds and keywords are data, not code (DESIGN.md §4). */
export interface RulesConfig extends LineKeywords {
  /** Findings below this amount (after rounding to pence) are not raised. */
  readonly minFindingAmount: Dec;
  /** VAT rate in percent (20 means 20%). */
  readonly vatRate: Dec;
  /** Per rule: false keeps the rule's share in the waterfall but raises no finding for it. */
  readonly enabled: Readonly<Record<RuleId, boolean>>;
}

export { RULE_IDS };

const TOP_LEVEL_KEYS = new Set(["$comment", "min_finding_amount", "vat_rate", "items", "fee_keywords", "rules"]);
const DECIMAL = /^\d+(\.\d+)?$/;
const ITEM_NAME = /^[a-z][a-z0-9_]*$/;
const RESERVED_ITEMS = new Set(["placement", "discount", "unknown"]);

function invalid(key: string, message: string, value?: unknown): AppError {
  const shown = value === undefined ? undefined : JSON.stringify(value)?.slice(0, 80);
  return new AppError("config.invalid", `rules.config.json: ${key}: ${message}`, { key, value: shown });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Amounts are strings in the file so that they never pass through a binary float
 * ("5.00", not 5.00).
 */
function decimalSetting(json: Record<string, unknown>, key: string, max: Dec | null): Dec {
  const value = json[key];
  if (value === undefined) throw invalid(key, "is missing");
  if (typeof value !== "string" || !DECIMAL.test(value.trim())) {
    throw invalid(key, `must be a decimal number written as a string, e.g. "5.00"`, value);
  }
  const parsed = new Dec(value.trim());
  if (max !== null && parsed.greaterThan(max)) throw invalid(key, `must be at most ${max.toString()}`, value);
  return parsed;
}

function keywordList(value: unknown, key: string): string[] {
  if (!Array.isArray(value) || value.length === 0) throw invalid(key, "must be a non-empty list of keywords", value);
  return value.map((keyword: unknown, i) => {
    if (typeof keyword !== "string" || keyword.trim() === "") {
      throw invalid(`${key}[${i}]`, "must be a non-empty string", keyword);
    }
    return keyword.trim().toLowerCase();
  });
}

function itemKeywords(value: unknown): ItemKeywords[] {
  if (!isRecord(value)) throw invalid("items", "must be an object of item name to keyword list", value);
  const entries = Object.entries(value);
  if (entries.length === 0) throw invalid("items", "must name at least one item");
  return entries.map(([item, keywords]) => {
    if (!ITEM_NAME.test(item) || RESERVED_ITEMS.has(item)) {
      throw invalid(`items.${item}`, "is not a valid extra's item name (lower case, e.g. one_to_one_hour; not placement, discount or unknown)");
    }
    return { item, keywords: keywordList(keywords, `items.${item}`) };
  });
}

function ruleFlags(value: unknown): Record<RuleId, boolean> {
  const flags = Object.fromEntries(RULE_IDS.map((id) => [id, true])) as Record<RuleId, boolean>;
  if (value === undefined) return flags;
  if (!isRecord(value)) throw invalid("rules", "must be an object of rule name to { \"enabled\": true|false }", value);
  for (const [id, setting] of Object.entries(value)) {
    if (!isRuleId(id)) throw invalid(`rules.${id}`, "is not a rule of AUDIT.md");
    if (!isRecord(setting)) throw invalid(`rules.${id}`, "must be an object like { \"enabled\": true }", setting);
    for (const key of Object.keys(setting)) {
      if (key !== "enabled") throw invalid(`rules.${id}.${key}`, "is not a known setting (only \"enabled\")");
    }
    const enabled = setting.enabled;
    if (typeof enabled !== "boolean") throw invalid(`rules.${id}.enabled`, "must be true or false", enabled);
    flags[id] = enabled;
  }
  return flags;
}

/**
 * Validates the parsed rules.config.json (callers import or read the file; this stays pure).
 * Every problem is an AppError with code `config.invalid` whose context `key` names the bad key.
 */
export function loadRulesConfig(json: unknown): RulesConfig {
  if (!isRecord(json)) throw invalid("(root)", "must be a JSON object", json);
  for (const key of Object.keys(json)) {
    if (!TOP_LEVEL_KEYS.has(key)) throw invalid(key, "is not a known setting");
  }
  const minFindingAmount = decimalSetting(json, "min_finding_amount", null);
  const vatRate = decimalSetting(json, "vat_rate", new Dec(100));
  if (json.items === undefined) throw invalid("items", "is missing");
  const items = itemKeywords(json.items);
  if (json.fee_keywords === undefined) throw invalid("fee_keywords", "is missing");
  const feeKeywords = keywordList(json.fee_keywords, "fee_keywords");
  const enabled = ruleFlags(json.rules);
  return { minFindingAmount, vatRate, items, feeKeywords, enabled };
}
