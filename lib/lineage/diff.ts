import type { Db } from "../db/client";
import { getCommitGraph } from "./graph-cache";
import { getRepositoryOrThrow } from "./repositories";
import { resolveRevisionOrEnvironment } from "./resolve";
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
  /** Newest first; with a `limit`, only the first `limit` of each list. */
  added: CommitSummary[];
  removed: CommitSummary[];
  /** The full sizes of both sets, whatever the limit. */
  addedCount: number;
  removedCount: number;
}

async function getCommitSummaries(
  db: Pick<Db, "pool">,
  repoId: number,
  idxs: number[],
  limit: number | undefined,
  offset = 0,
): Promise<CommitSummary[]> {
  if (idxs.length === 0 || limit === 0 || offset >= idxs.length) return [];
  const { rows } = await db.pool.query<CommitSummary>(
    `SELECT sha, split_part(message, E'\\n', 1) AS headline, author_name AS author,
       to_char(committed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "committedAt"
     FROM "commit" WHERE repo_id = $1 AND idx = ANY($2::int[])
     ORDER BY committed_at DESC, idx DESC
     LIMIT $3 OFFSET $4`,
    [repoId, idxs, limit ?? null, Math.max(0, offset)],
  );
  return rows;
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
    addedOffset = 0,
    removedOffset = 0,
  }: { repo: string; from: string; to: string; limit?: number; addedOffset?: number; removedOffset?: number },
): Promise<DiffResult> {
  const repository = await getRepositoryOrThrow(db, repo);
  const a = await resolveRevisionOrEnvironment(db, repository.id, from);
  const b = await resolveRevisionOrEnvironment(db, repository.id, to);
  const graph = await getCommitGraph(db, repository);
  const { added, removed } = rangeDiff(graph, a.idx, b.idx);
  return {
    from: a.sha,
    to: b.sha,
    added: await getCommitSummaries(db, repository.id, added, limit, addedOffset),
    removed: await getCommitSummaries(db, repository.id, removed, limit, removedOffset),
    addedCount: added.length,
    removedCount: removed.length,
  };
}
