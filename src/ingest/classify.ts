import { classifyLine } from "../domain/classify.js";
import { loadRulesConfig, type RulesConfig } from "../audit/config.js";
import type { LineItem } from "../domain/invoice.js";
import type { Dec } from "../domain/money.js";
import type { Unit } from "../domain/reference.js";
import rulesConfigJson from "../../rules/rules.config.json" with { type: "json" };

/**
 * The one place where ingestion asks the audit engine what a line is (AUDIT.md "Kinds of line":
 * the keywords are configuration in rules/rules.config.json, owned by the engine). Ingestion
 * stores the item with the line; the engine trusts it.
 */
let cached: RulesConfig | null = null;

/** The rules configuration lines are classified with (validated once per process). */
export function classificationConfig(): RulesConfig {
  cached ??= loadRulesConfig(rulesConfigJson);
  return cached;
}

/** `placement`, an extra's item, `discount` or `unknown` for one printed line. */
export function classifyInvoiceLine(description: string, unit: Unit | null, amount: Dec, config: RulesConfig = classificationConfig()): LineItem {
  return classifyLine(description, unit, amount, config);
}
