import type { NextFunction, Request, RequestHandler, Response } from "express";
import { AppError } from "../domain/errors.js";
import { ROLE_LABELS, type Role } from "../domain/roles.js";
import { getSessionUser } from "../services/users/users.js";
import type { WebContext } from "./context.js";

/** Pages answer a visitor with HTML, the API with JSON, assets with files (routes.ts gives each route one). */
export type RouteKind = "page" | "api" | "asset";
/** Who may use a route: anyone, or signed-in users with one of these roles. */
export type Access = "public" | readonly Role[];

/** Loads the session's user from the database on every request, so a deleted or disabled user is signed out. */
export function loadUser(ctx: WebContext): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    const userId = req.session?.userId;
    if (!userId) {
      next();
      return;
    }
    getSessionUser(ctx.db, userId).then((user) => {
      if (user && !user.disabled) {
        req.user = { id: user.id, username: user.username, role: user.role, authorityId: user.authorityId, mustChangePassword: user.mustChangePassword };
      } else delete req.session.userId;
      next();
    }, next);
  };
}

/** Where an anonymous visitor goes: pages to the sign-in form (then back), the API gets 401. */
export function refuseAnonymous(req: Request, res: Response, kind: RouteKind): void {
  if (kind === "api") {
    res.status(401).json({ error: { code: "auth.required", message: "Sign in first (POST /api/session)" } });
    return;
  }
  if (req.method === "GET" || req.method === "HEAD") {
    const next = req.originalUrl === "/" ? "" : `?next=${encodeURIComponent(req.originalUrl)}`;
    res.redirect(302, `/sign-in${next}`);
    return;
  }
  res.redirect(303, "/sign-in");
}

/** The role check of a route of the route table: runs before its body is parsed. */
export function authorize(access: Access, kind: RouteKind): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (access === "public") {
      next();
      return;
    }
    if (!req.user) {
      refuseAnonymous(req, res, kind);
      return;
    }
    if (req.user.mustChangePassword && !PASSWORD_CHANGE_PATHS.has(req.path)) {
      refusePendingPasswordChange(req, res, kind);
      return;
    }
    if (!access.includes(req.user.role)) {
      next(new AppError("forbidden", `Your role (${ROLE_LABELS[req.user.role]}) does not allow this`, { role: ROLE_LABELS[req.user.role] }));
      return;
    }
    next();
  };
}

/** The change-password page and signing out: all a user with a one-time password may reach. */
export const CHANGE_PASSWORD_PATH = "/account/password";
const PASSWORD_CHANGE_PATHS = new Set([CHANGE_PASSWORD_PATH, "/sign-out", "/api/session"]);

/** A one-time password is changed before anything else: pages go to the form, the API says why. */
function refusePendingPasswordChange(req: Request, res: Response, kind: RouteKind): void {
  if (kind === "api") {
    res.status(403).json({ error: { code: "auth.password_change_required", message: `Change your one-time password first (${CHANGE_PASSWORD_PATH})` } });
    return;
  }
  res.redirect(req.method === "GET" || req.method === "HEAD" ? 302 : 303, CHANGE_PASSWORD_PATH);
}
