// The lineage answers must equal git's own on histories with merges, criss-cross and
// octopus merges, maintenance branches with patch tags, annotated and lightweight tags and
// rollbacks. Expected values come from git itself (rev-list, for-each-ref), never from
// our code.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileGlob } from "../config/glob";
import type { TRepositoryConfig } from "../config/schema";
import { openTestDatabase } from "../db/testing/test-db";
import { importGit } from "../git/import-git";
import { buildHistory, mulberry32 } from "../git/testing/build-history";
import { git, gitLines } from "../git/testing/git";
import { diffRevisions } from "./diff";
import { findEnvironmentEvents } from "./events-query";
import { findWhere } from "./where";

const REPO = "acme/exact";
const repoConfig: TRepositoryConfig = {
  repo: REPO,
  environments: [
    { name: "dev", source: { branch: "main" } },
    { name: "test", source: { tags: "rc-*" } },
    { name: "prod", source: { tags: "v*" } },
    { name: "nightly", source: { tags: "nightly/*" } },
  ],
};

interface GitTag {
  name: string;
  sha: string;
  creatorDate: number;
}

/** Tags matching a glob in git's own creator-date order (ties: name, byte order). */
function tagsInCreatorOrder(dir: string, glob: string): GitTag[] {
  const matches = compileGlob(glob);
  const listed = new Set(gitLines(dir, ["tag", "--list", glob]));
  const all = gitLines(dir, [
    "for-each-ref",
    "--format=%(refname:strip=2)%00%(creatordate:unix)%00%(*objectname)%00%(objectname)",
    "refs/tags",
  ])
    .map((line) => line.split("\0"))
    .map(([name, date, peeled, sha]) => ({ name: name!, sha: peeled || sha!, creatorDate: Number(date) }));
  // Our glob must select exactly what git's --list selects.
  expect(
    all
      .filter((t) => matches(t.name))
      .map((t) => t.name)
      .sort(),
  ).toEqual([...listed].sort());
  return all
    .filter((t) => listed.has(t.name))
    .sort(
      (a, b) => a.creatorDate - b.creatorDate || Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)),
    );
}

const revList = (dir: string, range: string) => new Set(gitLines(dir, ["rev-list", range]));

let dir: string;
let db: Awaited<ReturnType<typeof openTestDatabase>>;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "lineage-exact-"));
  buildHistory(dir, {
    seed: 20261126,
    commits: 2500,
    tags: 60,
    octopus: true,
    crissCross: true,
    maintenanceBranches: 3,
    rollbackTags: 3,
    taggerlessTag: true,
  });
  db = await openTestDatabase();
  await importGit(db, { clonePath: dir, repoConfig });
});

