import { parseArgs, type ParseArgsConfig } from "node:util";
import { AppError } from "../domain/errors.js";

/** node:util parseArgs with usage errors as AppError("usage") (exit status 2). */
export function parseCommandArgs<T extends NonNullable<ParseArgsConfig["options"]>>(args: string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (error) {
    throw new AppError("usage", (error as Error).message);
  }
}

export function requireFormat(value: string | undefined, allowed: readonly string[] = ["json", "csv", "table"]): string {
  const format = value ?? "table";
  if (!allowed.includes(format)) throw new AppError("usage", `--format must be one of ${allowed.join(", ")}, not "${format}"`);
  return format;
}

export function requireMonth(value: string | undefined): string | undefined {
  if (value !== undefined && !/^\d{4}-(0[1-9]|1[0-2])$/.test(value)) throw new AppError("usage", `--month must be YYYY-MM, not "${value}"`);
  return value;
}
