import type { CommitGraph } from "./graph";

const FROM = 1;
const TO = 2;
const BOTH = FROM | TO;
const QUEUED = 4;

/** A max-heap of commit indexes keyed by generation number. */
class GenerationHeap {
  private items: number[] = [];
  constructor(private readonly generation: Int32Array) {}
  get length(): number {
    return this.items.length;
  }
  push(x: number): void {
    const items = this.items;
    const gen = this.generation;
    items.push(x);
    let i = items.length - 1;
    const g = gen[x]!;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = items[parent]!;
      if (gen[p]! >= g) break;
      items[i] = p;
      i = parent;
    }
    items[i] = x;
  }
  pop(): number {
    const items = this.items;
    const gen = this.generation;
    const top = items[0]!;
    const last = items.pop()!;
    if (items.length > 0) {
      const g = gen[last]!;
      let i = 0;
      const n = items.length;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && gen[items[r]!]! > gen[items[l]!]! ? r : l;
        if (gen[items[c]!]! <= g) break;
        items[i] = items[c]!;
        i = c;
      }
      items[i] = last;
    }
    return top;
  }
}

/**
 * `anc(to) \ anc(from)` and `anc(from) \ anc(to)` — exactly `git rev-list from..to` and
 * `git rev-list to..from`. Paints both sides down the graph in decreasing generation
 * order; once every queued commit is reachable from both sides, nothing below can be in
 * either difference, so the walk touches only the two differences and their boundary.
 * Either side may be several commits (the union of their ancestries).
 */
export function rangeDiff(
  graph: CommitGraph,
  from: number | readonly number[],
  to: number | readonly number[],
): { added: number[]; removed: number[] } {
  const added: number[] = [];
  const removed: number[] = [];
  if (from === to) return { added, removed };
  const { parentStart, parentList, generation } = graph.arrays;
  const flags = scratchFlags(graph.size);
  const touched: number[] = [];
  const heap = new GenerationHeap(generation);
  let live = 0; // queued commits not yet known to be common

  const mark = (x: number, bits: number) => {
    const before = flags[x]!;
    const after = before | bits | QUEUED;
    if (before & QUEUED) {
      if ((before & BOTH) !== BOTH && (after & BOTH) === BOTH) live--;
    } else {
      touched.push(x);
      heap.push(x);
      if ((after & BOTH) !== BOTH) live++;
    }
    flags[x] = after;
  };

  try {
    for (const x of typeof from === "number" ? [from] : from) mark(x, FROM);
    for (const x of typeof to === "number" ? [to] : to) mark(x, TO);
    while (live > 0) {
      const x = heap.pop();
      const f = flags[x]! & BOTH;
      if (f !== BOTH) {
        live--;
        (f === TO ? added : removed).push(x);
      }
      for (let k = parentStart[x]!, end = parentStart[x + 1]!; k < end; k++) mark(parentList[k]!, f);
    }
  } finally {
    for (const x of touched) flags[x] = 0;
  }
  return { added, removed };
}

// One flag array reused by every walk (walks are synchronous, so never overlap), cleared
// through the list of commits touched: a walk costs what it visits, not the graph's size.
let flagBuffer = new Uint8Array(0);
function scratchFlags(size: number): Uint8Array {
  if (flagBuffer.length < size) flagBuffer = new Uint8Array(Math.max(size, flagBuffer.length * 2));
  return flagBuffer;
}

/** anc(tip), every commit reachable from tip, inclusive. */
export function ancestors(graph: CommitGraph, tip: number): number[] {
  const { parentStart, parentList } = graph.arrays;
  const seen = new Uint8Array(graph.size);
  const out: number[] = [];
  const stack = [tip];
  seen[tip] = 1;
  while (stack.length) {
    const x = stack.pop()!;
    out.push(x);
    for (let k = parentStart[x]!, end = parentStart[x + 1]!; k < end; k++) {
      const p = parentList[k]!;
      if (!seen[p]) {
        seen[p] = 1;
        stack.push(p);
      }
    }
  }
  return out;
}

