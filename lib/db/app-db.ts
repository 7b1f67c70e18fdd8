import "server-only";
import { type Db, openDatabase } from "./client";

interface AppDbState {
  opening?: Promise<Db>;
  signalsHooked?: boolean;
}

// On globalThis so that dev-mode module reloads reuse one pool (and one embedded server)
// instead of opening another on every edit.
const globalForDb = globalThis as { __lineageAppDb?: AppDbState };
globalForDb.__lineageAppDb ??= {};
const state: AppDbState = globalForDb.__lineageAppDb;

const CONNECTION_LOST = new Set(["ECONNREFUSED", "ECONNRESET", "57P01"]);

/**
 * True when the database went away under us: typically the embedded server was served by
 * another process (the CLI, a demo run) that has since exited.
 */
function isConnectionLost(err: unknown): boolean {
  for (let e = err, depth = 0; e && depth < 5; depth++) {
    const { code, cause, errors } = e as { code?: unknown; cause?: unknown; errors?: unknown };
    if (typeof code === "string" && CONNECTION_LOST.has(code)) return true;
    if (Array.isArray(errors) && errors.some(isConnectionLost)) return true;
    e = cause;
  }
  return false;
}

function hookSignals(): void {
  if (state.signalsHooked) return;
  state.signalsHooked = true;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      // Next's own handler exits the process once its server has closed; ours only gets
      // the embedded server to stop cleanly in the meantime. Without Next's handler
      // (NEXT_MANUAL_SIG_HANDLE), nobody else would exit, so this one does.
      const exitAfter = process.listenerCount(signal) === 0;
      void resetDb().finally(() => {
        if (exitAfter) process.exit(signal === "SIGINT" ? 130 : 143);
      });
    });
  }
}

/** The process-wide database handle, opened on first use. */
function getDb(): Promise<Db> {
  if (!state.opening) {
    // The dashboard only reads, and never migrates: whatever writes (import-git, sync, the
    // demo) migrates first, and an unmigrated database simply has nothing to show yet.
    // (Migrating from inside the Next.js bundle also fails today: Turbopack compiles the
    // schema engine's require.resolve() of its .wasm file into a module id.)
    const opening = openDatabase({ migrate: false });
    state.opening = opening;
    // A failed open is not cached: the next request tries again.
    opening.catch(() => {
      if (state.opening === opening) state.opening = undefined;
    });
    hookSignals();
  }
  return state.opening;
}

/**
 * Forgets the handle (closing it quietly) so that the next getDb() opens a fresh one. Given
 * the handle that failed, it leaves a newer one alone: concurrent requests that saw the same
 * lost connection reopen once, not once each.
 */
async function resetDb(failed?: Promise<Db>): Promise<void> {
  const current = state.opening;
  if (!current || (failed && current !== failed)) return;
  state.opening = undefined;
  const db = await current.catch(() => undefined);
  await db?.close().catch(() => {});
}

/**
 * Runs `fn` with the database. When the connection turns out to be gone, it reopens once
 * and retries: the embedded database is then served by this process (or by whoever
 * serves it now), so the request succeeds instead of failing until a restart.
 */
export async function withDb<T>(fn: (db: Db) => Promise<T>): Promise<T> {
  const opening = getDb();
  try {
    return await fn(await opening);
  } catch (err) {
    if (!isConnectionLost(err)) throw err;
    await resetDb(opening);
    return await fn(await getDb());
  }
}
