import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildSmallRepo } from "./build-history.ts";
import { commitAt, commitEnv, git, initRepo, tagAt } from "./git.ts";
import {
  allCommits,
  compareBytes,
  firstParentChain,
  isAncestor,
  mergeBases,
  parents,
  revList,
  tagsByCreatorDate,
  tagsContaining,
  tagsSortedByGit,
} from "./oracle.ts";

const root = mkdtempSync(join(tmpdir(), "lineage-oracle-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/**
 *   main:   A(1000) - B(1100) - E(1400) - M(1500, merge of D)
 *                      \                 /
 *   topic:              C(1200) - D(1300)
 *
 *   x/y:    off B: X1(1700) and Y1(1800), then X2 = merge(X1, Y1), Y2 = merge(Y1, X1)  (criss-cross)
 *
 * Tags: v1.0 lightweight on B (creatordate 1100), rc-1 annotated on C @1250, v1/hotfix lightweight
 * on E (1400), v1.1 annotated on D @1600, v2.0 annotated on M @1600, V3 annotated on M @1600,
 * old annotated on A @900 (tagger before commit), notagger: annotated without tagger on A.
 */
describe("oracle on a hand-built repository", () => {
  const dir = join(root, "tiny");
  const c = {} as Record<"A" | "B" | "C" | "D" | "E" | "M" | "X1" | "Y1" | "X2" | "Y2", string>;

  beforeAll(() => {
    mkdirSync(dir);
    initRepo(dir);
    c.A = commitAt(dir, "A", 1000);
    c.B = commitAt(dir, "B", 1100);
    git(dir, ["checkout", "-q", "-b", "topic"]);
    c.C = commitAt(dir, "C", 1200);
    c.D = commitAt(dir, "D", 1300);
    git(dir, ["checkout", "-q", "main"]);
    c.E = commitAt(dir, "E", 1400);
    git(dir, ["merge", "-q", "--no-ff", "-m", "M", "topic"], undefined, { env: commitEnv(1500) });
    c.M = git(dir, ["rev-parse", "HEAD"]).trim();

    git(dir, ["checkout", "-q", "-b", "x", c.B]);
    c.X1 = commitAt(dir, "X1", 1700);
    git(dir, ["checkout", "-q", "-b", "y", c.B]);
    c.Y1 = commitAt(dir, "Y1", 1800);
    git(dir, ["checkout", "-q", "x"]);
    git(dir, ["merge", "-q", "--no-ff", "-m", "X2", c.Y1], undefined, { env: commitEnv(1900) });
    c.X2 = git(dir, ["rev-parse", "HEAD"]).trim();
    git(dir, ["checkout", "-q", "y"]);
    git(dir, ["merge", "-q", "--no-ff", "-m", "Y2", c.X1], undefined, { env: commitEnv(2000) });
    c.Y2 = git(dir, ["rev-parse", "HEAD"]).trim();
    git(dir, ["checkout", "-q", "main"]);

    tagAt(dir, "v1.0", c.B);
    tagAt(dir, "rc-1", c.C, 1250);
    tagAt(dir, "v1/hotfix", c.E);
    tagAt(dir, "v1.1", c.D, 1600);
    tagAt(dir, "v2.0", c.M, 1600);
    tagAt(dir, "V3", c.M, 1600);
    tagAt(dir, "old", c.A, 900);
    // `git mktag` refuses a tag without a tagger (strict fsck); hash-object writes it anyway, like
    // old converters and fast-import did.
    const raw = `object ${c.A}\ntype commit\ntag notagger\n\nimported\n`;
    const obj = git(dir, ["hash-object", "-t", "tag", "-w", "--stdin"], raw).trim();
    git(dir, ["update-ref", "refs/tags/notagger", obj]);
  });

  it("revList returns exactly the commits of a range", () => {
    expect(new Set(revList(dir, `${c.B}..main`))).toEqual(new Set([c.C, c.D, c.E, c.M]));
    expect(new Set(revList(dir, ["main", `^${c.D}`]))).toEqual(new Set([c.E, c.M]));
    expect(new Set(revList(dir, "topic ^main"))).toEqual(new Set());
    expect(revList(dir, "main")).toHaveLength(6);
  });

  it("isAncestor follows git merge-base --is-ancestor, including a commit with itself", () => {
    expect(isAncestor(dir, c.B, c.M)).toBe(true);
    expect(isAncestor(dir, c.D, c.M)).toBe(true);
    expect(isAncestor(dir, c.D, c.E)).toBe(false);
    expect(isAncestor(dir, c.M, c.B)).toBe(false);
    expect(isAncestor(dir, c.M, c.M)).toBe(true);
    expect(() => isAncestor(dir, c.A, "does-not-exist")).toThrow();
  });

  it("firstParentChain lists main oldest first, skipping the merged side", () => {
    expect(firstParentChain(dir, "main")).toEqual([c.A, c.B, c.E, c.M]);
    expect(parents(dir, c.M)).toEqual([c.E, c.D]);
  });

  it("allCommits covers every branch", () => {
    expect(new Set(allCommits(dir))).toEqual(new Set(Object.values(c)));
  });

  it("mergeBases reports both bases of a criss-cross", () => {
    expect(new Set(mergeBases(dir, c.X2, c.Y2))).toEqual(new Set([c.X1, c.Y1]));
    expect(mergeBases(dir, c.D, c.E)).toEqual([c.B]);
  });

  it("tagsContaining peels annotated tags and orders ties by name", () => {
    expect(tagsContaining(dir, c.C, "v*")).toEqual([
      { name: "v1.1", sha: c.D, creatorDate: 1600 },
      { name: "v2.0", sha: c.M, creatorDate: 1600 },
    ]);
  });

  it("tagsContaining uses git tag --list globbing, where * also matches /", () => {
    expect(tagsContaining(dir, c.A, "v*").map((t) => t.name)).toEqual(["v1.0", "v1/hotfix", "v1.1", "v2.0"]);
    // for-each-ref's pathname-aware matching does not cross the slash.
    const forEachRef = git(dir, ["for-each-ref", "--format=%(refname:strip=2)", "refs/tags/v*"]);
    expect(forEachRef.split("\n")).not.toContain("v1/hotfix");
    // Case-sensitive: "V3" is not a v* tag.
    expect(tagsContaining(dir, c.M, "v*").map((t) => t.name)).toEqual(["v2.0"]);
  });

  it("reports lightweight tags with the commit date and taggerless tags with 0", () => {
    const all = tagsByCreatorDate(dir, "*");
    expect(all.map((t) => [t.name, t.creatorDate])).toEqual([
      ["notagger", 0],
      ["old", 900],
      ["v1.0", 1100],
      ["rc-1", 1250],
      ["v1/hotfix", 1400],
      // Byte order: uppercase sorts before lowercase.
      ["V3", 1600],
      ["v1.1", 1600],
      ["v2.0", 1600],
    ]);
    expect(all.find((t) => t.name === "notagger")?.sha).toBe(c.A);
    expect(git(dir, ["for-each-ref", "--format=[%(creatordate:unix)]", "refs/tags/notagger"]).trim()).toBe(
      "[]",
    );
  });

  it("orders exactly like git's own --sort=creatordate", () => {
    expect(tagsByCreatorDate(dir, "*")).toEqual(tagsSortedByGit(dir, "*"));
  });
});

describe("oracle on a generated repository", () => {
  it("agrees with git's own sort and with rev-list containment", () => {
    const dir = join(root, "small");
    buildSmallRepo(dir, 99);
    expect(tagsByCreatorDate(dir, "*")).toEqual(tagsSortedByGit(dir, "*"));
    const chain = firstParentChain(dir, "main");
    const probe = chain[Math.floor(chain.length / 3)]!;
    const containing = tagsContaining(dir, probe, "*");
    const expected = tagsByCreatorDate(dir, "*").filter((t) => isAncestor(dir, probe, t.sha));
    expect(containing).toEqual(expected);
    expect(containing.length).toBeGreaterThan(0);
  });
});

describe("compareBytes", () => {
  it("compares UTF-8 bytes, not UTF-16 code units", () => {
    // U+FF5E is one code unit above the surrogates in UTF-16 but sorts below U+1F600 in UTF-8.
    expect(compareBytes("\uff5e", "\u{1f600}")).toBeLessThan(0);
    expect("\uff5e" < "\u{1f600}").toBe(false);
    expect(compareBytes("V3", "v1")).toBeLessThan(0);
  });
});
