import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Db } from "../db/client";
import { openTestDatabase } from "../db/testing/test-db";
import { commitAt, git, initRepo, tagAt } from "../git/testing/git";

// The route modules run as Next runs them, on this test's own database instead of the app's.
vi.mock("server-only", () => ({}));
let db: Awaited<ReturnType<typeof openTestDatabase>>;
vi.mock("../db/app-db", () => ({ withDb: <T>(fn: (db: Db) => Promise<T>) => fn(db) }));

const repos = await import("@/app/api/v1/repos/route");
const where = await import("@/app/api/v1/repos/[owner]/[name]/where/route");
const diff = await import("@/app/api/v1/repos/[owner]/[name]/diff/route");
const events = await import("@/app/api/v1/repos/[owner]/[name]/envs/[env]/events/route");
const commit = await import("@/app/api/v1/repos/[owner]/[name]/commits/[sha]/route");
const metrics = await import("@/app/api/v1/repos/[owner]/[name]/metrics/route");
const trace = await import("@/app/api/v1/repos/[owner]/[name]/trace/route");
const unknownEndpoint = await import("@/app/api/v1/[...path]/route");

const ROOT = path.resolve(import.meta.dirname, "../..");
let dir: string;
let configFile: string;
const shas: string[] = [];
const HOSTILE_MESSAGE = "=cmd|' /C calc'!A0 <script>x</script> \x1b[2J";

function lineage(args: string[]) {
  const res = spawnSync(
    process.execPath,
    [path.join(ROOT, "bin/lineage.mjs"), ...args, "--config", configFile],
    {
      cwd: dir,
      env: { ...process.env, DATABASE_URL: db.url },
      encoding: "utf8",
    },
  );
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

/** The CLI's --json document for a query (which must succeed). */
function cliJson(args: string[]): unknown {
  const res = lineage([...args, "--json"]);
  expect(res.stderr).toBe("");
  expect(res.code).toBe(0);
  return JSON.parse(res.stdout);
}

type Handler = (
  request: Request,
  context: { params: Promise<Record<string, string>> },
) => Response | Promise<Response>;

async function get(handler: Handler, params: Record<string, string>, query: string | URLSearchParams = "") {
  const qs = String(query);
  const res = await handler(new Request(`http://localhost/api/v1/test${qs ? `?${qs}` : ""}`), {
    params: Promise.resolve(params),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, body: JSON.parse(text) };
}

const REPO = { owner: "acme", name: "api" };

beforeAll(async () => {
  db = await openTestDatabase();
  dir = mkdtempSync(path.join(os.tmpdir(), "lineage-api-"));
  initRepo(dir);
  for (let i = 0; i < 6; i++)
    shas.push(commitAt(dir, i === 3 ? HOSTILE_MESSAGE : `commit ${i}`, 1_700_000_000 + i * 60));
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
          repo: "acme/api",
          environments: [
            { name: "dev", source: { branch: "develop" } },
            { name: "prod", source: { tags: "v*" } },
          ],
        },
      ],
    }),
  );
  const imported = lineage(["import-git", "--path", dir, "--repo", "acme/api"]);
  expect(imported.code).toBe(0);
});

