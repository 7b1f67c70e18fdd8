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

// Reaching the server failed: sockets (errno codes) and PostgreSQL's connection-time SQLSTATEs
// (08xxx connection exceptions, 28xxx authentication, 3D000 no such database, 57P0x shutting
// down, terminated or starting up).
const UNREACHABLE = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "ECONNRESET",
  "EHOSTUNREACH",
]);
function isUnreachable(code: string): boolean {
  return UNREACHABLE.has(code) || /^(08|28|57P0)/.test(code) || code === "3D000";
}

/**
 * Any error as an AppError a user can act on: a database that cannot be reached, or one
 * nothing has migrated (undefined table), becomes DATABASE_UNAVAILABLE; the rest INTERNAL.
 */
export function toAppError(err: unknown): AppError {
  if (isAppError(err)) return err;
  const code = String((err as { code?: unknown } | null)?.code ?? "");
  const first = ((err as Error | null)?.message ?? String(err)).split("\n")[0];
  if (
    isUnreachable(code) ||
    /Can't reach database server|Connection terminated|connection error and is not queryable/.test(
      first ?? "",
    )
  ) {
    return new AppError("DATABASE_UNAVAILABLE", `database unavailable: ${first}`, { cause: err });
  }
  if (code === "42P01") {
    return new AppError(
      "DATABASE_UNAVAILABLE",
      `the database has no Lineage tables yet: run \`npx lineage migrate\` (${first})`,
      { cause: err },
    );
  }
  return new AppError("INTERNAL", `internal error: ${first}`, { cause: err });
}

/** One line for a user: AppError messages as they are; anything else without internals. */
export function userMessage(err: unknown): string {
  return toAppError(err).message.replace(/\s*\n\s*/g, " ");
}
