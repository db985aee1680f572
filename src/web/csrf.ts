import { randomBytes, timingSafeEqual } from "node:crypto";
import type { NextFunction, Request, Response } from "express";
import { AppError } from "../domain/errors.js";

/**
 * Synchronizer-token CSRF protection: one random token per session, put in every form as
 * `_csrf` (and given to API clients by GET /api/session), checked on every state-changing
 * request from the form field or the `X-CSRF-Token` header.
 */
export const CSRF_FIELD = "_csrf";
export const CSRF_HEADER = "x-csrf-token";
const STATE_CHANGING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export function ensureCsrfToken(req: Request): string {
  if (!req.session) return "";
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

export function verifyCsrf(req: Request, _res: Response, next: NextFunction): void {
  if (!STATE_CHANGING.has(req.method)) {
    next();
    return;
  }
  if (!tokensMatch(req.session?.csrfToken, sentToken(req))) {
    next(new AppError("csrf.invalid", "This form has expired or did not come from this service. Go back, reload the page and try again."));
    return;
  }
  next();
}
