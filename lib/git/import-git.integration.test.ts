import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TRepositoryConfig } from "../config/schema";
import { adminQuery } from "../db/testing/databases";
import { openTestDatabase } from "../db/testing/test-db";
import { AppError } from "../errors";
import { materializeRepository } from "../github/sync/materialize";
import { stageGithubCommits } from "../store/github-commits";
import { ensureRepository } from "../store/github-sync-state";
import { dumpRepository } from "../store/testing/dump";
import { importGit } from "./import-git";
import { buildHistory } from "./testing/build-history";
import { commitAt, commitEnv, git, gitEnv, gitLines, initRepo, tagAt } from "./testing/git";

const REPO = "acme/incremental";
const ROOT = path.resolve(import.meta.dirname, "../..");
const repoConfig: TRepositoryConfig = {
  repo: REPO,
  environments: [
    { name: "dev", source: { branch: "main" } },
    { name: "test", source: { tags: "rc-*" } },
    { name: "prod", source: { tags: "v*" } },
  ],
};

type TestDb = Awaited<ReturnType<typeof openTestDatabase>>;
const dbs: TestDb[] = [];
const dirs: string[] = [];

async function newDb(): Promise<TestDb> {
  const db = await openTestDatabase();
  dbs.push(db);
  return db;
}

function newRepo(commits: number, seed = 11): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "lineage-import-"));
  dirs.push(dir);
  buildHistory(dir, {
    seed,
    commits,
    tags: 40,
    maintenanceBranches: 2,
    rollbackTags: 1,
    crissCross: true,
    octopus: true,
  });
  return dir;
}

/** Moves the clone on: new commits on main and a feature merge, a new release, a rollback tag. */
function advance(dir: string): void {
  const base = Number(git(dir, ["log", "-1", "--format=%ct", "main"]).trim()) + 3600;
  git(dir, ["checkout", "-q", "main"]);
  const c1 = commitAt(dir, "fix: after the import", base);
  git(dir, ["checkout", "-q", "-b", "feature/late", c1]);
  const f1 = commitAt(dir, "feat: late feature", base + 60);
  git(dir, ["checkout", "-q", "main"]);
  git(dir, ["merge", "-q", "--no-ff", "-m", "Merge feature/late", f1], undefined, {
    env: { GIT_AUTHOR_DATE: `${base + 120} +0000`, GIT_COMMITTER_DATE: `${base + 120} +0000` },
  });
  const merged = git(dir, ["rev-parse", "HEAD"]).trim();
  tagAt(dir, "rc-late", merged, base + 200);
  tagAt(dir, "v99.0.0", merged, base + 300);
  // Roll prod back to the release before it.
  const previous = gitLines(dir, [
    "for-each-ref",
    "--sort=creatordate",
    "--format=%(refname:strip=2)",
    "refs/tags/v*",
  ]).at(-2)!;
  tagAt(dir, "v99.0.0-rollback", git(dir, ["rev-parse", `${previous}^{commit}`]).trim(), base + 400);
}

