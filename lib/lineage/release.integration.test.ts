import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { parseConfig } from "../config/load-config";
import { openTestDatabase } from "../db/testing/test-db";
import { importGit } from "../git/import-git";
import { commitEnv, git, gitLines, initRepo, tagAt } from "../git/testing/git";
import { diffRevisions } from "./diff";
import { findEnvironmentEventsPage, findLatestEvents } from "./events-query";
import { getCommitGraph } from "./graph-cache";
import { getRelease, getReleaseEvent } from "./release";
import { findRepositoryNames, findRepositorySummaries, getRepositoryOrThrow } from "./repositories";
import { getStatus, oldestCommit } from "./status";

vi.mock("server-only", () => ({}));

// A history whose releases add and remove non-contiguous sets of commits (by idx): main,
// a feature branch merged into it, and a maintenance line forked from main that a release
// rolls back to. Commits on different lines share committer dates (ties for the oldest).
const T0 = 1_700_000_000;
const REPO = "acme/release-pages";
let db: Awaited<ReturnType<typeof openTestDatabase>>;
let dir: string;
const tags: { name: string; rev: string }[] = [];

function commit(message: string, at: number): string {
  // Each commit changes a file of its own: empty commits share one patch-id, so git cherry (and
  // the superseded/dropped split) would call every removed commit superseded.
  writeFileSync(path.join(dir, `${message.replace(/ /g, "-")}.txt`), `${message}\n`);
  git(dir, ["add", "-A"]);
  git(dir, ["commit", "-q", "-m", message], undefined, { env: commitEnv(at) });
  return git(dir, ["rev-parse", "HEAD"]).trim();
}

beforeAll(async () => {
  db = await openTestDatabase();
  dir = mkdtempSync(path.join(os.tmpdir(), "lineage-release-"));
  initRepo(dir, "main");
  const main: string[] = [];
  for (let i = 0; i < 8; i++) main.push(commit(`main ${i}`, T0 + i * 60));
  git(dir, ["checkout", "-q", "-b", "feature", main[3]!]);
  for (let i = 0; i < 6; i++) commit(`feature ${i}`, T0 + 30 + i * 120);
  git(dir, ["checkout", "-q", "-b", "maint", main[4]!]);
  for (let i = 0; i < 5; i++) commit(`maint ${i}`, T0 + i * 60); // same dates as main 0-4
  git(dir, ["checkout", "-q", "main"]);
  for (let i = 8; i < 14; i++) main.push(commit(`main ${i}`, T0 + i * 60));
  git(dir, ["merge", "-q", "--no-ff", "-m", "merge feature", "feature"], undefined, {
    env: commitEnv(T0 + 2000),
  });
  for (let i = 14; i < 18; i++) main.push(commit(`main ${i}`, T0 + 2000 + i * 60));
  const at = (rev: string) => git(dir, ["rev-parse", rev]).trim();
  tags.push({ name: "v1", rev: at("main~10") });
  tags.push({ name: "v2", rev: at("main") });
  tags.push({ name: "v3", rev: at("maint") }); // rolls back main's work since the fork
  tags.push({ name: "v4", rev: at("main~2") }); // and forward again
  tags.forEach((t, k) => {
    tagAt(dir, t.name, t.rev, T0 + 10_000 + k * 1000);
  });
  const config = parseConfig(
    JSON.stringify({
      repositories: [
        {
          repo: REPO,
          environments: [
            { name: "dev", source: { branch: "main" } },
            { name: "prod", source: { tags: "v*" } },
          ],
        },
      ],
    }),
    "lineage.config.json",
  );
  await importGit(db, { clonePath: dir, repoConfig: config.repositories[0]! });
});

