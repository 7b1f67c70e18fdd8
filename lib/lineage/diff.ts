import type { Db } from "../db/client";
import type { CommitGraph } from "./graph";
import { getCommitGraph } from "./graph-cache";
import { getRepositoryOrThrow, type RepositoryRef } from "./repositories";
import { type ResolvedCommit, resolveRevisionOrEnvironment } from "./resolve";
import { classifyRemoved } from "./supersede";
import { getSplitInputs } from "./supersede-inputs";
import { rangeDiff } from "./walk";

export interface CommitSummary {
  sha: string;
  headline: string;
  author: string;
  committedAt: string;
}

export interface DiffResult {
  from: string;
  to: string;
  /** Newest first; with `offset` and `limit`, that slice of each list. */
  added: CommitSummary[];
  removed: CommitSummary[];
  /** The full sizes of both sets, whatever the limit. */
  addedCount: number;
  removedCount: number;
  /**
   * `removed` (the slice shown) split as `git cherry -v <to> <from>` does: superseded when a
   * commit of `added` has the same patch-id (the change is there under another SHA), else
   * dropped. Null when a patch-id it needs was never computed (import-git computes those its
   * events need; GitHub gives no diffs).
   */
  superseded: CommitSummary[] | null;
  dropped: CommitSummary[] | null;
  /** Sizes of the two parts of the whole removed set, whatever the limit; null: unknown. */
  supersededCount: number | null;
  droppedCount: number | null;
}

/**
 * The commits `idxs`, newest first (committer date, then idx), from `offset`, at most `limit`.
 * The order comes from the graph in memory, so only the commits shown are read: a page of a
 * diff of 50,000 commits reads 100 rows, not 50,000.
 */
async function getCommitSummaries(
  db: Pick<Db, "pool">,
  repoId: number,
  graph: CommitGraph,
  idxs: number[],
  { offset = 0, limit }: { offset?: number; limit?: number },
): Promise<CommitSummary[]> {
  const shown = newestFirst(graph, idxs, offset, limit);
  if (shown.length === 0) return [];
  const { rows } = await db.pool.query<CommitSummary & { idx: number }>(
    `SELECT c.idx, sha, split_part(message, E'\\n', 1) AS headline, author_name AS author,
       to_char(committed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "committedAt"
     FROM unnest($2::int[]) WITH ORDINALITY AS s(idx, n)
     JOIN "commit" c ON c.repo_id = $1 AND c.idx = s.idx
     ORDER BY s.n`,
    [repoId, shown],
  );
  return rows.map(({ idx: _, ...summary }) => summary);
}

// The last few ranges walked, per graph: paging through a compare (or the API's diff pages)
// asks for the same range again and again, and a range of 65,000 commits takes 5-20 ms to walk.
// A stored commit's parents never change, so an answer stays true. Read-only for callers.
const rangeCache = new WeakMap<CommitGraph, Map<string, { added: number[]; removed: number[] }>>();
const RANGE_CACHE_SIZE = 16;

