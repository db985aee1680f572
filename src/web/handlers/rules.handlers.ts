import type { Request, Response } from "express";
import { CATALOGUE, checksText, stageText } from "../../../rules/catalogue.js";
import { moneyString } from "../../domain/money.js";
import { defaultRulesConfig } from "../../services/audit/run-audit.js";
import type { WebContext } from "../context.js";
import { render } from "../views.js";

/**
 * The audit's configuration, read-only: the rules in waterfall order (rules/catalogue.ts) with
 * what each checks, its category and whether it raises findings, the reporting threshold, the
 * VAT rate and the keywords. It is changed by editing rules/rules.config.json (validated when
 * the audit loads it).
 */
export async function rulesPage(ctx: WebContext, req: Request, res: Response): Promise<void> {
  const config = defaultRulesConfig();
  await render(ctx, req, res, "rules.njk", {
    minFindingAmount: moneyString(config.minFindingAmount),
    vatRate: config.vatRate.toString(),
    rules: CATALOGUE.map((entry) => ({
      rule: entry.id,
      label: entry.label,
      category: entry.category,
      stage: stageText(entry.stage),
      checks: checksText(entry),
      enabled: config.enabled[entry.id],
    })),
    items: config.items,
    feeKeywords: config.feeKeywords,
  });
}
