// Tags and branches of a repository known only through GitHub: the same history imported from a
// real clone and synced from the simulator (serving that clone's commits and tags) must give the
// same environments, revisions and diffs. Real git, real HTTP, real PostgreSQL.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TLineageConfig, TRepositoryConfig } from "../config/schema";
import { openTestDatabase } from "../db/testing/test-db";
import { importGit } from "../git/import-git";
import { commitEnv, git, initRepo } from "../git/testing/git";
import { compareTags, revList, type TagRef, tagsByCreatorDate } from "../git/testing/oracle";
import { diffRevisions } from "../lineage/diff";
import { findEnvironmentEvents, type PromotionEventRow } from "../lineage/events-query";
import { findWhere } from "../lineage/where";
import { GithubClient } from "./client";
import {
  ancestorsOf,
  type CommitRec,
  createScenario,
  iso,
  type RepoRec,
  type Scenario,
  type Simulator,
  startSimulator,
  type TagRec,
  writeConfig,
} from "./simulator/index";
import { syncRepositories } from "./sync";

const ROOT = path.resolve(import.meta.dirname, "../..");
type TestDb = Awaited<ReturnType<typeof openTestDatabase>>;

const ENVIRONMENTS: TRepositoryConfig["environments"] = [
  { name: "dev", source: { branch: "develop" } },
  { name: "test", source: { branch: "main" } },
  { name: "maint", source: { branch: "release/1.0" } },
  { name: "patches", source: { tags: "v1.0.*" } },
  { name: "prod", source: { tags: "v*" } },
];
const CLONE = "acme/clone";
const SYNCED = "acme/shop";
const cloneConfig: TRepositoryConfig = { repo: CLONE, environments: ENVIRONMENTS };
const config: TLineageConfig = { repositories: [{ repo: SYNCED, environments: ENVIRONMENTS }] };

let db: TestDb;
let dir: string;
const sims: Simulator[] = [];

/** A history with real git at pinned dates: feature merges, a maintenance branch, every kind of tag. */
class History {
  private clock = 1_709_280_000; // 2024-03-01T08:00:00Z
  constructor(readonly dir: string) {}
  private tick() {
    this.clock += 3600;
    return this.clock;
  }
  private run(args: string[], who = "Alice Martin") {
    git(this.dir, args, undefined, {
      env: commitEnv(this.tick(), { name: who, email: `${who.split(" ")[0]!.toLowerCase()}@example.com` }),
    });
  }
  commit(message: string, who?: string): string {
    this.run(["commit", "-q", "--allow-empty", "-m", message], who);
    return this.head();
  }
  merge(branch: string, message: string): string {
    this.run(["merge", "-q", "--no-ff", "-m", message, branch], "GitHub");
    return this.head();
  }
  checkout(branch: string, create = false) {
    git(this.dir, ["checkout", "-q", ...(create ? ["-b"] : []), branch]);
  }
  head(): string {
    return git(this.dir, ["rev-parse", "HEAD"]).trim();
  }
  /** Annotated (tagger date now) or lightweight (creator date = the commit's committer date). */
  tag(name: string, target: string, annotated: boolean, force = false) {
    const f = force ? ["-f"] : [];
    if (annotated) this.run(["tag", ...f, "-a", "-m", `Release ${name}`, name, target], "Release Bot");
    else git(this.dir, ["tag", ...f, name, target]);
  }
}

