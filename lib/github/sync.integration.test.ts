// lineage sync against the GitHub simulator over real HTTP, into a real PostgreSQL database.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TLineageConfig } from "../config/schema";
import { type Db, openDatabase } from "../db/client";
import { openTestDatabase } from "../db/testing/test-db";
import { insertCommits, type NewCommitRow } from "../store/commits";
import { dumpRepository } from "../store/testing/dump";
import { GithubClient } from "./client";
import {
  ancestorsOf,
  createScenario,
  historyOf,
  type RepoRec,
  repoSlug,
  type Scenario,
  type Simulator,
  scenarioConfig,
  startSimulator,
} from "./simulator/index";
import { type SyncSummary, syncRepositories } from "./sync";
import { dumpEverything, dumpGithubRepository } from "./testing/dump";
import { expectedDeploymentEvents, expectedRepo } from "./testing/ground-truth";

const ROOT = path.resolve(import.meta.dirname, "../..");
const SEED = 11;
type TestDb = Awaited<ReturnType<typeof openTestDatabase>>;

const dbs: TestDb[] = [];
const sims: Simulator[] = [];
let dir: string;

async function newDb(): Promise<TestDb> {
  const db = await openTestDatabase();
  dbs.push(db);
  return db;
}

async function newSim(scenario: Scenario, opts: Partial<Parameters<typeof startSimulator>[0]> = {}) {
  const sim = await startSimulator({ scenario, rateLimit: { limit: 1_000_000 }, ...opts });
  sims.push(sim);
  return sim;
}

function fastClient(sim: Simulator, waits: number[] = []) {
  return new GithubClient({
    token: "test-token",
    url: sim.url,
    sleep: async (ms) => {
      waits.push(ms);
      await new Promise((r) => setTimeout(r, 1));
    },
    log: () => {},
  });
}

const configOf = (scenario: Scenario) => scenarioConfig(scenario) as TLineageConfig;
const slugs = (scenario: Scenario) => scenario.repos.map(repoSlug);

/** Requests per repository and resource of a sync, from its own accounting. */
function requestsByResource(summary: SyncSummary) {
  return Object.fromEntries(
    summary.repos.map((r) => [
      r.repo,
      Object.fromEntries(Object.entries(r.resources).map(([k, v]) => [k, v?.requests])),
    ]),
  );
}