afterAll(async () => {
  await db?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The whole set, newest idx first, as the page query read it before it generated only a page. */
async function wholeSet(seq: number, set: "added_commits" | "removed_commits"): Promise<string[]> {
  const { rows } = await db.pool.query<{ sha: string }>(
    `SELECT c.sha FROM promotion_event e JOIN environment env ON env.id = e.env_id
       JOIN repository r ON r.id = env.repo_id,
       LATERAL unnest(e.${set}) rg, LATERAL generate_series(lower(rg), upper(rg) - 1) idx,
       LATERAL (SELECT sha FROM "commit" WHERE repo_id = r.id AND idx = idx.idx) c
     WHERE r.full_name = $1 AND env.name = 'prod' AND e.seq = $2
     ORDER BY idx.idx DESC`,
    [REPO, seq],
  );
  return rows.map((r) => r.sha);
}

describe("getRelease", () => {
  it("pages each list by generating only the page's commits: every page size gives the whole set in order, as git rev-list", async () => {
    const events = (await findEnvironmentEventsPage(db, { repo: REPO, environment: "prod", limit: 10 }))
      .events;
    expect(events.map((e) => e.ref).sort()).toEqual(["v1", "v2", "v3", "v4"]);
    let multiRange = 0;
    for (const e of events) {
      const { rows } = await db.pool.query<{ n: number }>(
        `SELECT (SELECT count(*) FROM unnest(e.added_commits)) + (SELECT count(*) FROM unnest(e.removed_commits)) AS n
           FROM promotion_event e
           JOIN environment env ON env.id = e.env_id WHERE env.name = 'prod' AND e.seq = $1`,
        [e.seq],
      );
      if (rows[0]!.n > 1) multiRange++;
      const previous = (await getReleaseEvent(db, { repo: REPO, environment: "prod", seq: e.seq })).previous;
      const expected = {
        added: await wholeSet(e.seq, "added_commits"),
        removed: await wholeSet(e.seq, "removed_commits"),
      };
      // The sets are git's answers.
      const tag = e.ref;
      const gitAdded = previous
        ? gitLines(dir, ["rev-list", `${previous.ref}..${tag}`])
        : gitLines(dir, ["rev-list", tag]);
      const gitRemoved = previous ? gitLines(dir, ["rev-list", `${tag}..${previous.ref}`]) : [];
      expect([...expected.added].sort()).toEqual([...gitAdded].sort());
      expect([...expected.removed].sort()).toEqual([...gitRemoved].sort());
      for (const perPage of [1, 2, 3, 7, 50]) {
        for (const side of ["added", "removed"] as const) {
          const total = expected[side].length;
          const pages = Math.max(1, Math.ceil(total / perPage));
          const seen: string[] = [];
          for (let n = 1; n <= pages; n++) {
            const release = await getRelease(db, {
              repo: REPO,
              environment: "prod",
              seq: e.seq,
              perPage,
              addedPage: side === "added" ? n : 1,
              removedPage: side === "removed" ? n : 1,
            });
            // Nothing is cherry-picked here, so every removed commit is dropped (listed as such).
            const list =
              side === "removed" && release.removedSplit === "known" ? release.dropped! : release[side];
            if (side === "removed") expect(release.superseded?.total ?? 0).toBe(0);
            expect(list.total).toBe(total);
            expect(list.page).toBe(n);
            expect(list.commits.length).toBe(Math.min(perPage, total - (n - 1) * perPage));
            seen.push(...list.commits.map((c) => c.sha));
          }
          expect(seen).toEqual(expected[side]);
        }
      }
      // A page past the end is the last page.
      const past = await getRelease(db, {
        repo: REPO,
        environment: "prod",
        seq: e.seq,
        perPage: 3,
        addedPage: 99,
      });
      expect(past.added.commits.map((c) => c.sha)).toEqual(
        expected.added.slice((Math.max(1, Math.ceil(expected.added.length / 3)) - 1) * 3),
      );
    }
    // The fixture does exercise sets of several ranges.
    expect(multiRange).toBeGreaterThan(0);
  });

  it("reads the event, its neighbours and the counted event before it in getReleaseEvent; getRelease reuses it", async () => {
    const page = await findEnvironmentEventsPage(db, {
      repo: REPO,
      environment: "prod",
      sort: { column: "at", desc: false },
    });
    const [v1, v2, v3, v4] = page.events;
    const event = await getReleaseEvent(db, { repo: REPO, environment: "prod", seq: v3!.seq });
    expect(event.event.ref).toBe("v3");
    expect(event.event.statusKind).toBe("rollback");
    expect(event.previous).toEqual({ seq: v2!.seq, ref: "v2", sha: v2!.sha, at: v2!.at });
    expect([event.olderSeq, event.newerSeq]).toEqual([v2!.seq, v4!.seq]);
    expect(event.synced).toBe(false);
    expect(event.repository.fullName).toBe(REPO);
    expect(event.environment).toEqual({ name: "prod", source: "tags", pattern: "v*" });
    const first = await getReleaseEvent(db, { repo: REPO, environment: "prod", seq: v1!.seq });
    expect([first.previous, first.olderSeq, first.event.baseline]).toEqual([null, null, true]);

    const fresh = await getRelease(db, { repo: REPO, environment: "prod", seq: v3!.seq, perPage: 4 });
    const reused = await getRelease(db, {
      repo: REPO,
      environment: "prod",
      seq: v3!.seq,
      perPage: 4,
      release: event,
    });
    expect(reused).toEqual(fresh);
    expect(fresh.event).toEqual(event.event);
    expect(fresh.previous).toEqual(event.previous);
    expect("eventId" in fresh).toBe(false);
  });

  it("answers NOT_FOUND naming the environment's events for an unknown number", async () => {
    await expect(getReleaseEvent(db, { repo: REPO, environment: "prod", seq: 99 })).rejects.toThrow(
      `${REPO} prod has no event #99 (its events are #0 to #3)`,
    );
    await expect(getRelease(db, { repo: REPO, environment: "staging", seq: 1 })).rejects.toThrow(
      `${REPO} has no environment "staging" (its environments: dev, prod)`,
    );
    await expect(getRelease(db, { repo: "acme/nope", environment: "prod", seq: 1 })).rejects.toThrow(
      'unknown repository "acme/nope"',
    );
  });
});

describe("findEnvironmentEventsPage's PR counts", () => {
  it("equal counting, per event, the PRs merged as or containing one of its added commits", async () => {
    const repository = await getRepositoryOrThrow(db, REPO);
    const shas = gitLines(dir, ["rev-list", "--all"]);
    const prisma = await db.getPrisma();
    const at = new Date("2024-01-01T00:00:00Z");
    // 12 PRs: some merged as a commit, some holding commits (one commit in two PRs), one unknown SHA.
    await prisma.githubPullRequest.createMany({
      data: Array.from({ length: 12 }, (_, k) => ({
        repoId: repository.id,
        number: k + 1,
        title: `PR ${k + 1}`,
        url: `https://github.com/${REPO}/pull/${k + 1}`,
        authorAssociation: "MEMBER",
        state: "MERGED",
        isDraft: false,
        createdAt: at,
        updatedAt: at,
        mergeCommitSha: k % 3 === 0 ? shas[k * 2]! : k === 11 ? "f".repeat(40) : null,
        baseRefName: "main",
        baseRefOid: shas[0]!,
        headRefName: `pr-${k + 1}`,
        headRefOid: shas[0]!,
        isCrossRepository: false,
      })),
    });
    await prisma.githubPullRequestCommit.createMany({
      data: Array.from({ length: 12 }, (_, k) => [
        { repoId: repository.id, prNumber: k + 1, position: 0, sha: shas[(k * 3) % shas.length]! },
        { repoId: repository.id, prNumber: k + 1, position: 1, sha: shas[(k * 5 + 1) % shas.length]! },
      ]).flat(),
    });
    try {
      for (const environment of ["dev", "prod"]) {
        const page = await findEnvironmentEventsPage(db, { repo: REPO, environment, limit: 100 });
        const { rows } = await db.pool.query<{ seq: number; prs: number }>(
          `SELECT e.seq, (SELECT count(DISTINCT n)::int FROM (
              SELECT pr.number AS n FROM github_pull_request pr
                JOIN "commit" mc ON mc.repo_id = pr.repo_id AND mc.sha = pr.merge_commit_sha
               WHERE pr.repo_id = $1 AND e.added_commits @> mc.idx
              UNION
              SELECT prc.pr_number FROM github_pull_request_commit prc
                JOIN "commit" pc ON pc.repo_id = prc.repo_id AND pc.sha = prc.sha
               WHERE prc.repo_id = $1 AND e.added_commits @> pc.idx) p) AS prs
           FROM promotion_event e JOIN environment env ON env.id = e.env_id
           WHERE env.repo_id = $1 AND env.name = $2 ORDER BY e.seq DESC`,
          [repository.id, environment],
        );
        expect(page.events.map((e) => ({ seq: e.seq, prs: e.prs }))).toEqual(rows);
        expect(rows.some((r) => r.prs > 1)).toBe(true);
      }
    } finally {
      await db.pool.query("DELETE FROM github_pull_request_commit WHERE repo_id = $1", [repository.id]);
      await db.pool.query("DELETE FROM github_pull_request WHERE repo_id = $1", [repository.id]);
    }
  });
});

describe("findLatestEvents", () => {
  it("equals joining every event to its commit before the limit", async () => {
    const repository = await getRepositoryOrThrow(db, REPO);
    for (const limit of [1, 3, 5, 100]) {
      const { rows } = await db.pool.query<{
        environment: string;
        seq: number;
        actor: string;
        headline: string;
      }>(
        `SELECT env.name AS environment, e.seq, COALESCE(e.actor, c.committer_name) AS actor,
           split_part(c.message, E'\\n', 1) AS headline
         FROM environment env JOIN promotion_event e ON e.env_id = env.id
         JOIN "commit" c ON c.repo_id = env.repo_id AND c.idx = e.commit_idx
         WHERE env.repo_id = $1 ORDER BY e.at DESC, env.position DESC, e.seq DESC LIMIT $2`,
        [repository.id, limit],
      );
      const latest = await findLatestEvents(db, { repoId: repository.id, limit });
      expect(
        latest.map((e) => ({ environment: e.environment, seq: e.seq, actor: e.actor, headline: e.headline })),
      ).toEqual(rows);
    }
  });
});

describe("oldestCommit", () => {
  it("picks the earliest committer date, then the lowest idx, as ORDER BY committed_at, idx does", async () => {
    const repository = await getRepositoryOrThrow(db, REPO);
    const graph = await getCommitGraph(db, repository);
    const { rows } = await db.pool.query<{ idx: number }>('SELECT idx FROM "commit" WHERE repo_id = $1', [
      repository.id,
    ]);
    const all = rows.map((r) => r.idx);
    // Every prefix and suffix of the commits, in two orders: ties on the date are common here.
    const sets = [all, [...all].reverse(), all.slice(3), all.slice(0, 9), all.filter((i) => i % 3 === 1)];
    for (const idxs of sets) {
      const { rows: oracle } = await db.pool.query<{ sha: string; committed_at: Date }>(
        `SELECT sha, committed_at FROM "commit" WHERE repo_id = $1 AND idx = ANY($2::int[])
         ORDER BY committed_at, idx LIMIT 1`,
        [repository.id, idxs],
      );
      expect(oldestCommit(graph, idxs)).toEqual({
        sha: oracle[0]!.sha,
        committedAt: oracle[0]!.committed_at.toISOString(),
      });
    }
    expect(oldestCommit(graph, [])).toBeNull();
  });

  it("gives getStatus the same waiting commits and oldest one as git", async () => {
    const repository = await getRepositoryOrThrow(db, REPO);
    const status = await getStatus(db, { repoId: repository.id });
    const prod = status.environments.find((e) => e.name === "prod")!;
    const waiting = gitLines(dir, ["rev-list", "main", "^v4"]);
    expect(prod.waiting?.count).toBe(waiting.length);
    const dates = gitLines(dir, ["log", "--format=%ct %H", "main", "^v4"]).map((l) =>
      Number(l.split(" ")[0]),
    );
    expect(Date.parse(prod.waiting!.oldest!.committedAt) / 1000).toBe(Math.min(...dates));
  });
});

describe("diffRevisions' and getStatus's remembered walks", () => {
  it("answer as git does, first walked and then from memory, for more ranges than are kept", async () => {
    const revs = ["v1", "v2", "v3", "v4", "main", "maint", "feature", "main~5"];
    const pairs = revs.flatMap((a) => revs.map((b) => [a, b] as const)); // 64 ranges, 16 kept
    for (let round = 0; round < 2; round++) {
      for (const [a, b] of pairs) {
        const diff = await diffRevisions(db, { repo: REPO, from: a, to: b, limit: 3, addedOffset: 1 });
        const added = gitLines(dir, ["rev-list", `${a}..${b}`]);
        expect(diff.addedCount).toBe(added.length);
        expect(diff.removedCount).toBe(gitLines(dir, ["rev-list", `${b}..${a}`]).length);
        expect(diff.added.every((c) => added.includes(c.sha))).toBe(true);
      }
    }
    // The same range twice, the second time from memory: the same answer.
    const first = await diffRevisions(db, { repo: REPO, from: "v3", to: "main" });
    expect(await diffRevisions(db, { repo: REPO, from: "v3", to: "main" })).toEqual(first);
    const repository = await getRepositoryOrThrow(db, REPO);
    expect(await getStatus(db, { repoId: repository.id })).toEqual(
      await getStatus(db, { repoId: repository.id }),
    );
  });
});

describe("findRepositoryNames", () => {
  it("lists the names findRepositorySummaries lists, in its order", async () => {
    expect(await findRepositoryNames(db)).toEqual((await findRepositorySummaries(db)).map((s) => s.repo));
    expect(await findRepositoryNames(db)).toContain(REPO);
  });
});
