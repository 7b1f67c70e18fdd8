import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmptyDatabase } from "../db/testing/databases";
import { openTestDatabase } from "../db/testing/test-db";
import { commitAt, git, initRepo, tagAt } from "../git/testing/git";

const ROOT = path.resolve(import.meta.dirname, "../..");
let db: Awaited<ReturnType<typeof openTestDatabase>>;
let dir: string;
let configFile: string;
const shas: string[] = [];

function lineage(args: string[], env: Record<string, string | undefined> = {}) {
  // No inherited COLUMNS or TZ: table width and time zone are what each test sets.
  const merged: Record<string, string | undefined> = { ...process.env, COLUMNS: undefined, TZ: "UTC" };
  Object.assign(merged, { DATABASE_URL: db.url }, env);
  for (const key of Object.keys(merged)) if (merged[key] === undefined) delete merged[key];
  const res = spawnSync(process.execPath, [path.join(ROOT, "bin/lineage.mjs"), ...args], {
    cwd: dir,
    env: merged as NodeJS.ProcessEnv,
    encoding: "utf8",
  });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

beforeAll(async () => {
  db = await openTestDatabase();
  dir = mkdtempSync(path.join(os.tmpdir(), "lineage-cli-"));
  initRepo(dir);
  for (let i = 0; i < 6; i++)
    shas.push(
      commitAt(
        dir,
        i === 3 ? "=cmd|' /C calc'!A0 <script>x</script> \x1b[2J" : `commit ${i}`,
        1_700_000_000 + i * 60,
      ),
    );
  tagAt(dir, "v1.0.0", shas[2]!, 1_700_001_000);
  tagAt(dir, "v1.1.0", shas[5]!, 1_700_002_000);
  tagAt(dir, "v1.1.0-rollback", shas[2]!, 1_700_003_000);
  git(dir, ["branch", "develop", shas[4]!]);
  configFile = path.join(dir, "lineage.config.json");
  writeFileSync(
    configFile,
    JSON.stringify({
      repositories: [
        {
          repo: "acme/cli",
          environments: [
            { name: "dev", source: { branch: "develop" } },
            { name: "prod", source: { tags: "v*" } },
          ],
        },
      ],
    }),
  );
  const imported = lineage(["import-git", "--path", dir, "--repo", "acme/cli"]);
  expect(imported.stderr).toContain("acme/cli: 6 new commits");
  expect(imported.code).toBe(0);
});

afterAll(async () => {
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe("lineage CLI", () => {
  it("where --json prints one JSON document, one element per argument in order", () => {
    const res = lineage(["where", shas[3]!.slice(0, 8), "v1.0.0", "develop", "--repo", "acme/cli", "--json"]);
    expect(res.code).toBe(0);
    const doc = JSON.parse(res.stdout);
    expect(doc.map((d: { sha: string }) => d.sha)).toEqual([shas[3], shas[2], shas[4]]);
    expect(doc[0]).toEqual({
      sha: shas[3],
      environments: [
        {
          name: "dev",
          first: {
            source: "branch",
            ref: "develop",
            sha: shas[3],
            at: new Date((1_700_000_000 + 180) * 1000).toISOString(),
          },
          current: true,
          removedBy: null,
        },
        {
          name: "prod",
          first: {
            source: "tags",
            ref: "v1.1.0",
            sha: shas[5],
            at: new Date(1_700_002_000 * 1000).toISOString(),
          },
          current: false,
          // The rollback tag took it out, and nothing it added makes the same change.
          removedBy: {
            source: "tags",
            ref: "v1.1.0-rollback",
            sha: shas[2],
            at: expect.any(String),
            superseded: false,
          },
        },
      ],
    });
  });

  it("where answers each argument once per environment when two arguments name one commit", () => {
    const res = lineage(["where", "v1.0.0", shas[2]!, "--repo", "acme/cli", "--json"]);
    expect(res.code).toBe(0);
    const doc = JSON.parse(res.stdout) as { sha: string; environments: { name: string }[] }[];
    expect(doc.map((d) => d.sha)).toEqual([shas[2], shas[2]]);
    for (const d of doc) expect(d.environments.map((e) => e.name)).toEqual(["dev", "prod"]);
  });

  it("diff --json gives added and removed commits with headline, author and time", () => {
    const res = lineage(["diff", "v1.1.0", "prod", "--repo", "acme/cli", "--json"]);
    expect(res.code).toBe(0);
    const doc = JSON.parse(res.stdout);
    expect(doc.from).toBe(shas[5]);
    expect(doc.to).toBe(shas[2]);
    expect(doc.added).toEqual([]);
    expect(doc.removed.map((c: { sha: string }) => c.sha)).toEqual([shas[5], shas[4], shas[3]]);
    expect(Object.keys(doc.removed[0]).sort()).toEqual(["author", "committedAt", "headline", "sha"]);
  });

  it("events shows the release history with the rollback flagged", () => {
    const res = lineage(["events", "--repo", "acme/cli", "--env", "prod", "--json"]);
    const events = JSON.parse(res.stdout);
    expect(
      events.map((e: { ref: string; rollback: boolean; removed: number }) => [e.ref, e.rollback, e.removed]),
    ).toEqual([
      ["v1.0.0", false, 0],
      ["v1.1.0", false, 0],
      ["v1.1.0-rollback", true, 3],
    ]);
    const table = lineage(["events", "--repo", "acme/cli", "--env", "prod"]);
    expect(table.stdout).toMatch(/v1\.1\.0-rollback.*ROLLBACK/);
  });

  it("status: what each environment runs and how many commits wait, as git rev-list --count says", () => {
    const res = lineage(["status", "--json"]); // --repo left out: the config lists one repository
    expect(res.code).toBe(0);
    const [repo] = JSON.parse(res.stdout);
    expect(repo.fullName).toBe("acme/cli");
    const [dev, prod] = repo.environments;
    expect(dev).toMatchObject({
      name: "dev",
      previous: null,
      waiting: null,
      current: { ref: "develop", sha: shas[4] },
    });
    expect(prod).toMatchObject({
      name: "prod",
      previous: "dev",
      current: { ref: "v1.1.0-rollback", sha: shas[2], rollback: true, pureRollback: true },
    });
    const expected = Number(git(dir, ["rev-list", "--count", "develop", `^${shas[2]}`]).trim());
    expect(expected).toBe(2);
    expect(prod.waiting).toEqual({
      count: expected,
      oldest: { sha: shas[3], committedAt: new Date((1_700_000_000 + 180) * 1000).toISOString() },
    });
    const table = lineage(["status"]);
    expect(table.stdout).toMatch(/^prod\s+v1\.1\.0-rollback\s+.*ROLLBACK \(older release\)\s+2 from dev/m);
  });

  it("repos lists each repository with its environments and freshness", () => {
    const res = lineage(["repos", "--json"]);
    expect(res.code).toBe(0);
    const repos = JSON.parse(res.stdout) as { repo: string; importedAt: string; syncedAt: null }[];
    const cli = repos.find((r) => r.repo === "acme/cli");
    expect(cli).toMatchObject({
      commits: 6,
      syncedAt: null,
      environments: [
        { name: "dev", source: "branch", pattern: "develop", events: 5 },
        { name: "prod", source: "tags", pattern: "v*", events: 3 },
      ],
    });
    expect(Date.now() - Date.parse(cli!.importedAt)).toBeLessThan(10 * 60_000);
    expect(lineage(["repos"]).stdout).toMatch(/^acme\/cli\s+dev → prod\s+6\s+\d{4}-\d\d-\d\d .*\s+never$/m);
  });

  it("--version prints the package version", () => {
    const res = lineage(["--version"]);
    expect(res.code).toBe(0);
    expect(res.stdout.trim()).toBe(JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")).version);
  });

  it("where takes HEAD and environment names, as diff does", () => {
    const res = lineage(["where", "HEAD", "prod", "develop~1", "--json"]);
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout).map((r: { sha: string }) => r.sha)).toEqual([
      git(dir, ["rev-parse", "HEAD"]).trim(),
      shas[2],
      shas[3],
    ]);
  });

  it("--repo may be left out only when the config lists exactly one repository", () => {
    expect(lineage(["where", "v1.0.0", "--json"]).code).toBe(0);
    const two = path.join(dir, "two.config.json");
    writeFileSync(
      two,
      JSON.stringify({
        repositories: [
          { repo: "acme/cli", environments: [] },
          { repo: "acme/two", environments: [] },
        ],
      }),
    );
    const res = lineage(["where", "v1.0.0", "--config", two]);
    expect(res.code).toBe(2);
    expect(res.stdout).toBe("");
    expect(res.stderr).toMatch(
      /^lineage: --repo is required: \S*two\.config\.json lists 2 repositories \(acme\/cli, acme\/two\)\n$/,
    );
  });

  it("fits tables to the width in COLUMNS, cutting long text with …, and keeps whole text into a pipe", () => {
    const wide = lineage(["diff", "v1.0.0", "v1.1.0"]);
    expect(wide.stdout).toContain("=cmd|' /C calc'!A0 <script>x</script>");
    const narrow = lineage(["diff", "v1.0.0", "v1.1.0"], { COLUMNS: "72" });
    expect(narrow.code).toBe(0);
    const lines = narrow.stdout.trimEnd().split("\n").slice(3); // after from/to/counts
    expect(lines).toHaveLength(5);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(72);
    expect(lines.some((l) => l.includes("…"))).toBe(true);
    expect(Math.max(...wide.stdout.split("\n").map((l) => l.length))).toBeGreaterThan(72);
  });

  it("says there are no events rather than printing an empty table", () => {
    const cfg = path.join(dir, "empty.config.json");
    writeFileSync(
      cfg,
      JSON.stringify({
        repositories: [
          { repo: "acme/empty", environments: [{ name: "prod", source: { tags: "release-*" } }] },
        ],
      }),
    );
    expect(lineage(["import-git", "--path", dir, "--config", cfg]).code).toBe(0);
    const res = lineage(["events", "--env", "prod", "--config", cfg]);
    expect(res.code).toBe(0);
    expect(res.stdout).toBe("no events in prod yet\n");
  });

  it("shows table times in the local zone (TZ), in UTC with --utc, and ISO UTC in JSON", () => {
    const args = ["events", "--env", "prod", "--limit", "3"];
    const local = lineage(args, { TZ: "Asia/Kolkata" });
    // v1.0.0 was tagged at 1_700_001_000 = 2023-11-14T22:30:00Z.
    expect(local.stdout).toMatch(/2023-11-15 04:00:00 \+05:30\s+v1\.0\.0/);
    const utc = lineage([...args, "--utc"], { TZ: "Asia/Kolkata" });
    expect(utc.stdout).toMatch(/2023-11-14 22:30:00 UTC\s+v1\.0\.0/);
    const json = lineage([...args, "--json"], { TZ: "Asia/Kolkata" });
    expect(JSON.parse(json.stdout)[0].at).toBe("2023-11-14T22:30:00.000Z");
  });

  it("diff --limit shows the newest N of each list and the full totals", () => {
    const json = lineage(["diff", "v1.0.0", "v1.1.0", "--limit", "2", "--json"]);
    const doc = JSON.parse(json.stdout);
    expect(doc.added.map((c: { sha: string }) => c.sha)).toEqual([shas[5], shas[4]]);
    expect([doc.addedCount, doc.removedCount]).toEqual([3, 0]);
    const table = lineage(["diff", "v1.0.0", "v1.1.0", "--limit", "2"]);
    expect(table.stdout).toContain("3 added (newest 2 shown), 0 removed");
    expect(
      table.stdout
        .trimEnd()
        .split("\n")
        .filter((l) => l.startsWith("+ ")),
    ).toHaveLength(2);
  });

  it.each([
    [["where", "deadbeefdeadbeef", "--repo", "acme/cli"], /^lineage: unknown revision "deadbeefdeadbeef"/],
    [["where", "HEAD~1", "--repo", "acme/nope"], /^lineage: unknown repository "acme\/nope"/],
    [
      ["events", "--repo", "acme/cli", "--env", "staging"],
      /^lineage: unknown environment "staging" of acme\/cli \(known: dev, prod\)/,
    ],
    [["diff", "v1.0.0", "nope", "--repo", "acme/cli"], /^lineage: unknown revision "nope"/],
    [
      ["import-git", "--path", "/nonexistent", "--repo", "acme/cli"],
      /^lineage: no such directory: \/nonexistent/,
    ],
    [
      ["import-git", "--path", ".", "--repo", "acme/other"],
      /^lineage: unknown repository "acme\/other": not in lineage\.config\.json/,
    ],
    [
      ["where", "v1.0.0", "--repo", "acme/cli", "--config", "missing.json"],
      /^lineage: missing\.json: no such config file/,
    ],
    [
      ["diff", "v1.0.0", "v1.1.0", "--limit", "0"],
      /^lineage: --limit must be a positive whole number, not "0"/,
    ],
    [["where", "v1.0.0", "--repo", "acme/cli", "--bogus"], /unknown option '--bogus'/],
    [["metrics", "--repo", "acme/cli", "--from", "yesterday"], /^lineage: --from must be an ISO 8601 date/],
    [["metrics", "--repo", "acme/cli", "--from", "2025-02-30"], /^lineage: --from must be an ISO 8601 date/],
    [["metrics", "--repo", "acme/cli", "--bucket", "day"], /argument 'day' is invalid/],
    [["metrics", "--repo", "acme/cli", "--tz", "Mars/Base"], /^lineage: unknown time zone "Mars\/Base"/],
    [
      ["metrics", "--repo", "acme/cli", "--fix-window", "-1"],
      /^lineage: --fix-window must be a whole number/,
    ],
    [
      ["metrics", "--repo", "acme/cli", "--from", "2025-02-01", "--to", "2025-01-01"],
      /^lineage: from must be before to/,
    ],
    [["metrics", "--repo", "acme/cli", "--env", "qa"], /^lineage: acme\/cli has no environment "qa"/],
  ])("%j fails with one line on stderr, exit 2 and nothing on stdout", (args, pattern) => {
    const res = lineage(args as string[]);
    expect(res.code).toBe(2);
    expect(res.stdout).toBe("");
    expect(res.stderr.trim().split("\n")).toHaveLength(1);
    expect(res.stderr).toMatch(pattern);
  });

  it("rejects a malformed config with the field named and exit 2", () => {
    const bad = path.join(dir, "bad.json");
    writeFileSync(
      bad,
      JSON.stringify({
        repositories: [{ repo: "acme/cli", environments: [{ name: "x", source: { tags: "v[" } }] }],
      }),
    );
    const res = lineage(["where", "v1.0.0", "--repo", "acme/cli", "--config", bad]);
    expect(res.code).toBe(2);
    expect(res.stderr.trim()).toMatch(
      /^lineage: \S*bad\.json: repositories\[0\]\.environments\[0\]\.source\.tags: bad glob "v\["/,
    );
  });

  it("says when the database is unreachable, in one line", () => {
    const res = lineage(["where", "v1.0.0", "--repo", "acme/cli"], {
      DATABASE_URL: "postgresql://postgres@127.0.0.1:1/none",
    });
    expect(res.code).toBe(3);
    expect(res.stderr.trim().split("\n")).toHaveLength(1);
    expect(res.stderr).toMatch(/^lineage: database unavailable/);
    const malformed = lineage(["where", "v1.0.0", "--repo", "acme/cli"], {
      DATABASE_URL: "postgresql://u:p@127.0.0.1:notaport/x",
    });
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toBe(
      "lineage: environment variable DATABASE_URL: must be a postgresql:// URL\n",
    );
    const migrate = lineage(["migrate"], { DATABASE_URL: "postgresql://postgres@127.0.0.1:1/none" });
    expect(migrate.code).toBe(3);
    expect(migrate.stderr.trim().split("\n")).toEqual([
      expect.stringMatching(/^lineage: cannot migrate the database: /),
    ]);
  });

  it("says the database is not migrated when it has no tables yet, exit 3", async () => {
    const empty = await createEmptyDatabase("lineage_t");
    try {
      const res = lineage(["where", "v1.0.0", "--repo", "acme/cli"], { DATABASE_URL: empty.url });
      expect(res.code).toBe(3);
      expect(res.stdout).toBe("");
      expect(res.stderr).toMatch(
        /^lineage: the database is not migrated \(it has no Lineage tables yet\): run `npx lineage migrate`\n$/,
      );
    } finally {
      await empty.drop();
    }
  });

  it("documents every command's options in --help", () => {
    for (const command of ["import-git", "where", "diff", "events", "migrate"]) {
      const res = lineage([command, "--help"]);
      expect(res.code).toBe(0);
      expect(res.stdout).toContain("--config");
      expect(res.stdout).toContain("--json");
    }
    expect(lineage(["--help"]).stdout).toMatch(/import-git[\s\S]*where[\s\S]*diff[\s\S]*events/);
  });

  it("neutralises control characters of commit messages in tables", () => {
    const res = lineage(["diff", "v1.0.0", "v1.1.0", "--repo", "acme/cli"]);
    // The message's escape sequence (clear screen) is shown escaped, never sent to the terminal.
    expect(res.stdout).toContain("=cmd|' /C calc'!A0 <script>x</script> \\x1b[2J");
    // biome-ignore lint/suspicious/noControlCharactersInRegex: asserting their absence
    expect(res.stdout).not.toMatch(/\x1b/);
  });

  it("imports the clone named by --path even when GIT_DIR points elsewhere (a git hook, a CI step)", () => {
    const other = mkdtempSync(path.join(os.tmpdir(), "lineage-other-"));
    try {
      initRepo(other);
      commitAt(other, "another repository", 1_700_000_000);
      const res = lineage(["import-git", "--path", dir, "--repo", "acme/cli", "--json"], {
        GIT_DIR: path.join(other, ".git"),
        GIT_WORK_TREE: other,
      });
      expect(res.code).toBe(0);
      // Same refs as the first import: nothing to do, and still the 6 commits of `dir`.
      expect(JSON.parse(res.stdout)).toMatchObject({ upToDate: true, totalCommits: 6 });
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it("warns about an environment whose branch the clone lacks or whose glob matches no tag", () => {
    const typo = path.join(dir, "typo.config.json");
    writeFileSync(
      typo,
      JSON.stringify({
        repositories: [
          {
            repo: "acme/typo",
            environments: [
              { name: "dev", source: { branch: "mian" } },
              { name: "prod", source: { tags: "release-*" } },
              { name: "ok", source: { tags: "v*" } },
            ],
          },
        ],
      }),
    );
    const res = lineage(["import-git", "--path", dir, "--repo", "acme/typo", "--config", typo, "--json"]);
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout).warnings).toEqual([
      'environment dev: the clone has no branch "mian"',
      'environment prod: no tag of the clone matches "release-*"',
    ]);
    expect(res.stderr).toContain('warning: environment dev: the clone has no branch "mian"');
  });

  it("migrate exits once its work is done (the schema engine's timers do not hold it open)", () => {
    const started = Date.now();
    const res = spawnSync(process.execPath, [path.join(ROOT, "bin/lineage.mjs"), "migrate"], {
      cwd: dir,
      env: { ...process.env, DATABASE_URL: db.url },
      encoding: "utf8",
      timeout: 8000, // the engine's forgotten timers held it for 10 s
    });
    expect(res.signal).toBeNull();
    expect(res.status).toBe(0);
    expect(res.stderr).toContain("database is up to date");
    expect(Date.now() - started).toBeLessThan(8000);
  });

  it("ends quietly when its reader closes the pipe early (| head)", () => {
    // `true` exits without reading, long before the CLI has started and writes its table.
    const res = spawnSync(
      "bash",
      [
        "-c",
        `"$0" "$1" events --repo acme/cli --env prod | true; exit "\${PIPESTATUS[0]}"`,
        process.execPath,
        path.join(ROOT, "bin/lineage.mjs"),
      ],
      { cwd: dir, env: { ...process.env, DATABASE_URL: db.url }, encoding: "utf8" },
    );
    expect(res.stderr).toBe("");
    expect(res.status).toBe(0);
  });
});