function cachedRangeDiff(
  graph: CommitGraph,
  from: number,
  to: number,
): { added: number[]; removed: number[] } {
  let cache = rangeCache.get(graph);
  if (!cache) {
    cache = new Map();
    rangeCache.set(graph, cache);
  }
  const key = `${graph.shas[from]}:${graph.shas[to]}`;
  const hit = cache.get(key);
  if (hit) {
    // Most recently used last: the oldest entry is the first one dropped.
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const diff = rangeDiff(graph, from, to);
  if (cache.size >= RANGE_CACHE_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(key, diff);
  return diff;
}

const byNewest = (graph: CommitGraph) => (x: number, y: number) =>
  graph.committedAt(y) - graph.committedAt(x) || y - x;

/**
 * `idxs` sorted newest first (committer date, then idx, both descending), from `offset`, at
 * most `limit`. A page of a large set sorts only its candidates: the dates alone go through
 * a native numeric sort to find the date of the page's last commit, and only the commits at
 * or after that date (every one that can be on the page, ties included) are sorted with the
 * tie-break. Same answer as sorting everything, about 5× sooner for 65,000 commits.
 */
export function newestFirst(graph: CommitGraph, idxs: number[], offset: number, limit?: number): number[] {
  const need = limit === undefined ? idxs.length : offset + limit;
  if (need >= idxs.length || idxs.length < 1000) {
    return [...idxs].sort(byNewest(graph)).slice(offset, limit === undefined ? undefined : offset + limit);
  }
  if (limit === 0 || offset >= idxs.length) return [];
  const dates = new Float64Array(idxs.length);
  for (let k = 0; k < idxs.length; k++) dates[k] = graph.committedAt(idxs[k]!);
  dates.sort();
  // The need-th latest date: every commit on the page is at or after it.
  const threshold = dates[idxs.length - need]!;
  return idxs
    .filter((i) => graph.committedAt(i) >= threshold)
    .sort(byNewest(graph))
    .slice(offset, offset + limit!);
}

/**
 * `added` = git rev-list a..b, `removed` = git rev-list b..a. With `limit`, one page of each
 * list: `addedOffset` / `removedOffset` skip that many of the newest first.
 */
export async function diffRevisions(
  db: Pick<Db, "pool">,
  {
    repo,
    from,
    to,
    limit,
    offset,
    addedOffset = offset ?? 0,
    removedOffset = offset ?? 0,
    resolved,
  }: {
    repo: string;
    from: string;
    to: string;
    limit?: number;
    /** Both lists from here; or each from its own (the compare page pages them apart). */
    offset?: number;
    addedOffset?: number;
    removedOffset?: number;
    /** The repository and both revisions, when the caller has resolved them already. */
    resolved?: { repository: RepositoryRef; from: ResolvedCommit; to: ResolvedCommit };
  },
): Promise<DiffResult> {
  const repository = resolved?.repository ?? (await getRepositoryOrThrow(db, repo));
  const a = resolved?.from ?? (await resolveRevisionOrEnvironment(db, repository.id, from));
  const b = resolved?.to ?? (await resolveRevisionOrEnvironment(db, repository.id, to));
  const graph = await getCommitGraph(db, repository);
  const { added, removed } = cachedRangeDiff(graph, a.idx, b.idx);
  const split = await splitRemoved(db, { repoId: repository.id, graph, added, removed });
  const removedSummaries = await getCommitSummaries(db, repository.id, graph, removed, {
    offset: removedOffset,
    limit,
  });
  const supersededShas = new Set(split?.superseded.map((x) => graph.shas[x]));
  return {
    from: a.sha,
    to: b.sha,
    added: await getCommitSummaries(db, repository.id, graph, added, { offset: addedOffset, limit }),
    removed: removedSummaries,
    addedCount: added.length,
    removedCount: removed.length,
    superseded: split ? removedSummaries.filter((c) => supersededShas.has(c.sha)) : null,
    dropped: split ? removedSummaries.filter((c) => !supersededShas.has(c.sha)) : null,
    supersededCount: split ? split.superseded.length : null,
    droppedCount: split ? split.dropped.length : null,
  };
}

/** classifyRemoved over the paths and patch-ids stored for the non-merge commits involved. */
async function splitRemoved(
  db: Pick<Db, "pool">,
  {
    repoId,
    graph,
    added,
    removed,
  }: { repoId: number; graph: CommitGraph; added: number[]; removed: number[] },
) {
  if (removed.length === 0) return classifyRemoved(graph, { added, removed }, NO_INPUTS);
  const inputs = await getSplitInputs(db, repoId);
  return classifyRemoved(graph, { added, removed }, inputs.for(graph));
}

const NO_INPUTS = { keyOf: () => undefined, patchIdOf: () => undefined };
