import type { NextFunction, Request, Response } from "express";
import { isAppError } from "../domain/errors.js";
import { refuseAnonymous } from "./auth.js";
import type { WebContext } from "./context.js";
import { UPLOAD_LIMITS } from "./body.js";
import { formatBytes } from "./format.js";
import { render } from "./views.js";

/** Maps stable error codes to HTTP statuses (DESIGN.md §6): one place for every route. */
export function statusForCode(code: string): number {
  if (code === "not_found") return 404;
  if (code === "forbidden" || code === "csrf.invalid") return 403;
  if (code === "decision.not_allowed" || code === "decision.selection_changed" || code === "user.exists") return 409;
  if (code === "keying.not_waiting" || code === "keying.not_discarded") return 409;
  if (code === "upload.too_large") return 413;
  if (code === "rate_limited") return 429;
  if (/^(decision|user|password|note|assignment|alias|upload|query|month|date|money|ingest|request|keying|template)\./.test(code)) return 400;
  return 500;
}

const TITLES: Readonly<Record<number, string>> = {
  400: "There is a problem",
  403: "You cannot do this",
  404: "Page not found",
  409: "This cannot be done now",
  413: "The upload is too large",
  429: "Too many attempts",
  500: "Sorry, there is a problem with the service",
};

function isApi(req: Request): boolean {
  return req.path === "/api" || req.path.startsWith("/api/");
}

interface HttpishError {
  status?: number;
  statusCode?: number;
  type?: string;
  /** body-parser's limit, in bytes, for "entity.too.large". */
  limit?: number;
  expose?: boolean;
  message?: string;
}

/** Names the limit the request broke: the upload total for files, the form or JSON limit otherwise. */
function tooLargeMessage(limit: number | undefined): string {
  if (limit === undefined || limit === UPLOAD_LIMITS.maxTotalBytes) return `The upload is too large (at most ${formatBytes(UPLOAD_LIMITS.maxTotalBytes)} in one upload)`;
  return `The request is too large (at most ${formatBytes(limit)} of form or JSON data)`;
}

/** Unknown paths: sign in first (so nothing is learnt about the routes), then 404. */
export function notFound(ctx: WebContext) {
  return async (req: Request, res: Response): Promise<void> => {
    if (!req.user) {
      refuseAnonymous(req, res, isApi(req) ? "api" : "page");
      return;
    }
    if (isApi(req)) {
      res.status(404).json({ error: { code: "not_found", message: "No such resource" } });
      return;
    }
    await render(ctx, req, res, "error.njk", { title: TITLES[404], message: "If you typed the web address, check it is correct." }, 404);
  };
}

export function errorHandler(ctx: WebContext) {
  return async (error: unknown, req: Request, res: Response, next: NextFunction): Promise<void> => {
    if (res.headersSent) {
      next(error);
      return;
    }
    let status = 500;
    let code = "internal";
    let message = "Something went wrong. Try again later.";
    let field: string | undefined;
    if (isAppError(error)) {
      status = statusForCode(error.code);
      code = error.code;
      message = error.message;
      field = typeof error.context.field === "string" ? error.context.field : undefined;
    } else if (error && typeof error === "object" && ((error as HttpishError).status ?? (error as HttpishError).statusCode)) {
      // body-parser errors: malformed JSON, too large, too many parameters.
      const e = error as HttpishError;
      status = e.status ?? e.statusCode ?? 500;
      code = e.type ?? "request.invalid";
      message = status === 413 ? tooLargeMessage(e.limit) : e.expose && e.message ? e.message : "The request could not be read";
    }
    if (status >= 500) ctx.logger.error("request failed", { method: req.method, path: req.path, error: error instanceof Error ? error.stack : String(error) });
    else ctx.logger.info("request refused", { method: req.method, path: req.path, status, code });
    if (isApi(req)) {
      res.status(status).json({ error: { code, message, ...(field ? { field } : {}) } });
      return;
    }
    try {
      await render(ctx, req, res, "error.njk", { title: TITLES[status] ?? TITLES[400], message }, status);
    } catch (renderError) {
      ctx.logger.error("error page failed", { error: renderError instanceof Error ? renderError.message : String(renderError) });
      res.status(status).type("text").send(message);
    }
  };
}
