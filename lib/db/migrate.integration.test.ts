import pg from "pg";
import { describe, expect, it } from "vitest";
import { applyMigrations, diffToSchema } from "./migrate";
import { createEmptyDatabase } from "./testing/databases";

describe("migrations (real PostgreSQL)", () => {
  it("applies every migration to an empty database, leaving nothing to diff against schema.prisma", async () => {
    const db = await createEmptyDatabase();
    try {
      const applied = await applyMigrations({ connectionString: db.url });
      expect(applied.length).toBeGreaterThan(0);
      const diff = await diffToSchema({ connectionString: db.url, from: "database" });
      expect(diff.replace(/^--.*$/gm, "").trim()).toBe("");
      // Re-applying is a no-op: the engine records what ran in _prisma_migrations.
      expect(await applyMigrations({ connectionString: db.url })).toEqual([]);
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      const { rows } = await client.query(
        "SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL",
      );
      await client.end();
      expect(rows.map((r) => r.migration_name)).toEqual(applied);
    } finally {
      await db.drop();
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
