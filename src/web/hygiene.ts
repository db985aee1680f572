import type { NextFunction, Request, Response } from "express";
import { AppError } from "../domain/errors.js";
import { hasControlCharacter } from "../domain/text-hygiene.js";

/**
 * Every route refuses control characters (NUL and the like) in its path, query and body with
 * a 400 that says where, before any handler or query sees them (issue 22: a NUL in a filter,
 * a username or a reason reached PostgreSQL and came back as a 500 with a stack trace).
 * Uploaded files' contents are not text fields and are not checked here; their names are
 * cleaned when parsed (body.ts).
 */
const MAX_DEPTH = 8;

function firstBad(value: unknown, name: string, depth = 0): string | null {
  if (typeof value === "string") return hasControlCharacter(value) || hasControlCharacter(name) ? name : null;
  if (depth >= MAX_DEPTH || value === null || typeof value !== "object") return null;
  for (const [key, inner] of Object.entries(value)) {
    const found = firstBad(inner, key, depth + 1) ?? (hasControlCharacter(key) ? key : null);
    if (found !== null) return found;
  }
  return null;
}

function decodedPath(req: Request): string {
  try {
    return decodeURIComponent(req.path);
  } catch {
    return req.path;
  }
}

export function refuseControlCharacters(req: Request, _res: Response, next: NextFunction): void {
  const where: [string, unknown][] = [
    ["the address", { path: decodedPath(req), ...(req.params as Record<string, unknown>) }],
    ["the query", req.query],
    ["the form", req.body],
  ];
  for (const [place, value] of where) {
    const name = firstBad(value, "");
    if (name !== null) {
      const field = name.replace(/[^\w.-]/g, "").slice(0, 40);
      next(
        new AppError(
          "request.control_character",
          `${place === "the address" ? "The address" : field ? `The field "${field}" in ${place}` : `Something in ${place}`} contains a control character (such as NUL), which cannot be accepted. Remove it and try again.`,
          field ? { field } : {},
        ),
      );
      return;
    }
  }
  next();
}
