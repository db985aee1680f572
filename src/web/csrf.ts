import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { NextFunction, Request, RequestHandler, Response } from "express";
import { AppError } from "../domain/errors.js";

/**
 * CSRF protection, checked on every state-changing request from the form field `_csrf` or the
 * `X-CSRF-Token` header:
 * - signed in: a synchronizer token, one random token per session;
 * - before sign-in: a signed double-submit token, so that showing the sign-in form stores
 *   nothing (issue 22: every anonymous GET used to write a session row). The browser gets a
 *   random nonce in the `pa.pre` cookie and the form gets HMAC(secret, nonce); a forged form
 *   can neither read the cookie nor compute the HMAC.
 */
export const CSRF_FIELD = "_csrf";
export const CSRF_HEADER = "x-csrf-token";
export const PRE_SESSION_COOKIE = "pa.pre";
const STATE_CHANGING = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const NONCE = /^[\w-]{43}$/;

export interface CsrfGuard {
  /** The token for the page or API response being made (sets the nonce cookie when needed). */
  token(req: Request, res: Response): string;
  verify: RequestHandler;
}

/** The signed-in session's token (made on first use). */
export function sessionCsrfToken(req: Request): string {
  req.session.csrfToken ??= randomBytes(32).toString("base64url");
  return req.session.csrfToken;
}

function sentToken(req: Request): string {
  const body: unknown = req.body;
  if (body && typeof body === "object" && CSRF_FIELD in body) {
    const value = (body as Record<string, unknown>)[CSRF_FIELD];
    if (typeof value === "string") return value;
  }
  return req.get(CSRF_HEADER) ?? "";
}

export function tokensMatch(expected: string | undefined, sent: string): boolean {
  if (!expected || !sent) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(sent);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieValue(req: Request, name: string): string | undefined {
  for (const part of (req.get("cookie") ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function signedIn(req: Request): boolean {
  return Boolean(req.session?.userId);
}

export function csrfGuard(secret: string): CsrfGuard {
  const sign = (nonce: string): string => createHmac("sha256", secret).update(`pre-session:${nonce}`).digest("base64url");
  const nonceOf = (req: Request): string | undefined => {
    const nonce = cookieValue(req, PRE_SESSION_COOKIE);
    return nonce && NONCE.test(nonce) ? nonce : undefined;
  };
  return {
    token(req, res) {
      if (signedIn(req)) return sessionCsrfToken(req);
      let nonce = nonceOf(req);
      if (!nonce) {
        nonce = randomBytes(32).toString("base64url");
        res.cookie(PRE_SESSION_COOKIE, nonce, { httpOnly: true, sameSite: "lax", secure: req.secure, path: "/" });
      }
      return sign(nonce);
    },
    verify(req: Request, _res: Response, next: NextFunction) {
      if (!STATE_CHANGING.has(req.method)) {
        next();
        return;
      }
      const nonce = signedIn(req) ? undefined : nonceOf(req);
      const expected = signedIn(req) ? req.session.csrfToken : nonce && sign(nonce);
      if (!tokensMatch(expected, sentToken(req))) {
        next(new AppError("csrf.invalid", "This form has expired or did not come from this service. Go back, reload the page and try again."));
        return;
      }
      next();
    },
  };
}
