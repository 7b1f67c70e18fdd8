// Applies prisma/migrations/ over plain pg, one transaction per migration together with its
// _prisma_migrations row. The Wasm schema engine applied a migration statement by statement,
// so a kill mid-migration left it half-applied and recorded as failed, which only
// `prisma migrate resolve` (which needs the native engine) could clear. PostgreSQL runs DDL
// in transactions, so here a kill at any moment leaves the previous migration's state.
import { createHash, randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { AppError } from "../errors";
import { MIGRATIONS_DIR } from "./paths";
import { splitSqlStatements } from "./split-sql";

export interface Migration {
  name: string;
  sql: string;
  /** sha256 hex of migration.sql, as Prisma computes it (a native engine then agrees). */
  checksum: string;
}

// Any fixed 64-bit key; every Lineage migrator on a database takes it, so concurrent
// migrators serialize and the later ones find nothing to do.
export const MIGRATION_LOCK_KEY = 7_305_231_992_040_017n;

// Prisma's own DDL for its history table (schema engine, PostgreSQL flavour), so that
// `prisma migrate deploy` on a machine with the native engine reads it unchanged.
const CREATE_HISTORY_TABLE = `CREATE TABLE IF NOT EXISTS _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
)`;

/** The migration directories' names, oldest first. */
export function listMigrationNames(dir = MIGRATIONS_DIR): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(dir, d.name, "migration.sql")))
    .map((d) => d.name)
    .sort();
}

// Statements PostgreSQL refuses inside a transaction block. None of our migrations has one;
// a future one would need its own non-transactional path, so it is refused by name here
// rather than failing halfway through a transaction.
const NON_TRANSACTIONAL =
  /\b(CREATE|DROP)\s+(UNIQUE\s+)?INDEX\s+CONCURRENTLY\b|\bREINDEX\b[^;]*\bCONCURRENTLY\b|\bVACUUM\b|\b(CREATE|DROP)\s+DATABASE\b|\bALTER\s+SYSTEM\b|\bDETACH\s+PARTITION\b[^;]*\bCONCURRENTLY\b/i;

export function findNonTransactional(sql: string): string | undefined {
  const code = sql.replace(/--[^\n]*/g, "");
  return NON_TRANSACTIONAL.exec(code)?.[0];
}

export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return listMigrationNames(dir).map((name) => {
    const sql = readFileSync(path.join(dir, name, "migration.sql"), "utf8");
    const refused = findNonTransactional(sql);
    if (refused) {
      throw new AppError(
        "INTERNAL",
        `migration ${name} contains "${refused}", which cannot run inside a transaction: Lineage applies each migration in one`,
      );
    }
    return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
  });
}

interface HistoryRow {
  id: string;
  migration_name: string;
  finished: boolean;
  rolled_back: boolean;
}

async function readHistory(client: pg.ClientBase): Promise<HistoryRow[] | undefined> {
  try {
    const { rows } = await client.query<HistoryRow>(
      `SELECT id, migration_name, finished_at IS NOT NULL AS finished, rolled_back_at IS NOT NULL AS rolled_back
         FROM _prisma_migrations ORDER BY started_at`,
    );
    return rows;
  } catch (err) {
    if ((err as { code?: string }).code === "42P01") return undefined; // no history table yet
    throw err;
  }
}

/** Failed: neither finished nor rolled back — what `prisma migrate deploy` refuses to pass (P3009). */
function isFailed(row: HistoryRow): boolean {
  return !row.finished && !row.rolled_back;
}

export type MigrationState =
  | { ok: true }
  | { ok: false; reason: "no-history" | "pending" | "half-applied"; migration: string; pending: number };

/**
 * Where the database stands against the migrations this build knows, in one query: used by
 * the commands that only read, which must say "not migrated" rather than fail on a
 * missing table or, worse, answer from a half-built schema.
 */
