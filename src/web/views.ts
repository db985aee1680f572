import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import type { Request, Response } from "express";
import nunjucks from "nunjucks";
import { isRole, type Role } from "../domain/roles.js";
import { REPORT_VIEWS_DIR } from "../reports/render.js";
import type { WebContext } from "./context.js";
import { ADMINS, CONSORTIUM_ANALYSTS, EVERYONE, OPERATORS, READERS } from "./role-groups.js";
import {
  categoryLabel,
  formatBytes,
  formatDate,
  formatDateTime,
  formatQuantity,
  formatMoney,
  formatQuantityWithUnit,
  formatRate,
  ROLE_LABELS,
  ruleLabel,
  statusTag,
} from "./format.js";

/** govuk-frontend's dist folder: templates (govuk/…) and the compiled CSS, JS and assets. */
export const GOVUK_DIST = path.join(path.dirname(createRequire(import.meta.url).resolve("govuk-frontend/package.json")), "dist");
export const VIEWS_DIR = fileURLToPath(new URL("./views", import.meta.url));
export const SERVICE_NAME = "Placement Audit";

export function createViews(): nunjucks.Environment {
  const env = new nunjucks.Environment(new nunjucks.FileSystemLoader([VIEWS_DIR, REPORT_VIEWS_DIR, GOVUK_DIST]), { autoescape: true, throwOnUndefined: false });
  const orEmpty =
    <T,>(format: (value: T) => string) =>
    (value: T | null | undefined): string =>
      value === null || value === undefined || value === "" ? "" : format(value);
  env.addFilter("money", orEmpty(formatMoney));
  env.addFilter("date", orEmpty(formatDate));
  env.addFilter("datetime", formatDateTime);
  env.addFilter("quantity", formatQuantity);
  env.addFilter("quantityWithUnit", formatQuantityWithUnit);
  env.addFilter("rate", formatRate);
  env.addFilter("bytes", (n: number) => formatBytes(n));
  env.addFilter("ruleLabel", ruleLabel);
  env.addFilter("categoryLabel", categoryLabel);
  env.addFilter("roleLabel", (role: string) => (isRole(role) ? ROLE_LABELS[role] : role));
  env.addFilter("statusTag", statusTag);
  env.addFilter("monthName", monthName);
  return env;
}

const MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/** "2026-10" → "October 2026". */
export function monthName(month: string): string {
  const [year, index] = month.split("-").map(Number);
  const name = MONTH_NAMES[(index ?? 0) - 1];
  return name && year ? `${name} ${year}` : month;
}

interface NavItem {
  href: string;
  text: string;
  roles: readonly Role[];
  /** The pages under this path are this item's too (a section with several pages). */
  section?: string;
}

const NAVIGATION: readonly NavItem[] = [
  { href: "/", text: "Dashboard", roles: EVERYONE },
  { href: "/consortium/prices", text: "Consortium prices", roles: CONSORTIUM_ANALYSTS },
  { href: "/invoices", text: "Invoices", roles: READERS },
  { href: "/findings", text: "Findings", roles: READERS },
  { href: "/reports/savings", text: "Savings", roles: READERS },
  { href: "/needs-attention", text: "Needs attention", roles: EVERYONE },
  { href: "/uploads", text: "Uploads", roles: OPERATORS },
  { href: "/reference/providers", text: "Reference data", roles: EVERYONE, section: "/reference/" },
  { href: "/audit-runs", text: "Audit runs", roles: EVERYONE },
  { href: "/audit-log", text: "Audit log", roles: EVERYONE },
  { href: "/rules", text: "Rules", roles: EVERYONE },
  { href: "/users", text: "Users", roles: ADMINS },
  { href: "/templates", text: "Taught layouts", roles: ADMINS },
  { href: "/settings", text: "Settings", roles: ADMINS },
];

function navigationFor(role: Role | undefined, currentPath: string): { href: string; text: string; active: boolean; current: boolean }[] {
  if (!role) return [];
  return NAVIGATION.filter((item) => item.roles.includes(role)).map((item) => {
    const active = item.href === "/" ? currentPath === "/" : currentPath === item.href || currentPath.startsWith(item.section ?? `${item.href}/`);
    return { href: item.href, text: item.text, active, current: active && currentPath === item.href };
  });
}

/** Renders a page with the layout's data: council name, navigation, user, CSRF token, flash. */
export async function render(ctx: WebContext, req: Request, res: Response, template: string, data: Record<string, unknown> = {}, status = 200): Promise<void> {
  const csrfToken = ctx.csrf.token(req, res);
  const flash = req.session?.flash;
  if (flash) delete req.session.flash;
  const html = ctx.views.render(template, {
    serviceName: SERVICE_NAME,
    councilName: await ctx.councilName(req),
    user: req.user ?? null,
    csrfToken,
    flash: flash ?? null,
    navigation: navigationFor(req.user?.role, req.path),
    currentPath: req.path,
    ...data,
  });
  res.status(status).type("html").send(html);
}