afterAll(async () => {
  for (const db of dbs) await db.drop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe("import-git (real git, real PostgreSQL)", () => {
  let dir: string;
  let incremental: TestDb;
  beforeAll(async () => {
    dir = newRepo(1200);
    incremental = await newDb();
    await importGit(incremental, { clonePath: dir, repoConfig });
  });

  it("changes nothing when re-run on an unchanged clone", async () => {
    const before = await dumpRepository(incremental.pool, REPO);
    const summary = await importGit(incremental, { clonePath: dir, repoConfig });
    expect(summary.upToDate).toBe(true);
    expect(await dumpRepository(incremental.pool, REPO)).toEqual(before);
  });

  it("reads only the new commits after the clone moves on, ending where a fresh import ends", async () => {
    const oldTips = gitLines(dir, ["for-each-ref", "--format=%(objectname)", "refs/heads", "refs/tags"]);
    advance(dir);
    const expectedNew = Number(
      git(dir, ["rev-list", "--count", "--branches", "--tags", "--not", ...oldTips]).trim(),
    );
    const summary = await importGit(incremental, { clonePath: dir, repoConfig });
    expect(summary.upToDate).toBe(false);
    expect(summary.newCommits).toBe(expectedNew);
    const dev = summary.environments.find((e) => e.name === "dev")!;
    expect(dev.unchanged).toBeGreaterThan(0);
    expect(dev.written).toBe(
      Number(git(dir, ["rev-list", "--count", "--first-parent", "main"]).trim()) - dev.unchanged,
    );

    const fresh = await newDb();
    await importGit(fresh, { clonePath: dir, repoConfig });
    const got = await dumpRepository(incremental.pool, REPO);
    expect(got).toEqual(await dumpRepository(fresh.pool, REPO));
    const prod = (got.events as { name: string; ref: string; removed_count: number }[]).filter(
      (e) => e.name === "prod",
    );
    expect(prod.at(-1)).toMatchObject({ ref: "v99.0.0-rollback" });
    expect(prod.at(-1)!.removed_count).toBeGreaterThan(0);
  });

  it("recomputes an environment whose source changed in the config", async () => {
    const changed: TRepositoryConfig = {
      ...repoConfig,
      environments: [repoConfig.environments[0]!, { name: "prod", source: { tags: "rc-*" } }],
    };
    await importGit(incremental, { clonePath: dir, repoConfig: changed });
    const fresh = await newDb();
    await importGit(fresh, { clonePath: dir, repoConfig: changed });
    const got = await dumpRepository(incremental.pool, REPO);
    expect((got.environments as { name: string }[]).map((e) => e.name)).toEqual(["dev", "prod"]);
    expect(got).toEqual(await dumpRepository(fresh.pool, REPO));
  });

  it("lets a second import of the same repository wait for the first, then find nothing to do", async () => {
    const db = await newDb();
    const [a, b] = await Promise.all([
      importGit(db, { clonePath: dir, repoConfig }),
      importGit(db, { clonePath: dir, repoConfig }),
    ]);
    expect([a.upToDate, b.upToDate].sort()).toEqual([false, true]);
    expect(a.totalCommits).toBe(b.totalCommits);
    const sequential = await newDb();
    await importGit(sequential, { clonePath: dir, repoConfig });
    expect(await dumpRepository(db.pool, REPO)).toEqual(await dumpRepository(sequential.pool, REPO));
  });

  it("imports a bare mirror the same as its source clone", async () => {
    const mirror = mkdtempSync(path.join(os.tmpdir(), "lineage-mirror-"));
    dirs.push(mirror);
    git(os.tmpdir(), ["clone", "-q", "--mirror", dir, mirror]);
    const a = await newDb();
    await importGit(a, { clonePath: mirror, repoConfig });
    const b = await newDb();
    await importGit(b, { clonePath: dir, repoConfig });
    const { refs: _ra, ...fromMirror } = await dumpRepository(a.pool, REPO);
    const { refs: _rb, ...fromClone } = await dumpRepository(b.pool, REPO);
    expect(fromMirror).toEqual(fromClone);
  });

  it("fails with one line and writes nothing for a path that is not a git repository", async () => {
    const db = await newDb();
    const notRepo = mkdtempSync(path.join(os.tmpdir(), "lineage-notrepo-"));
    dirs.push(notRepo);
    await expect(importGit(db, { clonePath: notRepo, repoConfig })).rejects.toThrow(AppError);
    await expect(importGit(db, { clonePath: notRepo, repoConfig })).rejects.toThrow(
      /^not a git repository: /,
    );
    const { rows } = await db.pool.query("SELECT count(*)::int AS n FROM repository");
    expect(rows[0].n).toBe(0);
  });
});

describe("import-git on awkward input", () => {
  it("stores names, messages and paths byte for byte as git prints them, whatever they hold", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "lineage-awkward-"));
    dirs.push(dir);
    initRepo(dir);
    // Characters that matter to array literals, JSON and CSV, a newline, a control
    // character, and bytes that are not UTF-8.
    const files = [
      'q"uote.txt',
      "back\\slash.txt",
      "{brace},comma.txt",
      "NULL",
      "new\nline.txt",
      " lead.txt",
    ];
    for (const f of files) writeFileSync(path.join(dir, f), f);
    git(dir, ["add", "--", ...files]);
    const message = Buffer.concat([
      Buffer.from('weird "msg" \\ {x},NULL\t\u2603\n\nbody \u0001 line'),
      Buffer.from([0xff, 0xfe, 0x41]),
    ]);
    execFileSync("git", ["commit", "-q", "--cleanup=verbatim", "-F", "-"], {
      cwd: dir,
      input: message,
      env: gitEnv({
        ...commitEnv(1_700_000_000),
        GIT_AUTHOR_NAME: 'Eve "the" \\ {Intruder}, Jr',
        GIT_AUTHOR_EMAIL: "eve+{x}@example.com",
      }) as NodeJS.ProcessEnv,
    });
    writeFileSync(path.join(dir, "plain.txt"), "x");
    git(dir, ["add", "plain.txt"]);
    commitAt(dir, "second", 1_700_000_100);
    const db = await newDb();
    await importGit(db, { clonePath: dir, repoConfig: { repo: "acme/awkward", environments: [] } });

    const { rows } = await db.pool.query<{
      sha: string;
      author_name: string;
      message: string;
      changed_paths: string[];
    }>(`SELECT sha, author_name, message, changed_paths FROM "commit" ORDER BY idx`);
    expect(rows).toHaveLength(2);
    const first = rows[0]!;
    const raw = (format: string) =>
      execFileSync("git", ["-C", dir, "log", "-1", `--format=${format}`, first.sha]).toString("utf8");
    expect(first.author_name).toBe(raw("%an").replace(/\n$/, ""));
    expect(first.message).toBe(raw("%B").replace(/\n+$/, ""));
    expect(first.message).toContain("\u00ff\u00feA"); // git re-encodes them as if Latin-1
    expect([...first.changed_paths].sort()).toEqual([...files].sort());
    expect(rows[1]!.changed_paths).toEqual(["plain.txt"]);
  });

  it("fails in one line and writes nothing when git log fails while rev-list still runs", async () => {
    // A missing tree in the newest commit: git log (newest first) fails at once, while
    // rev-list, which reads commits only, is still walking the other 3,000.
    const dir = newRepo(3000, 7);
    git(dir, ["checkout", "-q", "main"]);
    writeFileSync(path.join(dir, "broken.txt"), "x");
    git(dir, ["add", "broken.txt"]);
    const base = Number(git(dir, ["log", "-1", "--format=%ct", "main"]).trim()) + 60;
    git(dir, ["commit", "-q", "-m", "broken"], undefined, { env: commitEnv(base) });
    const tree = git(dir, ["rev-parse", "HEAD^{tree}"]).trim();
    rmSync(path.join(dir, ".git", "objects", tree.slice(0, 2), tree.slice(2)));
    const db = await newDb();
    const err = await importGit(db, { clonePath: dir, repoConfig }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as Error).message).toMatch(
      new RegExp(`^git log failed in .*: fatal: unable to read tree ${tree}$`),
    );
    const { rows } = await db.pool.query(
      `SELECT (SELECT count(*) FROM repository)::int AS repos, (SELECT count(*) FROM "commit")::int AS commits,
              (SELECT count(*) FROM promotion_event)::int AS events`,
    );
    expect(rows[0]).toEqual({ repos: 0, commits: 0, events: 0 });
  });

  it("imports a shallow clone, its boundary commits without parents", async () => {
    const dir = shallowClone(newRepo(300, 5), ["--depth", "25", "--no-single-branch"]);
    const db = await newDb();
    const summary = await importGit(db, {
      clonePath: dir,
      repoConfig: { repo: "acme/shallow", environments: [] },
    });
    const expected = gitLines(dir, ["rev-list", "--all"]).length;
    expect(summary.newCommits).toBe(expected);
    const { rows } = await db.pool.query<{ roots: number }>(
      `SELECT count(*)::int AS roots FROM "commit" WHERE cardinality(parents) = 0`,
    );
    expect(rows[0]!.roots).toBe(
      gitLines(dir, ["rev-list", "--all", "--max-parents=0"]).length + readShallow(dir),
    );
  });
});

