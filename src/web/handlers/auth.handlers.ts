import type { Request, Response } from "express";
import { authenticate, LOCKOUT_AFTER_FAILURES, LOCKOUT_MINUTES, type UserSummary } from "../../services/users/users.js";
import { field } from "../body.js";
import type { WebContext } from "../context.js";
import { ensureCsrfToken } from "../csrf.js";
import { queryValue, safeLocalPath } from "../params.js";
import { render } from "../views.js";

export const SESSION_COOKIE = "pa.sid";

/** Same words whether the username is unknown, the password wrong or the account locked. */
const REFUSED = `The username or password is not right. After ${LOCKOUT_AFTER_FAILURES} failed attempts an account is locked for ${LOCKOUT_MINUTES} minutes.`;

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error("the session store failed");
}

function regenerate(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.regenerate((error: unknown) => (error ? reject(toError(error)) : resolve())));
}

function save(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.save((error: unknown) => (error ? reject(toError(error)) : resolve())));
}

function destroy(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.destroy((error: unknown) => (error ? reject(toError(error)) : resolve())));
}

/** A new session id at sign-in (no fixation), holding only the user and a fresh CSRF token. */
async function startSession(req: Request, user: UserSummary): Promise<string> {
  await regenerate(req);
  req.session.userId = user.id;
  const token = ensureCsrfToken(req);
  await save(req);
  return token;
}

export async function signInPage(ctx: WebContext, req: Request, res: Response): Promise<void> {
  const next = safeLocalPath(queryValue(req, "next")) ?? "";
  if (req.user) {
    res.redirect(302, next || "/");
    return;
  }
  await render(ctx, req, res, "sign-in.njk", { next, signedOut: queryValue(req, "signed_out") === "1", errors: {}, values: {} });
}

export async function signIn(ctx: WebContext, req: Request, res: Response): Promise<void> {
  const username = field(req, "username").trim();
  const password = field(req, "password");
  const next = safeLocalPath(field(req, "next")) ?? "";
  const errors: Record<string, string> = {};
  if (username === "") errors.username = "Enter your username";
  if (password === "") errors.password = "Enter your password";
  if (Object.keys(errors).length === 0) {
    const result = await authenticate(ctx.db, await ctx.deploymentAuthorityId(), username, password, ctx.now());
    if (result.ok) {
      await startSession(req, result.user);
      ctx.logger.info("signed in", { userId: result.user.id, role: result.user.role });
      res.redirect(303, next || "/");
      return;
    }
    ctx.logger.warn("sign-in refused", { reason: result.reason });
    errors.username = REFUSED;
    await render(ctx, req, res, "sign-in.njk", { next, errors, values: { username } }, 401);
    return;
  }
  await render(ctx, req, res, "sign-in.njk", { next, errors, values: { username } }, 400);
}

export async function signOut(ctx: WebContext, req: Request, res: Response): Promise<void> {
  const userId = req.user?.id;
  await destroy(req);
  res.clearCookie(SESSION_COOKIE, { path: "/" });
  ctx.logger.info("signed out", { userId });
  res.redirect(303, "/sign-in?signed_out=1");
}

// JSON API: the same session, cookie and CSRF rules as the pages.

export function apiSession(_ctx: WebContext, req: Request, res: Response): Promise<void> {
  const csrfToken = ensureCsrfToken(req);
  res.json({ signedIn: Boolean(req.user), user: req.user ? { username: req.user.username, role: req.user.role } : null, csrfToken });
  return Promise.resolve();
}

export async function apiSignIn(ctx: WebContext, req: Request, res: Response): Promise<void> {
  const username = field(req, "username").trim();
  const password = field(req, "password");
  const result = username && password ? await authenticate(ctx.db, await ctx.deploymentAuthorityId(), username, password, ctx.now()) : null;
  if (!result?.ok) {
    ctx.logger.warn("sign-in refused", { reason: result?.reason ?? "missing", via: "api" });
    res.status(401).json({ error: { code: "auth.refused", message: REFUSED } });
    return;
  }
  const csrfToken = await startSession(req, result.user);
  ctx.logger.info("signed in", { userId: result.user.id, role: result.user.role, via: "api" });
  res.json({ signedIn: true, user: { username: result.user.username, role: result.user.role }, csrfToken });
}

export async function apiSignOut(_ctx: WebContext, req: Request, res: Response): Promise<void> {
  await destroy(req);
  res.clearCookie(SESSION_COOKIE, { path: "/" });
  res.status(204).end();
}
