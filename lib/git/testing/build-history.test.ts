import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  buildHistory,
  buildSmallRepo,
  type HistoryInfo,
  historyStream,
  TAGGERLESS_TAG,
} from "./build-history.ts";
import { git, gitLines, gitResult } from "./git.ts";
import {
  allCommits,
  firstParentChain,
  isAncestor,
  mergeBases,
  type TagRef,
  tagsByCreatorDate,
  tagsContaining,
} from "./oracle.ts";

const root = mkdtempSync(join(tmpdir(), "lineage-build-history-"));
let seq = 0;
const freshDir = () => join(root, `repo-${++seq}`);

afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Every ref with the object it points at: equal fingerprints mean identical SHAs throughout. */
function fingerprint(dir: string): string {
  return git(dir, ["for-each-ref", "--format=%(objectname) %(refname)"]);
}

interface CommitRow {
  sha: string;
  parents: string[];
  committerDate: number;
  authorDate: number;
  authorName: string;
  message: string;
}

function commits(dir: string): CommitRow[] {
  const out = git(dir, ["log", "--all", "-z", "--format=%H%x01%P%x01%ct%x01%at%x01%an%x01%B"]);
  return out
    .split("\0")
    .filter((r) => r.length > 0)
    .map((record) => {
      const [sha, parents, ct, at, an, message] = record.split("\x01") as [
        string,
        string,
        string,
        string,
        string,
        string,
      ];
      return {
        sha,
        parents: parents === "" ? [] : parents.split(" "),
        committerDate: Number(ct),
        authorDate: Number(at),
        authorName: an,
        message,
      };
    });
}

describe("buildHistory determinism", () => {
  it("produces identical SHAs for the same seed and different ones for another seed", () => {
    const spec = {
      seed: 11,
      commits: 120,
      tags: 12,
      octopus: true,
      crissCross: true,
      maintenanceBranches: 1,
    };
    const a = buildHistory(freshDir(), spec);
    const b = buildHistory(freshDir(), spec);
    const c = buildHistory(freshDir(), { ...spec, seed: 12 });
    expect(fingerprint(a.dir)).toBe(fingerprint(b.dir));
    expect(a.tagNames).toEqual(b.tagNames);
    expect(fingerprint(a.dir)).not.toBe(fingerprint(c.dir));
    expect(new Set(allCommits(a.dir))).not.toEqual(new Set(allCommits(c.dir)));
  });

  it("generates the same stream twice without touching Math.random", () => {
    const spec = { seed: 5, commits: 200, tags: 20 };
    expect(historyStream(spec).stream).toBe(historyStream(spec).stream);
  });

  it("rejects specs too small to contain the required structure", () => {
    expect(() => historyStream({ seed: 1, commits: 10, tags: 2 })).toThrow(/commits/);
    expect(() => historyStream({ seed: 1, commits: 100, tags: 2, rollbackTags: 2 })).toThrow(/rollback/);
  });
});