describe("import-git after the clone's history was rewritten or deepened", () => {
  it("re-imports after a force-push once the old tip is gone from the clone (gc)", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "lineage-rewrite-"));
    dirs.push(dir);
    initRepo(dir);
    const base = 1_700_000_000;
    for (let i = 0; i < 5; i++) commitAt(dir, `commit ${i}`, base + i * 60);
    tagAt(dir, "v1.0.0", git(dir, ["rev-parse", "HEAD~2"]).trim(), base + 1000);
    tagAt(dir, "rc-1", git(dir, ["rev-parse", "HEAD~1"]).trim(), base + 1000);
    const db = await newDb();
    await importGit(db, { clonePath: dir, repoConfig });
    // Rewrite main's last commit and let git forget the old one, as a fresh clone would.
    const oldTip = git(dir, ["rev-parse", "main"]).trim();
    git(dir, ["reset", "-q", "--hard", "HEAD~1"]);
    const newTip = commitAt(dir, "fix: rewritten", base + 2000);
    git(dir, ["reflog", "expire", "--expire=now", "--all"]);
    git(dir, ["gc", "-q", "--prune=now"]);
    expect(git(dir, ["cat-file", "--batch-check"], `${oldTip}\n`).trim()).toBe(`${oldTip} missing`);

    const summary = await importGit(db, { clonePath: dir, repoConfig });
    expect(summary.newCommits).toBe(1);
    const fresh = await newDb();
    await importGit(fresh, { clonePath: dir, repoConfig });
    // The old tip stays stored (nothing is deleted); every ref, tag and event agrees.
    const { commits: _a, eventCommits: _b, reach: _c, ...got } = await dumpRepository(db.pool, REPO);
    const { commits: _d, eventCommits: _e, reach: _f, ...want } = await dumpRepository(fresh.pool, REPO);
    expect(got).toEqual(want);
    expect((got.refs as { name: string; sha: string }[]).find((r) => r.name === "refs/heads/main")?.sha).toBe(
      newTip,
    );
  });

  it("numbers the history again when a shallow clone was deepened (git fetch --unshallow)", async () => {
    const dir = shallowClone(newRepo(300, 7), ["--depth", "3", "--branch", "main"]);
    const db = await newDb();
    const first = await importGit(db, { clonePath: dir, repoConfig });
    expect(first.totalCommits).toBe(gitLines(dir, ["rev-list", "--all"]).length);

    execFileSync("git", ["-C", dir, "fetch", "-q", "--unshallow", "--tags"]);
    const summary = await importGit(db, { clonePath: dir, repoConfig });
    expect(summary.renumbered).toBe(true);
    expect(summary.totalCommits).toBe(gitLines(dir, ["rev-list", "--branches", "--tags"]).length);
    const fresh = await newDb();
    await importGit(fresh, { clonePath: dir, repoConfig });
    expect(await dumpRepository(db.pool, REPO)).toEqual(await dumpRepository(fresh.pool, REPO));
    expect((await importGit(db, { clonePath: dir, repoConfig })).upToDate).toBe(true);
  });
});

