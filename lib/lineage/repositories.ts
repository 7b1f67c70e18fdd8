import type { Db } from "../db/client";
import { AppError } from "../errors";

export interface RepositoryRef {
  id: number;
  fullName: string;
  commitCount: number;
}

export async function getRepositoryOrThrow(db: Pick<Db, "pool">, fullName: string): Promise<RepositoryRef> {
  const { rows } = await db.pool.query<RepositoryRef>(
    `SELECT id, full_name AS "fullName", commit_count AS "commitCount" FROM repository WHERE lower(full_name) = lower($1)`,
    [fullName],
  );
  if (!rows[0])
    throw new AppError(
      "NOT_FOUND",
      `unknown repository "${fullName}": it has not been imported (run lineage import-git or sync)`,
    );
  return rows[0];
}

/** Every stored repository's "owner/name", in the order findRepositorySummaries lists them. */
export async function findRepositoryNames(db: Pick<Db, "pool">): Promise<string[]> {
  const { rows } = await db.pool.query<{ repo: string }>(
    "SELECT full_name AS repo FROM repository ORDER BY full_name",
  );
  return rows.map((r) => r.repo);
}

export interface RepositorySummary {
  repo: string;
  commits: number;
  /** The last completed `import-git`; null when the repository came from `lineage sync` only. */
  importedAt: string | null;
  /** The end of the last successful `lineage sync` that read this repository; null if none. */
  syncedAt: string | null;
  /** In promotion order. */
  environments: {
    name: string;
    source: "tags" | "branch" | "deployments";
    pattern: string;
    events: number;
  }[];
}

/** Every stored repository, by name: its environments and when it was last imported and synced. */
export async function findRepositorySummaries(db: Pick<Db, "pool">): Promise<RepositorySummary[]> {
  const { rows } = await db.pool.query<RepositorySummary>(
    `SELECT r.full_name AS repo, r.commit_count AS commits,
       to_char(r.imported_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "importedAt",
       (SELECT to_char(max(s.finished_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
        FROM github_sync_run s
        WHERE s.status = 'ok' AND lower(r.full_name) = ANY(SELECT lower(x) FROM unnest(s.repos) x)) AS "syncedAt",
       COALESCE((
         SELECT json_agg(json_build_object('name', env.name, 'source', env.source_kind, 'pattern', env.pattern,
                  'events', (SELECT count(*) FROM promotion_event pe WHERE pe.env_id = env.id))
                ORDER BY env.position)
         FROM environment env WHERE env.repo_id = r.id), '[]'::json) AS environments
     FROM repository r
     ORDER BY r.full_name`,
  );
  return rows;
}
