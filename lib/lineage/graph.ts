/**
 * A repository's commit graph as integer arrays: commit i's parents are
 * parentList[parentStart[i] .. parentStart[i+1]). Commits are numbered so that parents come
 * before children (the importer numbers them in `git rev-list --topo-order --reverse`
 * order), which lets the generation numbers be computed in one forward pass.
 */
export class CommitGraph {
  readonly shas: string[] = [];
  private parentStartArr = new Int32Array(1024);
  private parentListArr = new Int32Array(2048);
  private generationArr = new Int32Array(1024);
  private committedAtArr = new Float64Array(1024);
  private edgeCount = 0;
  private readonly index = new Map<string, number>();

  get size(): number {
    return this.shas.length;
  }

  /** Appends a commit whose parents are already in the graph; returns its index. */
  add(sha: string, parents: ArrayLike<number>, committedAtMs: number): number {
    const i = this.shas.length;
    if (i + 2 > this.parentStartArr.length) this.grow(i + 2);
    if (this.edgeCount + parents.length > this.parentListArr.length) {
      const next = new Int32Array(Math.max(this.parentListArr.length * 2, this.edgeCount + parents.length));
      next.set(this.parentListArr);
      this.parentListArr = next;
    }
    let generation = 1;
    for (let k = 0; k < parents.length; k++) {
      const p = parents[k]!;
      if (p < 0 || p >= i) throw new Error(`commit ${sha}: parent index ${p} is not an earlier commit`);
      this.parentListArr[this.edgeCount++] = p;
      const g = this.generationArr[p]! + 1;
      if (g > generation) generation = g;
    }
    this.parentStartArr[i + 1] = this.edgeCount;
    this.generationArr[i] = generation;
    this.committedAtArr[i] = committedAtMs;
    this.shas.push(sha);
    this.index.set(sha, i);
    return i;
  }

  private grow(min: number): void {
    const cap = Math.max(this.parentStartArr.length * 2, min);
    const ps = new Int32Array(cap);
    ps.set(this.parentStartArr);
    this.parentStartArr = ps;
    const gen = new Int32Array(cap);
    gen.set(this.generationArr);
    this.generationArr = gen;
    const at = new Float64Array(cap);
    at.set(this.committedAtArr);
    this.committedAtArr = at;
  }

  indexOf(sha: string): number | undefined {
    return this.index.get(sha);
  }

  parentsOf(i: number): Int32Array {
    return this.parentListArr.subarray(this.parentStartArr[i]!, this.parentStartArr[i + 1]!);
  }

  /** Raw arrays for the hot loops in walk.ts. */
  get arrays(): { parentStart: Int32Array; parentList: Int32Array; generation: Int32Array } {
    return {
      parentStart: this.parentStartArr,
      parentList: this.parentListArr,
      generation: this.generationArr,
    };
  }

  generation(i: number): number {
    return this.generationArr[i]!;
  }

  committedAt(i: number): number {
    return this.committedAtArr[i]!;
  }

  /** The first-parent chain ending at `tip`, oldest first. */
  firstParentChain(tip: number): number[] {
    const chain: number[] = [];
    const { parentStart, parentList } = this.arrays;
    let c = tip;
    for (;;) {
      chain.push(c);
      const start = parentStart[c]!;
      if (start === parentStart[c + 1]) break;
      c = parentList[start]!;
    }
    return chain.reverse();
  }
}
