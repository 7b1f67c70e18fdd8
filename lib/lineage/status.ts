import type { Db } from "../db/client";
import { AppError } from "../errors";
import type { CommitGraph } from "./graph";
import { getCommitGraph } from "./graph-cache";
import { type EnvironmentNow, findRepositoryOverviews, type RepositoryOverview } from "./overview";
import { rangeDiff } from "./walk";

export interface Waiting {
  /** `git rev-list <previous env's head> ^<this env's head> --count`. */
  count: number;
  /** The waiting commit with the oldest committer date: how long promotion has lagged. */
  oldest: { sha: string; committedAt: string } | null;
}

export interface EnvironmentStatus extends EnvironmentNow {
  /** The environment before this one in promotion order; null for the first. */
  previous: string | null;
  /**
   * What the previous environment runs that this one does not. Null for the first
   * environment and when the previous one has no counted event yet; when only this one has
   * none, everything the previous runs is waiting.
   */
  waiting: Waiting | null;
}

export interface RepositoryStatus extends Omit<RepositoryOverview, "environments"> {
  environments: EnvironmentStatus[];
}

/**
 * The main question in one call: per environment of a repository, what runs now and what
 * is waiting to be promoted into it from the environment before it.
 */
export async function getStatus(
  db: Pick<Db, "pool">,
  {
    repoId,
    overview: given,
  }: {
    repoId: number;
    /** findRepositoryOverviews' answer for this repository, when the caller has it already. */
    overview?: RepositoryOverview;
  },
): Promise<RepositoryStatus> {
  const [overview] = given?.id === repoId ? [given] : await findRepositoryOverviews(db, { repoId });
  if (!overview) throw new AppError("NOT_FOUND", `unknown repository id ${repoId}`);
  const graph = await getCommitGraph(db, { id: repoId, commitCount: overview.commitCount });
  const environments: EnvironmentStatus[] = [];
  let previous: EnvironmentNow | null = null;
  for (const env of overview.environments) {
    let waiting: Waiting | null = null;
    const prevHead = previous?.current ? graph.indexOf(previous.current.sha) : undefined;
    if (prevHead !== undefined) {
      const head = env.current ? graph.indexOf(env.current.sha) : undefined;
      waiting = waitingBetween(graph, head, prevHead);
    }
    environments.push({ ...env, previous: previous?.name ?? null, waiting });
    previous = env;
  }
  return { ...overview, environments };
}

// What waits between two heads depends on nothing but the graph below them, and a stored
// commit's parents never change: answers are kept per graph (the overview and repository
// pages ask the same question on every request until the next import moves a head).
const waitingCache = new WeakMap<CommitGraph, Map<string, Waiting>>();
const WAITING_CACHE_SIZE = 500;

function waitingBetween(graph: CommitGraph, head: number | undefined, prevHead: number): Waiting {
  const key = `${head === undefined ? "" : graph.shas[head]}:${graph.shas[prevHead]}`;
  let cache = waitingCache.get(graph);
  if (!cache) {
    cache = new Map();
    waitingCache.set(graph, cache);
  }
  let waiting = cache.get(key);
  if (!waiting) {
    // An environment with no event yet contains nothing: rev-list prevHead alone.
    const { added } = rangeDiff(graph, head === undefined ? [] : head, prevHead);
    waiting = { count: added.length, oldest: oldestCommit(graph, added) };
    if (cache.size >= WAITING_CACHE_SIZE) cache.clear();
    cache.set(key, waiting);
  }
  return { count: waiting.count, oldest: waiting.oldest && { ...waiting.oldest } };
}

/**
 * The commit with the earliest committer date, then the lowest idx (as ORDER BY committed_at,
 * idx would pick it), from the graph in memory: its dates are the stored ones to the
 * millisecond, so no query has to carry thousands of idx values to the database.
 */
export function oldestCommit(graph: CommitGraph, idxs: number[]): Waiting["oldest"] {
  let best = -1;
  let bestAt = 0;
  for (const i of idxs) {
    const at = graph.committedAt(i);
    if (best < 0 || at < bestAt || (at === bestAt && i < best)) {
      best = i;
      bestAt = at;
    }
  }
  return best < 0 ? null : { sha: graph.shas[best]!, committedAt: new Date(bestAt).toISOString() };
}
