import "server-only";
import { toAppError } from "../errors";
import { withDb } from "./app-db";
import type { Db } from "./client";

/** Why a page cannot show its data: each has its own message and next step. */
export type DatabaseProblem = "new" | "not-migrated" | "unreachable";

export type PageData<T> =
  | { ok: true; data: T }
  | { ok: false; problem: DatabaseProblem }
  | { ok: false; problem: "not-found"; message: string };

const UNDEFINED_TABLE = "42P01";
const UNDEFINED_COLUMN = "42703";

function sqlState(err: unknown): string | undefined {
  for (let e = err, depth = 0; e && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Runs a page's read with the app's database and turns the failures a visitor can act on
 * into data: an unknown repository / environment / event (AppError NOT_FOUND, with its
 * message), a database nothing has written to yet, one with pending migrations (a table or
 * column this build reads is missing), and one that cannot be reached. Anything else is a
 * bug and throws to the error page. The dashboard never migrates: writers do.
 */
export async function loadPageData<T>(read: (db: Db) => Promise<T>): Promise<PageData<T>> {
  try {
    return { ok: true, data: await withDb(read) };
  } catch (err) {
    const state = sqlState(err);
    if (state === UNDEFINED_TABLE || state === UNDEFINED_COLUMN) {
      const problem = await withDb(async (db) => {
        const { rows } = await db.pool.query<{ t: string | null }>(
          "SELECT to_regclass('_prisma_migrations')::text AS t",
        );
        return rows[0]?.t ? "not-migrated" : "new";
      }).catch(() => "unreachable" as const);
      return { ok: false, problem };
    }
    const appError = toAppError(err);
    if (appError.code === "NOT_FOUND") return { ok: false, problem: "not-found", message: appError.message };
    if (appError.code === "DATABASE_UNAVAILABLE") {
      console.error(`lineage: ${appError.message.replace(/\s+/g, " ")}`);
      return { ok: false, problem: "unreachable" };
    }
    throw err;
  }
}
