// The demo's data (npm run demo) built into a real PostgreSQL database: the planted audit cases
// every dashboard page is meant to show are there, and hostile strings arrive byte for byte from
// both sources (git import and GitHub sync).
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase } from "../lib/db/testing/test-db";
import { git } from "../lib/git/testing/git";
import {
  HOSTILE_BRANCHES,
  HOSTILE_DISPLAY_NAMES,
  HOSTILE_GIT_NAMES,
  HOSTILE_LOGINS,
  HOSTILE_MESSAGES,
  HOSTILE_TAGS,
} from "../lib/git/testing/hostile-strings";
import type { RepoRec } from "../lib/github/simulator/index";
import { buildDemoData, type DemoDataSummary, HOSTILE_CLONE_REPO, SAMPLE_REPO } from "./demo-data";

type TestDb = Awaited<ReturnType<typeof openTestDatabase>>;
let db: TestDb;
let dir: string;
let demo: DemoDataSummary;

async function rows<T>(sql: string, params: unknown[] = []): Promise<T[]> {
  return (await db.pool.query(sql, params)).rows as T[];
}

async function repoId(fullName: string): Promise<number> {
  const found = await rows<{ id: number }>("SELECT id FROM repository WHERE full_name = $1", [fullName]);
  if (!found[0]) throw new Error(`${fullName} is not stored`);
  return found[0].id;
}

function simRepo(slug: string): RepoRec {
  const repo = demo.scenario.repos.find((r) => `${r.owner}/${r.name}` === slug);
  if (!repo) throw new Error(`no ${slug} in the scenario`);
  return repo;
}

const plantedEvent = (kind: string) => {
  const e = demo.scenario.events.find((x) => x.kind === kind);
  if (!e) throw new Error(`the demo scenario plants no ${kind}`);
  return e;
};

beforeAll(async () => {
  db = await openTestDatabase();
  dir = mkdtempSync(path.join(os.tmpdir(), "lineage-demo-"));
  demo = await buildDemoData({ db, dir });
});

