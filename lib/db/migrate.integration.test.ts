import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listMigrationNames, readMigrations } from "./apply-migrations";
import { applyMigrations, diffToSchema } from "./migrate";
import { splitSqlStatements } from "./split-sql";
import { createEmptyDatabase } from "./testing/databases";
import { dumpSchema, spawnLineage } from "./testing/run-cli";

type TestDatabase = Awaited<ReturnType<typeof createEmptyDatabase>>;

async function query<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

const finishedNames = async (url: string) =>
  (
    await query<{ migration_name: string }>(
      url,
      "SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY migration_name",
    )
  ).map((r) => r.migration_name);

let clean: TestDatabase;
let cleanSchema: string;
beforeAll(async () => {
  clean = await createEmptyDatabase();
  await applyMigrations({ connectionString: clean.url });
  cleanSchema = dumpSchema(clean.name);
});
afterAll(async () => {
  await clean?.drop();
});

describe("migrations (real PostgreSQL)", () => {
  it("applies every migration to an empty database, leaving nothing to diff against schema.prisma", async () => {
    const db = await createEmptyDatabase();
    try {
      const applied = await applyMigrations({ connectionString: db.url });
      expect(applied).toEqual(listMigrationNames());
      const diff = await diffToSchema({ connectionString: db.url, from: "database" });
      expect(diff.replace(/^--.*$/gm, "").trim()).toBe("");
      // Re-applying is a no-op: what ran is recorded in _prisma_migrations.
      expect(await applyMigrations({ connectionString: db.url })).toEqual([]);
      expect(await finishedNames(db.url)).toEqual(applied);
    } finally {
      await db.drop();
    }
  });

  it("records each migration as `prisma migrate deploy` does, so a native engine sees them applied", async () => {
    const rows = await query<Record<string, unknown>>(
      clean.url,
      "SELECT * FROM _prisma_migrations ORDER BY migration_name",
    );
    const migrations = readMigrations();
    expect(rows.map((r) => r.migration_name)).toEqual(migrations.map((m) => m.name));
    for (const [i, row] of rows.entries()) {
      const sql = migrations[i]!.sql;
      expect(row).toMatchObject({
        checksum: createHash("sha256").update(sql).digest("hex"),
        logs: null,
        rolled_back_at: null,
        applied_steps_count: 1,
      });
      expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect((row.finished_at as Date).getTime()).toBeGreaterThanOrEqual((row.started_at as Date).getTime());
    }
  });

  it("reports a non-empty diff when a database lacks the schema", async () => {
    const db = await createEmptyDatabase();
    try {
      const diff = await diffToSchema({ connectionString: db.url, from: "database" });
      expect(diff).toContain('CREATE TABLE "commit"');
    } finally {
      await db.drop();
    }
  });
});

// Queries read the config they are given: one that lists the repositories they ask about.
let configDir: string;
beforeAll(() => {
  configDir = mkdtempSync(path.join(os.tmpdir(), "lineage-migrate-"));
  const environments = [{ name: "prod", source: { tags: "v*" } }];
  writeFileSync(
    path.join(configDir, "lineage.config.json"),
    JSON.stringify({ repositories: ["acme/none", "acme/x"].map((repo) => ({ repo, environments })) }),
  );
});
afterAll(() => rmSync(configDir, { recursive: true, force: true }));

describe("lineage migrate killed at any moment", () => {
  // Each case: kill -9 a `lineage migrate` on an empty database, run a query command (which
  // must say "not migrated", exit 3), then migrate again: the schema must equal a clean one.
  async function killAndRecover(kill: { on?: RegExp; afterMs?: number }, env: Record<string, string> = {}) {
    const db = await createEmptyDatabase();
    try {
      const killed = await spawnLineage(["migrate"], {
        env: { DATABASE_URL: db.url, ...env },
        at: { ...kill, act: (child) => child.kill("SIGKILL") },
      });
      const where = await spawnLineage(["where", "main", "--repo", "acme/none"], {
        env: { DATABASE_URL: db.url },
        cwd: configDir,
      });
      // Killed before the last migration committed: the database says so. Killed after (or
      // not killed): the query reaches the data and finds no such repository.
      const finished = await finishedNames(db.url).catch(() => []); // killed before the table existed
      const midway = killed.signal === "SIGKILL" && finished.length < listMigrationNames().length;
      if (midway) {
        expect(where.code).toBe(3);
        expect(where.stderr).toMatch(
          /^lineage: the database is not migrated \(.*\): run `npx lineage migrate`\n$/,
        );
      } else {
        if (killed.signal !== "SIGKILL") expect(killed.code).toBe(0);
        expect(where.code).toBe(2);
      }
      const again = await spawnLineage(["migrate"], { env: { DATABASE_URL: db.url } });
      expect(again.stderr).not.toMatch(/resolve/);
      expect(again.code).toBe(0);
      expect(dumpSchema(db.name)).toBe(cleanSchema);
      expect(await finishedNames(db.url)).toEqual(listMigrationNames());
      const failed = await query(db.url, "SELECT 1 FROM _prisma_migrations WHERE finished_at IS NULL");
      expect(failed).toEqual([]);
      return midway;
    } finally {
      await db.drop();
    }
  }

  it("inside each migration's transaction (deterministic: paused before COMMIT)", async () => {
    const names = listMigrationNames();
    for (const name of [names[0]!, names[3]!, names.at(-1)!]) {
      expect(
        await killAndRecover(
          { on: new RegExp(`migrate: ${name} applied, not committed`) },
          { LINEAGE_TEST_MIGRATE_PAUSE_MS: "1500" },
        ),
      ).toBe(true);
    }
  });

  it("at a spread of moments in real time", async () => {
    let killedMidway = 0;
    // The compiled CLI starts in about 0.2 s and migrates an empty database in a few tenths more.
    for (const afterMs of [100, 200, 250, 300, 350, 400, 500, 700]) {
      if (await killAndRecover({ afterMs })) killedMidway++;
    }
    // Most kills must land while it runs, or this test proves little.
    expect(killedMidway).toBeGreaterThanOrEqual(4);
  });
});

