import "server-only";
import { z } from "zod";
import { withDb } from "../db/app-db";
import type { Db } from "../db/client";
import { toAppError } from "../errors";

/** The one error shape every /api/v1 answer has. */
export interface ApiErrorBody {
  error: { code: string; message: string };
}

type RouteContext = { params: Promise<Record<string, string | string[] | undefined>> };

interface ApiRouteSpec<P extends z.ZodType, Q extends z.ZodType, T> {
  /** The path parameters (Next passes them decoded). */
  params?: P;
  /** The query string, each key as a string, or an array of strings when repeated. */
  query?: Q;
  handler: (input: { db: Db; params: z.output<P>; query: z.output<Q> }) => Promise<T>;
}

/** For the log: control characters escaped, so request text cannot forge log lines. */
function logSafe(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is escaped
  return text.replace(/[\x00-\x1f\x7f-\x9f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

const HEADERS = { "cache-control": "no-store" };

function json(body: unknown, status: number): Response {
  return Response.json(body, { status, headers: HEADERS });
}

function errorResponse(code: string, message: string, status: number): Response {
  return json({ error: { code, message } } satisfies ApiErrorBody, status);
}

/** The first zod issue as one line that names the parameter: `perPage: must be at least 1`. */
export function describeIssue(where: "path" | "query", issue: z.core.$ZodIssue): string {
  const name = issue.path.map(String).join(".");
  if (issue.code === "unrecognized_keys")
    return `unknown ${where} parameter ${issue.keys.map((k) => JSON.stringify(k)).join(", ")}`;
  return `${where} parameter ${name ? `${name}: ` : ""}${issue.message}`;
}

function queryObject(url: URL): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(key);
    out[key] = values.length === 1 ? values[0]! : values;
  }
  return out;
}

class InvalidInput extends Error {}

function parse<S extends z.ZodType>(schema: S, where: "path" | "query", value: unknown): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new InvalidInput(describeIssue(where, parsed.error.issues[0]!));
  return parsed.data;
}

/**
 * Maps any failure to a status and the error body. Input a user can fix answers 4xx with the
 * AppError's own message; a database that cannot be reached 503; everything else 500 with a
 * generic message, the details going to the server log only.
 */
export function errorToResponse(err: unknown, request: Pick<Request, "method" | "url">): Response {
  if (err instanceof InvalidInput) return errorResponse("INVALID_ARGUMENT", err.message, 422);
  const appError = toAppError(err);
  const where = `${request.method} ${new URL(request.url).pathname.slice(0, 300)}`;
  if (appError.code === "DATABASE_UNAVAILABLE") {
    console.error(`lineage api: ${logSafe(where)}: ${logSafe(appError.message)}`);
    const cause = appError.cause as { code?: unknown } | undefined;
    return errorResponse(
      "DATABASE_UNAVAILABLE",
      cause?.code === "42P01"
        ? "the database has no Lineage tables yet: run `npx lineage migrate`"
        : "the database is unavailable (the server log has the details)",
      503,
    );
  }
  // INVALID_CONFIG can only come from the server's own settings (DATABASE_URL): no request
  // carries a config, so it is the server's fault, not the caller's.
  if (appError.httpStatus < 500 && appError.code !== "INVALID_CONFIG")
    return errorResponse(appError.code, appError.message, appError.httpStatus);
  console.error(`lineage api: ${logSafe(where)}: ${logSafe(appError.message)}`);
  if (process.env.LINEAGE_DEBUG) console.error(err);
  return errorResponse("INTERNAL", "internal error (the server log has the details)", 500);
}

/**
 * One route handler of /api/v1: validates the path and query with zod (422 with the first
 * issue), runs `handler` with the app's database and answers its result as JSON, or the
 * error body with the status of the failure (see errorToResponse).
 */
export function apiRoute<
  P extends z.ZodType = z.ZodType<Record<string, never>>,
  Q extends z.ZodType = z.ZodType<Record<string, never>>,
  T = unknown,
>(spec: ApiRouteSpec<P, Q, T>) {
  const paramsSchema = spec.params ?? z.object({});
  const querySchema = spec.query ?? z.strictObject({});
  return async function handle(request: Request, context: RouteContext): Promise<Response> {
    try {
      const params = parse(paramsSchema, "path", (await context?.params) ?? {}) as z.output<P>;
      const query = parse(querySchema, "query", queryObject(new URL(request.url))) as z.output<Q>;
      const body = await withDb((db) => spec.handler({ db, params, query }));
      return json(body, 200);
    } catch (err) {
      return errorToResponse(err, request);
    }
  };
}
