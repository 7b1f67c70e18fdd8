import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { listMigrationNames } from "./apply-migrations";
import { MIGRATIONS_DIR } from "./paths";
import { splitSqlStatements } from "./split-sql";

describe("splitSqlStatements", () => {
  it("splits at top-level semicolons only, dropping comments", () => {
    expect(
      splitSqlStatements(`-- a comment; not a split
CREATE TABLE "a;b" (x TEXT DEFAULT 'it''s; fine');
/* block; comment */ ALTER TABLE "a;b" ADD COLUMN y INT;

-- trailing comment only
`),
    ).toEqual([`CREATE TABLE "a;b" (x TEXT DEFAULT 'it''s; fine')`, `ALTER TABLE "a;b" ADD COLUMN y INT`]);
  });

  it("declines dollar-quoted bodies and unterminated quotes", () => {
    expect(splitSqlStatements("DO $$ BEGIN PERFORM 1; END $$;")).toBeUndefined();
    expect(splitSqlStatements("SELECT 'open;")).toBeUndefined();
  });

  it("splits every migration of prisma/migrations/ (so each can be repaired)", () => {
    for (const name of listMigrationNames()) {
      const statements = splitSqlStatements(
        readFileSync(path.join(MIGRATIONS_DIR, name, "migration.sql"), "utf8"),
      );
      expect(statements?.length, name).toBeGreaterThan(0);
    }
  });
});
