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
  added: CommitSummary[];
  removed: CommitSummary[];
}

async function getCommitSummaries(
  db: Pick<Db, "pool">,
  repoId: number,
  idxs: number[],
): Promise<CommitSummary[]> {
  if (idxs.length === 0) return [];
  const { rows } = await db.pool.query<CommitSummary>(
    `SELECT sha, split_part(message, E'\\n', 1) AS headline, author_name AS author,
       to_char(committed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "committedAt"
     FROM "commit" WHERE repo_id = $1 AND idx = ANY($2::int[])
     ORDER BY committed_at DESC, idx DESC`,
    [repoId, idxs],
  );
  return rows;
}

/** `added` = git rev-list a..b, `removed` = git rev-list b..a. */
export async function diffRevisions(
  db: Pick<Db, "pool">,
  { repo, from, to }: { repo: string; from: string; to: string },
): Promise<DiffResult> {
  const repository = await getRepositoryOrThrow(db, repo);
  const [a, b] = [
    await resolveRevisionOrEnvironment(db, repository.id, from),
    await resolveRevisionOrEnvironment(db, repository.id, to),
  ];
  const graph = await getCommitGraph(db, repository);
  const { added, removed } = rangeDiff(graph, a.idx, b.idx);
  return {
    from: a.sha,
    to: b.sha,
    added: await getCommitSummaries(db, repository.id, added),
    removed: await getCommitSummaries(db, repository.id, removed),
  };
}