/** Compares what sync stored for a repository with the scenario's ground truth, table by table. */
async function expectGroundTruth(db: Db, scenario: Scenario, repo: RepoRec) {
  const slug = repoSlug(repo);
  const expected = expectedRepo(scenario, repo);
  const dump = await dumpGithubRepository(db.pool, slug);
  const drop = (rows: Record<string, unknown>[], ...keys: string[]) =>
    rows.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !keys.includes(k))));

  // GitHub forgets a deleted branch or tag: sync keeps the name it saw, or has null if it never saw it.
  for (const s of dump.checkSuites!) {
    const truth = expected.lenient.suiteBranch.get(s.database_id as number) ?? null;
    if (truth !== null && repo.branches[truth] !== undefined) expect(s.branch).toBe(truth);
    else expect([truth, null]).toContain(s.branch);
    s.branch = truth;
  }
  for (const d of dump.deployments!) {
    const truth = expected.lenient.deploymentRef.get(d.database_id as number) ?? null;
    const exists =
      truth !== null && (repo.branches[truth] !== undefined || repo.tags.some((t) => t.name === truth));
    if (exists) expect(d.ref_name).toBe(truth);
    else expect([truth, null]).toContain(d.ref_name);
    d.ref_name = truth;
  }
  const tagVersions = dump.tagVersions!.map((v) =>
    v.current ? v : { name: v.name, target_oid: v.target_oid, commit_sha: v.commit_sha, current: v.current },
  );
  const actual: Record<string, unknown[]> = {
    ...dump,
    checkSuites: drop(dump.checkSuites!, "node_id"),
    workflowRuns: drop(dump.workflowRuns!, "node_id", "reviews_read_for"),
    deployments: drop(dump.deployments!, "node_id"),
    tagVersions,
  };
  for (const [table, rows] of Object.entries(expected.tables)) {
    expect({ table, rows: actual[table] }).toEqual({ table, rows });
  }

  // The lineage graph: exactly the commits GitHub points at, with their parents, by SHA.
  const lineage = await dumpRepository(db.pool, slug);
  const commits = (lineage.commits as { sha: string; parents: string[]; committed_at: Date }[]).map((c) => ({
    sha: c.sha,
    parents: c.parents,
    committedAt: c.committed_at.toISOString().replace(".000Z", "Z"),
  }));
  const byOid = new Map(repo.commits.map((c) => [c.oid, c]));
  expect(commits).toEqual(
    [...expected.commitShas].sort().map((sha) => {
      const c = byOid.get(sha)!;
      return { sha, parents: c.parents, committedAt: c.committer.date };
    }),
  );

  // Deployment environments: one event per deployment, counted once it succeeded, ranges as git says.
  const events = lineage.events as {
    name: string;
    sha: string;
    at: Date;
    counted: boolean;
    status: string;
    actor: string;
    added_count: number;
    removed_count: number;
  }[];
  for (const env of ["dev", "test", "prod"]) {
    const stored = events.filter((e) => e.name === env);
    const truth = expectedDeploymentEvents(repo, env);
    expect(
      stored.map((e) => ({
        sha: e.sha,
        at: e.at.toISOString().replace(".000Z", "Z"),
        counted: e.counted,
        status: e.status,
      })),
    ).toEqual(truth.map(({ databaseId: _, ...rest }) => rest));
    let previous: Set<string> | null = null;
    for (const e of stored.filter((x) => x.counted)) {
      const anc = ancestorsOf(repo, e.sha);
      const added = previous ? [...anc].filter((x) => !previous!.has(x)).length : anc.size;
      const removed = previous ? [...previous].filter((x) => !anc.has(x)).length : 0;
      expect({ sha: e.sha, added: e.added_count, removed: e.removed_count }).toEqual({
        sha: e.sha,
        added,
        removed,
      });
      previous = anc;
    }
  }
  return { events };
}

function runCli(
  args: string[],
  env: Record<string, string>,
  killWhen?: () => boolean,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, "bin/lineage.mjs"), ...args], {
      cwd: dir,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    const timer = killWhen
      ? setInterval(() => {
          if (killWhen()) {
            clearInterval(timer);
            child.kill("SIGKILL");
          }
        }, 2)
      : undefined;
    child.on("close", (code, signal) => {
      clearInterval(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

let scenario: Scenario;
let sim: Simulator;
let clean: TestDb;
let cleanSummary: SyncSummary;
let cleanDump: Record<string, unknown>;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "lineage-sync-"));
  scenario = createScenario({ seed: SEED, size: "small" });
  sim = await newSim(scenario);
  clean = await newDb();
  cleanSummary = await syncRepositories(clean, { config: configOf(scenario), client: fastClient(sim) });
  cleanDump = await dumpEverything(clean.pool, slugs(scenario));
});

