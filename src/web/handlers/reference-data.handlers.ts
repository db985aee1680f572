import type { Request, Response } from "express";
import {
  LIST_LIMIT, referenceContracts, referenceDiscounts, referencePlacements, referenceProviders, type ReferenceList,
} from "../../db/queries/reference-data.query.js";
import type { Database } from "../../db/connection.js";
import type { Scope } from "../../db/queries/read-model.js";
import { templatesInUse } from "../../services/ingest/provider-templates.js";
import { scopeOf, type Handler, type WebContext } from "../context.js";
import { queryValue } from "../params.js";
import { render } from "../views.js";

/**
 * "See what was loaded": the reference tables of the signed-in user's authority, read-only,
 * each narrowed by one text filter (`?q=`). Which roles see which table is in routes.ts.
 */
interface ReferencePage {
  template: string;
  read: (db: Database, scope: Scope, text: string) => Promise<ReferenceList<unknown>>;
  /** More for the page beyond the rows (the providers page: their reading templates). */
  extra?: (ctx: WebContext) => Record<string, unknown>;
}

/** Long enough for any id or name; longer input is cut, never an error. */
const MAX_FILTER = 100;

function showList(page: ReferencePage): Handler {
  return async (ctx: WebContext, req: Request, res: Response): Promise<void> => {
    const q = queryValue(req, "q").slice(0, MAX_FILTER);
    const list = await page.read(ctx.db, scopeOf(req), q);
    await render(ctx, req, res, page.template, { q, items: list.items, total: list.total, limit: LIST_LIMIT, ...page.extra?.(ctx) });
  };
}

export const providersPage = showList({
  template: "reference-providers.njk",
  read: referenceProviders,
  extra: (ctx) => {
    const { byProvider, problem } = templatesInUse(ctx.dataDir);
    return { templates: Object.fromEntries(byProvider), templatesProblem: problem };
  },
});
export const contractsPage = showList({ template: "reference-contracts.njk", read: referenceContracts });
export const placementsPage = showList({ template: "reference-placements.njk", read: referencePlacements });
export const discountsPage = showList({ template: "reference-discounts.njk", read: referenceDiscounts });
