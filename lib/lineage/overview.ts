import type { Db } from "../db/client";
import { ROLLBACK_SQL } from "./events-query";

export interface EnvironmentNow {
  name: string;
  source: "tags" | "branch" | "deployments";
  pattern: string;
  /** The latest counted event: what the environment runs now. Null before its first event. */
  current: {
    ref: string;
    sha: string;
    headline: string;
    at: string;
    actor: string | null;
    /** The latest event dropped changes (or removed commits, when unknown whether superseded). */
    rollback: boolean;
    pureRollback: boolean;
  } | null;
  eventCount: number;
}

export interface RepositoryOverview {
  id: number;
  fullName: string;
  commitCount: number;
  /** The last completed `import-git`; null when the repository came from `lineage sync` only. */
  importedAt: string | null;
  /** The end of the last successful `lineage sync` that read this repository; null if none. */
  syncedAt: string | null;
  environments: EnvironmentNow[];
}

/**
 * Every repository (or only `repoId`) with what each of its environments runs now, in
 * promotion order.
 */
export async function findRepositoryOverviews(
  db: Pick<Db, "pool">,
  { repoId }: { repoId?: number } = {},
): Promise<RepositoryOverview[]> {
  const { rows } = await db.pool.query<{
    repo_id: number;
    full_name: string;
    commit_count: number;
    imported_at: Date | null;
    synced_at: Date | null;
    env_name: string | null;
    source_kind: EnvironmentNow["source"] | null;
    pattern: string | null;
    event_count: number | null;
    ref: string | null;
    sha: string | null;
    at: Date | null;
    actor: string | null;
    rollback: boolean | null;
    pure_rollback: boolean | null;
    headline: string | null;
  }>(
    `SELECT r.id AS repo_id, r.full_name, r.commit_count, r.imported_at,
       (SELECT max(s.finished_at) FROM github_sync_run s
        WHERE s.status = 'ok' AND lower(r.full_name) = ANY(SELECT lower(x) FROM unnest(s.repos) x)) AS synced_at,
       env.name AS env_name, env.source_kind, env.pattern,
       (SELECT count(*) FROM promotion_event pe WHERE pe.env_id = env.id) AS event_count,
       e.ref, e.sha, e.at, e.actor, e.rollback, e.is_pure_rollback AS pure_rollback, e.headline
     FROM repository r
     LEFT JOIN environment env ON env.repo_id = r.id
     -- The commit is looked up inside the lateral (one index probe per environment): joined
     -- outside, a planner without statistics hashed every commit of the repository.
     LEFT JOIN LATERAL (
       SELECT e.ref, e.sha, e.at, COALESCE(e.actor, c.committer_name) AS actor,
         ${ROLLBACK_SQL} AS rollback, e.is_pure_rollback,
         split_part(c.message, E'\n', 1) AS headline
       FROM promotion_event e LEFT JOIN "commit" c ON c.repo_id = r.id AND c.idx = e.commit_idx
       WHERE e.env_id = env.id AND e.counted ORDER BY e.seq DESC LIMIT 1) e ON true
     WHERE $1::int IS NULL OR r.id = $1
     ORDER BY r.full_name, env.position`,
    [repoId ?? null],
  );
  const byRepo = new Map<number, RepositoryOverview>();
  for (const row of rows) {
    let repo = byRepo.get(row.repo_id);
    if (!repo) {
      repo = {
        id: row.repo_id,
        fullName: row.full_name,
        commitCount: row.commit_count,
        importedAt: row.imported_at?.toISOString() ?? null,
        syncedAt: row.synced_at?.toISOString() ?? null,
        environments: [],
      };
      byRepo.set(row.repo_id, repo);
    }
    if (row.env_name === null) continue;
    repo.environments.push({
      name: row.env_name,
      source: row.source_kind!,
      pattern: row.pattern!,
      eventCount: row.event_count ?? 0,
      current: row.sha
        ? {
            ref: row.ref!,
            sha: row.sha,
            headline: row.headline ?? "",
            at: row.at!.toISOString(),
            actor: row.actor,
            rollback: row.rollback === true,
            pureRollback: row.pure_rollback === true,
          }
        : null,
    });
  }
  return [...byRepo.values()];
}