describe("a database an older version left half-migrated", () => {
  // The Wasm engine ran a migration's statements one at a time after recording it as
  // started; killed, it left a row with neither finished_at nor rolled_back_at.
  async function halfMigrated(statementsRun: number): Promise<TestDatabase> {
    const db = await createEmptyDatabase();
    const [init] = readMigrations();
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query(`CREATE TABLE _prisma_migrations (
        id VARCHAR(36) PRIMARY KEY NOT NULL, checksum VARCHAR(64) NOT NULL, finished_at TIMESTAMPTZ,
        migration_name VARCHAR(255) NOT NULL, logs TEXT, rolled_back_at TIMESTAMPTZ,
        started_at TIMESTAMPTZ NOT NULL DEFAULT now(), applied_steps_count INTEGER NOT NULL DEFAULT 0)`);
      await client.query(
        "INSERT INTO _prisma_migrations (id, checksum, migration_name) VALUES (gen_random_uuid(), $1, $2)",
        [init!.checksum, init!.name],
      );
      for (const statement of splitSqlStatements(init!.sql)!.slice(0, statementsRun))
        await client.query(statement);
    } finally {
      await client.end();
    }
    return db;
  }

  it("re-applies a failed migration none of whose statements ran, with no extra step", async () => {
    const db = await halfMigrated(0);
    try {
      const res = await spawnLineage(["migrate"], { env: { DATABASE_URL: db.url } });
      expect(res.code).toBe(0);
      expect(dumpSchema(db.name)).toBe(cleanSchema);
      // The failed attempt stays in the history as rolled back, as `prisma migrate resolve --rolled-back` leaves it.
      const rows = await query<{ n: number }>(
        db.url,
        "SELECT count(*)::int AS n FROM _prisma_migrations WHERE rolled_back_at IS NOT NULL",
      );
      expect(rows[0]!.n).toBe(1);
    } finally {
      await db.drop();
    }
  });

  it("says so in one line, and `migrate --repair` runs the statements that had not run", async () => {
    const db = await halfMigrated(5);
    try {
      const env = { DATABASE_URL: db.url };
      const events = await spawnLineage(["events", "--repo", "acme/x", "--env", "prod"], {
        env,
        cwd: configDir,
      });
      expect(events.code).toBe(3);
      expect(events.stderr).toBe(
        `lineage: the database is not migrated (migration ${listMigrationNames()[0]} was left half-applied): run \`npx lineage migrate\`\n`,
      );
      const migrate = await spawnLineage(["migrate"], { env });
      expect(migrate.code).toBe(3);
      expect(migrate.stderr).toMatch(
        /^lineage: migration \S+_init was left half-applied by an earlier version \(5 of its \d+ statements ran\): run `npx lineage migrate --repair` to run the other \d+\n$/,
      );
      const repair = await spawnLineage(["migrate", "--repair"], { env });
      expect(repair.stderr).toMatch(/^applied /);
      expect(repair.code).toBe(0);
      expect(dumpSchema(db.name)).toBe(cleanSchema);
      expect(await finishedNames(db.url)).toEqual(listMigrationNames());
    } finally {
      await db.drop();
    }
  });

  it("refuses to guess when the database matches no prefix of the migration", async () => {
    const db = await halfMigrated(0);
    try {
      // Statement 2 of init without statement 1: not what a killed in-order run leaves.
      const second = splitSqlStatements(readMigrations()[0]!.sql)![1]!;
      await query(db.url, second);
      const res = await spawnLineage(["migrate", "--repair"], { env: { DATABASE_URL: db.url } });
      expect(res.code).toBe(3);
      expect(res.stderr).toMatch(
        /cannot be finished \(statement 2: .*\): restore a backup, or drop the database/,
      );
      expect(res.stderr.trim().split("\n")).toHaveLength(1);
    } finally {
      await db.drop();
    }
  });
});

describe("concurrent first use of an empty server database", () => {
  it("serializes migrators: every writer started at once succeeds, each migration recorded once", async () => {
    const db = await createEmptyDatabase();
    try {
      const env = { DATABASE_URL: db.url };
      const results = await Promise.all([
        spawnLineage(["migrate"], { env }),
        spawnLineage(["migrate"], { env }),
        spawnLineage(["migrate", "--json"], { env }),
        spawnLineage(["migrate"], { env }),
        spawnLineage(["migrate"], { env }),
      ]);
      for (const r of results) {
        expect(r.stderr).not.toMatch(/lineage:/);
        expect(r.code).toBe(0);
      }
      const rows = await query<{ migration_name: string }>(
        db.url,
        "SELECT migration_name FROM _prisma_migrations",
      );
      expect(rows.map((r) => r.migration_name).sort()).toEqual(listMigrationNames());
      expect(dumpSchema(db.name)).toBe(cleanSchema);
    } finally {
      await db.drop();
    }
  });
});
