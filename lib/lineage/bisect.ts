import type { CommitGraph } from "./graph";

// A bisect the user steps through, as pure functions of its marks, so the page can keep the
// whole state in the URL. Items are ordered oldest first; the state before the first item is
// known good and the last item is known bad. The answer is the first bad item.

export type Mark = "good" | "bad" | "skip";

export type BisectStep =
  /** Test items[index]: "was it good or bad here?"; at most `remaining` more answers (without skips). */
  | { kind: "test"; index: number; remaining: number; lo: number; hi: number }
  /** items[index] is the first bad one. */
  | { kind: "found"; index: number }
  /** Skips left several: the first bad one is one of these (ascending; the last was not skipped). */
  | { kind: "ambiguous"; indices: number[] };

/**
 * The next step of a bisect over `count` items given the marks so far (index → mark). A
 * good mark at or after the first bad one contradicts it and is ignored, as are marks
 * outside the items.
 */
export function bisectStep(count: number, marks: ReadonlyMap<number, Mark>): BisectStep {
  if (count < 1) throw new Error("bisect needs at least one item (the known bad one)");
  let hi = count - 1;
  for (const [i, m] of marks) if (m === "bad" && i >= 0 && i < hi) hi = i;
  let lo = -1;
  for (const [i, m] of marks) if (m === "good" && i > lo && i < hi) lo = i;
  const untested: number[] = [];
  for (let i = lo + 1; i < hi; i++) if (marks.get(i) !== "skip") untested.push(i);
  if (hi - lo === 1) return { kind: "found", index: hi };
  if (untested.length === 0) {
    const indices: number[] = [];
    for (let i = lo + 1; i <= hi; i++) indices.push(i);
    return { kind: "ambiguous", indices };
  }
  // The untested item nearest the middle of what is left, the lower one on a tie.
  const mid = (lo + hi) / 2;
  let index = untested[0]!;
  for (const i of untested) if (Math.abs(i - mid) < Math.abs(index - mid)) index = i;
  return { kind: "test", index, remaining: stepsAtMost(untested.length), lo, hi };
}

/** Answers needed at most to find the first bad one among `untested` items and the known bad one. */
export function stepsAtMost(untested: number): number {
  return untested <= 0 ? 0 : Math.ceil(Math.log2(untested + 1));
}

const LETTER: Record<Mark, string> = { good: "g", bad: "b", skip: "s" };
const FROM_LETTER: Record<string, Mark> = { g: "good", b: "bad", s: "skip" };

/** Marks as they travel in the URL: "key:g,key:b,key:s" (keys are event numbers or short SHAs). */
export function formatMarks(marks: ReadonlyMap<string, Mark>): string {
  return [...marks].map(([k, m]) => `${k}:${LETTER[m]}`).join(",");
}

/** The inverse of formatMarks; anything malformed is dropped (a hand-edited link still opens). */
export function parseMarks(text: string | null | undefined): Map<string, Mark> {
  const out = new Map<string, Mark>();
  for (const part of (text ?? "").split(",")) {
    const match = /^([0-9A-Za-z]{1,40}):([gbs])$/.exec(part.trim());
    if (match) out.set(match[1]!, FROM_LETTER[match[2]!]!);
  }
  return out;
}

/**
 * The commits an event brought (`git rev-list good..bad`) along the bad commit's first-parent
 * chain, oldest first, ending at `bad`: a bisect over them ends at one commit, or at the merge
 * that brought the culprit from a side branch. Empty when bad adds nothing (a rollback).
 */
export function firstParentRange(graph: CommitGraph, added: readonly number[], bad: number): number[] {
  const inRange = new Set(added);
  const chain: number[] = [];
  let c = bad;
  while (inRange.has(c)) {
    chain.push(c);
    const parents = graph.parentsOf(c);
    if (parents.length === 0) break;
    c = parents[0]!;
  }
  return chain.reverse();
}
