import type { CommitGraph } from "./graph";

/** The patch-id stored for a commit whose diff is empty (git patch-id prints none). */
export const EMPTY_PATCH_ID = "0".repeat(40);

/**
 * A hash of the set of paths a commit changes, independent of their order. Equal patch-ids
 * imply equal path sets (git patch-id hashes each file's `diff --git a/… b/…` line), so
 * only commits with equal keys can be equivalent: the key picks the few commits whose
 * patch-ids are worth asking git for. Collisions only cost a patch-id more.
 */
export function pathSetKey(paths: readonly string[]): number {
  let sum = paths.length;
  for (const path of paths) {
    let h = 0x811c9dc5;
    for (let i = 0; i < path.length; i++) h = Math.imul(h ^ path.charCodeAt(i), 0x01000193);
    sum = (sum + (h >>> 0)) >>> 0;
  }
  return sum;
}

export interface SupersedeInputs {
  /** pathSetKey of a commit's changed paths; undefined when unknown (a GitHub-only commit). */
  keyOf: (x: number) => number | undefined;
  /** The commit's patch-id; undefined when not computed. */
  patchIdOf: (x: number) => string | undefined;
  /**
   * A second necessary condition for equal patch-ids (lib/git/diff-signatures.ts): commits
   * whose signatures are both known and differ cannot be equivalent. NaN or undefined:
   * unknown, may equal anything with the same path set.
   */
  sigOf?: (x: number) => number | undefined;
}

/** Scratch arrays over commit numbers, reused from event to event (stamps, no clearing). */
class Scratch {
  stamp = 0;
  mark: Int32Array;
  /** For removed commits under the current stamp: 1 dropped, 2 superseded, 4 candidate. */
  state: Uint8Array;
  constructor(size: number) {
    this.mark = new Int32Array(size);
    this.state = new Uint8Array(size);
  }
}
const scratches = new WeakMap<CommitGraph, Scratch>();
function scratchFor(graph: CommitGraph): Scratch {
  let s = scratches.get(graph);
  if (!s || s.mark.length < graph.size) {
    s = new Scratch(graph.size);
    scratches.set(graph, s);
  }
  if (++s.stamp === 0x7fffffff) {
    s.mark.fill(0);
    s.stamp = 1;
  }
  return s;
}

const known = (sig: number | undefined): sig is number => sig !== undefined && !Number.isNaN(sig);

/**
 * Every commit's path-set key and diff signature as dense numbers (-1: unknown), so that
 * matching one event's sides takes typed-array lookups, not hash sets: a `v*` environment
 * spanning maintenance lines has events removing tens of thousands of commits.
 */
export class CandidateIndex {
  readonly keyId: Int32Array;
  readonly sigId: Int32Array;
  private readonly isolated: Uint8Array;
  // Per key or signature id: the stamp of the last event that set the flag.
  private readonly keyInAdded: Int32Array;
  private readonly keyUnknownSigInAdded: Int32Array;
  private readonly sigInAdded: Int32Array;
  private readonly keyHit: Int32Array;
  private readonly keyHitUnknownSig: Int32Array;
  private readonly sigHit: Int32Array;
  private stamp = 0;

  /** Over the graph's non-merge commits, or only those listed in `only` (no other is asked). */
  constructor(
    graph: CommitGraph,
    keyOf: SupersedeInputs["keyOf"],
    sigOf: SupersedeInputs["sigOf"] = () => undefined,
    only?: readonly (readonly number[])[],
  ) {
    const size = graph.size;
    const { parentStart } = graph.arrays;
    this.keyId = new Int32Array(size).fill(-1);
    this.sigId = new Int32Array(size).fill(-1);
    const keys = new Map<number, number>();
    const sigs = new Map<number, number>();
    const each = only ? only.flat() : Array.from({ length: size }, (_, x) => x);
    for (const x of each) {
      if (parentStart[x + 1]! - parentStart[x]! > 1) continue; // merges have no patch-id
      const k = keyOf(x);
      if (k === undefined) this.keyId[x] = -1;
      else {
        let id = keys.get(k);
        if (id === undefined) {
          id = keys.size;
          keys.set(k, id);
        }
        this.keyId[x] = id;
      }
      const sig = sigOf(x);
      if (!known(sig)) this.sigId[x] = -1;
      else {
        let id = sigs.get(sig);
        if (id === undefined) {
          id = sigs.size;
          sigs.set(sig, id);
        }
        this.sigId[x] = id;
      }
    }
    // A commit whose signature no other commit has, in a path set where every signature is
    // known, can equal no other commit: most commits, which the event passes skip at once.
    this.isolated = new Uint8Array(size);
    const sigCount = new Int32Array(sigs.size);
    const keyHasUnknownSig = new Uint8Array(keys.size);
    let anyUnknownKey = false;
    for (const x of each) {
      if (parentStart[x + 1]! - parentStart[x]! > 1) continue;
      const k = this.keyId[x]!;
      const sg = this.sigId[x]!;
      if (k < 0) anyUnknownKey = true;
      else if (sg < 0) keyHasUnknownSig[k] = 1;
      else sigCount[sg]!++;
    }
    if (!anyUnknownKey) {
      for (const x of each) {
        const k = this.keyId[x]!;
        const sg = this.sigId[x]!;
        if (k >= 0 && sg >= 0 && sigCount[sg] === 1 && !keyHasUnknownSig[k]) this.isolated[x] = 1;
      }
    }
    this.keyInAdded = new Int32Array(keys.size);
    this.keyUnknownSigInAdded = new Int32Array(keys.size);
    this.keyHit = new Int32Array(keys.size);
    this.keyHitUnknownSig = new Int32Array(keys.size);
    this.sigInAdded = new Int32Array(sigs.size);
    this.sigHit = new Int32Array(sigs.size);
  }