afterAll(async () => {
  await db?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("/api/v1 against the CLI's --json", () => {
  it("where answers the document `lineage where --json` prints, for several revisions, names in any case", async () => {
    const revs = [shas[3]!.slice(0, 8), "v1.0.0", "develop", "main~1"];
    const expected = cliJson(["where", ...revs, "--repo", "acme/api"]);
    const res = await get(
      where.GET,
      { owner: "ACME", name: "Api" },
      new URLSearchParams(revs.map((r) => ["rev", r])),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(res.body).toEqual(expected);
    expect(res.body.map((r: { sha: string }) => r.sha)).toEqual([shas[3], shas[2], shas[4], shas[4]]);
  });

  it.each([
    ["v1.1.0", "prod"],
    ["v1.0.0", "develop"],
  ])("diff %s %s answers the document `lineage diff --json` prints", async (from, to) => {
    const expected = cliJson(["diff", from, to, "--repo", "acme/api"]);
    const res = await get(diff.GET, REPO, new URLSearchParams({ from, to }));
    expect(res.status).toBe(200);
    expect(res.body).toEqual(expected);
  });

  it("diff with page and perPage answers that page of each list, with totals", async () => {
    const full = cliJson(["diff", "v1.0.0", "v1.1.0", "--repo", "acme/api"]) as Record<string, unknown> & {
      added: unknown[];
    };
    expect(full.added).toHaveLength(3);
    const res = await get(diff.GET, REPO, "from=v1.0.0&to=v1.1.0&page=2&perPage=2");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      ...full,
      added: full.added.slice(2),
      removed: [],
      totals: { added: 3, removed: 0 },
      page: 2,
      perPage: 2,
    });
    const defaults = await get(diff.GET, REPO, "from=v1.0.0&to=v1.1.0&page=1");
    expect(defaults.body).toMatchObject({ added: full.added, page: 1, perPage: 100 });
  });

  it.each([["prod"], ["dev"]])(
    "events of %s answer the document `lineage events --json` prints",
    async (env) => {
      expect((await get(events.GET, { ...REPO, env })).body).toEqual(
        cliJson(["events", "--repo", "acme/api", "--env", env]),
      );
      expect((await get(events.GET, { ...REPO, env }, "limit=2")).body).toEqual(
        cliJson(["events", "--repo", "acme/api", "--env", env, "--limit", "2"]),
      );
    },
  );

  it("events from and to keep the events at or after from and before to", async () => {
    const all = (await get(events.GET, { ...REPO, env: "prod" })).body as { ref: string; at: string }[];
    const v110 = all.find((e) => e.ref === "v1.1.0")!.at;
    const refs = async (query: string) =>
      ((await get(events.GET, { ...REPO, env: "prod" }, query)).body as { ref: string }[]).map((e) => e.ref);
    expect(await refs(`from=${encodeURIComponent(v110)}`)).toEqual(["v1.1.0", "v1.1.0-rollback"]);
    expect(await refs(`to=${encodeURIComponent(v110)}`)).toEqual(["v1.0.0"]);
    expect(await refs("from=2023-11-14&to=2023-11-15T00:50:00%2B02:00")).toEqual(["v1.0.0", "v1.1.0"]);
    expect(await refs("from=2030-01-01")).toEqual([]);
  });

  it.each([
    [["--env", "prod", "--bucket", "month"], { env: "prod", bucket: "month" }],
    [
      ["--env", "dev", "--tz", "Europe/Berlin", "--fix-window", "0"],
      { env: "dev", tz: "Europe/Berlin", fixWindow: "0" },
    ],
    [[], {}],
  ])("metrics %j answers the document `lineage metrics --json` prints", async (args, query) => {
    const period = { from: "2023-11-01", to: "2023-12-01T00:00:00+01:00" };
    const expected = cliJson([
      "metrics",
      "--repo",
      "acme/api",
      "--from",
      period.from,
      "--to",
      period.to,
      ...args,
    ]);
    const res = await get(metrics.GET, REPO, new URLSearchParams({ ...period, ...query }));
    expect(res.status).toBe(200);
    expect(res.body).toEqual(expected);
    expect(res.body.environment).toBe((query as { env?: string }).env ?? "prod");
    expect(res.body.to).toBe("2023-11-30T23:00:00.000Z");
  });

  it("metrics of prod: v1.0.0 (baseline), v1.1.0 rolled back by v1.1.0-rollback, within the week of 13 November", async () => {
    const res = await get(metrics.GET, REPO, "env=prod&from=2023-11-13&to=2023-11-20");
    expect(res.status).toBe(200);
    expect(res.body.buckets).toHaveLength(1);
    const week = res.body.buckets[0];
    expect(week.deployments).toEqual({ count: 3, seqs: [0, 1, 2] });
    // v1.1.0 (1,700,002,000) adds commits 3–5, committed at 1,700,000,180 + 60 k: lead 1,820 / 1,760 / 1,700 s.
    expect(week.leadTime).toEqual({ commits: 3, medianSeconds: 1760, p90Seconds: 1808, seqs: [1] });
    // v1.0.0 → v1.1.0 is 1,000 s, within the default 60-minute window: fixed forward.
    expect(week.changeFailure).toMatchObject({
      attempts: 3,
      rolledBack: { count: 1, seqs: [1] },
      fixedForward: { count: 1, seqs: [0] },
      failures: 2,
    });
    expect(week.recovery).toMatchObject({ recovered: 2, medianSeconds: 1000, seqs: [0, 1] });
  });

  it("repos lists each repository with its environments, commit count and last import", async () => {
    const res = await get(repos.GET, {});
    expect(res.status).toBe(200);
    expect(res.body).toEqual([
      {
        repo: "acme/api",
        commits: 6,
        importedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        syncedAt: null,
        environments: [
          { name: "dev", source: "branch", pattern: "develop", events: 5 },
          { name: "prod", source: "tags", pattern: "v*", events: 3 },
        ],
      },
    ]);
    expect(res.body).toEqual(cliJson(["repos", "--json"]));
  });

  it("commits/{sha} answers the commit's fields and where it is, as `lineage where <sha>` does", async () => {
    const [expected] = cliJson(["where", shas[3]!, "--repo", "acme/api"]) as { environments: unknown }[];
    const res = await get(commit.GET, { ...REPO, sha: shas[3]!.slice(0, 10).toUpperCase() });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      sha: shas[3],
      parents: [shas[2]],
      author: "Lineage Test",
      committedAt: new Date((1_700_000_000 + 180) * 1000).toISOString(),
      headline: HOSTILE_MESSAGE,
      pullRequests: null,
      environments: expected!.environments,
    });
    const root = await get(commit.GET, { ...REPO, sha: shas[0]! });
    expect(root.body.parents).toEqual([]);
  });

  it("commits/{sha} lists the pull requests GitHub says contain the commit, once the repository is synced", async () => {
    const { rows } = await db.pool.query<{ id: number }>(
      "SELECT id FROM repository WHERE full_name = 'acme/api'",
    );
    const repoId = rows[0]!.id;
    try {
      await db.pool.query(
        `INSERT INTO github_pull_request_commit (repo_id, pr_number, position, sha)
         VALUES ($1, 12, 0, $2), ($1, 7, 1, $2), ($1, 7, 0, $3)`,
        [repoId, shas[3], shas[4]],
      );
      await db.pool.query("INSERT INTO github_sync_state (repo_id, resource) VALUES ($1, 'pull_requests')", [
        repoId,
      ]);
      expect((await get(commit.GET, { ...REPO, sha: shas[3]! })).body.pullRequests).toEqual([7, 12]);
      expect((await get(commit.GET, { ...REPO, sha: shas[1]! })).body.pullRequests).toEqual([]);
    } finally {
      await db.pool.query("DELETE FROM github_pull_request_commit WHERE repo_id = $1", [repoId]);
      await db.pool.query("DELETE FROM github_sync_state WHERE repo_id = $1", [repoId]);
    }
  });
});

