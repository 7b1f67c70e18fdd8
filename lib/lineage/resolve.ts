import type { Db } from "../db/client";
import { AppError } from "../errors";

export interface ResolvedCommit {
  idx: number;
  sha: string;
}

/**
 * A revision as a user types it: a tag, a branch (local or remote-tracking, as in
 * refs/remotes/origin/x), a full ref name, a full SHA or a unique SHA prefix of 4+ hex
 * digits. Ref names win over SHA prefixes, as in git.
 */
export async function resolveRevision(
  db: Pick<Db, "pool">,
  repoId: number,
  rev: string,
): Promise<ResolvedCommit> {
  const { rows: refRows } = await db.pool.query<ResolvedCommit>(
    `SELECT c.idx, c.sha FROM git_ref r JOIN "commit" c ON c.repo_id = r.repo_id AND c.sha = r.sha
     WHERE r.repo_id = $1 AND r.name = ANY($2::text[])
     ORDER BY array_position($2::text[], r.name) LIMIT 1`,
    [
      repoId,
      [rev, `refs/tags/${rev}`, `refs/heads/${rev}`, `refs/remotes/${rev}`, `refs/remotes/origin/${rev}`],
    ],
  );
  if (refRows[0]) return refRows[0];
  const prefix = rev.toLowerCase();
  if (/^[0-9a-f]{4,40}$/.test(prefix)) {
    const { rows } = await db.pool.query<ResolvedCommit>(
      `SELECT idx, sha FROM "commit" WHERE repo_id = $1 AND sha >= $2 AND sha < $3 AND sha LIKE $4 LIMIT 2`,
      [repoId, prefix, `${prefix}g`, `${prefix}%`],
    );
    if (rows.length === 1) return rows[0]!;
    if (rows.length > 1)
      throw new AppError("INVALID_ARGUMENT", `ambiguous short SHA "${rev}": give more digits`);
  }
  throw new AppError("NOT_FOUND", `unknown revision "${rev}": not a known tag, branch or commit`);
}