  /**
   * The non-merge commits of one event that may have a patch-id equal to one on the other
   * side: same path-set key (or an unknown one), and equal or unknown signatures. Removed
   * ones first.
   */
  candidates(graph: CommitGraph, added: readonly number[], removed: readonly number[]): number[] {
    const out: number[] = [];
    if (removed.length === 0) return out;
    const { parentStart } = graph.arrays;
    const { keyId, sigId, isolated } = this;
    const addedNonMerges: number[] = [];
    const stamp = ++this.stamp;
    let addedAnyKey = false;
    for (const a of added) {
      if (isolated[a] || parentStart[a + 1]! - parentStart[a]! > 1) continue;
      addedNonMerges.push(a);
      const k = keyId[a]!;
      if (k < 0) addedAnyKey = true;
      else {
        this.keyInAdded[k] = stamp;
        const sg = sigId[a]!;
        if (sg < 0) this.keyUnknownSigInAdded[k] = stamp;
        else this.sigInAdded[sg] = stamp;
      }
    }
    if (addedNonMerges.length === 0) return out;
    let hitAll = false; // a removed commit of unknown key matched: every added one may equal it
    let anyHit = false;
    for (const r of removed) {
      if (isolated[r] || parentStart[r + 1]! - parentStart[r]! > 1) continue;
      const k = keyId[r]!;
      if (k < 0) {
        hitAll = anyHit = true;
        out.push(r);
        continue;
      }
      const sg = sigId[r]!;
      if (!addedAnyKey) {
        if (this.keyInAdded[k] !== stamp) continue;
        if (sg >= 0 && this.sigInAdded[sg] !== stamp && this.keyUnknownSigInAdded[k] !== stamp) continue;
      }
      anyHit = true;
      if (sg < 0) this.keyHitUnknownSig[k] = stamp;
      else this.sigHit[sg] = stamp;
      this.keyHit[k] = stamp;
      out.push(r);
    }
    if (!anyHit) return out;
    for (const a of addedNonMerges) {
      const k = keyId[a]!;
      let hit: boolean;
      if (hitAll || k < 0) hit = true;
      else if (this.keyHit[k] !== stamp) hit = false;
      else {
        const sg = sigId[a]!;
        hit = sg < 0 || this.keyHitUnknownSig[k] === stamp || this.sigHit[sg] === stamp;
      }
      if (hit) out.push(a);
    }
    return out;
  }
}

/**
 * The commits whose patch-ids `classifyRemoved` needs: each non-merge removed commit and
 * each non-merge added commit that may equal one on the other side (same path-set key,
 * and signatures equal or unknown). A commit whose key is unknown may match anything.
 * Builds a CandidateIndex over the whole graph: for many events, build one and use it.
 */
export function patchIdCandidates(
  graph: CommitGraph,
  { added, removed }: { added: readonly number[]; removed: readonly number[] },
  keyOf: SupersedeInputs["keyOf"],
  sigOf?: SupersedeInputs["sigOf"],
): number[] {
  if (removed.length === 0) return [];
  const { parentStart } = graph.arrays;
  if (added.every((a) => parentStart[a + 1]! - parentStart[a]! > 1)) return [];
  return new CandidateIndex(graph, keyOf, sigOf, [added, removed]).candidates(graph, added, removed);
}

/**
 * Whether a removed merge reaches a dropped commit through removed commits. Depth-first over
 * removed commits only (`mark` = the scratch stamp): a path from a removed merge to any removed
 * commit stays inside removed (whatever is not removed is in anc(new), and so are its
 * ancestors). `state` per removed commit: 1 dropped, 2 superseded, anything else undecided;
 * the walk decides every merge it passes (1 when it reaches a dropped commit, else 2).
 */