describe("/api/v1 trace against `lineage trace --json`", () => {
  const iso = (s: number) => new Date(s * 1000).toISOString();
  it.each([
    ["the default good", { at: iso(1_700_002_500) }],
    [
      "a good time, a grep and a path",
      { at: iso(1_700_002_500), good: iso(1_700_001_500), grep: "SCRIPT", path: "nope" },
    ],
    [
      "a rollback with good as ENV@SEQ and the env named",
      { at: "2023-11-15T00:11:40+01:00", good: "prod@0", env: "prod" },
    ],
  ] as [string, Record<string, string>][])("answers the same document for %s", async (_, q) => {
    const args = ["trace", "--repo", "acme/api", "--at", q.at!];
    if (q.good) args.push("--good", q.good);
    if (q.grep) args.push("--grep", q.grep);
    if (q.path) args.push("--path", q.path);
    if (q.env) args.push("--env", q.env);
    const expected = cliJson(args);
    const res = await get(trace.GET, REPO, new URLSearchParams(q));
    expect(res.status).toBe(200);
    expect(res.body).toEqual(expected);
  });

  it("with page and perPage answers that page of the candidates and of the removed commits, with the totals", async () => {
    const all = await get(trace.GET, REPO, new URLSearchParams({ at: iso(1_700_003_500), good: "prod@0" }));
    const paged = await get(
      trace.GET,
      REPO,
      new URLSearchParams({ at: iso(1_700_003_500), good: "prod@0", page: "2", perPage: "2" }),
    );
    expect(paged.status).toBe(200);
    expect(paged.body.removed).toEqual(all.body.removed.slice(2, 4));
    expect(paged.body.removedCount).toBe(3);
    expect(paged.body).toMatchObject({ page: 2, perPage: 2 });
  });

  it("names the suspect, good, candidates and the commits a rollback removed", async () => {
    const ok = await get(trace.GET, REPO, new URLSearchParams({ at: iso(1_700_002_500), grep: "script" }));
    expect(ok.body.suspect.ref).toBe("v1.1.0");
    expect(ok.body.good.ref).toBe("v1.0.0");
    expect(ok.body.candidates.map((c: { sha: string }) => c.sha)).toEqual([shas[3], shas[5], shas[4]]);
    expect(ok.body.candidates[0].matches).toEqual({ path: false, grep: true });
    const rb = await get(trace.GET, REPO, new URLSearchParams({ at: iso(1_700_003_500), good: "prod@0" }));
    expect(rb.body.suspect.ref).toBe("v1.1.0-rollback");
    expect(rb.body.events.map((e: { ref: string }) => e.ref)).toEqual(["v1.1.0"]);
    expect(rb.body.candidates).toEqual([]);
    expect(rb.body.rollback).toBe(true);
    expect(rb.body.removed.map((c: { sha: string }) => c.sha)).toEqual([shas[5], shas[4], shas[3]]);
  });

  it.each([
    ["no at", "", /^query parameter at:/],
    ["a bad at", "at=14:10", /at must be an ISO 8601 date/],
    ["an at before any event", "at=2020-01-01", /before prod's first event/],
    ["a good later than at", `at=${iso(1_700_002_500)}&good=${iso(1_700_009_000)}`, /later than at/],
    ["an unknown env", `at=${iso(1_700_002_500)}&env=staging`, /no environment "staging"/],
    ["a repeated at", `at=${iso(1_700_002_500)}&at=${iso(1_700_002_500)}`, /given more than once/],
  ])("refuses %s with a 4xx and one line", async (_, query, message) => {
    const res = await get(trace.GET, REPO, query);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.body.error.message).toMatch(message);
  });

  it("the CLI refuses a bad --at with one line and exit code 2", () => {
    const res = lineage(["trace", "--repo", "acme/api", "--at", "yesterday"]);
    expect(res.code).toBe(2);
    expect(res.stderr.trim().split("\n")).toHaveLength(1);
    expect(res.stderr).toMatch(/--at must be an ISO 8601/);
  });
});