describe("buildSmallRepo", () => {
  let info: HistoryInfo;
  let rows: CommitRow[];
  let bySha: Map<string, CommitRow>;
  let tags: TagRef[];

  beforeAll(() => {
    info = buildSmallRepo(freshDir(), 2024);
    rows = commits(info.dir);
    bySha = new Map(rows.map((r) => [r.sha, r]));
    tags = tagsByCreatorDate(info.dir, "*");
  });

  it("has exactly the requested numbers of commits and tags, all reachable from refs", () => {
    expect(info.commitCount).toBe(400);
    expect(rows).toHaveLength(400);
    expect(allCommits(info.dir)).toHaveLength(400);
    expect(info.tagNames).toHaveLength(30);
    expect(tags).toHaveLength(30);
  });

  it("passes git fsck --strict with nothing dangling", () => {
    const res = gitResult(info.dir, ["fsck", "--strict", "--no-progress"]);
    expect(res.status).toBe(0);
    expect(res.stdout).toBe("");
    // The only complaint allowed is the deliberately taggerless tag (a warning, not an error).
    const complaints = res.stderr.split("\n").filter((l) => l.length > 0);
    expect(complaints.every((l) => l.includes("missingTaggerEntry"))).toBe(true);
  });

  it("has main, develop, maintenance branches and unmerged feature branches", () => {
    expect(info.branches).toContain("main");
    expect(info.branches).toContain("develop");
    expect(info.branches.filter((b) => /^release\/\d+\.\d+$/.test(b))).toHaveLength(2);
    const features = info.branches.filter((b) => b.startsWith("feature/"));
    expect(features.length).toBeGreaterThan(0);
    const unmerged = features.filter(
      (f) => !isAncestor(info.dir, f, "main") && !isAncestor(info.dir, f, "develop"),
    );
    expect(unmerged.length).toBeGreaterThan(0);
    expect(gitLines(info.dir, ["for-each-ref", "refs/lineage-scratch"])).toEqual([]);
  });

  it("merges with real two-parent merge commits on main's first-parent chain", () => {
    const merges = rows.filter((r) => r.parents.length === 2);
    expect(merges.length).toBeGreaterThan(10);
    const chain = firstParentChain(info.dir, "main");
    const onMain = chain.filter((sha) => bySha.get(sha)!.parents.length >= 2);
    expect(onMain.length).toBeGreaterThan(0);
    // Non-fast-forward: the merged side is not already part of the first parent.
    expect(onMain.some((sha) => !isAncestor(info.dir, bySha.get(sha)!.parents[1]!, `${sha}^1`))).toBe(true);
    expect(bySha.get(chain[0]!)!.parents).toEqual([]);
  });

  it("contains an octopus merge", () => {
    expect(rows.some((r) => r.parents.length >= 3)).toBe(true);
  });

  it("contains a criss-cross merge pair with two merge bases", () => {
    const merges = rows.filter((r) => r.parents.length === 2);
    const byParents = new Map(merges.map((m) => [m.parents.join(" "), m]));
    const pair = merges.find((m) => byParents.has(`${m.parents[1]} ${m.parents[0]}`));
    expect(pair).toBeDefined();
    const other = byParents.get(`${pair!.parents[1]} ${pair!.parents[0]}`)!;
    expect(new Set(mergeBases(info.dir, pair!.sha, other.sha))).toEqual(new Set(pair!.parents));
  });

  it("has annotated and lightweight tags, slash names, non-v* tags and a shared commit", () => {
    const types = gitLines(info.dir, ["for-each-ref", "--format=%(objecttype)", "refs/tags"]);
    expect(types).toContain("tag");
    expect(types).toContain("commit");
    expect(tags.some((t) => t.name.includes("/"))).toBe(true);
    expect(tags.some((t) => /^rc-\d+$/.test(t.name))).toBe(true);
    expect(tags.filter((t) => !t.name.startsWith("v")).length).toBeGreaterThan(3);
    expect(tags.some((t) => /^v\d+\.\d+\.\d+$/.test(t.name))).toBe(true);
    const perCommit = new Map<string, number>();
    for (const t of tags) perCommit.set(t.sha, (perCommit.get(t.sha) ?? 0) + 1);
    expect([...perCommit.values()].some((n) => n >= 2)).toBe(true);
  });

  it("has creator-date ties between tags", () => {
    const dated = tags.filter((t) => t.creatorDate > 0);
    const ties = dated.filter((t, i) => i > 0 && dated[i - 1]!.creatorDate === t.creatorDate);
    expect(ties.length).toBeGreaterThan(0);
  });

  it("has tagger dates after, equal to and before the tagged commit's date", () => {
    const lines = gitLines(info.dir, [
      "for-each-ref",
      "--format=%(taggerdate:unix) %(*committerdate:unix)",
      "refs/tags",
    ]).filter((l) => !l.startsWith(" "));
    const deltas = lines.map((l) => {
      const [tagger, commit] = l.split(" ").map(Number) as [number, number];
      return tagger - commit;
    });
    expect(deltas.some((d) => d > 0)).toBe(true);
    expect(deltas.some((d) => d === 0)).toBe(true);
    expect(deltas.some((d) => d < 0)).toBe(true);
  });

  it("has rollback tags created after a newer release but pointing at an older release", () => {
    const releases = tags.filter((t) => /^v\d+\.\d+\.\d+$/.test(t.name));
    const rollbacks = tags.filter((t) => /^v\d+\.\d+\.\d+-rollback\d+$/.test(t.name));
    expect(rollbacks).toHaveLength(2);
    for (const rb of rollbacks) {
      const original = releases.find((r) => r.name === rb.name.replace(/-rollback\d+$/, ""))!;
      expect(original.sha).toBe(rb.sha);
      const newer = releases.filter(
        (r) => r.creatorDate < rb.creatorDate && r.sha !== rb.sha && isAncestor(info.dir, rb.sha, r.sha),
      );
      expect(newer.length).toBeGreaterThan(0);
    }
  });

  it("has patch tags on maintenance branches that miss newer main releases", () => {
    const mainReleases = tags.filter((t) => /^v\d+\.\d+\.0$/.test(t.name));
    const patches = tags.filter((t) => /^v\d+\.\d+\.[1-9]\d*$/.test(t.name));
    expect(patches.length).toBeGreaterThan(0);
    const behind = patches.filter((p) =>
      mainReleases.some((r) => r.creatorDate < p.creatorDate && !isAncestor(info.dir, r.sha, p.sha)),
    );
    expect(behind.length).toBeGreaterThan(0);
    // Containment is what tag environments are computed from: a patch commit is not in newer mains.
    const p = behind[0]!;
    expect(tagsContaining(info.dir, p.sha, "v*").every((t) => t.sha === p.sha || !/\.0$/.test(t.name))).toBe(
      true,
    );
  });

  it("has an annotated tag without a tagger, which git dates at 0", () => {
    const raw = git(info.dir, ["cat-file", "-p", TAGGERLESS_TAG]);
    expect(raw).toMatch(/^object [0-9a-f]{40}\ntype commit\ntag /);
    expect(raw).not.toMatch(/^tagger /m);
    expect(tags.find((t) => t.name === TAGGERLESS_TAG)?.creatorDate).toBe(0);
  });

  it("has clock skew, author dates differing from committer dates and awkward identities", () => {
    const skewed = rows.filter(
      (r) => r.parents.length > 0 && r.committerDate < bySha.get(r.parents[0]!)!.committerDate,
    );
    expect(skewed.length).toBeGreaterThan(0);
    expect(rows.some((r) => r.authorDate !== r.committerDate)).toBe(true);
    expect(rows.some((r) => r.authorName.startsWith("="))).toBe(true);
    expect(rows.some((r) => /[^ -~]/.test(r.authorName))).toBe(true);
    expect(rows.some((r) => r.message.includes("<script>alert(1)</script>"))).toBe(true);
    expect(rows.some((r) => r.message.includes("\t") && r.message.includes('"') && /é/.test(r.message))).toBe(
      true,
    );
  });

  it("changes at least one file in every non-merge commit, in nested directories", () => {
    const out = git(info.dir, ["log", "--all", "--no-merges", "-z", "--format=%x01%H", "--name-only"]);
    const perCommit = out
      .split("\x01")
      .filter((c) => c.length > 0)
      .map((c) => c.split(/[\n\0]/).filter((s) => s.length > 0));
    expect(perCommit).toHaveLength(rows.filter((r) => r.parents.length < 2).length);
    for (const [, ...files] of perCommit) expect(files.length).toBeGreaterThan(0);
    const paths = new Set(perCommit.flatMap(([, ...files]) => files));
    expect([...paths].some((p) => p.split("/").length >= 4)).toBe(true);
  });
});

describe("buildHistory defaults", () => {
  it("honours counts without optional structure", () => {
    const info = buildHistory(freshDir(), { seed: 3, commits: 150, tags: 10 });
    expect(info.commitCount).toBe(150);
    expect(info.tagNames).toHaveLength(10);
    expect(info.branches.some((b) => b.startsWith("release/"))).toBe(false);
    const octopus = gitLines(info.dir, ["rev-list", "--all", "--min-parents=3"]);
    expect(octopus).toEqual([]);
    expect(info.tagNames.some((t) => t.includes("rollback"))).toBe(false);
  });
});