/** A shallow clone of `source` made over the wire (file://), as a CI checkout would be. */
function shallowClone(source: string, args: string[]): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "lineage-shallow-"));
  dirs.push(dir);
  execFileSync("git", ["clone", "-q", "--no-local", ...args, `file://${source}`, dir]);
  return dir;
}

function readShallow(dir: string): number {
  // Each boundary commit of a shallow clone is listed in .git/shallow; git shows it parentless.
  const lines = git(dir, ["rev-parse", "--git-path", "shallow"]).trim();
  const file = path.isAbsolute(lines) ? lines : path.join(dir, lines);
  return existsSync(file) ? readFileSync(file, "utf8").split("\n").filter(Boolean).length : 0;
}

describe("import-git after lineage sync", () => {
  it("keeps the idx of commits sync stored first, adds the rest, and fills in their changed paths", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "lineage-sync-first-"));
    dirs.push(dir);
    initRepo(dir);
    const shas: string[] = [];
    for (let i = 0; i < 5; i++) {
      writeFileSync(path.join(dir, `file-${i}.txt`), `${i}\n`);
      git(dir, ["add", "."]);
      git(dir, ["commit", "-q", "-m", `c${i}`], undefined, { env: commitEnv(1_700_000_000 + i * 60) });
      shas.push(git(dir, ["rev-parse", "HEAD"]).trim());
    }
    const config: TRepositoryConfig = {
      repo: "acme/sync-first",
      environments: [{ name: "dev", source: { branch: "main" } }],
    };
    const db = await newDb();
    const repoId = await ensureRepository(db.pool, config.repo);
    // What sync stages for the first three commits: GitHub's data, no file lists.
    await stageGithubCommits(
      db.pool,
      repoId,
      1,
      shas.slice(0, 3).map((sha, i) => ({
        sha,
        parentShas: i ? [shas[i - 1]!] : [],
        message: `c${i}`,
        authorName: "Lineage Test",
        authorEmail: "test@lineage.invalid",
        authorLogin: null,
        authoredAt: new Date((1_700_000_000 + i * 60) * 1000).toISOString(),
        committerName: "Lineage Test",
        committerEmail: "test@lineage.invalid",
        committerLogin: null,
        committedAt: new Date((1_700_000_000 + i * 60) * 1000).toISOString(),
        committedViaWeb: false,
        signature: null,
      })),
    );
    await materializeRepository(db, { repoId, config });
    const before = await db.pool.query<{ idx: number; sha: string }>(
      `SELECT idx, sha FROM "commit" ORDER BY idx`,
    );
    expect(before.rows.map((r) => r.sha)).toEqual(shas.slice(0, 3));

    const summary = await importGit(db, { clonePath: dir, repoConfig: config });
    expect(summary.newCommits).toBe(2);
    expect(summary.totalCommits).toBe(5);
    const { rows } = await db.pool.query<{ idx: number; sha: string; changed_paths: string[] }>(
      `SELECT idx, sha, changed_paths FROM "commit" ORDER BY idx`,
    );
    expect(rows.map((r) => [r.idx, r.sha, r.changed_paths])).toEqual(
      shas.map((sha, i) => [i, sha, [`file-${i}.txt`]]),
    );
  });
});

