import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { importGit } from "../git/import-git";
import { buildHistory } from "../git/testing/build-history";
import { commitAt, initRepo, tagAt } from "../git/testing/git";
import { findWhere } from "../lineage/where";
import { dumpRepository } from "../store/testing/dump";
import { openDatabase } from "./client";
import { spawnLineage } from "./testing/run-cli";
import { openTestDatabase } from "./testing/test-db";

const ROOT = path.resolve(import.meta.dirname, "../..");
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const d = mkdtempSync(path.join(os.tmpdir(), prefix));
  dirs.push(d);
  return d;
}

describe("embedded database (PGlite over the wire protocol)", () => {
  it("serves the same schema and queries as the server, and other processes share it while it runs", async () => {
    const dataDir = tempDir("lineage-embedded-");
    const repoDir = tempDir("lineage-embedded-repo-");
    initRepo(repoDir);
    const a = commitAt(repoDir, "one", 1_700_000_000);
    const b = commitAt(repoDir, "two", 1_700_000_100);
    tagAt(repoDir, "v1", a, 1_700_000_050);
    tagAt(repoDir, "v2", b, 1_700_000_200);
    const repoConfig = { repo: "acme/embedded", environments: [{ name: "prod", source: { tags: "v*" } }] };

    const db = await openDatabase({ url: undefined, dataDir });
    try {
      expect(db.mode).toBe("embedded");
      const info = JSON.parse(readFileSync(path.join(dataDir, "server.json"), "utf8"));
      expect(info.pid).toBe(process.pid);
      await importGit(db, { clonePath: repoDir, repoConfig });
      const [where] = await findWhere(db, { repo: "acme/embedded", revisions: [a] });
      expect(where!.environments[0]).toMatchObject({ name: "prod", current: true, first: { ref: "v1" } });

      // A second process (the CLI) connects to this process's server instead of opening the files.
      const configFile = path.join(repoDir, "lineage.config.json");
      writeFileSync(configFile, JSON.stringify({ repositories: [repoConfig] }));
      const env: NodeJS.ProcessEnv = { ...process.env, LINEAGE_DATA_DIR: dataDir };
      delete env.DATABASE_URL;
      // Asynchronously: this process's event loop serves the database the child talks to.
      const cli = await promisify(execFile)(
        process.execPath,
        [path.join(ROOT, "bin/lineage.mjs"), "where", b, "--repo", "acme/embedded", "--json"],
        { cwd: repoDir, env, encoding: "utf8" },
      );
      expect(cli.stderr).toBe("");
      expect(JSON.parse(cli.stdout)[0].environments[0]).toMatchObject({
        name: "prod",
        current: true,
        first: { ref: "v2" },
      });
    } finally {
      await db.close();
    }
    expect(existsSync(path.join(dataDir, "server.json"))).toBe(false);

    // Reopened later, the data is still there (kept under the data directory).
    const again = await openDatabase({ url: undefined, dataDir });
    try {
      const { rows } = await again.pool.query(`SELECT count(*)::int AS n FROM "commit"`);
      expect(rows[0].n).toBe(2);
    } finally {
      await again.close();
    }
  });

  it("stores exactly what the PostgreSQL server stores for the same clone", async () => {
    const repoDir = tempDir("lineage-embedded-same-");
    // Large enough that some events carry big added/removed arrays (sent in binary).
    buildHistory(repoDir, { seed: 3, commits: 5000, tags: 30, maintenanceBranches: 2, rollbackTags: 1 });
    const repoConfig = {
      repo: "acme/same",
      environments: [
        { name: "dev", source: { branch: "main" } },
        { name: "prod", source: { tags: "v*" } },
      ],
    };
    const server = await openTestDatabase();
    const embedded = await openDatabase({ url: undefined, dataDir: tempDir("lineage-embedded-data-") });
    try {
      await importGit(server, { clonePath: repoDir, repoConfig });
      await importGit(embedded, { clonePath: repoDir, repoConfig });
      const { rows } = await embedded.pool.query(
        "SELECT max(added_count + removed_count)::int AS n FROM promotion_event",
      );
      expect(rows[0].n).toBeGreaterThanOrEqual(2000);
      expect(await dumpRepository(embedded.pool, "acme/same")).toEqual(
        await dumpRepository(server.pool, "acme/same"),
      );
    } finally {
      await embedded.close();
      await server.drop();
    }
  });

  it("takes over from a process that died holding the lock", async () => {
    const dataDir = tempDir("lineage-embedded-stale-");
    // A pid that cannot be alive: beyond the kernel's pid range.
    writeFileSync(path.join(dataDir, "server.lock"), "4194305");
    writeFileSync(path.join(dataDir, "server.json"), JSON.stringify({ pid: 4194305, port: 1 }));
    const db = await openDatabase({ url: undefined, dataDir });
    try {
      expect(db.mode).toBe("embedded");
      const { rows } = await db.pool.query("SELECT 1 AS ok");
      expect(rows[0].ok).toBe(1);
    } finally {
      await db.close();
    }
  });
});

