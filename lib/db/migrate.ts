import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { AppError, isAppError } from "../errors";
import { applyMigrations } from "./apply-migrations";
import { MIGRATIONS_DIR, PROJECT_ROOT, SCHEMA_PATH } from "./paths";
import { withSchemaEngine } from "./schema-engine";

export { applyMigrations } from "./apply-migrations";
export { MIGRATIONS_DIR, PROJECT_ROOT, SCHEMA_PATH } from "./paths";

// Applying migrations is lib/db/apply-migrations.ts (plain pg, one transaction each); the
// Wasm schema engine here only diffs, for `npm run migrate:create` and the schema test.

const NO_FILTERS = { externalTables: [], externalEnums: [] };

async function readMigrationsList() {
  const names = existsSync(MIGRATIONS_DIR)
    ? (await readdir(MIGRATIONS_DIR, { withFileTypes: true }))
        .filter((d) => d.isDirectory())
        .map((d) => d.name)
        .sort()
    : [];
  const lockPath = path.join(MIGRATIONS_DIR, "migration_lock.toml");
  return {
    baseDir: MIGRATIONS_DIR,
    lockfile: { path: lockPath, content: existsSync(lockPath) ? await readFile(lockPath, "utf8") : null },
    shadowDbInitScript: "",
    migrationDirectories: await Promise.all(
      names.map(async (name) => ({
        // The engine records this as migration_name in _prisma_migrations: it must be the bare
        // directory name, as `prisma migrate deploy` writes it, not a machine-specific path.
        path: name,
        migrationFile: {
          path: "migration.sql",
          content: {
            tag: "ok" as const,
            value: await readFile(path.join(MIGRATIONS_DIR, name, "migration.sql"), "utf8"),
          },
        },
      })),
    ),
  };
}

async function engineOptions(connectionString: string) {
  return { connectionString, schemaPath: SCHEMA_PATH, schemaText: await readFile(SCHEMA_PATH, "utf8") };
}

/** applyMigrations, failing with one line a user can act on (exit 3) when it cannot. */
export async function migrateDatabase(
  connectionString: string,
  opts: { repair?: boolean } = {},
): Promise<string[]> {
  try {
    return await applyMigrations({ connectionString, repair: opts.repair });
  } catch (err) {
    if (isAppError(err)) throw err;
    throw new AppError(
      "DATABASE_UNAVAILABLE",
      `cannot migrate the database: ${(err as Error).message.split("\n")[0]}`,
      { cause: err },
    );
  }
}

/**
 * SQL that would bring a database at state `from` to the schema in prisma/schema.prisma.
 * `from: "empty"` diffs from nothing; `from: "database"` introspects the live database.
 */
export async function diffToSchema({
  connectionString,
  from,
}: {
  connectionString: string;
  from: "empty" | "migrations" | "database";
}): Promise<string> {
  const opts = await engineOptions(connectionString);
  const migrationsList = await readMigrationsList();
  return withSchemaEngine(opts, async (engine) => {
    const fromTarget =
      from === "empty"
        ? { tag: "empty" as const }
        : from === "migrations"
          ? { tag: "migrations" as const, ...migrationsList }
          : {
              tag: "schemaDatasource" as const,
              files: [{ path: opts.schemaPath, content: opts.schemaText }],
              configDir: PROJECT_ROOT,
            };
    const out = await engine.diff({
      from: fromTarget,
      to: { tag: "schemaDatamodel", files: [{ path: opts.schemaPath, content: opts.schemaText }] },
      script: true,
      exitCode: null,
      shadowDatabaseUrl: null,
      filters: NO_FILTERS,
    } as Parameters<typeof engine.diff>[0]);
    return out.stdout ?? "";
  });
}
