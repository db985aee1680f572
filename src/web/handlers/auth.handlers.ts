import type { Request, Response } from "express";
import { signInAnyCouncil, type SignInResult, type UserSummary } from "../../services/users/users.js";
import { field } from "../body.js";
import type { WebContext } from "../context.js";
import { sessionCsrfToken } from "../csrf.js";
import { queryValue, safeLocalPath } from "../params.js";
import { render } from "../views.js";
import { CHANGE_PASSWORD_PATH } from "../auth.js";

export const SESSION_COOKIE = "pa.sid";

/** Same words whether the username is unknown or the password wrong. */
const REFUSED = "The username or password is not right. After several failed attempts you will have to wait before trying again.";

/** Said only to someone who gave the account's password. */
const DISABLED = "This account is disabled. Ask an administrator to enable it.";

/** Says nothing about the password: a throttled attempt is refused whatever it was. */
function throttledMessage(seconds: number): string {
  const wait = seconds < 120 ? `${seconds} ${seconds === 1 ? "second" : "seconds"}` : `${Math.ceil(seconds / 60)} minutes`;
  return `Too many failed sign-in attempts. Wait ${wait}, then try again.`;
}

type Refusal = { status: 401 | 403 | 429; message: string };

function refusal(ctx: WebContext, res: Response, result: SignInResult | null, via: string): Refusal {
  const reason = result && !result.ok ? result.reason : "missing";
  ctx.logger.warn("sign-in refused", { reason, via });
  if (result && !result.ok && result.reason === "throttled") {
    res.set("Retry-After", String(result.retryAfterSeconds));
    return { status: 429, message: throttledMessage(result.retryAfterSeconds) };
  }
  if (result && !result.ok && result.reason === "disabled") return { status: 403, message: DISABLED };
  return { status: 401, message: REFUSED };
}

async function attempt(ctx: WebContext, req: Request, username: string, password: string): Promise<SignInResult> {
  return signInAnyCouncil(ctx.db, ctx.deploymentAuthorityId, username, password, ctx.now(), { ip: req.ip ?? "unknown" });
}

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
  const token = sessionCsrfToken(req);
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
    const result = await attempt(ctx, req, username, password);
    if (result.ok) {
      await startSession(req, result.user);
      ctx.logger.info("signed in", { userId: result.user.id, role: result.user.role });
      // A one-time password is changed first; the page it was going to can wait.
      res.redirect(303, result.user.mustChangePassword ? CHANGE_PASSWORD_PATH : next || "/");
      return;
    }
    const refused = refusal(ctx, res, result, "page");
    errors.username = refused.message;
    await render(ctx, req, res, "sign-in.njk", { next, errors, values: { username } }, refused.status);
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

export function apiSession(ctx: WebContext, req: Request, res: Response): Promise<void> {
  const csrfToken = ctx.csrf.token(req, res);
  res.json({
    signedIn: Boolean(req.user),
    user: req.user ? { username: req.user.username, role: req.user.role } : null,
    // After an administrator's reset, nothing else answers until the password is changed.
    mustChangePassword: req.user?.mustChangePassword ?? false,
    csrfToken,
  });
  return Promise.resolve();
}

export async function apiSignIn(ctx: WebContext, req: Request, res: Response): Promise<void> {
  const username = field(req, "username").trim();
  const password = field(req, "password");
  const result = username && password ? await attempt(ctx, req, username, password) : null;
  if (!result?.ok) {
    const refused = refusal(ctx, res, result, "api");
    const code = refused.status === 429 ? "auth.throttled" : refused.status === 403 ? "auth.disabled" : "auth.refused";
    res.status(refused.status).json({ error: { code, message: refused.message } });
    return;
  }
  const csrfToken = await startSession(req, result.user);
  ctx.logger.info("signed in", { userId: result.user.id, role: result.user.role, via: "api" });
  res.json({ signedIn: true, user: { username: result.user.username, role: result.user.role }, mustChangePassword: result.user.mustChangePassword, csrfToken });
}

export async function apiSignOut(_ctx: WebContext, req: Request, res: Response): Promise<void> {
  await destroy(req);
  res.clearCookie(SESSION_COOKIE, { path: "/" });
  res.status(204).end();
}