afterAll(async () => {
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe("import-git exactness against git", () => {
  it("imports every commit reachable from a branch or tag", async () => {
    const expected = gitLines(dir, ["rev-list", "--branches", "--tags"]).sort();
    const { rows } = await db.pool.query<{ sha: string }>(`SELECT sha FROM "commit" ORDER BY sha`);
    expect(rows.map((r) => r.sha)).toEqual(expected);
  });

  it("stores the changed paths git reports for each commit", async () => {
    const sample = gitLines(dir, ["rev-list", "--no-merges", "--max-count=40", "main"]);
    for (const sha of sample) {
      const expected = git(dir, [
        "diff-tree",
        "-z",
        "--no-commit-id",
        "--name-only",
        "-r",
        "--root",
        "--no-renames",
        sha,
      ])
        .split("\0")
        .filter(Boolean)
        .sort();
      const { rows } = await db.pool.query<{ changed_paths: string[] }>(
        `SELECT changed_paths FROM "commit" WHERE sha = $1`,
        [sha],
      );
      expect([...rows[0]!.changed_paths].sort()).toEqual(expected);
    }
  });

  for (const [envName, glob] of [
    ["prod", "v*"],
    ["test", "rc-*"],
    ["nightly", "nightly/*"],
  ] as const) {
    it(`gives every commit's first reach and current flag in ${envName} (${glob}) exactly as git tag --contains does`, async () => {
      const tags = tagsInCreatorOrder(dir, glob);
      expect(tags.length).toBeGreaterThan(2);
      // first reach of x = earliest tag (creator date, then name) whose ancestry holds x.
      const expectedFirst = new Map<string, string>();
      for (const tag of tags)
        for (const sha of revList(dir, tag.sha))
          if (!expectedFirst.has(sha)) expectedFirst.set(sha, tag.name);
      const current = revList(dir, tags.at(-1)!.sha);
      const all = gitLines(dir, ["rev-list", "--branches", "--tags"]);
      const answers = await findWhere(db, { repo: REPO, revisions: all });
      for (const answer of answers) {
        const env = answer.environments.find((e) => e.name === envName)!;
        expect({ sha: answer.sha, first: env.first?.ref ?? null, current: env.current }).toEqual({
          sha: answer.sha,
          first: expectedFirst.get(answer.sha) ?? null,
          current: current.has(answer.sha),
        });
      }
    });
  }

  it("stores each prod event's added and removed sets as git rev-list prev..cur and cur..prev", async () => {
    const events = await findEnvironmentEvents(db, { repo: REPO, environment: "prod" });
    const tags = tagsInCreatorOrder(dir, "v*");
    expect(events.map((e) => e.ref)).toEqual(tags.map((t) => t.name));
    expect(events.some((e) => e.rollback)).toBe(true);
    for (let i = 0; i < events.length; i++) {
      const { rows } = await db.pool.query<{ sha: string; removed: boolean }>(
        `SELECT c.sha, ec.removed FROM promotion_event e JOIN environment env ON env.id = e.env_id AND env.name = 'prod'
         CROSS JOIN LATERAL (SELECT x, false AS removed FROM unnest(e.added_commits) r, generate_series(lower(r), upper(r) - 1) x
                             UNION ALL SELECT x, true FROM unnest(e.removed_commits) r, generate_series(lower(r), upper(r) - 1) x) ec
         JOIN "commit" c ON c.repo_id = env.repo_id AND c.idx = ec.x WHERE e.seq = $1`,
        [i],
      );
      const added = new Set(rows.filter((r) => !r.removed).map((r) => r.sha));
      const removed = new Set(rows.filter((r) => r.removed).map((r) => r.sha));
      const expectedAdded =
        i === 0 ? revList(dir, tags[0]!.sha) : revList(dir, `${tags[i - 1]!.sha}..${tags[i]!.sha}`);
      const expectedRemoved =
        i === 0 ? new Set<string>() : revList(dir, `${tags[i]!.sha}..${tags[i - 1]!.sha}`);
      expect(added).toEqual(expectedAdded);
      expect(removed).toEqual(expectedRemoved);
      expect(events[i]!.rollback).toBe(expectedRemoved.size > 0);
      expect(events[i]!.baseline).toBe(i === 0);
    }
  });

  it("follows main's first-parent chain for the branch environment", async () => {
    const chain = gitLines(dir, ["rev-list", "--first-parent", "--reverse", "main"]);
    const events = await findEnvironmentEvents(db, { repo: REPO, environment: "dev" });
    expect(events.map((e) => e.sha)).toEqual(chain);
    // First reach along the chain, from git: the commits each chain step brings in.
    const expectedFirst = new Map<string, number>();
    chain.forEach((sha, i) => {
      const added = i === 0 ? revList(dir, sha) : revList(dir, `${chain[i - 1]}..${sha}`);
      expect(events[i]!.added).toBe(added.size);
      for (const x of added) expectedFirst.set(x, i);
    });
    const answers = await findWhere(db, { repo: REPO, revisions: [...expectedFirst.keys()] });
    for (const answer of answers) {
      const dev = answer.environments.find((e) => e.name === "dev")!;
      expect(dev.first?.sha).toBe(chain[expectedFirst.get(answer.sha)!]);
      expect(dev.current).toBe(true);
    }
  });

  it("answers diff between tags, branches and SHAs exactly as git rev-list", async () => {
    const refs = [
      ...tagsInCreatorOrder(dir, "v*").map((t) => t.name),
      ...gitLines(dir, ["for-each-ref", "--format=%(refname:strip=2)", "refs/heads"]),
    ];
    const rng = mulberry32(7);
    for (let k = 0; k < 25; k++) {
      const a = refs[Math.floor(rng() * refs.length)]!;
      const b = refs[Math.floor(rng() * refs.length)]!;
      const result = await diffRevisions(db, { repo: REPO, from: a, to: b });
      expect(new Set(result.added.map((c) => c.sha))).toEqual(revList(dir, `${a}..${b}`));
      expect(new Set(result.removed.map((c) => c.sha))).toEqual(revList(dir, `${b}..${a}`));
    }
    // Criss-cross merges: diff between the two merge tips of each criss-cross pair.
    const merges = gitLines(dir, ["rev-list", "--min-parents=2", "--branches"]).slice(0, 30);
    for (let i = 0; i + 1 < merges.length; i += 2) {
      const short = merges[i]!.slice(0, 12);
      const result = await diffRevisions(db, { repo: REPO, from: short, to: merges[i + 1]! });
      expect(new Set(result.added.map((c) => c.sha))).toEqual(revList(dir, `${merges[i]}..${merges[i + 1]}`));
      expect(new Set(result.removed.map((c) => c.sha))).toEqual(
        revList(dir, `${merges[i + 1]}..${merges[i]}`),
      );
    }
  });

  it("diffs an environment name as what it runs now", async () => {
    const tags = tagsInCreatorOrder(dir, "v*");
    const result = await diffRevisions(db, { repo: REPO, from: tags[0]!.name, to: "prod" });
    expect(result.to).toBe(tags.at(-1)!.sha);
    expect(new Set(result.added.map((c) => c.sha))).toEqual(
      revList(dir, `${tags[0]!.sha}..${tags.at(-1)!.sha}`),
    );
  });

  it("diffs criss-cross merges (two merge bases) and octopus merges exactly", async () => {
    const merges = gitLines(dir, ["rev-list", "--min-parents=2", "--parents", "--all"]).map((l) =>
      l.split(" "),
    );
    const byParents = new Map(merges.map(([sha, ...parents]) => [parents.join(" "), sha!]));
    const pairs = merges
      .filter((m) => m.length === 3)
      .map(([sha, p1, p2]) => [sha!, byParents.get(`${p2} ${p1}`)] as const)
      .filter((pair): pair is readonly [string, string] => pair[1] !== undefined);
    expect(pairs.length).toBeGreaterThan(0);
    for (const [m1, m2] of pairs) {
      expect(gitLines(dir, ["merge-base", "--all", m1, m2])).toHaveLength(2);
      const result = await diffRevisions(db, { repo: REPO, from: m1, to: m2 });
      expect(new Set(result.added.map((c) => c.sha))).toEqual(revList(dir, `${m1}..${m2}`));
      expect(new Set(result.removed.map((c) => c.sha))).toEqual(revList(dir, `${m2}..${m1}`));
    }
    const octopus = merges.filter((m) => m.length >= 4);
    expect(octopus.length).toBeGreaterThan(0);
    for (const [sha, first] of octopus) {
      const result = await diffRevisions(db, { repo: REPO, from: first!, to: sha! });
      expect(new Set(result.added.map((c) => c.sha))).toEqual(revList(dir, `${first}..${sha}`));
    }
  });
});
