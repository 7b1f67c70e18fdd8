/** Error codes a user can act on; each maps to a CLI exit code and an HTTP status. */
export type AppErrorCode =
  | "INVALID_CONFIG"
  | "INVALID_ARGUMENT"
  | "NOT_FOUND"
  | "GIT_FAILED"
  | "DATABASE_UNAVAILABLE"
  | "CONFLICT"
  | "UPSTREAM"
  | "UNAUTHORIZED"
  | "INTERNAL";

const HTTP_STATUS: Record<AppErrorCode, number> = {
  INVALID_CONFIG: 422,
  INVALID_ARGUMENT: 422,
  NOT_FOUND: 404,
  GIT_FAILED: 422,
  DATABASE_UNAVAILABLE: 503,
  CONFLICT: 409,
  UPSTREAM: 502,
  UNAUTHORIZED: 401,
  INTERNAL: 500,
};

const EXIT_CODE: Record<AppErrorCode, number> = {
  INVALID_CONFIG: 2,
  INVALID_ARGUMENT: 2,
  NOT_FOUND: 2,
  GIT_FAILED: 2,
  DATABASE_UNAVAILABLE: 3,
  CONFLICT: 3,
  UPSTREAM: 4,
  UNAUTHORIZED: 4,
  INTERNAL: 1,
};

/** An error whose message is safe to show a user on one line. */
export class AppError extends Error {
  readonly code: AppErrorCode;
  constructor(code: AppErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "AppError";
    this.code = code;
  }
  get httpStatus(): number {
    return HTTP_STATUS[this.code];
  }
  get exitCode(): number {
    return EXIT_CODE[this.code];
  }
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}

/** One line for a user: AppError messages as they are; anything else without internals. */
export function userMessage(err: unknown): string {
  if (isAppError(err)) return err.message.replace(/\s*\n\s*/g, " ");
  const code = (err as { code?: string } | null)?.code;
  if (code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "57P03" || code === "3D000") {
    return `database unavailable: ${(err as Error).message.split("\n")[0]}`;
  }
  return `internal error: ${(err as Error)?.message?.split("\n")[0] ?? String(err)}`;
}
