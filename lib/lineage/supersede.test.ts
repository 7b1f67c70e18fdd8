import { describe, expect, it } from "vitest";
import { CommitGraph } from "./graph";
import {
  CandidateIndex,
  classifyRemoved,
  patchIdCandidates,
  pathSetKey,
  splitWithoutCandidates,
} from "./supersede";

// a - f1 - m   (maintenance: f1 direct, f2 through a merged branch)
//   \     /
//    f2 -
// a - p1 - p2  (main: p1 is f1 cherry-picked, p2 an unrelated change)
function history() {
  const g = new CommitGraph();
  for (const [name, parents] of [
    ["a", []],
    ["f1", ["a"]],
    ["f2", ["a"]],
    ["m", ["f1", "f2"]],
    ["p1", ["a"]],
    ["p2", ["p1"]],
  ] as const) {
    g.add(
      name,
      parents.map((p) => g.indexOf(p)!),
      0,
    );
  }
  const id = (n: string) => g.indexOf(n)!;
  const names = (xs: number[]) => xs.map((x) => g.shas[x]!).sort();
  return { g, id, names };
}

const paths: Record<string, string[]> = { f1: ["x"], f2: ["y"], p1: ["x"], p2: ["y"] };
const patch: Record<string, string> = { f1: "P1", f2: "P2", p1: "P1", p2: "Q" };

describe("classifyRemoved", () => {
  it("supersedes a removed commit whose patch-id an added commit has, and drops the rest", () => {
    const { g, id, names } = history();
    const sets = { removed: ["f1", "f2", "m"].map(id), added: ["p1", "p2"].map(id) };
    const split = classifyRemoved(g, sets, {
      keyOf: (x) => pathSetKey(paths[g.shas[x]!]!),
      patchIdOf: (x) => patch[g.shas[x]!],
    })!;
    expect(names(split.superseded)).toEqual(["f1"]);
    // m reaches the dropped f2, so it is dropped too.
    expect(names(split.dropped)).toEqual(["f2", "m"]);
  });

  it("counts a merge superseded when every removed commit it reaches is", () => {
    const { g, id, names } = history();
    const split = classifyRemoved(
      g,
      { removed: ["f1", "f2", "m"].map(id), added: ["p1", "p2"].map(id) },
      {
        keyOf: (x) => pathSetKey(paths[g.shas[x]!]!),
        patchIdOf: (x) => ({ ...patch, p2: "P2" })[g.shas[x]!],
      },
    )!;
    expect(names(split.superseded)).toEqual(["f1", "f2", "m"]);
    expect(split.dropped).toEqual([]);
  });

  it("asks only for patch-ids of commits with the same changed paths", () => {
    const { g, id, names } = history();
    const keyOf = (x: number) => pathSetKey({ ...paths, p2: ["z"] }[g.shas[x]!]!);
    expect(
      names(patchIdCandidates(g, { removed: ["f1", "f2", "m"].map(id), added: ["p1", "p2"].map(id) }, keyOf)),
    ).toEqual(["f1", "p1"]);
  });

  it("is unknown when a needed patch-id is missing, known when nothing was added", () => {
    const { g, id, names } = history();
    const unknown = { keyOf: () => undefined, patchIdOf: () => undefined };
    expect(classifyRemoved(g, { removed: [id("f1")], added: [id("p1")] }, unknown)).toBeNull();
    const split = classifyRemoved(g, { removed: ["f1", "f2", "m"].map(id), added: [] }, unknown)!;
    expect(names(split.dropped)).toEqual(["f1", "f2", "m"]);
  });

  it("asks only for patch-ids of commits whose diff signatures match or are unknown", () => {
    const { g, id, names } = history();
    const keyOf = (x: number) => pathSetKey(paths[g.shas[x]!]!);
    const sets = { removed: ["f1", "f2", "m"].map(id), added: ["p1", "p2"].map(id) };
    // f1 and p1 differ in signature: no patch-id needed; f2 and p2 are equal: both needed.
    const sig: Record<string, number> = { f1: 1, p1: 2, f2: 3, p2: 3 };
    expect(names(patchIdCandidates(g, sets, keyOf, (x) => sig[g.shas[x]!]))).toEqual(["f2", "p2"]);
    // An unknown signature (NaN) may equal anything with its path set.
    const unknownP1: Record<string, number> = { ...sig, p1: Number.NaN };
    expect(names(patchIdCandidates(g, sets, keyOf, (x) => unknownP1[g.shas[x]!]))).toEqual([
      "f1",
      "f2",
      "p1",
      "p2",
    ]);
    // The same answers from an index over the whole graph (merges and the root unasked).
    const index = new CandidateIndex(
      g,
      (x) => (g.shas[x] === "a" ? pathSetKey([]) : keyOf(x)),
      (x) => sig[g.shas[x]!],
    );
    expect(names(index.candidates(g, sets.added, sets.removed))).toEqual(["f2", "p2"]);
  });

  it("splits without candidates as classifyRemoved does", () => {
    const { g, id, names } = history();
    const removed = ["f1", "f2", "m"].map(id);
    const fast = splitWithoutCandidates(g, removed);
    const full = classifyRemoved(
      g,
      { removed, added: [] },
      { keyOf: () => undefined, patchIdOf: () => undefined },
    )!;
    expect(names(fast.superseded)).toEqual(names(full.superseded));
    expect(fast.droppedCount).toBe(full.dropped.length);
    // A removed merge whose parents are both kept reaches nothing dropped: superseded.
    const g2 = new CommitGraph();
    for (const [name, parents] of [
      ["a", []],
      ["b", ["a"]],
      ["c", ["a"]],
      ["m", ["b", "c"]],
    ] as const)
      g2.add(
        name,
        parents.map((p) => g2.indexOf(p)!),
        0,
      );
    const m = g2.indexOf("m")!;
    expect(splitWithoutCandidates(g2, [m])).toEqual({ superseded: [m], droppedCount: 0 });
  });

  it("keys path sets independently of order", () => {
    expect(pathSetKey(["a", "b"])).toBe(pathSetKey(["b", "a"]));
    expect(pathSetKey(["a", "b"])).not.toBe(pathSetKey(["a"]));
  });
});
