import type { Request, Response } from "express";
import { isQuarter } from "../../domain/quarters.js";
import { consortiumBenchmarkFor, SUPPRESSED_TEXT } from "../../services/consortium/consortium-benchmark.js";
import { BENCHMARK_NOTES, buildConsortiumWorkbook, serviceName } from "../../reports/consortium.workbook.js";
import { scopeOf, type WebContext } from "../context.js";
import { queryValue } from "../params.js";
import { render } from "../views.js";
import * as invoices from "./invoices.handlers.js";

const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
export const CONSORTIUM_PRICES_PATH = "/consortium/prices";

/** GET /: a council's dashboard; the consortium analyst's home is the benchmark (no council page is theirs). */
export async function home(ctx: WebContext, req: Request, res: Response): Promise<void> {
  if (req.user?.role === "consortium_analyst") {
    res.redirect(302, CONSORTIUM_PRICES_PATH);
    return;
  }
  await invoices.dashboard(ctx, req, res);
}

function requestedQuarter(req: Request): string | undefined {
  const quarter = queryValue(req, "quarter");
  return isQuarter(quarter) ? quarter : undefined;
}

/** GET /consortium/prices?quarter=2026-Q3: the consortium's price benchmark (aggregated and suppressed in the database). */
export async function pricesPage(ctx: WebContext, req: Request, res: Response): Promise<void> {
  const benchmark = await consortiumBenchmarkFor(ctx.db, scopeOf(req).authorityId, { quarter: requestedQuarter(req), now: ctx.now() });
  await render(ctx, req, res, "consortium-prices.njk", {
    benchmark,
    services: benchmark.services.map((service) => ({ ...service, name: serviceName(service) })),
    notes: BENCHMARK_NOTES,
    suppressedText: SUPPRESSED_TEXT,
  });
}

/** GET /consortium/prices.xlsx: the same figures as a workbook. */
export async function pricesWorkbook(ctx: WebContext, req: Request, res: Response): Promise<void> {
  const benchmark = await consortiumBenchmarkFor(ctx.db, scopeOf(req).authorityId, { quarter: requestedQuarter(req), now: ctx.now() });
  const bytes = await buildConsortiumWorkbook(benchmark).xlsx.writeBuffer();
  res.attachment(`consortium-prices-${benchmark.quarter}.xlsx`);
  res.type(XLSX_TYPE);
  res.send(Buffer.from(bytes));
}