describe("embedded database on first use", () => {
  function smallRepo(): { repoDir: string; configFile: string } {
    const repoDir = tempDir("lineage-embedded-first-");
    initRepo(repoDir);
    const a = commitAt(repoDir, "one", 1_700_000_000);
    const b = commitAt(repoDir, "two", 1_700_000_100);
    tagAt(repoDir, "v1", a, 1_700_000_050);
    tagAt(repoDir, "v2", b, 1_700_000_200);
    const configFile = path.join(repoDir, "lineage.config.json");
    writeFileSync(
      configFile,
      JSON.stringify({
        repositories: [{ repo: "acme/first", environments: [{ name: "prod", source: { tags: "v*" } }] }],
      }),
    );
    return { repoDir, configFile };
  }
  const embeddedEnv = (dataDir: string) => ({ DATABASE_URL: undefined, LINEAGE_DATA_DIR: dataDir });

  it("lets commands started at once on a new data directory all succeed: one migrates, the others wait", async () => {
    const { repoDir, configFile } = smallRepo();
    const dataDir = tempDir("lineage-embedded-race-");
    const env = embeddedEnv(dataDir);
    const importArgs = ["import-git", "--path", repoDir, "--repo", "acme/first", "--config", configFile];
    const eventsArgs = ["events", "--repo", "acme/first", "--env", "prod", "--config", configFile];
    const results = await Promise.all([
      spawnLineage(importArgs, { env }),
      spawnLineage(eventsArgs, { env }),
      spawnLineage(importArgs, { env }),
      spawnLineage(eventsArgs, { env }),
      spawnLineage(["migrate"], { env }),
    ]);
    for (const r of results) {
      expect(r.stderr, JSON.stringify(r)).not.toMatch(
        /npx lineage migrate|ON CONFLICT|not migrated|timed out/,
      );
      // events before any import finished: the repository is legitimately unknown (exit 2).
      if (r.code === 2) expect(r.stderr).toMatch(/unknown repository/);
      else expect(r.code, r.stderr).toBe(0);
    }
    expect(results[0]!.code).toBe(0);
    expect(results[2]!.code).toBe(0);
    const after = await spawnLineage([...eventsArgs, "--json"], { env });
    expect(after.code).toBe(0);
    expect(JSON.parse(after.stdout).map((e: { ref: string }) => e.ref)).toEqual(["v1", "v2"]);
  });

  it("survives kill -9 of the first import-git at any moment: the next command works", async () => {
    const { repoDir, configFile } = smallRepo();
    const importArgs = [
      "import-git",
      "--path",
      repoDir,
      "--repo",
      "acme/first",
      "--config",
      configFile,
      "--json",
    ];
    const kills: { afterMs?: number; on?: RegExp; env?: Record<string, string> }[] = [
      // A fresh data directory's first start (initdb, then migrations) takes seconds here.
      ...[1000, 3000, 6000].map((afterMs) => ({ afterMs })),
      // Deterministically inside the first and the last migration's transaction.
      { on: /migrate: \S+_init applied, not committed/, env: { LINEAGE_TEST_MIGRATE_PAUSE_MS: "1500" } },
      { on: /migrate: \S+_heartbeat applied, not committed/, env: { LINEAGE_TEST_MIGRATE_PAUSE_MS: "300" } },
    ];
    let killedMidway = 0;
    for (const kill of kills) {
      const dataDir = tempDir("lineage-embedded-kill-");
      const env = embeddedEnv(dataDir);
      const killed = await spawnLineage(importArgs, {
        env: { ...env, ...kill.env },
        at: { on: kill.on, afterMs: kill.afterMs, act: (child) => child.kill("SIGKILL") },
      });
      if (killed.signal === "SIGKILL") killedMidway++;
      else expect(killed.code).toBe(0);
      const again = await spawnLineage(importArgs, { env });
      expect(again.stderr).not.toMatch(/lineage:/);
      expect(again.code).toBe(0);
      const events = await spawnLineage(
        ["events", "--repo", "acme/first", "--env", "prod", "--config", configFile, "--json"],
        { env },
      );
      expect(events.code).toBe(0);
      expect(JSON.parse(events.stdout).map((e: { ref: string }) => e.ref)).toEqual(["v1", "v2"]);
    }
    expect(killedMidway).toBeGreaterThanOrEqual(3);
  }, 600_000);
});