/** The clone's commits, branches and tags as a simulator repository, SHAs and tag objects included. */
function repoFromClone(base: RepoRec, cloneDir: string): RepoRec {
  const log = git(cloneDir, [
    "log",
    "--branches",
    "--tags",
    "--topo-order",
    "--reverse",
    "-z",
    "--format=%H%x1f%P%x1f%an%x1f%ae%x1f%at%x1f%cn%x1f%ce%x1f%ct%x1f%B",
  ]);
  const commits: CommitRec[] = log
    .split("\0")
    .filter(Boolean)
    .map((record, seq) => {
      const [oid, parents, an, ae, at, cn, ce, ct, message] = record.split("\x1f") as string[];
      return {
        oid: oid!,
        seq,
        parents: parents ? parents.split(" ") : [],
        message: message!,
        author: { name: an!, email: ae!, date: iso(Number(at) * 1000), login: null },
        committer: { name: cn!, email: ce!, date: iso(Number(ct) * 1000), login: null },
        committedViaWeb: false,
        signature: null,
      };
    });
  const branches = Object.fromEntries(
    git(cloneDir, ["for-each-ref", "--format=%(refname:strip=2) %(objectname)", "refs/heads"])
      .trim()
      .split("\n")
      .map((line) => line.split(" ")),
  );
  const tags: TagRec[] = git(cloneDir, [
    "for-each-ref",
    "--format=%(refname:strip=2)%1f%(objecttype)%1f%(objectname)%1f%(*objectname)%1f%(taggername)%1f%(taggeremail:trim)%1f%(taggerdate:unix)%1f%(contents)%00",
    "refs/tags",
  ])
    .split("\0")
    .map((r) => r.replace(/^\n/, ""))
    .filter(Boolean)
    .map((record) => {
      const [name, type, object, peeled, tn, te, td, message] = record.split("\x1f") as string[];
      const commit = commits.find((c) => c.oid === (type === "tag" ? peeled : object))!;
      if (type !== "tag")
        return {
          name: name!,
          kind: "lightweight",
          target: commit.oid,
          tagOid: null,
          message: null,
          tagger: null,
          createdAt: commit.committer.date,
        };
      const date = iso(Number(td) * 1000);
      return {
        name: name!,
        kind: "annotated",
        target: commit.oid,
        tagOid: object!,
        message: message!,
        tagger: { name: tn!, email: te!, date, login: null },
        createdAt: date,
      };
    });
  return {
    ...base,
    owner: "acme",
    name: "shop",
    defaultBranch: "main",
    commits,
    branches,
    tags,
    tagMoves: [],
    pullRequests: [],
    checkSuites: [],
    deployments: [],
    releases: [],
  };
}

async function syncFromClone(scenario: Scenario) {
  const sim = await startSimulator({ scenario, rateLimit: { limit: 1_000_000 } });
  sims.push(sim);
  const client = new GithubClient({ token: "t", url: sim.url, sleep: async () => {}, log: () => {} });
  await syncRepositories(db, { config, client, log: () => {} });
  await sim.close();
}

const events = (repo: string, environment: string) => findEnvironmentEvents(db, { repo, environment });

/**
 * Every environment's events of the two repositories, side by side. The superseded/dropped
 * split is the exception: the clone's comes from its diffs, GitHub gives none, so the synced
 * one is unknown (null, rollback on any removed commit) wherever a non-merge commit was added
 * beside removed ones, and equal elsewhere.
 */
async function expectSameEvents(names: string[]) {
  const withoutSplit = ({ superseded, dropped, rollback, ...e }: PromotionEventRow) => e;
  for (const environment of names) {
    const imported = await events(CLONE, environment);
    const synced = await events(SYNCED, environment);
    expect(imported.length, environment).toBeGreaterThan(0);
    expect({ environment, events: synced.map(withoutSplit) }).toEqual({
      environment,
      events: imported.map(withoutSplit),
    });
    synced.forEach((e, i) => {
      const clone = imported[i]!;
      if (e.superseded === null) {
        expect(e.removed).toBeGreaterThan(0);
        expect(e.dropped).toBeNull();
        expect(e.rollback).toBe(true);
      } else
        expect([e.superseded, e.dropped, e.rollback]).toEqual([
          clone.superseded,
          clone.dropped,
          clone.rollback,
        ]);
    });
  }
}

/** What git says a tags environment's events are: creator-date order, `git rev-list` counts. */
function oracleEvents(tags: TagRef[]) {
  const sorted = [...tags].sort(compareTags);
  return sorted.map((t, i) => {
    const prev = sorted[i - 1];
    const added = prev ? revList(dir, [t.sha, `^${prev.sha}`]).length : revList(dir, t.sha).length;
    const removed = prev ? revList(dir, [prev.sha, `^${t.sha}`]).length : 0;
    return { ref: t.name, sha: t.sha, at: new Date(t.creatorDate * 1000).toISOString(), added, removed };
  });
}
const shape = (rows: Awaited<ReturnType<typeof events>>) =>
  rows.map(({ ref, sha, at, added, removed }) => ({ ref, sha, at, added, removed }));

