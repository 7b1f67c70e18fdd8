import type { Db } from "../db/client";
import { AppError } from "../errors";
import { getRepositoryOrThrow } from "./repositories";

export interface PromotionEventRow {
  seq: number;
  at: string;
  source: "tags" | "branch" | "deployments";
  ref: string;
  sha: string;
  actor: string | null;
  counted: boolean;
  status: string | null;
  baseline: boolean;
  added: number;
  removed: number;
  rollback: boolean;
}

/**
 * An environment's release history, oldest first: the latest `limit` events, of those at or
 * after `from` and before `to` when given.
 */
export async function findEnvironmentEvents(
  db: Pick<Db, "pool">,
  {
    repo,
    environment,
    limit,
    from,
    to,
  }: { repo: string; environment: string; limit?: number; from?: Date; to?: Date },
): Promise<PromotionEventRow[]> {
  const repository = await getRepositoryOrThrow(db, repo);
  const { rows: envs } = await db.pool.query<{ id: number }>(
    "SELECT id FROM environment WHERE repo_id = $1 AND name = $2",
    [repository.id, environment],
  );
  if (!envs[0]) {
    const { rows } = await db.pool.query<{ name: string }>(
      "SELECT name FROM environment WHERE repo_id = $1 ORDER BY position",
      [repository.id],
    );
    throw new AppError(
      "NOT_FOUND",
      `unknown environment "${environment}" of ${repository.fullName} (known: ${rows.map((r) => r.name).join(", ") || "none"})`,
    );
  }
  const { rows } = await db.pool.query<PromotionEventRow>(
    `SELECT * FROM (
       SELECT e.seq, to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at, e.source, e.ref, e.sha,
         COALESCE(e.actor, c.committer_name) AS actor, e.counted, e.status, e.is_baseline AS baseline,
         e.added_count AS added, e.removed_count AS removed, (e.removed_count > 0) AS rollback
       FROM promotion_event e JOIN "commit" c ON c.repo_id = $3 AND c.idx = e.commit_idx
       WHERE e.env_id = $1 AND ($4::timestamptz IS NULL OR e.at >= $4) AND ($5::timestamptz IS NULL OR e.at < $5)
       ORDER BY e.seq DESC LIMIT $2) t
     ORDER BY seq`,
    [envs[0].id, limit ?? null, repository.id, from ?? null, to ?? null],
  );
  return rows;
}