function reachesDropped(graph: CommitGraph, scratch: Scratch, start: number): boolean {
  const { parentStart, parentList } = graph.arrays;
  const { mark, state, stamp } = scratch;
  const stack = [start];
  while (stack.length) {
    const x = stack[stack.length - 1]!;
    if (state[x] === 1 || state[x] === 2) {
      stack.pop();
      continue;
    }
    let pending = false;
    let dirty = false;
    for (let i = parentStart[x]!; i < parentStart[x + 1]!; i++) {
      const p = parentList[i]!;
      if (mark[p] !== stamp) continue;
      const st = state[p];
      if (st === 1) dirty = true;
      else if (st !== 2) {
        stack.push(p);
        pending = true;
      }
    }
    if (!pending) {
      state[x] = dirty ? 1 : 2;
      stack.pop();
    }
  }
  return state[start] === 1;
}

/**
 * classifyRemoved's answer when no removed commit is a candidate (no patch-id can match):
 * every non-merge is dropped, and a merge is superseded only when it reaches no removed
 * non-merge through removed commits. Returns the superseded merges and the dropped count.
 */
export function splitWithoutCandidates(
  graph: CommitGraph,
  removed: readonly number[],
): { superseded: number[]; droppedCount: number } {
  const { parentStart } = graph.arrays;
  const scratch = scratchFor(graph);
  const { mark, state } = scratch;
  const stamp = scratch.stamp;
  const merges: number[] = [];
  for (const r of removed) {
    mark[r] = stamp;
    if (parentStart[r + 1]! - parentStart[r]! > 1) {
      state[r] = 0;
      merges.push(r);
    } else state[r] = 1;
  }
  const superseded: number[] = [];
  if (merges.length === 0) return { superseded, droppedCount: removed.length };
  for (const m of merges) if (!reachesDropped(graph, scratch, m)) superseded.push(m);
  return { superseded, droppedCount: removed.length - superseded.length };
}

/**
 * Splits an event's removed commits into superseded (the change is still there under
 * another SHA: a non-merge added commit has the same patch-id, which is what `git cherry
 * -v <new> <old>` marks `-`) and dropped (`+`). Null when a needed patch-id is unknown.
 *
 * Merges have no patch-id (git cherry lists none). A removed merge counts as superseded when
 * no dropped commit is reachable from it through removed commits, and as dropped otherwise:
 * a merge carries no change of its own beyond the commits it joins, so it is gone exactly
 * when one of them is. (Conflict resolutions in a merge are not compared.) So an event drops
 * something exactly when `git cherry` prints a `+` line.
 */
export function classifyRemoved(
  graph: CommitGraph,
  { added, removed }: { added: readonly number[]; removed: readonly number[] },
  { keyOf, patchIdOf, sigOf }: SupersedeInputs,
  /** The event's patchIdCandidates, when the caller has them. */
  candidatesKnown?: readonly number[],
): { superseded: number[]; dropped: number[] } | null {
  const superseded: number[] = [];
  const dropped: number[] = [];
  if (removed.length === 0) return { superseded, dropped };
  const { parentStart } = graph.arrays;
  const isMerge = (x: number) => parentStart[x + 1]! - parentStart[x]! > 1;
  const candidates = candidatesKnown ?? patchIdCandidates(graph, { added, removed }, keyOf, sigOf);
  const scratch = scratchFor(graph);
  const { mark, state } = scratch;
  const stamp = scratch.stamp;
  for (const r of removed) {
    mark[r] = stamp;
    state[r] = 0;
  }
  const addedIds = new Set<string>();
  for (const x of candidates) {
    if (mark[x] === stamp) {
      state[x] = 4; // a removed candidate
      continue;
    }
    const id = patchIdOf(x);
    if (id === undefined) return null;
    addedIds.add(id);
  }
  // Non-merges first; merges then follow what they reach.
  const merges: number[] = [];
  for (const r of removed) {
    if (isMerge(r)) {
      merges.push(r);
      continue;
    }
    let isSuperseded = false;
    if (state[r] === 4) {
      const id = patchIdOf(r);
      if (id === undefined) return null;
      isSuperseded = addedIds.has(id);
    }
    state[r] = isSuperseded ? 2 : 1;
    (isSuperseded ? superseded : dropped).push(r);
  }
  if (merges.length === 0) return { superseded, dropped };
  if (dropped.length === 0) return { superseded: [...superseded, ...merges], dropped };
  for (const m of merges) (reachesDropped(graph, scratch, m) ? dropped : superseded).push(m);
  return { superseded, dropped };
}