describe("a repository known only through GitHub", () => {
  let h: History;
  const sha: Record<string, string> = {};
  let scenario: Scenario;
  let oldV110: TagRef;

  beforeAll(async () => {
    db = await openTestDatabase();
    dir = mkdtempSync(path.join(os.tmpdir(), "lineage-sync-refs-"));
    initRepo(dir);
    h = new History(dir);
    sha.c1 = h.commit("Initial commit");
    sha.c2 = h.commit("Add checkout");
    h.checkout("develop", true);
    sha.d1 = h.commit("Add cart", "Bob Nguyen");
    sha.d2 = h.commit("Fix cart totals", "Bob Nguyen");
    h.checkout("main");
    sha.m1 = h.merge("develop", "Merge develop");
    h.tag("v1.0.0", sha.m1, true);
    h.checkout("release/1.0", true);
    sha.r1 = h.commit("Hotfix rounding", "Carol Obrien");
    h.tag("v1.0.1", sha.r1, false); // on the maintenance branch, lightweight
    h.checkout("develop");
    sha.d3 = h.commit("Add search", "Bob Nguyen");
    sha.d4 = h.commit("Tune search", "Bob Nguyen");
    h.tag("nightly-1", sha.d4, false); // matches no environment
    h.checkout("main");
    sha.m2 = h.merge("develop", "Merge develop");
    h.tag("v1.1.0", sha.m2, true);
    h.checkout("release/1.0");
    sha.r2 = h.commit("Hotfix session", "Carol Obrien");
    h.tag("v1.0.2", sha.r2, true); // annotated, on the maintenance branch
    h.checkout("main");
    sha.m3 = h.merge("release/1.0", "Merge release/1.0");
    h.tag("v1.2.0", sha.m3, false);
    h.tag("v1.1.1", sha.m1, true); // a rollback: newer tag, older commit
    scenario = createScenario({ seed: 5, size: { repos: 1, commits: 5, pullRequests: 1, deployments: 1 } });
    scenario.repos[0] = repoFromClone(scenario.repos[0]!, dir);

    await importGit(db, { clonePath: dir, repoConfig: cloneConfig });
    await syncFromClone(scenario);
  }, 120_000);

  afterAll(async () => {
    for (const sim of sims) await sim.close().catch(() => {});
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("has the same tag and branch events as an import of its clone", async () => {
    await expectSameEvents(ENVIRONMENTS.map((e) => e.name));
    const prod = await events(SYNCED, "prod");
    expect(prod.map((e) => e.ref)).toEqual(["v1.0.0", "v1.0.1", "v1.1.0", "v1.0.2", "v1.2.0", "v1.1.1"]);
    expect(prod.at(-1)).toMatchObject({ sha: sha.m1, rollback: true });
    expect((await events(SYNCED, "maint")).map((e) => e.sha)).toEqual([
      sha.c1,
      sha.c2,
      sha.m1,
      sha.r1,
      sha.r2,
    ]);
  });

  it("answers where and diff for tags and branches as the imported clone does", async () => {
    const revisions = ["v1.1.0", "main", "develop", "release/1.0", "v1.0.2", "v1.2.0~1", "refs/heads/main"];
    const synced = await findWhere(db, { repo: SYNCED, revisions });
    expect(synced.map((r) => r.sha)).toEqual([sha.m2, sha.m3, sha.d4, sha.r2, sha.r2, sha.m2, sha.m3]);
    // Equal but for the split, which GitHub-only history does not know (null).
    const noSplit = (rows: typeof synced) =>
      rows.map((r) => ({
        ...r,
        environments: r.environments.map((e) => ({
          ...e,
          removedBy: e.removedBy && { ...e.removedBy, superseded: null },
        })),
      }));
    expect(noSplit(synced)).toEqual(noSplit(await findWhere(db, { repo: CLONE, revisions })));
    for (const [from, to] of [
      ["v1.0.0", "v1.1.0"],
      ["v1.2.0", "v1.1.1"],
      ["v1.0.1", "develop"],
    ] as const) {
      const diff = await diffRevisions(db, { repo: SYNCED, from, to });
      expect(diff.added.map((c) => c.sha).sort()).toEqual(revList(dir, [to, `^${from}`]).sort());
      expect(diff.removed.map((c) => c.sha).sort()).toEqual(revList(dir, [from, `^${to}`]).sort());
      const cloned = await diffRevisions(db, { repo: CLONE, from, to });
      const { superseded, dropped, supersededCount, droppedCount, ...rest } = diff;
      expect(rest).toEqual({
        ...cloned,
        superseded: undefined,
        dropped: undefined,
        supersededCount: undefined,
        droppedCount: undefined,
      });
      // The synced side knows the split only when no patch-id is needed.
      if (supersededCount !== null)
        expect([supersededCount, droppedCount]).toEqual([cloned.supersededCount, cloned.droppedCount]);
      else expect([superseded, dropped, droppedCount]).toEqual([null, null, null]);
    }
    await expect(findWhere(db, { repo: SYNCED, revisions: ["nightly-2"] })).rejects.toThrow(
      'unknown revision "nightly-2"',
    );
  });

  it("counts a moved tag twice, once per target, where the clone sees only the current one", async () => {
    oldV110 = tagsByCreatorDate(dir, "v1.1.0")[0]!;
    h.checkout("develop");
    sha.d5 = h.commit("Add wishlist", "Bob Nguyen");
    h.checkout("main");
    sha.m4 = h.merge("develop", "Merge develop");
    h.tag("v1.1.0", sha.m4, true, true); // moved: a new tag object on a newer commit
    scenario.repos[0] = repoFromClone(scenario.repos[0]!, dir);
    await importGit(db, { clonePath: dir, repoConfig: cloneConfig });
    await syncFromClone(scenario);

    await expectSameEvents(["dev", "test", "maint", "patches"]);
    const current = tagsByCreatorDate(dir, "v*");
    expect(shape(await events(CLONE, "prod"))).toEqual(oracleEvents(current));
    const synced = await events(SYNCED, "prod");
    expect(shape(synced)).toEqual(oracleEvents([...current, oldV110]));
    expect(synced.filter((e) => e.ref === "v1.1.0").map((e) => e.sha)).toEqual([sha.m2, sha.m4]);
    // A revision names a tag's current target.
    expect((await findWhere(db, { repo: SYNCED, revisions: ["v1.1.0"] }))[0]!.sha).toBe(sha.m4);
  });

  it("takes tags and branches from the clone alone once one is imported, through later syncs too", async () => {
    await importGit(db, { clonePath: dir, repoConfig: { repo: SYNCED, environments: ENVIRONMENTS } });
    await expectSameEvents(ENVIRONMENTS.map((e) => e.name));
    await syncFromClone(scenario);
    await expectSameEvents(ENVIRONMENTS.map((e) => e.name));
    expect((await events(SYNCED, "prod")).filter((e) => e.ref === "v1.1.0")).toHaveLength(1);
  });
});

describe("the README's simulator example", () => {
  let cliDb: TestDb;
  let sim: Simulator;
  let cwd: string;
  const lineage = (args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      // Asynchronous: the simulator answers from this process.
      const child = spawn(process.execPath, [path.join(ROOT, "bin/lineage.mjs"), ...args], {
        cwd,
        env: { ...process.env, DATABASE_URL: cliDb.url, GITHUB_TOKEN: "any", GITHUB_GRAPHQL_URL: sim.url },
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d) => (stdout += d));
      child.stderr.on("data", (d) => (stderr += d));
      child.on("close", (code) => resolve({ code, stdout, stderr }));
    });

  beforeAll(async () => {
    cliDb = await openTestDatabase();
    cwd = mkdtempSync(path.join(os.tmpdir(), "lineage-readme-"));
    sim = await startSimulator({ scenario: createScenario({ seed: 7, size: "small" }) });
    writeConfig(sim.scenario, path.join(cwd, "sim.config.json"));
  }, 60_000);

  afterAll(async () => {
    await sim?.close();
    await cliDb?.drop();
    if (cwd) rmSync(cwd, { recursive: true, force: true });
  });

  it("answers where for a tag and a branch after lineage sync, with no clone imported", async () => {
    const synced = await lineage(["sync", "--config", "sim.config.json"]);
    expect(synced.stderr).not.toContain("error");
    expect(synced.code).toBe(0);
    const shop = sim.scenario.repos.find((r) => r.name === "shop")!;
    const tag = shop.tags.find((t) => t.name === "v1.1.0")!;

    const where = await lineage([
      "where",
      "v1.1.0",
      "main",
      "--repo",
      "acme/shop",
      "--config",
      "sim.config.json",
      "--json",
    ]);
    expect(where.stderr).toBe("");
    expect(where.code).toBe(0);
    const answer = JSON.parse(where.stdout) as { sha: string; environments: { name: string }[] }[];
    expect(answer.map((r) => r.sha)).toEqual([tag.target, shop.branches.main]);
    expect(answer[0]!.environments.map((e) => e.name)).toEqual(["dev", "test", "prod"]);

    const diff = await lineage([
      "diff",
      "v1.1.0",
      "v1.2.0",
      "--repo",
      "acme/shop",
      "--config",
      "sim.config.json",
      "--json",
    ]);
    expect(diff.code).toBe(0);
    const v120 = shop.tags.find((t) => t.name === "v1.2.0")!.target;
    const before = ancestorsOf(shop, tag.target);
    const added = [...ancestorsOf(shop, v120)].filter((s) => !before.has(s)).sort();
    expect((JSON.parse(diff.stdout) as { added: { sha: string }[] }).added.map((c) => c.sha).sort()).toEqual(
      added,
    );
  }, 120_000);
});
