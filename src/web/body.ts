import express, { type NextFunction, type Request, type RequestHandler, type Response } from "express";
import { AppError } from "../domain/errors.js";
import { cleanFileName } from "../domain/text-hygiene.js";
import type { UploadedFile } from "./service-ports.js";

/** Upload limits: a month's invoices at once, but nothing that could exhaust memory. */
export const UPLOAD_LIMITS = {
  maxFiles: 100,
  maxFileBytes: 20 * 1024 * 1024,
  maxTotalBytes: 100 * 1024 * 1024,
} as const;

export type BodyKind = "none" | "form" | "json" | "multipart";

const form = express.urlencoded({ extended: false, limit: "200kb", parameterLimit: 2000 });
const json = express.json({ limit: "200kb" });
const raw = express.raw({ type: "multipart/form-data", limit: UPLOAD_LIMITS.maxTotalBytes });

/**
 * multipart/form-data without another dependency: the body is read (with a total limit) and
 * parsed by the platform's own FormData parser. Text fields go to req.body, files to
 * req.uploads, their names without format or control characters (a right-to-left override
 * would spoof the extension on download). Per-file limits are checked by the handler, which
 * explains them file by file.
 */
async function parseMultipart(req: Request): Promise<void> {
  const body: unknown = req.body;
  const contentType = req.get("content-type") ?? "";
  if (!Buffer.isBuffer(body) || !contentType.toLowerCase().startsWith("multipart/form-data")) {
    req.body = {};
    req.uploads = [];
    return;
  }
  let formData: FormData;
  try {
    formData = await new Response(body, { headers: { "content-type": contentType } }).formData();
  } catch {
    throw new AppError("upload.malformed", "The upload could not be read. Try again.");
  }
  const fields: Record<string, string> = {};
  const uploads: UploadedFile[] = [];
  for (const [name, value] of formData.entries()) {
    if (typeof value === "string") fields[name] = value;
    else if (value.name !== "" || value.size > 0) uploads.push({ name: cleanFileName(value.name), bytes: new Uint8Array(await value.arrayBuffer()) });
  }
  req.body = fields;
  req.uploads = uploads;
}

export function bodyParser(kind: BodyKind): RequestHandler[] {
  switch (kind) {
    case "none":
      return [];
    case "form":
      return [form];
    case "json":
      return [json];
    case "multipart":
      return [
        raw,
        (req: Request, _res: Response, next: NextFunction) => {
          parseMultipart(req).then(() => next(), next);
        },
      ];
  }
}

/** A text field of a parsed form or JSON body ("" when absent or not text). */
export function field(req: Request, name: string): string {
  const body: unknown = req.body;
  if (!body || typeof body !== "object") return "";
  const value = (body as Record<string, unknown>)[name];
  return typeof value === "string" ? value : "";
}

/** A repeated field (checkboxes): always an array of strings. */
export function fields(req: Request, name: string): string[] {
  const body: unknown = req.body;
  if (!body || typeof body !== "object") return [];
  const value = (body as Record<string, unknown>)[name];
  if (typeof value === "string") return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}