export async function getMigrationState(
  client: pg.ClientBase | pg.Pool,
  names = listMigrationNames(),
): Promise<MigrationState> {
  const history = await readHistory(client as pg.ClientBase);
  if (!history) return { ok: false, reason: "no-history", migration: names[0] ?? "", pending: names.length };
  const failed = history.find(isFailed);
  const finished = new Set(history.filter((r) => r.finished && !r.rolled_back).map((r) => r.migration_name));
  const pending = names.filter((n) => !finished.has(n));
  if (failed)
    return { ok: false, reason: "half-applied", migration: failed.migration_name, pending: pending.length };
  if (pending.length)
    return { ok: false, reason: "pending", migration: pending[0]!, pending: pending.length };
  return { ok: true };
}

/** Throws the one-line "not migrated" error (exit 3) unless the database is fully migrated. */
export async function assertMigrated(client: pg.ClientBase | pg.Pool): Promise<void> {
  let state = await getMigrationState(client);
  if (!state.ok) {
    // A command started at the same moment may be migrating: wait for it, then look again.
    await waitForMigrator(client);
    state = await getMigrationState(client);
  }
  if (state.ok) return;
  const what =
    state.reason === "half-applied"
      ? `migration ${state.migration} was left half-applied`
      : state.reason === "no-history"
        ? "it has no Lineage tables yet"
        : `${state.pending} migration${state.pending === 1 ? "" : "s"} pending, from ${state.migration}`;
  throw new AppError(
    "DATABASE_UNAVAILABLE",
    `the database is not migrated (${what}): run \`npx lineage migrate\``,
  );
}

/** Returns once no process holds the migration lock (at once when none does). */
async function waitForMigrator(client: pg.ClientBase | pg.Pool): Promise<void> {
  const session = client instanceof pg.Pool ? await client.connect() : client;
  try {
    await session.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_KEY.toString()]);
    await session.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY.toString()]);
  } finally {
    if (client instanceof pg.Pool) (session as pg.PoolClient).release();
  }
}

// "Already there" / "already gone": what re-running a statement that did run gives.
const ALREADY_DONE = new Set(["42P07", "42710", "42701", "42P06", "42723", "42703", "42704", "42P01"]);

interface ResumeResult {
  ok: boolean;
  /** Statements found already applied (a prefix of the migration). */
  done: number;
  total: number;
  error?: string;
}

/**
 * Re-runs a migration that an earlier version left half-applied, inside one transaction:
 * that engine ran its statements one by one in order, so what ran is a prefix. Statements
 * of the prefix fail as "already exists"/"does not exist" and are skipped; the rest must
 * succeed. Anything else (a failure after the first success, another error) means the
 * database is not in a state we can reason about, and nothing is changed.
 */
async function resumeHalfApplied(
  client: pg.ClientBase,
  migration: Migration,
  failedRowId: string,
  commit: (result: ResumeResult) => boolean,
): Promise<ResumeResult> {
  const statements = splitSqlStatements(migration.sql);
  const result: ResumeResult = { ok: true, done: 0, total: statements?.length ?? 0 };
  if (!statements) return { ...result, ok: false, error: "its SQL cannot be split into statements safely" };
  await client.query("BEGIN");
  try {
    let inPrefix = true;
    for (const [i, statement] of statements.entries()) {
      await client.query("SAVEPOINT s");
      try {
        await client.query(statement);
        await client.query("RELEASE SAVEPOINT s");
        inPrefix = false;
      } catch (err) {
        const code = (err as { code?: string }).code ?? "";
        await client.query("ROLLBACK TO SAVEPOINT s");
        if (!inPrefix || !ALREADY_DONE.has(code)) {
          result.ok = false;
          result.error = `statement ${i + 1}: ${(err as Error).message.split("\n")[0]}`;
          break;
        }
        result.done++;
      }
    }
    if (result.ok && commit(result)) {
      await client.query("UPDATE _prisma_migrations SET rolled_back_at = now() WHERE id = $1", [failedRowId]);
      await recordApplied(client, migration, new Date());
      await client.query("COMMIT");
    } else {
      await client.query("ROLLBACK");
    }
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  }
  return result;
}

