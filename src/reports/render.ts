import { fileURLToPath } from "node:url";
import nunjucks from "nunjucks";
import { queryPackView, type QueryPack } from "./query-pack.js";

/**
 * The reports' templates: savings.njk (extends the web UI's layout.njk; rendered by the web
 * app's own environment, with this folder on its search path) and query-pack.njk (a
 * standalone printable page, rendered here or by the web app).
 */
export const REPORT_VIEWS_DIR = fileURLToPath(new URL("./views/", import.meta.url));

let environment: nunjucks.Environment | null = null;

function views(): nunjucks.Environment {
  environment ??= new nunjucks.Environment(new nunjucks.FileSystemLoader(REPORT_VIEWS_DIR), { autoescape: true, throwOnUndefined: false });
  return environment;
}

/** The printable query pack as a complete HTML document (every value escaped). */
export function renderQueryPackPage(pack: QueryPack): string {
  return views().render("query-pack.njk", queryPackView(pack));
}
