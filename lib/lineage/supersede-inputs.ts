import type { Db } from "../db/client";
import type { CommitGraph } from "./graph";
import { perHistory } from "./paths-cache";
import { pathSetKey, type SupersedeInputs } from "./supersede";

/**
 * Every commit's inputs to the superseded/dropped split (its path-set key, diff signature and
 * patch-id), loaded once per repository history and kept in memory like the commit graph, so
 * a diff of thousands of commits splits its removed side without reading them again (it read
 * every commit of both sides per request: a compare page 300 releases wide cost 150 ms of CPU).
 */
export class SplitInputs {
  constructor(
    /** pathSetKey per commit; only meaningful where `known` is 1. */
    private readonly keys: Uint32Array,
    /** 1 when the commit's changed paths are stored (a clone import), 0 otherwise. */
    private readonly known: Uint8Array,
    /** Diff signature per commit; NaN when none is stored. */
    private readonly sigs: Float64Array,
    private readonly patchIds: Map<number, string>,
  ) {}

  /** The inputs as classifyRemoved reads them; merges have no key (they follow what they reach). */
  for(graph: CommitGraph): SupersedeInputs {
    return {
      keyOf: (x) => (this.known[x] === 1 && graph.parentsOf(x).length <= 1 ? this.keys[x] : undefined),
      sigOf: (x) => {
        const s = this.sigs[x];
        return s === undefined || Number.isNaN(s) ? undefined : s;
      },
      patchIdOf: (x) => this.patchIds.get(x),
    };
  }
}

export const getSplitInputs = perHistory(load);

async function load(db: Pick<Db, "pool">, repoId: number): Promise<SplitInputs> {
  const { rows } = await db.pool.query<{
    idx: number;
    changed_paths: string[] | null;
    patch_id: string | null;
    signature: number | null;
  }>(
    `SELECT c.idx, c.changed_paths, c.patch_id, s.signature FROM "commit" c
     LEFT JOIN commit_diff_signature s ON s.repo_id = c.repo_id AND s.idx = c.idx
     WHERE c.repo_id = $1`,
    [repoId],
  );
  let size = 0;
  for (const r of rows) if (r.idx + 1 > size) size = r.idx + 1;
  const keys = new Uint32Array(size);
  const known = new Uint8Array(size);
  const sigs = new Float64Array(size).fill(Number.NaN);
  const patchIds = new Map<number, string>();
  for (const r of rows) {
    if (r.changed_paths !== null) {
      keys[r.idx] = pathSetKey(r.changed_paths);
      known[r.idx] = 1;
    }
    if (r.signature !== null) sigs[r.idx] = Number(r.signature);
    if (r.patch_id !== null) patchIds.set(r.idx, r.patch_id);
  }
  return new SplitInputs(keys, known, sigs, patchIds);
}