async function recordApplied(client: pg.ClientBase, migration: Migration, startedAt: Date): Promise<void> {
  // The row `prisma migrate deploy` leaves for a migration it applied: logs NULL, one step.
  await client.query(
    `INSERT INTO _prisma_migrations
       (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count)
     VALUES ($1, $2, clock_timestamp(), $3, NULL, NULL, $4, 1)`,
    [randomUUID(), migration.checksum, migration.name, startedAt],
  );
}

export interface ApplyOptions {
  connectionString: string;
  /** Finish a migration an older version left half-applied even when part of it ran. */
  repair?: boolean;
  migrations?: Migration[];
}

// Test hook: pause inside each migration's transaction, after its SQL ran and before it
// commits, announcing it on stderr, so a test can kill the process exactly there.
function pauseMs(): number {
  return Number(process.env.LINEAGE_TEST_MIGRATE_PAUSE_MS ?? 0) || 0;
}

/** Applies every pending migration; returns the names applied. */
export async function applyMigrations({
  connectionString,
  repair = false,
  migrations = readMigrations(),
}: ApplyOptions): Promise<string[]> {
  const client = new pg.Client({ connectionString });
  client.on("error", () => {}); // a lost connection fails the query in flight, which reports it
  await client.connect();
  const applied: string[] = [];
  try {
    // The session lock serializes migrators on a PostgreSQL server. PGlite serves every
    // connection from one session, where this lock does not exclude anyone; there the
    // transaction below does, because pglite-socket gives a transaction's connection the
    // session to itself, and the migration's row is re-read inside it.
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_KEY.toString()]);
    try {
      await client.query(CREATE_HISTORY_TABLE);
      const history = (await readHistory(client)) ?? [];
      for (const failed of history.filter(isFailed)) {
        const migration = migrations.find((m) => m.name === failed.migration_name);
        if (!migration) {
          throw new AppError(
            "DATABASE_UNAVAILABLE",
            `migration ${failed.migration_name} failed earlier and is not in prisma/migrations/: this database belongs to another version of Lineage`,
          );
        }
        const result = await resumeHalfApplied(client, migration, failed.id, (r) => r.done === 0 || repair);
        if (!result.ok) {
          throw new AppError(
            "DATABASE_UNAVAILABLE",
            `migration ${migration.name} was left half-applied by an earlier version and cannot be finished (${result.error}): restore a backup, or drop the database and run \`npx lineage migrate\``,
          );
        }
        if (result.done > 0 && !repair) {
          throw new AppError(
            "DATABASE_UNAVAILABLE",
            `migration ${migration.name} was left half-applied by an earlier version (${result.done} of its ${result.total} statements ran): run \`npx lineage migrate --repair\` to run the other ${result.total - result.done}`,
          );
        }
        applied.push(migration.name);
      }
      for (const migration of migrations) {
        const startedAt = new Date();
        await client.query("BEGIN");
        try {
          const { rowCount } = await client.query(
            "SELECT 1 FROM _prisma_migrations WHERE migration_name = $1 AND finished_at IS NOT NULL AND rolled_back_at IS NULL",
            [migration.name],
          );
          if (rowCount) {
            await client.query("ROLLBACK");
            continue;
          }
          // One simple-protocol query: the whole script, as `psql -1` would run it.
          await client.query(migration.sql);
          await recordApplied(client, migration, startedAt);
          if (pauseMs()) {
            process.stderr.write(`migrate: ${migration.name} applied, not committed\n`);
            await sleep(pauseMs());
          }
          await client.query("COMMIT");
        } catch (err) {
          await client.query("ROLLBACK").catch(() => {});
          throw err;
        }
        applied.push(migration.name);
      }
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY.toString()]).catch(() => {});
    }
  } finally {
    await client.end().catch(() => {});
  }
  return [...new Set(applied)];
}
