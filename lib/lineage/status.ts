import type { Db } from "../db/client";
import { AppError } from "../errors";
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
  { repoId }: { repoId: number },
): Promise<RepositoryStatus> {
  const [overview] = await findRepositoryOverviews(db, { repoId });
  if (!overview) throw new AppError("NOT_FOUND", `unknown repository id ${repoId}`);
  const graph = await getCommitGraph(db, { id: repoId, commitCount: overview.commitCount });
  const environments: EnvironmentStatus[] = [];
  let previous: EnvironmentNow | null = null;
  for (const env of overview.environments) {
    let waiting: Waiting | null = null;
    const prevHead = previous?.current ? graph.indexOf(previous.current.sha) : undefined;
    if (prevHead !== undefined) {
      const head = env.current ? graph.indexOf(env.current.sha) : undefined;
      // An environment with no event yet contains nothing: rev-list prevHead alone.
      const { added } = rangeDiff(graph, head === undefined ? [] : head, prevHead);
      waiting = { count: added.length, oldest: await getOldestCommit(db, repoId, added) };
    }
    environments.push({ ...env, previous: previous?.name ?? null, waiting });
    previous = env;
  }
  return { ...overview, environments };
}

async function getOldestCommit(
  db: Pick<Db, "pool">,
  repoId: number,
  idxs: number[],
): Promise<Waiting["oldest"]> {
  if (idxs.length === 0) return null;
  const { rows } = await db.pool.query<{ sha: string; committed_at: Date }>(
    `SELECT sha, committed_at FROM "commit" WHERE repo_id = $1 AND idx = ANY($2::int[])
     ORDER BY committed_at, idx LIMIT 1`,
    [repoId, idxs],
  );
  return rows[0] ? { sha: rows[0].sha, committedAt: rows[0].committed_at.toISOString() } : null;
}