/** Whether `a` is reachable from `b` (git merge-base --is-ancestor a b). */
export function isAncestor(graph: CommitGraph, a: number, b: number): boolean {
  if (a === b) return true;
  const { parentStart, parentList, generation } = graph.arrays;
  const ga = generation[a]!;
  if (ga >= generation[b]!) return false;
  const seen = new Set<number>([b]);
  const stack = [b];
  while (stack.length) {
    const x = stack.pop()!;
    for (let k = parentStart[x]!, end = parentStart[x + 1]!; k < end; k++) {
      const p = parentList[k]!;
      if (p === a) return true;
      // Commits at or below a's generation cannot have a as an ancestor.
      if (generation[p]! > ga && !seen.has(p)) {
        seen.add(p);
        stack.push(p);
      }
    }
  }
  return false;
}

export interface StepResult {
  added: number[];
  removed: number[];
  baseline: boolean;
  /** The commit is a strict ancestor of the previous step's: nothing added, only removed. */
  pureRollback: boolean;
}

/**
 * Replays an environment's counted events in order, keeping anc(previous event) as a
 * membership bitmap. A fast-forward event walks only its new commits (stopping at members,
 * which are ancestor-closed); an event that does not contain the previous one (a rollback
 * or a non-fast-forward) also needs `removed`, which the two-sided walk gives.
 */
export class EnvironmentReplay {
  private readonly member: Uint8Array;
  private readonly visitStamp: Int32Array;
  private stamp = 0;
  private prev = -1;
  /** Index (in replay order) of the first step that contained each commit; -1 if none. */
  readonly firstReach: Int32Array;
  private steps = 0;

  constructor(private readonly graph: CommitGraph) {
    this.member = new Uint8Array(graph.size);
    this.visitStamp = new Int32Array(graph.size);
    this.firstReach = new Int32Array(graph.size).fill(-1);
  }

  /** Whether commit x is in anc(latest step). */
  isMember(x: number): boolean {
    return this.member[x] === 1;
  }

  get latest(): number {
    return this.prev;
  }

  step(commit: number): StepResult {
    const stepIndex = this.steps++;
    const baseline = this.prev < 0;
    const { parentStart, parentList } = this.graph.arrays;
    const member = this.member;
    const added: number[] = [];
    let removed: number[] = [];
    let pureRollback = false;
    if (commit !== this.prev && !member[commit]) {
      const stamp = ++this.stamp;
      const visit = this.visitStamp;
      let containsPrev = baseline;
      // Members met at the edge of the walk: anc(commit) ∩ anc(prev) = anc(boundary).
      const boundary: number[] = [];
      const stack = [commit];
      visit[commit] = stamp;
      while (stack.length) {
        const x = stack.pop()!;
        added.push(x);
        for (let k = parentStart[x]!, end = parentStart[x + 1]!; k < end; k++) {
          const p = parentList[k]!;
          if (visit[p] === stamp) continue;
          visit[p] = stamp;
          if (member[p]) {
            if (p === this.prev) containsPrev = true;
            boundary.push(p);
          } else {
            stack.push(p);
          }
        }
      }
      // removed = anc(prev) \ anc(boundary): a walk over the removed side only, as the added
      // side is known already.
      if (!containsPrev) removed = rangeDiff(this.graph, this.prev, boundary).removed;
    } else if (commit !== this.prev) {
      // The new commit is an ancestor of the previous one: a pure rollback.
      removed = rangeDiff(this.graph, this.prev, commit).removed;
      pureRollback = true;
    }
    for (const x of added) {
      member[x] = 1;
      if (this.firstReach[x] === -1) this.firstReach[x] = stepIndex;
    }
    for (const x of removed) member[x] = 0;
    this.prev = commit;
    return { added, removed, baseline, pureRollback };
  }
}
