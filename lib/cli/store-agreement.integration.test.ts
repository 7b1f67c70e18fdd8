// The store can't be broken from the CLI: a foreign clone is refused, queries answer from the
// config they are given (or say why not), ambiguous revisions and Ctrl-C are spoken.
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase } from "../db/testing/test-db";
import { commitAt, git, initRepo, tagAt } from "../git/testing/git";
import { dumpRepository } from "../store/testing/dump";

const ROOT = path.resolve(import.meta.dirname, "../..");
let db: Awaited<ReturnType<typeof openTestDatabase>>;
let dir: string;
let clone: string;
let foreign: string;
const shas: string[] = [];

const ENVIRONMENTS = [
  { name: "trunk", source: { branch: "main" } },
  { name: "prod", source: { tags: "v*" } },
];

function writeConfig(file: string, environments: unknown[] = ENVIRONMENTS) {
  writeFileSync(path.join(dir, file), JSON.stringify({ repositories: [{ repo: "acme/cli", environments }] }));
}

function lineage(args: string[], cwd = dir) {
  const res = spawnSync(process.execPath, [path.join(ROOT, "bin/lineage.mjs"), ...args], {
    cwd,
    env: { ...process.env, DATABASE_URL: db.url },
    encoding: "utf8",
  });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

beforeAll(async () => {
  db = await openTestDatabase();
  dir = mkdtempSync(path.join(os.tmpdir(), "lineage-agree-"));
  clone = path.join(dir, "clone");
  foreign = path.join(dir, "foreign");
  mkdirSync(clone);
  mkdirSync(foreign);
  initRepo(clone);
  for (let i = 0; i < 40; i++) shas.push(commitAt(clone, `commit ${i}`, 1_700_000_000 + i * 60));
  tagAt(clone, "v1.0.0", shas[10]!, 1_700_010_000);
  tagAt(clone, "v1.1.0", shas[30]!, 1_700_020_000);
  // A branch and a tag named like the environment `trunk`.
  git(clone, ["branch", "trunk", shas[20]!]);
  tagAt(clone, "trunk", shas[5]!, 1_700_030_000);
  initRepo(foreign);
  for (let i = 0; i < 5; i++) commitAt(foreign, `other ${i}`, 1_600_000_000 + i * 60);
  writeConfig("lineage.config.json");
  const res = lineage(["import-git", "--path", clone, "--repo", "acme/cli"]);
  expect(res.code, res.stderr).toBe(0);
});

afterAll(async () => {
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe("a clone must be the repository it claims to be", () => {
  it("refuses an unrelated clone with exit 2, naming both roots, and writes nothing", async () => {
    const before = await dumpRepository(db.pool, "acme/cli");
    const res = lineage(["import-git", "--path", foreign, "--repo", "acme/cli"]);
    expect(res.code).toBe(2);
    const foreignRoot = git(foreign, ["rev-list", "--max-parents=0", "HEAD"]).trim();
    expect(res.stderr.trim().split("\n").at(-1)).toBe(
      `lineage: ${foreign} is not acme/cli: it shares no commit with the stored history (stored root ${shas[0]}, clone root ${foreignRoot}); import it under its own --repo`,
    );
    expect(await dumpRepository(db.pool, "acme/cli")).toEqual(before);
  });
});

describe("config and store agree", () => {
  it("a query with a config whose environments differ says which, and how to apply it", () => {
    writeConfig("staging.json", [...ENVIRONMENTS, { name: "staging", source: { tags: "rc*" } }]);
    const res = lineage(["events", "--repo", "acme/cli", "--env", "prod", "--config", "staging.json"]);
    expect(res.code).toBe(2);
    expect(res.stderr).toBe(
      "lineage: acme/cli: the stored environments differ from staging.json (staging is configured but not computed): run `lineage recompute --repo acme/cli` (or import-git / sync) to apply it\n",
    );
    expect(res.stdout).toBe("");
  });

  it("lineage recompute applies a changed config from stored history, without the clone", () => {
    writeConfig("renamed.json", [
      { name: "trunk", source: { branch: "main" } },
      { name: "release", source: { tags: "v1.1*" } },
    ]);
    expect(lineage(["where", "v1.0.0", "--repo", "acme/cli", "--config", "renamed.json"]).stderr).toMatch(
      /release is configured but not computed; prod is stored but no longer configured/,
    );
    rmSync(path.join(clone, ".git"), { recursive: true }); // recompute must not need the clone
    try {
      const res = lineage(["recompute", "--config", "renamed.json", "--json"]);
      expect(res.code, res.stderr).toBe(0);
      const events = lineage([
        "events",
        "--repo",
        "acme/cli",
        "--env",
        "release",
        "--config",
        "renamed.json",
        "--json",
      ]);
      expect(events.code, events.stderr).toBe(0);
      expect(JSON.parse(events.stdout).map((e: { ref: string; sha: string }) => [e.ref, e.sha])).toEqual([
        ["v1.1.0", shas[30]],
      ]);
    } finally {
      // The original config's environments back for the next tests (still without the clone).
      expect(lineage(["recompute"]).code).toBe(0);
    }
  });

  it("names a missing default config file as missing", () => {
    const empty = mkdtempSync(path.join(os.tmpdir(), "lineage-noconf-"));
    const res = lineage(["import-git", "--path", clone, "--repo", "acme/cli"], empty);
    expect(res.code).toBe(2);
    expect(res.stderr).toBe(
      `lineage: no config file: lineage.config.json is not in ${empty} (create it, or give --config FILE)\n`,
    );
    rmSync(empty, { recursive: true, force: true });
  });
});

describe("ambiguity is spoken", () => {
  it("refuses a name that is both an environment and a branch or tag, listing the ways to pick one", () => {
    const res = lineage(["diff", "trunk", "v1.1.0", "--repo", "acme/cli"]);
    expect(res.code).toBe(2);
    expect(res.stderr).toBe(
      'lineage: "trunk" is ambiguous: it names an environment and refs/tags/trunk and refs/heads/trunk; pick one with env:trunk, refs/tags/trunk, refs/heads/trunk\n',
    );
    const env = JSON.parse(lineage(["diff", "env:trunk", "v1.1.0", "--repo", "acme/cli", "--json"]).stdout);
    const branch = JSON.parse(
      lineage(["diff", "refs/heads/trunk", "v1.1.0", "--repo", "acme/cli", "--json"]).stdout,
    );
    expect(env.from).toBe(shas[39]);
    expect(branch.from).toBe(shas[20]);
  });

  it("lists the candidates of an ambiguous short SHA, and says a prefix under 4 digits is too short", async () => {
    const tooShort = lineage(["where", shas[7]!.slice(0, 3), "--repo", "acme/cli"]);
    expect(tooShort.code).toBe(2);
    expect(tooShort.stderr).toMatch(/short SHA ".{1,3}" is too short: give at least 4 hex digits/);

    // A 4-digit prefix shared by two commits is unlikely with 40: make one the database knows twice.
    const candidates = shas.filter((s) => s.startsWith(shas[7]!.slice(0, 4)));
    await db.pool.query(
      `INSERT INTO "commit" (repo_id, idx, sha, parents, author_name, author_email, authored_at, committer_name, committer_email, committed_at, message)
       SELECT repo_id, (SELECT max(idx) + 1 FROM "commit" WHERE repo_id = c.repo_id), left(sha, 4) || repeat('f', 36), ARRAY[idx],
         author_name, author_email, authored_at, committer_name, committer_email, committed_at, 'twin of seven'
       FROM "commit" c WHERE sha = $1`,
      [shas[7]],
    );
    await db.pool.query(`UPDATE repository SET commit_count = commit_count + 1 WHERE full_name = 'acme/cli'`);
    const res = lineage(["where", shas[7]!.slice(0, 4), "--repo", "acme/cli"]);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/^lineage: short SHA "[0-9a-f]{4}" is ambiguous; the candidates are: /);
    for (const sha of [...candidates, `${shas[7]!.slice(0, 4)}${"f".repeat(36)}`])
      expect(res.stderr).toContain(sha.slice(0, 12));
    expect(res.stderr).toContain('"twin of seven"');
  });
});

describe("interruption is spoken", () => {
  it("Ctrl-C prints one line saying what is kept and exits 130", async () => {
    // A GitHub endpoint that never answers keeps the sync waiting until it is interrupted.
    const hang = createServer(() => {});
    await new Promise<void>((resolve) => hang.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(hang.address() as AddressInfo).port}/graphql`;
    try {
      const child = spawn(process.execPath, [path.join(ROOT, "bin/lineage.mjs"), "sync"], {
        cwd: dir,
        env: {
          ...process.env,
          DATABASE_URL: db.url,
          GITHUB_TOKEN: "ghp_interruptedtoken",
          GITHUB_GRAPHQL_URL: url,
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stderr = "";
      child.stderr.on("data", (d) => {
        stderr += d;
      });
      // Interrupt once the request is in flight (the endpoint has seen a connection).
      await new Promise<void>((resolve) => hang.once("connection", () => resolve()));
      child.kill("SIGINT");
      const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
      expect(code).toBe(130);
      expect(stderr.trim().split("\n").at(-1)).toBe(
        "lineage: interrupted; pages read so far are kept and the next sync resumes from them",
      );
    } finally {
      hang.closeAllConnections();
      hang.close();
    }
  });
});
