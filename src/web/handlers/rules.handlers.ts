import type { Request, Response } from "express";
import { RULE_IDS } from "../../audit/index.js";
import { RULE_CATEGORIES } from "../../domain/finding.js";
import { moneyString } from "../../domain/money.js";
import { defaultRulesConfig } from "../../services/audit/run-audit.js";
import type { WebContext } from "../context.js";
import { render } from "../views.js";

/**
 * The audit's configuration, read-only: the rules in waterfall order with their category and
 * whether they raise findings, the reporting threshold, the VAT rate and the keywords. It is
 * changed by editing rules/rules.config.json (validated when the audit loads it).
 */
export async function rulesPage(ctx: WebContext, req: Request, res: Response): Promise<void> {
  const config = defaultRulesConfig();
  await render(ctx, req, res, "rules.njk", {
    minFindingAmount: moneyString(config.minFindingAmount),
    vatRate: config.vatRate.toString(),
    rules: RULE_IDS.map((rule) => ({ rule, category: RULE_CATEGORIES[rule], enabled: config.enabled[rule] })),
    items: config.items,
    feeKeywords: config.feeKeywords,
  });
}
