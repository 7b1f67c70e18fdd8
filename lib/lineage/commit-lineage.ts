import type { Db } from "../db/client";
import { findWhere, type WhereResult } from "./where";

export interface CommitLineage {
  sha: string;
  /** Parent SHAs, first parent first. */
  parents: string[];
  author: string;
  committedAt: string;
  headline: string;
  /**
   * Pull requests that contain the commit or merged as it (their merge commit), by number;
   * null when the repository has no GitHub data (never synced).
   */
  pullRequests: number[] | null;
  /** As `where` answers for the commit. */
  environments: WhereResult["environments"];
}

/** One commit: its own fields, its pull requests and, per environment, `where`'s answer. */
export async function getCommitLineage(
  db: Pick<Db, "pool">,
  { repo, revision }: { repo: string; revision: string },
): Promise<CommitLineage> {
  // findWhere resolves the revision and the repository (throwing NOT_FOUND as the CLI does).
  const [where] = await findWhere(db, { repo, revisions: [revision] });
  const { sha, environments } = where!;
  const { rows } = await db.pool.query<Omit<CommitLineage, "sha" | "environments">>(
    `SELECT
       ARRAY(SELECT p.sha FROM unnest(c.parents) WITH ORDINALITY AS u(idx, n)
             JOIN "commit" p ON p.repo_id = c.repo_id AND p.idx = u.idx ORDER BY u.n) AS parents,
       c.author_name AS author,
       to_char(c.committed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "committedAt",
       split_part(c.message, E'\\n', 1) AS headline,
       CASE WHEN EXISTS (SELECT 1 FROM github_sync_state s WHERE s.repo_id = c.repo_id) THEN ARRAY(
         SELECT pr_number FROM github_pull_request_commit WHERE repo_id = c.repo_id AND sha = c.sha
         UNION
         SELECT number FROM github_pull_request WHERE repo_id = c.repo_id AND merge_commit_sha = c.sha
         ORDER BY 1) END AS "pullRequests"
     FROM "commit" c JOIN repository r ON r.id = c.repo_id
     WHERE lower(r.full_name) = lower($1) AND c.sha = $2`,
    [repo, sha],
  );
  return { sha, ...rows[0]!, environments };
}
