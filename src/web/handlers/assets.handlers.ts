import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Request, Response } from "express";
import { AppError } from "../../domain/errors.js";
import type { WebContext } from "../context.js";
import { KEYING_SCRIPT } from "../keying-script.js";
import { GOVUK_DIST } from "../views.js";

/**
 * Static files, served without a build step: govuk-frontend's compiled CSS and JS from its
 * dist folder, our own small CSS and JS, and /assets → dist/govuk/assets. The service is the
 * council's, not GOV.UK's: the GDS Transport font (licensed for gov.uk only) is stripped from
 * the CSS and never served, nor are the crown, crest and GOV.UK icons.
 */
const GOVUK = path.join(GOVUK_DIST, "govuk");
const ASSETS = path.join(GOVUK, "assets");
const PUBLIC = fileURLToPath(new URL("../public", import.meta.url));
const ONE_DAY = 24 * 60 * 60 * 1000;

function once<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}

/** govuk-frontend.min.css without its @font-face rules and source-map comment. */
const govukCss = once(() =>
  fs.readFileSync(path.join(GOVUK, "govuk-frontend.min.css"), "utf8").replace(/@font-face\{[^}]*\}/g, "").replace(/\/\*# sourceMappingURL=[^*]*\*\//g, ""),
);

const govukJs = once(() => fs.readFileSync(path.join(GOVUK, "govuk-frontend.min.js"), "utf8").replace(/\/\/# sourceMappingURL=\S*\s*$/, ""));

function send(res: Response, type: string, body: string): void {
  res.set("Cache-Control", "public, max-age=86400").type(type).send(body);
}

export function govukStylesheet(_ctx: WebContext, _req: Request, res: Response): Promise<void> {
  send(res, "text/css", govukCss());
  return Promise.resolve();
}

export function govukScript(_ctx: WebContext, _req: Request, res: Response): Promise<void> {
  send(res, "text/javascript", govukJs());
  return Promise.resolve();
}

/**
 * Our only script, a few lines of progressive enhancement (every page works without it):
 * it marks the page as scripted for GOV.UK Frontend, starts its components and puts each table
 * in a scrolling region. Kept here,
 * as a module served from our own origin, because the CSP allows no inline script.
 */
const APP_SCRIPT = `import { initAll } from "/javascripts/govuk-frontend.min.js";
document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

// Reflow (WCAG 2.2 1.4.10): a table wider than the screen scrolls inside its own labelled,
// focusable region, never the page. Without this script app.css lets each table scroll itself.
const used = new Map();
for (const table of document.querySelectorAll("main table")) {
  if (table.closest(".app-table-scroll")) continue;
  let heading = null;
  for (let el = table.previousElementSibling; el && !heading; el = el.previousElementSibling) if (/^H[1-6]$/.test(el.tagName)) heading = el;
  const base = (table.caption?.textContent || table.getAttribute("aria-label") || heading?.textContent || "Table").replace(/\\s+/g, " ").trim();
  const n = (used.get(base) ?? 0) + 1;
  used.set(base, n);
  const region = document.createElement("div");
  region.className = "app-table-scroll";
  region.setAttribute("role", "region");
  region.setAttribute("aria-label", n === 1 ? base : base + " (" + n + ")");
  region.tabIndex = 0;
  table.before(region);
  region.append(table);
}
`;

export function appScript(_ctx: WebContext, _req: Request, res: Response): Promise<void> {
  send(res, "text/javascript", APP_SCRIPT);
  return Promise.resolve();
}

/** The keying screen's live arithmetic (issue 18): progressive enhancement, a module of our own origin. */
export function keyingScript(_ctx: WebContext, _req: Request, res: Response): Promise<void> {
  send(res, "text/javascript", KEYING_SCRIPT);
  return Promise.resolve();
}

export async function appStylesheet(_ctx: WebContext, _req: Request, res: Response): Promise<void> {
  res.type("text/css");
  await sendFile(res, path.join(PUBLIC, "app.css"));
}

/** GOV.UK's own brand: not ours to show. */
const REFUSED_ASSET = /^(fonts\/|images\/(govuk-|favicon)|manifest\.json$)/;

export async function govukAsset(_ctx: WebContext, req: Request, res: Response): Promise<void> {
  const segments = (req.params as Record<string, unknown>).path;
  const relative = Array.isArray(segments) ? segments.map(String).join("/") : "";
  if (relative === "" || REFUSED_ASSET.test(relative)) throw new AppError("not_found", "No such file");
  await sendFile(res, relative, ASSETS);
}

function sendFile(res: Response, file: string, root?: string): Promise<void> {
  return new Promise((resolve, reject) =>
    res.sendFile(file, { ...(root ? { root } : {}), maxAge: ONE_DAY, dotfiles: "deny" }, (error?: Error) => {
      if (!error) resolve();
      // 404, and 403 for a path that tries to leave the folder: both are simply "no such file".
      else if (((error as Error & { status?: number }).status ?? 500) < 500) reject(new AppError("not_found", "No such file"));
      else reject(error);
    }),
  );
}

/** No favicon of our own yet: an empty answer stops browsers asking (and hitting sign-in). */
export function favicon(_ctx: WebContext, _req: Request, res: Response): Promise<void> {
  res.set("Cache-Control", "public, max-age=86400").status(204).end();
  return Promise.resolve();
}
