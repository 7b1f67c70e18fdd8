import { describe, expect, it } from "vitest";
import { mulberry32 } from "../git/testing/build-history";
import { newestFirst } from "./diff";
import { CommitGraph } from "./graph";

/** A linear graph of `n` commits whose dates repeat often (ties) and go back and forth. */
function graphWithDates(n: number, seed: number): CommitGraph {
  const rng = mulberry32(seed);
  const graph = new CommitGraph();
  for (let i = 0; i < n; i++) {
    graph.add(`c${i}`, i === 0 ? [] : [i - 1], 1_700_000_000_000 + Math.floor(rng() * 200) * 1000);
  }
  return graph;
}

describe("newestFirst", () => {
  it("gives the page a full sort by date then idx (both descending) gives, ties included", () => {
    const graph = graphWithDates(5000, 3);
    const rng = mulberry32(11);
    const all = Array.from({ length: 5000 }, (_, i) => i).filter(() => rng() < 0.7);
    const sorted = [...all].sort((x, y) => graph.committedAt(y) - graph.committedAt(x) || y - x);
    for (const [offset, limit] of [
      [0, 50],
      [50, 50],
      [0, 1],
      [137, 13],
      [3400, 100],
      [all.length - 5, 50],
      [all.length, 50],
      [10, 0],
      [0, all.length],
      [20, undefined],
    ] as [number, number | undefined][]) {
      const expected = sorted.slice(offset, limit === undefined ? undefined : offset + limit);
      expect(newestFirst(graph, all, offset, limit)).toEqual(expected);
    }
    // The input is not reordered.
    expect(all.slice(0, 5)).toEqual([...all].sort((a, b) => a - b).slice(0, 5));
  });

  it("pages through a set in order without gaps or repeats", () => {
    const graph = graphWithDates(3000, 5);
    const all = Array.from({ length: 3000 }, (_, i) => 2999 - i);
    const pages: number[] = [];
    for (let offset = 0; offset < all.length; offset += 250)
      pages.push(...newestFirst(graph, all, offset, 250));
    expect(pages).toEqual([...all].sort((x, y) => graph.committedAt(y) - graph.committedAt(x) || y - x));
  });
});