describe("import-git losing its database connection", () => {
  it("fails with one line and exit 3, and the database keeps no part of the import", async () => {
    const dir = newRepo(6000, 9);
    const configFile = writeConfigFile(dir);
    const db = await newDb();
    // When the import reads git log, the server ends its connection, as a restart or failover would.
    const result = await runCli(
      db.url,
      ["import-git", "--path", dir, "--repo", REPO, "--config", configFile],
      {
        on: /reading git log/,
        act: () =>
          void adminQuery(
            `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${db.name}' AND pid <> pg_backend_pid()`,
          ),
      },
    );
    const lines = result.stderr.trim().split("\n");
    expect(lines.at(-1)).toMatch(/^lineage: database unavailable: /);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(result.code).toBe(3);
    const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM "commit"`);
    expect(rows[0].n).toBe(0);
  });
});

describe("import-git killed at any point", () => {
  it("converges to the content of an undisturbed run after kill -9 and a re-run", async () => {
    const dir = newRepo(6000, 5);
    const configFile = writeConfigFile(dir);
    const clean = await newDb();
    expect(
      (await runCli(clean.url, ["import-git", "--path", dir, "--repo", REPO, "--config", configFile])).code,
    ).toBe(0);
    const expected = await dumpRepository(clean.pool, REPO);

    // Killed as it enters each phase (from its progress on stderr), so every kill lands mid-run.
    for (const phase of [
      /reading git log/,
      /writing commits/,
      /environment dev/,
      /environment test/,
      /environment prod/,
    ]) {
      const db = await newDb();
      const killed = await runCli(
        db.url,
        ["import-git", "--path", dir, "--repo", REPO, "--config", configFile],
        {
          on: phase,
          act: (child) => child.kill("SIGKILL"),
        },
      );
      expect(killed.signal).toBe("SIGKILL");
      const rerun = await runCli(db.url, [
        "import-git",
        "--path",
        dir,
        "--repo",
        REPO,
        "--config",
        configFile,
      ]);
      expect(rerun.code).toBe(0);
      expect(await dumpRepository(db.pool, REPO)).toEqual(expected);
    }
  });
});

/** The config file for `dir`'s import, beside it. */
function writeConfigFile(dir: string): string {
  const configFile = path.join(dir, "..", `${path.basename(dir)}.config.json`);
  writeFileSync(configFile, JSON.stringify({ repositories: [repoConfig] }));
  dirs.push(configFile);
  return configFile;
}

/** Runs the CLI; `at.act` runs once, when its stderr (the progress) first matches `at.on`. */
function runCli(
  databaseUrl: string,
  args: string[],
  at?: { on: RegExp; act: (child: ChildProcess) => void },
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, "bin/lineage.mjs"), ...args], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: databaseUrl },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    let done = false;
    child.stderr.on("data", (d) => {
      stderr += d;
      if (at && !done && at.on.test(stderr)) {
        done = true;
        at.act(child);
      }
    });
    child.on("close", (code, signal) => resolve({ code, signal, stderr }));
  });
}