describe("/api/v1 errors", () => {
  const error = (code: string, message: RegExp) => ({
    error: { code, message: expect.stringMatching(message) },
  });

  it.each([
    [
      "where, an unknown revision",
      where.GET,
      REPO,
      "rev=deadbeefdeadbeef",
      404,
      "NOT_FOUND",
      /^unknown revision "deadbeefdeadbeef"/,
    ],
    ["where, no rev", where.GET, REPO, "", 422, "INVALID_ARGUMENT", /^query parameter rev: rev is required/],
    [
      "where, an unknown repository",
      where.GET,
      { owner: "acme", name: "nope" },
      "rev=v1.0.0",
      404,
      "NOT_FOUND",
      /^unknown repository "acme\/nope"/,
    ],
    [
      "diff, perPage=0",
      diff.GET,
      REPO,
      "from=v1.0.0&to=v1.1.0&perPage=0",
      422,
      "INVALID_ARGUMENT",
      /perPage: perPage must be at least 1/,
    ],
    [
      "diff, no to",
      diff.GET,
      REPO,
      "from=v1.0.0",
      422,
      "INVALID_ARGUMENT",
      /^query parameter to: revision is required/,
    ],
    [
      "diff, an unknown revision",
      diff.GET,
      REPO,
      "from=v1.0.0&to=nope",
      404,
      "NOT_FOUND",
      /^unknown revision "nope"/,
    ],
    [
      "events, an unknown environment",
      events.GET,
      { ...REPO, env: "staging" },
      "",
      404,
      "NOT_FOUND",
      /^unknown environment "staging" of acme\/api \(known: dev, prod\)/,
    ],
    [
      "events, a bad date",
      events.GET,
      { ...REPO, env: "prod" },
      "from=yesterday",
      422,
      "INVALID_ARGUMENT",
      /from must be an ISO 8601 date/,
    ],
    [
      "events, limit=0",
      events.GET,
      { ...REPO, env: "prod" },
      "limit=0",
      422,
      "INVALID_ARGUMENT",
      /limit must be at least 1/,
    ],
    [
      "commits, an unknown sha",
      commit.GET,
      { ...REPO, sha: "deadbeef" },
      "",
      404,
      "NOT_FOUND",
      /^unknown revision "deadbeef"/,
    ],
    [
      "commits, not a sha",
      commit.GET,
      { ...REPO, sha: "v1.0.0" },
      "",
      422,
      "INVALID_ARGUMENT",
      /sha must be 4 to 40 hex digits/,
    ],
    [
      "metrics, an unknown environment",
      metrics.GET,
      REPO,
      "env=qa",
      404,
      "NOT_FOUND",
      /has no environment "qa" \(its environments: dev, prod\)/,
    ],
    [
      "metrics, a bad bucket",
      metrics.GET,
      REPO,
      "bucket=day",
      422,
      "INVALID_ARGUMENT",
      /bucket must be week or month/,
    ],
    [
      "metrics, from after to",
      metrics.GET,
      REPO,
      "from=2024-01-02&to=2024-01-01",
      422,
      "INVALID_ARGUMENT",
      /from must be before to/,
    ],
    [
      "metrics, a long period",
      metrics.GET,
      REPO,
      "from=1990-01-01&to=2024-01-01",
      422,
      "INVALID_ARGUMENT",
      /longer than 3660 days/,
    ],
    [
      "metrics, an unknown zone",
      metrics.GET,
      REPO,
      "tz=Mars%2FBase",
      422,
      "INVALID_ARGUMENT",
      /unknown time zone "Mars\/Base"/,
    ],
    [
      "metrics, a negative window",
      metrics.GET,
      REPO,
      "fixWindow=-5",
      422,
      "INVALID_ARGUMENT",
      /fixWindow must be a whole number/,
    ],
    [
      "metrics, an unknown parameter",
      metrics.GET,
      REPO,
      "environment=prod",
      422,
      "INVALID_ARGUMENT",
      /unknown query parameter "environment"/,
    ],
    [
      "an unknown endpoint",
      unknownEndpoint.GET,
      { path: "nope" } as never,
      "",
      404,
      "NOT_FOUND",
      /^no such endpoint/,
    ],
  ] as [string, Handler, Record<string, string>, string, number, string, RegExp][])(
    "%s answers its status with the error body",
    async (_, handler, params, query, status, code, message) => {
      const res = await get(handler, params, query);
      expect(res.status).toBe(status);
      expect(res.body).toEqual(error(code, message));
    },
  );

  const HOSTILE = [
    "../../etc/passwd",
    "%00",
    "\0",
    "a\0b",
    "x".repeat(10_240),
    '\'; DROP TABLE "commit"; --',
    "☃ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 \u202e ＜script＞",
    "\ud800",
    "v1.0.0~99999999999999999999",
    "v1.0.0^99999999999999999999",
    "v1.0.0^{tree}",
    "env:",
    "env:'; DROP TABLE environment; --",
    "-1",
    "1e3",
    "",
  ];

  it("answers no hostile input with a 5xx, in any parameter of any route", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const seen = new Set<number>();
    for (const h of HOSTILE) {
      const calls: [Handler, Record<string, string>, string | URLSearchParams][] = [
        [where.GET, { ...REPO, owner: h }, "rev=v1.0.0"],
        [where.GET, { ...REPO, name: h }, "rev=v1.0.0"],
        [where.GET, REPO, new URLSearchParams({ rev: h })],
        [where.GET, REPO, `rev=${h}`],
        [diff.GET, REPO, new URLSearchParams({ from: h, to: "v1.0.0" })],
        [diff.GET, REPO, new URLSearchParams({ from: "v1.0.0", to: h })],
        [diff.GET, REPO, new URLSearchParams({ from: "v1.0.0", to: "prod", page: h })],
        [diff.GET, REPO, new URLSearchParams({ from: "v1.0.0", to: "prod", perPage: h })],
        [events.GET, { ...REPO, env: h }, ""],
        [events.GET, { ...REPO, env: "prod" }, new URLSearchParams({ from: h })],
        [events.GET, { ...REPO, env: "prod" }, new URLSearchParams({ to: h })],
        [events.GET, { ...REPO, env: "prod" }, new URLSearchParams({ limit: h })],
        [commit.GET, { ...REPO, sha: h }, ""],
        ...["env", "from", "to", "bucket", "tz", "fixWindow"].map(
          (k) =>
            [metrics.GET, REPO, new URLSearchParams({ [k]: h })] as [
              Handler,
              Record<string, string>,
              URLSearchParams,
            ],
        ),
        [trace.GET, REPO, new URLSearchParams({ at: h })],
        [trace.GET, REPO, new URLSearchParams({ at: "2023-11-14T22:30:00Z", good: h })],
        [trace.GET, REPO, new URLSearchParams({ at: "2023-11-14T22:30:00Z", path: h, grep: h })],
        [trace.GET, REPO, new URLSearchParams({ at: "2023-11-14T22:30:00Z", env: h })],
        [repos.GET, {}, new URLSearchParams({ [h]: h })],
      ];
      for (const [handler, params, query] of calls) {
        const res = await get(handler, params, query);
        seen.add(res.status);
        if (res.status >= 500)
          throw new Error(`${res.status} for ${JSON.stringify(h).slice(0, 80)}: ${res.text}`);
        if (res.status !== 200)
          expect(res.body).toEqual({ error: { code: expect.any(String), message: expect.any(String) } });
      }
    }
    expect(log).not.toHaveBeenCalled();
    expect([...seen].sort()).toEqual(expect.arrayContaining([404, 422]));
    // Nothing was dropped: the repository still answers.
    expect((await get(repos.GET, {})).body[0].commits).toBe(6);
  });
});
