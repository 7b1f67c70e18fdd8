import type { Db } from "../db/client";
import { AppError } from "../errors";
import type { EventStatusFilter, EventStatusKind } from "./event-status";
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
  /** Removed commits whose change is still there under another SHA (cherry-picked, rebased); null: unknown. */
  superseded: number | null;
  /** Removed commits whose change is gone; null: unknown (history read from GitHub only). */
  dropped: number | null;
  /** Something dropped (or, when that is unknown, anything removed). */
  rollback: boolean;
  /** The event's commit is an ancestor of the previous one's: an older release redeployed. */
  pureRollback: boolean;
}

/** SQL for the rollback flag of promotion_event `e`: dropped non-empty, or removed when unknown. */
export const ROLLBACK_SQL = "(e.removed_count - COALESCE(e.superseded_count, 0) > 0)";

/** The columns every PromotionEventRow query selects for the split (`e`: promotion_event). */
export const SPLIT_COLUMNS = `e.superseded_count AS superseded, e.removed_count - e.superseded_count AS dropped,
  ${ROLLBACK_SQL} AS rollback, e.is_pure_rollback AS "pureRollback"`;

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
         ${actorSql("$3")} AS actor, e.counted, e.status, e.is_baseline AS baseline,
         e.added_count AS added, e.removed_count AS removed,
         ${SPLIT_COLUMNS}
       FROM promotion_event e
       WHERE e.env_id = $1 AND ($4::timestamptz IS NULL OR e.at >= $4) AND ($5::timestamptz IS NULL OR e.at < $5)
       ORDER BY e.seq DESC LIMIT $2) t
     ORDER BY seq`,
    [envs[0].id, limit ?? null, repository.id, from ?? null, to ?? null],
  );
  return rows;
}

/**
 * The event's actor: its own (tagger, deployer), else its commit's committer. A scalar
 * subquery, so each event looks its commit up by primary key (about 1 µs); joined to
 * "commit" instead, the planner hashed all 80,000 commits to find 1,000 (15-40 ms). Every
 * event's commit_idx is a stored commit, so nothing an inner join kept is lost.
 */
function actorSql(repoParam: string): string {
  return `COALESCE(e.actor, (SELECT c.committer_name FROM "commit" c WHERE c.repo_id = ${repoParam} AND c.idx = e.commit_idx))`;
}

export type EventSortColumn = "at" | "ref" | "actor" | "added" | "removed";
export const EVENT_SORT_COLUMNS: readonly EventSortColumn[] = ["at", "ref", "actor", "added", "removed"];

/** One event of the release history page: the stored row plus its PR count and status. */
export interface ReleaseHistoryEvent extends PromotionEventRow {
  /** See eventStatusKind; computed in SQL (EVENT_STATUS_SQL) so it can be filtered on. */
  statusKind: EventStatusKind;
  /** Distinct PRs (synced from GitHub) merged by, or with a commit in, the event's added commits. */
  prs: number;
}

export interface EventsPageFilter {
  /** At or after. */
  from?: Date;
  /** Before. */
  to?: Date;
  status?: EventStatusFilter;
  /** Exact actor (tagger, deployer or committer), case-insensitive. */
  actor?: string;
}

export interface EventsPage {
  repository: { id: number; fullName: string };
  environment: { id: number; name: string; source: PromotionEventRow["source"]; pattern: string };
  /** This page, in the requested order. */
  events: ReleaseHistoryEvent[];
  /** Events matching the filter, across all pages. */
  total: number;
  /** Events of the environment, unfiltered. */
  environmentTotal: number;
  /** Every actor of the environment's events (for the filter), by name; at most 500. */
  actors: string[];
}

// Mirrors eventStatusKind() in event-status.ts.
const EVENT_STATUS_SQL = `CASE
  WHEN e.counted THEN CASE WHEN e.is_baseline THEN 'baseline' WHEN ${ROLLBACK_SQL} THEN 'rollback' ELSE 'success' END
  WHEN upper(COALESCE(e.status, '')) IN ('FAILURE', 'ERROR') THEN 'failed'
  WHEN upper(COALESCE(e.status, '')) IN ('PENDING', 'QUEUED', 'IN_PROGRESS', 'WAITING') THEN 'in-progress'
  ELSE 'unknown' END`;

const SORT_SQL: Record<EventSortColumn, string> = {
  at: "e.seq",
  ref: "e.ref",
  actor: `lower(${actorSql("$2")})`,
  added: "e.added_count",
  removed: "e.removed_count",
};

/** The environment of a repository, or NOT_FOUND naming the environments it has. One query when found. */
export async function getEnvironmentOrThrow(
  db: Pick<Db, "pool">,
  { repo, environment }: { repo: string; environment: string },
): Promise<EventsPage["repository"] & { env: EventsPage["environment"] }> {
  const { rows: found } = await db.pool.query<{
    id: number;
    fullName: string;
    envId: number | null;
    name: string;
    source: PromotionEventRow["source"];
    pattern: string;
  }>(
    `SELECT r.id, r.full_name AS "fullName", env.id AS "envId", env.name, env.source_kind AS source, env.pattern
     FROM repository r LEFT JOIN environment env ON env.repo_id = r.id AND env.name = $2
     WHERE lower(r.full_name) = lower($1)`,
    [repo, environment],
  );
  const hit = found[0];
  if (hit?.envId != null) {
    return {
      id: hit.id,
      fullName: hit.fullName,
      env: { id: hit.envId, name: hit.name, source: hit.source, pattern: hit.pattern },
    };
  }
  // Not found: the repository's own error, or the environments it has.
  const repository = await getRepositoryOrThrow(db, repo);
  const { rows } = await db.pool.query<{ name: string }>(
    "SELECT name FROM environment WHERE repo_id = $1 ORDER BY position",
    [repository.id],
  );
  throw new AppError(
    "NOT_FOUND",
    `${repository.fullName} has no environment "${environment}" (its environments: ${rows.map((r) => r.name).join(", ") || "none"})`,
  );
}

/**
 * One page of an environment's release history, filtered and sorted in SQL, with the total
 * that matches the filter: environments with thousands of events are never read whole.
 */
export async function findEnvironmentEventsPage(
  db: Pick<Db, "pool">,
  {
    repo,
    environment,
    filter = {},
    sort = { column: "at", desc: true },
    offset = 0,
    limit = 50,
    resolved,
  }: {
    repo: string;
    environment: string;
    filter?: EventsPageFilter;
    sort?: { column: EventSortColumn; desc: boolean };
    offset?: number;
    limit?: number;
    /** getEnvironmentOrThrow's answer for repo and environment, when the caller has it already. */
    resolved?: Awaited<ReturnType<typeof getEnvironmentOrThrow>>;
  },
): Promise<EventsPage> {
  const { env, ...repository } = resolved ?? (await getEnvironmentOrThrow(db, { repo, environment }));
  const matches = `($3::timestamptz IS NULL OR e.at >= $3) AND ($4::timestamptz IS NULL OR e.at < $4)
    AND ($5::text IS NULL OR (${EVENT_STATUS_SQL}) = $5)
    AND ($6::text IS NULL OR lower(${actorSql("$2")}) = lower($6))`;
  const params = [
    env.id,
    repository.id,
    filter.from ?? null,
    filter.to ?? null,
    filter.status ?? null,
    filter.actor ?? null,
  ];
  const direction = sort.desc ? "DESC" : "ASC";
  const [page, counts, actors] = await Promise.all([
    db.pool.query<ReleaseHistoryEvent>(
      // The PRs' commits are looked up once (pr_commits, read when the first shown event
      // counts), not once per event; each shown event then tests its added set against them.
      `WITH pr_commits AS MATERIALIZED (
         SELECT mc.idx, pr.number AS n FROM github_pull_request pr
           JOIN "commit" mc ON mc.repo_id = pr.repo_id AND mc.sha = pr.merge_commit_sha
          WHERE pr.repo_id = $2
         UNION ALL
         SELECT pc.idx, prc.pr_number FROM github_pull_request_commit prc
           JOIN "commit" pc ON pc.repo_id = prc.repo_id AND pc.sha = prc.sha
          WHERE prc.repo_id = $2)
       SELECT e.seq, to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at, e.source, e.ref, e.sha,
         ${actorSql("$2")} AS actor, e.counted, e.status, e.is_baseline AS baseline,
         e.added_count AS added, e.removed_count AS removed, ${SPLIT_COLUMNS},
         ${EVENT_STATUS_SQL} AS "statusKind",
         (SELECT count(DISTINCT p.n)::int FROM pr_commits p WHERE e.added_commits @> p.idx) AS prs
       FROM promotion_event e
       WHERE e.env_id = $1 AND ${matches}
       ORDER BY ${SORT_SQL[sort.column]} ${direction}, e.seq ${direction}
       LIMIT $7 OFFSET $8`,
      [...params, limit, offset],
    ),
    db.pool.query<{ total: number; all: number }>(
      `SELECT count(*) FILTER (WHERE ${matches})::int AS total, count(*)::int AS all
       FROM promotion_event e
       WHERE e.env_id = $1`,
      params,
    ),
    db.pool.query<{ actor: string }>(
      `SELECT DISTINCT ${actorSql("$2")} AS actor
       FROM promotion_event e
       WHERE e.env_id = $1 ORDER BY 1 LIMIT 500`,
      [env.id, repository.id],
    ),
  ]);
  return {
    repository,
    environment: env,
    events: page.rows,
    total: counts.rows[0]?.total ?? 0,
    environmentTotal: counts.rows[0]?.all ?? 0,
    actors: actors.rows.map((r) => r.actor).filter(Boolean),
  };
}

export interface LatestEvent extends PromotionEventRow {
  environment: string;
  statusKind: EventStatusKind;
  headline: string;
}

/** The latest events of a repository across its environments, newest first. */
export async function findLatestEvents(
  db: Pick<Db, "pool">,
  { repoId, limit = 15 }: { repoId: number; limit?: number },
): Promise<LatestEvent[]> {
  const { rows } = await db.pool.query<LatestEvent>(
    // The latest events first, then their commits: joined before the LIMIT, every event's
    // commit was read (a hash of all 80,000 commits) to keep 15.
    `SELECT e.environment, e.seq, to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at,
       e.source, e.ref, e.sha, COALESCE(e.actor, c.committer_name) AS actor, e.counted, e.status,
       e.is_baseline AS baseline, e.added_count AS added, e.removed_count AS removed, ${SPLIT_COLUMNS},
       ${EVENT_STATUS_SQL} AS "statusKind", split_part(c.message, E'\\n', 1) AS headline
     FROM (
       SELECT env.name AS environment, env.position, env.repo_id, e.seq, e.at, e.source, e.ref, e.sha, e.actor,
         e.counted, e.status, e.is_baseline, e.added_count, e.removed_count, e.superseded_count,
          e.is_pure_rollback, e.commit_idx
       FROM environment env JOIN promotion_event e ON e.env_id = env.id
       WHERE env.repo_id = $1
       ORDER BY e.at DESC, env.position DESC, e.seq DESC
       LIMIT $2) e
     JOIN "commit" c ON c.repo_id = e.repo_id AND c.idx = e.commit_idx
     ORDER BY e.at DESC, e.position DESC, e.seq DESC`,
    [repoId, limit],
  );
  return rows;
}