afterAll(async () => {
  for (const s of sims) await s.close();
  for (const db of dbs) await db.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("lineage sync", () => {
  it("stores the scenario's ground truth field by field, for every repository", async () => {
    expect(cleanSummary.requests).toBe(sim.stats.requests);
    expect(cleanSummary.points).toBe(sim.stats.pointsCharged);
    for (const repo of scenario.repos) await expectGroundTruth(clean, scenario, repo);
    const { rows } = await clean.pool.query(
      "SELECT status, requests, points, finished_at FROM github_sync_run",
    );
    expect(rows).toEqual([
      {
        status: "ok",
        requests: cleanSummary.requests,
        points: cleanSummary.points,
        finished_at: expect.any(Date),
      },
    ]);
  });

  it("gives deployment environments promotion events: the rollback removes commits, failures do not count", async () => {
    const planted = (kind: string) => scenario.events.filter((e) => e.kind === kind);
    for (const [kind, check] of [
      ["rollback", (e: { counted: boolean; removed_count: number }) => e.counted && e.removed_count > 0],
      ["rejected-deploy", (e: { counted: boolean; status: string }) => !e.counted && e.status === "FAILURE"],
      ["untested-prod-deploy", (e: { counted: boolean }) => e.counted],
    ] as const) {
      expect(planted(kind).length).toBeGreaterThan(0);
      for (const p of planted(kind)) {
        const dep = scenario.repos
          .find((r) => repoSlug(r) === p.repo)!
          .deployments.find((d) => d.databaseId === p.deployment)!;
        const { rows } = await clean.pool.query(
          `SELECT e.counted, e.status, e.removed_count, e.actor, e.ref FROM promotion_event e
           JOIN environment env ON env.id = e.env_id JOIN repository r ON r.id = env.repo_id
           WHERE r.full_name = $1 AND env.name = $2 AND e.sha = $3 AND e.at = $4`,
          [p.repo, dep.environment, dep.sha, dep.createdAt],
        );
        expect(rows).toHaveLength(1);
        expect((check as (e: unknown) => boolean)(rows[0])).toBe(true);
        expect(rows[0].actor).toBe(dep.creator);
        expect(rows[0].ref).toBe(dep.ref);
      }
    }
    const { rows } = await clean.pool.query(
      "SELECT count(*)::int AS n FROM promotion_event WHERE status IN ('FAILURE', 'ERROR') AND counted",
    );
    expect(rows[0].n).toBe(0);
  });

  it("a sync with nothing new makes at most one request per resource type per repository", async () => {
    sim.stats.reset();
    const summary = await syncRepositories(clean, { config: configOf(scenario), client: fastClient(sim) });
    for (const repo of slugs(scenario)) {
      for (const [resource, n] of Object.entries(requestsByResource(summary)[repo]!)) {
        expect({ repo, resource, n }).toEqual({ repo, resource, n: 1 });
      }
    }
    expect(sim.stats.requests).toBe(summary.requests);
    expect(summary.requests).toBeLessThanOrEqual(6 * scenario.repos.length);
    expect(await dumpEverything(clean.pool, slugs(scenario))).toEqual(cleanDump);
    // What it re-read it reports as re-read: nothing new, nothing changed, for every resource.
    for (const r of summary.repos) {
      for (const [kind, counts] of Object.entries(r.written)) {
        expect({ repo: r.repo, kind, new: counts.new, updated: counts.updated }).toEqual({
          repo: r.repo,
          kind,
          new: 0,
          updated: 0,
        });
      }
    }
    const reread = summary.repos
      .flatMap((r) => Object.values(r.written))
      .reduce((n, c) => n + c.unchanged, 0);
    expect(reread).toBeGreaterThan(0);
    // The first sync found its objects new (some, like suites, it writes twice and re-reads once).
    const first = cleanSummary.repos.flatMap((r) => Object.values(r.written));
    expect(first.reduce((n, c) => n + c.new, 0)).toBeGreaterThan(0);
    const { rows } = await clean.pool.query("SELECT details FROM github_sync_run WHERE id = $1", [
      summary.runId,
    ]);
    expect(rows[0].details.repos[0].written).toEqual(summary.repos[0]!.written);
  });

  it("ends with the same content as a clean run when 20% of requests fail", async () => {
    const db = await newDb();
    sim.setFaults({ rate: 0.2, seed: 5, slowMs: 20, retryAfterSeconds: 7 });
    sim.stats.reset();
    const waits: number[] = [];
    const client = fastClient(sim, waits);
    try {
      await syncRepositories(db, { config: configOf(scenario), client });
    } finally {
      sim.setFaults(null);
    }
    const faults = sim.stats.faults;
    expect(Object.values(faults).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(5);
    for (const kind of ["502", "504", "secondary", "partial", "something-went-wrong"])
      expect(faults[kind] ?? 0).toBeGreaterThan(0);
    // Every failed request was retried, and the secondary limit's retry-after was honoured.
    expect(client.stats.retries).toBeGreaterThan(0);
    // (7 s is no retry delay: those double from 1 s.)
    expect(waits.filter((ms) => ms === 7000).length).toBe(faults.secondary);
    expect(await dumpEverything(db.pool, slugs(scenario))).toEqual(cleanDump);
  });

  it("ends with the same content as a clean run when killed (kill -9) at random points and re-run", async () => {
    const configFile = path.join(dir, "kill.config.json");
    writeFileSync(configFile, JSON.stringify(configOf(scenario)));
    const total = cleanSummary.requests;
    let seed = 20261126;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    let killedMidRun = 0;
    for (let k = 0; k < 4; k++) {
      const db = await newDb();
      const env = { DATABASE_URL: db.url, GITHUB_TOKEN: "t", GITHUB_GRAPHQL_URL: sim.url };
      sim.stats.reset();
      // Somewhere inside the run: after a random number of requests, and a random moment later.
      const after = 1 + Math.floor(random() * (total - 1));
      const extraMs = Math.floor(random() * 40);
      let reachedAt = 0;
      const killed = await runCli(["sync", "--config", configFile], env, () => {
        if (!reachedAt && sim.stats.requests >= after) reachedAt = Date.now();
        return reachedAt > 0 && Date.now() - reachedAt >= extraMs;
      });
      if (killed.signal === "SIGKILL") killedMidRun++;
      else expect(killed.code).toBe(0);
      const rerun = await runCli(["sync", "--config", configFile, "--json"], env);
      expect(rerun.stderr.split("\n").filter((l) => l.startsWith("lineage:"))).toEqual([]);
      expect(rerun.code).toBe(0);
      expect(await dumpEverything(db.pool, slugs(scenario))).toEqual(cleanDump);
      if (killed.signal === "SIGKILL") {
        const { rows } = await db.pool.query("SELECT status FROM github_sync_run ORDER BY id");
        expect(rows.map((r) => r.status)).toEqual(["interrupted", "ok"]);
      }
    }
    expect(killedMidRun).toBeGreaterThanOrEqual(3);
  });

  it("stores the same on the embedded database, several repositories at once", async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "lineage-sync-embedded-"));
    const embedded = await openDatabase({ url: undefined, dataDir });
    try {
      expect(embedded.mode).toBe("embedded");
      await syncRepositories(embedded, { config: configOf(scenario), client: fastClient(sim) });
      expect(await dumpEverything(embedded.pool, slugs(scenario))).toEqual(cleanDump);
    } finally {
      await embedded.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it("fails at once with one line when the token is rejected", async () => {
    const guarded = await newSim(scenario, { tokens: ["the-right-token"] });
    const db = await newDb();
    const configFile = path.join(dir, "token.config.json");
    writeFileSync(configFile, JSON.stringify(configOf(scenario)));
    const secret = "ghp_NotTheRightToken1234567890";
    const res = await runCli(["sync", "--config", configFile], {
      DATABASE_URL: db.url,
      GITHUB_TOKEN: secret,
      GITHUB_GRAPHQL_URL: guarded.url,
    });
    expect(res.code).toBe(4);
    const lines = res.stderr.split("\n").filter((l) => l.startsWith("lineage"));
    expect(lines).toEqual(["lineage: GitHub rejected the token (401 Bad credentials): check GITHUB_TOKEN"]);
    expect(res.stderr + res.stdout).not.toContain(secret);
    expect(guarded.stats.requests).toBeLessThanOrEqual(scenario.repos.length);
    const { rows } = await db.pool.query("SELECT status, message FROM github_sync_run");
    expect(rows).toEqual([
      { status: "failed", message: expect.stringMatching(/^GitHub rejected the token/) },
    ]);
    expect(
      JSON.stringify(await db.pool.query("SELECT * FROM github_sync_run").then((r) => r.rows)),
    ).not.toContain(secret);
  });

  it("fails fast with one line when GITHUB_GRAPHQL_URL refuses connections or is https:// on a plain HTTP port", async () => {
    const { createServer } = await import("node:net");
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const port = (probe.address() as { port: number }).port;
    await new Promise((resolve) => probe.close(resolve));
    const configFile = path.join(dir, "refused.config.json");
    writeFileSync(configFile, JSON.stringify(configOf(scenario)));
    const db = await newDb();
    const cases = [
      [
        `http://127.0.0.1:${port}/graphql`,
        `lineage: cannot reach http://127.0.0.1:${port}/graphql: ECONNREFUSED`,
      ],
      [
        // The simulator speaks plain HTTP.
        sim.url.replace(/^http:/, "https:"),
        expect.stringMatching(
          /^lineage: TLS handshake with https:\/\/.* failed \(.*\): is it an http:\/\/ server\?$/,
        ),
      ],
    ] as const;
    for (const [url, line] of cases) {
      const started = Date.now();
      const res = await runCli(["sync", "--config", configFile], {
        DATABASE_URL: db.url,
        GITHUB_TOKEN: "ghp_FastFailToken0123456789",
        GITHUB_GRAPHQL_URL: url,
      });
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(res.code).toBe(4);
      expect(res.stderr.split("\n").filter((l) => l.trim())).toEqual([line]);
    }
  });

  it("refuses an unknown --repo in one line, before any request", async () => {
    const configFile = path.join(dir, "repo.config.json");
    writeFileSync(configFile, JSON.stringify(configOf(scenario)));
    sim.stats.reset();
    const db = await newDb();
    const res = await runCli(["sync", "--config", configFile, "--repo", "acme/nope"], {
      DATABASE_URL: db.url,
      GITHUB_TOKEN: "t",
      GITHUB_GRAPHQL_URL: sim.url,
    });
    expect(res.code).toBe(2);
    expect(res.stderr.trim()).toBe(
      'lineage: unknown repository "acme/nope": not configured (configured: acme/shop, acme/api, acme/web)',
    );
    expect(sim.stats.requests).toBe(0);
  });

  it("serves the simulator from the lineage CLI and writes a config for it", async () => {
    const configFile = path.join(dir, "served.config.json");
    const child = spawn(
      process.execPath,
      [
        path.join(ROOT, "bin/lineage.mjs"),
        "simulator",
        "--seed",
        "2",
        "--size",
        "small",
        "--port",
        "0",
        "--write-config",
        configFile,
      ],
      { cwd: dir, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    const exit = new Promise<number | null>((resolve) => child.on("close", resolve));
    try {
      const url = await new Promise<string>((resolve) => {
        child.stdout.on("data", (d) => {
          stdout += d;
          const m = /listening on (\S+)/.exec(stdout);
          if (m && stdout.includes("config written")) resolve(m[1]!);
        });
      });
      const res = await fetch(url, {
        method: "POST",
        headers: { authorization: "bearer t" },
        body: JSON.stringify({ query: '{ repository(owner: "acme", name: "shop") { name } }' }),
      });
      expect(await res.json()).toEqual({ data: { repository: { name: "shop" } } });
      expect(stdout).toContain("repositories: acme/shop, acme/api, acme/web");
      child.kill("SIGTERM");
      expect(await exit).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });

  it("merges with commits import-git stored, by SHA, and appends the rest parents first", async () => {
    const db = await newDb();
    const repo = scenario.repos[0]!;
    const slug = repoSlug(repo);
    // What an import of a clone made before the newest ten commits of main would have stored.
    const cloned = historyOf(repo, repo.branches.main!).slice(10).reverse();
    const { rows } = await db.pool.query(
      "INSERT INTO repository (full_name, commit_count) VALUES ($1, $2) RETURNING id",
      [slug, cloned.length],
    );
    const idx = new Map(cloned.map((c, i) => [c.oid, i]));
    const rowsIn: NewCommitRow[] = cloned.map((c, i) => ({
      idx: i,
      parentIdx: c.parents.map((p) => idx.get(p)!),
      sha: c.oid,
      parents: c.parents,
      authorName: c.author.name,
      authorEmail: c.author.email,
      authoredAtMs: Date.parse(c.author.date),
      committerName: c.committer.name,
      committerEmail: c.committer.email,
      committedAtMs: Date.parse(c.committer.date),
      message: c.message,
      changedPaths: [`src/${i}.ts`],
    }));
    await insertCommits(db.pool, rows[0].id, rowsIn);

    await syncRepositories(db, { config: configOf(scenario), client: fastClient(sim), repos: [slug] });
    const stored = (
      await db.pool.query(
        `SELECT c.idx, c.sha, c.changed_paths, c.parents, g.sha IS NOT NULL AS github
         FROM "commit" c LEFT JOIN github_commit g ON g.repo_id = c.repo_id AND g.sha = c.sha
         WHERE c.repo_id = $1 ORDER BY c.idx`,
        [rows[0].id],
      )
    ).rows;
    expect(stored.slice(0, cloned.length).map((c) => [c.sha, c.changed_paths])).toEqual(
      cloned.map((c, i) => [c.oid, [`src/${i}.ts`]]),
    );
    expect(new Set(stored.map((c) => c.sha)).size).toBe(stored.length);
    expect(stored.every((c) => c.github)).toBe(true);
    expect(stored.length).toBe(expectedRepo(scenario, repo).commitShas.size);
    for (const c of stored) for (const p of c.parents) expect(p).toBeLessThan(c.idx);
    const { rows: count } = await db.pool.query("SELECT commit_count FROM repository WHERE id = $1", [
      rows[0].id,
    ]);
    expect(count[0].commit_count).toBe(stored.length);
    // The commits' GitHub side (signatures, suites) is there for the imported ones too.
    await expectGroundTruth(db, scenario, repo);
  });
});

describe("lineage sync, incrementally", () => {
  it("reads only the delta after the world moved on, catching late reviews, dismissals and a moved tag", async () => {
    const world = createScenario({ seed: SEED + 1, size: "medium" });
    const live = await newSim(world);
    const db = await newDb();
    const config = configOf(world);
    const full = await syncRepositories(db, { config, client: fastClient(live) });

    // The first advance dismisses an old approval and moves a tag; the second adds a late review.
    for (const step of [1, 2]) {
      const before = new Map(world.repos.map((r) => [repoSlug(r), expectedRepo(world, r).commitShas]));
      const prMarks = new Map(
        world.repos.map((r) => [
          repoSlug(r),
          r.pullRequests
            .map((p) => p.updatedAt)
            .sort()
            .at(-1) ?? "",
        ]),
      );
      live.advance(1);
      live.stats.reset();
      const delta = await syncRepositories(db, { config, client: fastClient(live) });
      // At most two requests per resource type and repository, far fewer than the first sync.
      expect(live.stats.requests).toBe(delta.requests);
      for (const [repo, resources] of Object.entries(requestsByResource(delta))) {
        for (const [resource, n] of Object.entries(resources)) {
          expect({ step, repo, resource, n: Math.min(n ?? 0, 2) }).toEqual({ step, repo, resource, n });
        }
      }
      expect(delta.requests).toBeLessThanOrEqual(10 * world.repos.length);
      expect(delta.requests * 2).toBeLessThan(full.requests);
      // Exactly the new commits were added to each graph, and only recently updated PRs re-read.
      for (const repo of world.repos) {
        const summary = delta.repos.find((r) => r.repo === repoSlug(repo))!;
        const fresh = [...expectedRepo(world, repo).commitShas].filter(
          (sha) => !before.get(repoSlug(repo))!.has(sha),
        );
        expect(summary.commits.newCommits).toBe(fresh.length);
        const reread = repo.pullRequests.filter((p) => p.updatedAt >= prMarks.get(repoSlug(repo))!);
        expect(summary.resources.pull_requests!.items).toBe(reread.length);
        // The new commits are counted new; whatever else came back either changed or was re-read.
        expect(summary.written.commits?.new ?? 0).toBeGreaterThanOrEqual(fresh.length);
        const prs = summary.written.pull_requests ?? { new: 0, updated: 0, unchanged: 0 };
        expect(prs.new + prs.updated + prs.unchanged).toBe(reread.length);
      }
      for (const repo of world.repos) await expectGroundTruth(db, world, repo);
      // The advance (late review or dismissal, moved tag, new commits) shows as new or updated rows.
      const changed = delta.repos
        .flatMap((r) => Object.values(r.written))
        .reduce((n, c) => n + c.new + c.updated, 0);
      expect({ step, changed: changed > 0 }).toEqual({ step, changed: true });
    }
    const late = world.events.filter((e) => e.kind === "late-review" || e.kind === "late-dismissal");
    expect(late.map((e) => e.kind).sort()).toEqual(["late-dismissal", "late-review"]);

    // The moved tag keeps its first target in its history; the current one is the new target.
    const move = world.repos.flatMap((r) => r.tagMoves.map((m) => ({ repo: repoSlug(r), ...m })))[0]!;
    const { rows } = await db.pool.query(
      `SELECT v.commit_sha, v.current FROM github_tag_version v JOIN repository r ON r.id = v.repo_id
       WHERE r.full_name = $1 AND v.name = $2 ORDER BY v.current`,
      [move.repo, move.name],
    );
    expect(rows).toEqual([
      { commit_sha: move.from, current: false },
      { commit_sha: move.to, current: true },
    ]);
  });
});
