import type { Db } from "../db/client";
import { getRepositoryOrThrow } from "./repositories";
import { resolveRevisionOrEnvironment } from "./resolve";

export interface EventRef {
  source: "tags" | "branch" | "deployments";
  ref: string;
  sha: string;
  at: string;
}

export interface WhereResult {
  sha: string;
  environments: {
    name: string;
    first: EventRef | null;
    current: boolean;
    /**
     * When no longer current: the latest event that removed it, and whether that event still
     * has its change under another SHA (superseded: cherry-picked or rebased; null: unknown).
     */
    removedBy: (EventRef & { superseded: boolean | null }) | null;
  }[];
}

/**
 * For each revision, per environment: the earliest counted event that contained it, and
 * whether the environment still runs it. Both are precomputed at import, so this is two
 * index lookups per revision.
 */
export async function findWhere(
  db: Pick<Db, "pool">,
  { repo, revisions }: { repo: string; revisions: string[] },
): Promise<WhereResult[]> {
  const repository = await getRepositoryOrThrow(db, repo);
  const resolved = [];
  for (const rev of revisions) resolved.push(await resolveRevisionOrEnvironment(db, repository.id, rev));
  const { rows } = await db.pool.query<{
    idx: number;
    name: string;
    current: boolean | null;
    source: EventRef["source"] | null;
    ref: string | null;
    sha: string | null;
    at: Date | null;
    rm_source: EventRef["source"] | null;
    rm_ref: string | null;
    rm_sha: string | null;
    rm_at: Date | null;
    rm_superseded: boolean | null;
  }>(
    `SELECT x.idx, env.name, r.current, e.source, e.ref, e.sha, e.at,
       rm.source AS rm_source, rm.ref AS rm_ref, rm.sha AS rm_sha, rm.at AS rm_at,
       rm.superseded_commits @> x.idx AS rm_superseded
     FROM unnest($2::int[]) AS x(idx)
     CROSS JOIN environment env
     LEFT JOIN env_reach r ON r.env_id = env.id AND r.commit_idx = x.idx
     LEFT JOIN promotion_event e ON e.id = r.first_event_id
     LEFT JOIN LATERAL (
       SELECT source, ref, sha, at, superseded_commits FROM promotion_event pe
       WHERE NOT r.current AND pe.env_id = env.id AND pe.counted AND pe.removed_commits @> x.idx
       ORDER BY pe.seq DESC LIMIT 1) rm ON true
     WHERE env.repo_id = $1
     ORDER BY env.position`,
    // Two arguments may name one commit (a tag and its SHA): each commit's rows come once.
    [repository.id, [...new Set(resolved.map((r) => r.idx))]],
  );
  return resolved.map((r) => ({
    sha: r.sha,
    environments: rows
      .filter((row) => row.idx === r.idx)
      .map((row) => ({
        name: row.name,
        first: row.source
          ? { source: row.source, ref: row.ref!, sha: row.sha!, at: row.at!.toISOString() }
          : null,
        current: row.current === true,
        removedBy: row.rm_source
          ? {
              source: row.rm_source,
              ref: row.rm_ref!,
              sha: row.rm_sha!,
              at: row.rm_at!.toISOString(),
              superseded: row.rm_superseded,
            }
          : null,
      })),
  }));
}
