/**
 * Typed errors with a stable code, a human message and context (DESIGN.md §6).
 * Every layer throws these; the CLI and the web error middleware map codes to
 * exit statuses and HTTP statuses.
 */
export type ErrorContext = Readonly<Record<string, string | number | boolean | null | undefined>>;

export class AppError extends Error {
  readonly code: string;
  readonly context: ErrorContext;

  constructor(code: string, message: string, context: ErrorContext = {}) {
    super(message);
    this.name = "AppError";
    this.code = code;
    this.context = context;
  }
}

/** Input that could not be understood: a money, date or field value. */
export class ParseError extends AppError {
  constructor(code: string, message: string, context: ErrorContext = {}) {
    super(code, message, context);
    this.name = "ParseError";
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}