afterAll(async () => {
  await db?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("demo data: planted cases", () => {
  it("stores every configured repository: two imported clones and the simulator's three", async () => {
    const names = (await rows<{ full_name: string }>("SELECT full_name FROM repository ORDER BY 1")).map(
      (r) => r.full_name,
    );
    expect(names).toEqual(
      [HOSTILE_CLONE_REPO, SAMPLE_REPO, "globex/api", "globex/shop", "globex/web"].sort(),
    );
    const prs = await rows<{ n: number }>("SELECT count(*)::int AS n FROM github_pull_request");
    const reviews = await rows<{ n: number }>("SELECT count(*)::int AS n FROM github_review");
    const sigs = await rows<{ n: number }>("SELECT count(*)::int AS n FROM github_commit_signature");
    const runs = await rows<{ n: number }>("SELECT count(*)::int AS n FROM github_workflow_run");
    expect(prs[0]!.n).toBe(demo.scenario.repos.reduce((n, r) => n + r.pullRequests.length, 0));
    expect(reviews[0]!.n).toBeGreaterThan(100);
    expect(sigs[0]!.n).toBeGreaterThan(100);
    expect(runs[0]!.n).toBeGreaterThan(100);
  });

  it("has a counted prod deployment of a SHA that never went to test: exactly the planted hotfix", async () => {
    const planted = plantedEvent("untested-prod-deploy");
    const untested = await rows<{ repo: string; sha: string }>(
      `SELECT r.full_name AS repo, p.sha
         FROM promotion_event p JOIN environment e ON e.id = p.env_id JOIN repository r ON r.id = e.repo_id
        WHERE e.name = 'prod' AND e.source_kind = 'deployments' AND p.counted
          AND NOT EXISTS (SELECT 1 FROM promotion_event t JOIN environment te ON te.id = t.env_id
                           WHERE te.repo_id = e.repo_id AND te.name = 'test' AND t.sha = p.sha)`,
    );
    expect(untested).toEqual([{ repo: planted.repo, sha: planted.sha }]);
  });

  it("keeps failed deployments as uncounted events, as many as GitHub reports", async () => {
    const failed = await rows<{ repo: string; env: string; sha: string }>(
      `SELECT r.full_name AS repo, e.name AS env, p.sha
         FROM promotion_event p JOIN environment e ON e.id = p.env_id JOIN repository r ON r.id = e.repo_id
        WHERE e.source_kind = 'deployments' AND NOT p.counted AND p.status IN ('FAILURE', 'ERROR')
        ORDER BY 1, 2, 3`,
    );
    const expected = demo.scenario.repos
      .flatMap((r) =>
        r.deployments
          .filter((d) => {
            const last = [...d.statuses].sort((a, b) => a.createdAt.localeCompare(b.createdAt)).at(-1);
            return last?.state === "FAILURE" || last?.state === "ERROR";
          })
          .map((d) => ({ repo: `${r.owner}/${r.name}`, env: d.environment, sha: d.sha })),
      )
      .sort((a, b) => `${a.repo} ${a.env} ${a.sha}`.localeCompare(`${b.repo} ${b.env} ${b.sha}`));
    expect(expected.some((d) => d.env === "prod")).toBe(true);
    expect(failed).toEqual(expected);
  });

  it("has a prod rollback from GitHub deployments and one from tags in the sample clone", async () => {
    const planted = plantedEvent("rollback");
    const rollbacks = await rows<{ repo: string; sha: string; ref: string }>(
      `SELECT r.full_name AS repo, p.sha, p.ref
         FROM promotion_event p JOIN environment e ON e.id = p.env_id JOIN repository r ON r.id = e.repo_id
        WHERE e.name = 'prod' AND p.counted AND p.removed_count > 0 ORDER BY 1`,
    );
    expect(rollbacks).toContainEqual({ repo: planted.repo, sha: planted.sha, ref: planted.tag });
    expect(rollbacks.map((r) => `${r.repo} ${r.ref}`)).toContain(`${SAMPLE_REPO} v1.4.1-rollback`);
  });

  it("changes nothing when built again into the same database", async () => {
    const count = async () =>
      (
        await rows<{ n: string }>(
          `SELECT (SELECT count(*) FROM promotion_event) || '/' || (SELECT count(*) FROM github_deployment)
                  || '/' || (SELECT count(*) FROM commit) AS n`,
        )
      )[0]!.n;
    const before = await count();
    await buildDemoData({ db, dir });
    expect(await count()).toBe(before);
  });
});

describe("demo data: hostile strings round-trip byte for byte", () => {
  it("import → DB: messages, author names, tag and branch names of the hostile clone", async () => {
    const clone = path.join(dir, "hostile-refs");
    const id = await repoId(HOSTILE_CLONE_REPO);
    const commits = await rows<{ sha: string; message: string; author_name: string }>(
      "SELECT sha, message, author_name FROM commit WHERE repo_id = $1",
      [id],
    );
    const messages = new Set(commits.map((c) => c.message));
    for (const m of HOSTILE_MESSAGES) expect(messages).toContain(m);
    expect(new Set(commits.map((c) => c.author_name))).toEqual(new Set(HOSTILE_GIT_NAMES));
    // And each stored message is exactly the commit object's message (fast-import wrote no
    // trailing newline, so there is none for the importer to drop).
    for (const c of commits) {
      const raw = git(clone, ["cat-file", "commit", c.sha]);
      expect(c.message).toBe(raw.slice(raw.indexOf("\n\n") + 2));
    }
    const tags = await rows<{ name: string; message: string | null }>(
      "SELECT name, message FROM tag WHERE repo_id = $1",
      [id],
    );
    expect(tags.map((t) => t.name).sort()).toEqual([...HOSTILE_TAGS].sort());
    expect(tags.some((t) => t.message?.includes(HOSTILE_MESSAGES[0]))).toBe(true);
    const refs = (await rows<{ name: string }>("SELECT name FROM git_ref WHERE repo_id = $1", [id])).map(
      (r) => r.name,
    );
    for (const b of HOSTILE_BRANCHES) expect(refs).toContain(`refs/heads/${b}`);
    const events = await rows<{ env: string; ref: string }>(
      `SELECT e.name AS env, p.ref FROM promotion_event p JOIN environment e ON e.id = p.env_id
        WHERE e.repo_id = $1 AND e.name IN ('test', 'prod')`,
      [id],
    );
    expect(
      events
        .filter((e) => e.env === "prod")
        .map((e) => e.ref)
        .sort(),
    ).toEqual([...HOSTILE_TAGS].sort());
    expect(events.filter((e) => e.env === "test").every((e) => e.ref === HOSTILE_BRANCHES[0])).toBe(true);
  });

  it("sync → DB: the hostile simulator repository's messages, titles, refs, names and logins", async () => {
    const slug = demo.scenario.hostileRepo!;
    const repo = simRepo(slug);
    const id = await repoId(slug);

    const commits = await rows<{ sha: string; message: string; author_name: string | null }>(
      "SELECT sha, message, author_name FROM github_commit WHERE repo_id = $1",
      [id],
    );
    const truth = new Map(repo.commits.map((c) => [c.oid, c]));
    expect(commits.length).toBeGreaterThan(repo.commits.length / 2);
    for (const c of commits) {
      expect(c.message).toBe(truth.get(c.sha)?.message);
      expect(c.author_name).toBe(truth.get(c.sha)?.author.name);
    }
    const messages = new Set(commits.map((c) => c.message));
    for (const m of HOSTILE_MESSAGES) expect(messages).toContain(m);
    const authorNames = new Set(commits.map((c) => c.author_name));
    for (const n of HOSTILE_DISPLAY_NAMES) expect(authorNames).toContain(n);

    const prs = await rows<{ number: number; title: string; head_ref_name: string; author_login: string }>(
      "SELECT number, title, head_ref_name, author_login FROM github_pull_request WHERE repo_id = $1",
      [id],
    );
    expect(prs.map((p) => [p.number, p.title, p.head_ref_name, p.author_login]).sort()).toEqual(
      // GitHub's GraphQL names bots without the "[bot]" suffix.
      repo.pullRequests
        .map((p) => [p.number, p.title, p.headRefName, p.author.replace(/\[bot\]$/, "")])
        .sort(),
    );
    for (const b of HOSTILE_BRANCHES) expect(prs.map((p) => p.head_ref_name)).toContain(b);
    for (const l of HOSTILE_LOGINS) expect(prs.map((p) => p.author_login)).toContain(l);
    expect(prs.some((p) => p.title.includes("<script>"))).toBe(true);

    const tags = (
      await rows<{ name: string }>("SELECT name FROM github_tag_version WHERE repo_id = $1", [id])
    ).map((t) => t.name);
    for (const t of HOSTILE_TAGS) expect(tags).toContain(t);
    const prodRefs = (
      await rows<{ ref: string }>(
        `SELECT p.ref FROM promotion_event p JOIN environment e ON e.id = p.env_id
          WHERE e.repo_id = $1 AND e.name = 'prod'`,
        [id],
      )
    ).map((r) => r.ref);
    for (const t of HOSTILE_TAGS) expect(prodRefs).toContain(t);
  });
});
