import { describe, expect, it } from "vitest";
import { CommitGraph } from "./graph";
import { ancestors, EnvironmentReplay, isAncestor, rangeDiff } from "./walk";

/** Builds a graph from "child: parent parent" lines, listed parents-first. */
function graphOf(spec: string): {
  g: CommitGraph;
  id: (name: string) => number;
  names: (xs: number[]) => string[];
} {
  const g = new CommitGraph();
  for (const line of spec.trim().split("\n")) {
    const [name, rest] = line.split(":").map((s) => s.trim()) as [string, string | undefined];
    const parents = (rest ?? "")
      .split(/\s+/)
      .filter(Boolean)
      .map((p) => g.indexOf(p)!);
    g.add(name, parents, 0);
  }
  return {
    g,
    id: (name) => g.indexOf(name)!,
    names: (xs) => xs.map((x) => g.shas[x]!).sort(),
  };
}

// a - b - c - m1 - e        (main)
//      \     /
//       d --                (feature)
//  and a criss-cross: x1, x2 both merge c and d
const history = `
a:
b: a
c: b
d: b
m1: c d
e: m1
x1: c d
x2: d c
y: x1 x2
f: e
`;

describe("rangeDiff", () => {
  it("equals rev-list a..b in both directions on a merge history", () => {
    const { g, id, names } = graphOf(history);
    expect(names(rangeDiff(g, id("c"), id("e")).added)).toEqual(["d", "e", "m1"]);
    expect(rangeDiff(g, id("c"), id("e")).removed).toEqual([]);
    const back = rangeDiff(g, id("e"), id("d"));
    expect(back.added).toEqual([]);
    expect(names(back.removed)).toEqual(["c", "e", "m1"]);
  });

  it("handles criss-cross merges with two merge bases", () => {
    const { g, id, names } = graphOf(history);
    const r = rangeDiff(g, id("f"), id("y"));
    expect(names(r.added)).toEqual(["x1", "x2", "y"]);
    expect(names(r.removed)).toEqual(["e", "f", "m1"]);
  });

  it("takes several commits on a side as the union of their ancestries", () => {
    const { g, id, names } = graphOf(history);
    // anc(f) \ (anc(x1) ∪ anc(c)) = the main-line commits after the criss-cross fork point.
    const r = rangeDiff(g, id("f"), [id("x1"), id("c")]);
    expect(names(r.removed)).toEqual(["e", "f", "m1"]);
    expect(names(r.added)).toEqual(["x1"]);
    // With nothing on the other side, everything below is removed.
    expect(names(rangeDiff(g, id("m1"), []).removed)).toEqual(["a", "b", "c", "d", "m1"]);
  });

  it("is empty between a commit and itself", () => {
    const { g, id } = graphOf(history);
    expect(rangeDiff(g, id("m1"), id("m1"))).toEqual({ added: [], removed: [] });
  });
});

describe("isAncestor and ancestors", () => {
  it("agrees with reachability", () => {
    const { g, id, names } = graphOf(history);
    expect(isAncestor(g, id("d"), id("y"))).toBe(true);
    expect(isAncestor(g, id("e"), id("y"))).toBe(false);
    expect(isAncestor(g, id("y"), id("d"))).toBe(false);
    expect(names(ancestors(g, id("m1")))).toEqual(["a", "b", "c", "d", "m1"]);
  });
});

describe("EnvironmentReplay", () => {
  it("marks the first event as a baseline that adds all its ancestors", () => {
    const { g, id, names } = graphOf(history);
    const replay = new EnvironmentReplay(g);
    const first = replay.step(id("c"));
    expect(first.baseline).toBe(true);
    expect(names(first.added)).toEqual(["a", "b", "c"]);
  });

  it("returns removed commits when the environment rolls back to an older commit", () => {
    const { g, id, names } = graphOf(history);
    const replay = new EnvironmentReplay(g);
    replay.step(id("c"));
    expect(names(replay.step(id("e")).added)).toEqual(["d", "e", "m1"]);
    const rollback = replay.step(id("c"));
    expect(rollback.added).toEqual([]);
    expect(names(rollback.removed)).toEqual(["d", "e", "m1"]);
    expect(rollback.pureRollback).toBe(true);
    expect(replay.isMember(id("d"))).toBe(false);
    // Re-adding keeps the first reach from the first time.
    replay.step(id("e"));
    expect(replay.firstReach[id("d")]).toBe(1);
    expect(replay.isMember(id("d"))).toBe(true);
  });

  it("computes both sides of a non-fast-forward move", () => {
    const { g, id, names } = graphOf(history);
    const replay = new EnvironmentReplay(g);
    replay.step(id("f"));
    const r = replay.step(id("y"));
    expect(names(r.added)).toEqual(["x1", "x2", "y"]);
    expect(names(r.removed)).toEqual(["e", "f", "m1"]);
    expect(r.pureRollback).toBe(false);
  });

  it("changes nothing when the same commit is promoted again", () => {
    const { g, id } = graphOf(history);
    const replay = new EnvironmentReplay(g);
    replay.step(id("e"));
    expect(replay.step(id("e"))).toEqual({ added: [], removed: [], baseline: false, pureRollback: false });
  });
});
