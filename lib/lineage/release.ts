import "server-only";
import type { Db } from "../db/client";
import { AppError } from "../errors";
import { type EventStatusKind, eventStatusKind } from "./event-status";
import { getEnvironmentOrThrow, type PromotionEventRow } from "./events-query";
import { describeCommits, type ReleaseCommit } from "./github-records";

export type { ReleaseCommit };

export interface ReleaseCommitsPage {
  commits: ReleaseCommit[];
  total: number;
  page: number;
  perPage: number;
}

export interface Release {
  repository: { id: number; fullName: string };
  environment: { name: string; source: PromotionEventRow["source"]; pattern: string };
  event: PromotionEventRow & { statusKind: EventStatusKind; headline: string };
  /** The counted event the added/removed sets are relative to; null for the baseline. */
  previous: { seq: number; ref: string; sha: string; at: string } | null;
  /** Neighbouring events of the environment (any status), for stepping through history. */
  olderSeq: number | null;
  newerSeq: number | null;
  added: ReleaseCommitsPage;
  removed: ReleaseCommitsPage;
  /**
   * Whether removed commits came back as cherry-picks (superseded) or were dropped. Not known
   * until events record it: then every removed commit is in `removed` and this says "unknown".
   */
  removedSplit: "unknown";
  /** Whether any GitHub record of this repository is stored (else PRs, CI and signatures are unknown). */
  synced: boolean;
}

type SetName = "added_commits" | "removed_commits";

async function pageOfSet(
  db: Pick<Db, "pool">,
  {
    eventId,
    repoId,
    set,
    offset,
    limit,
  }: { eventId: number; repoId: number; set: SetName; offset: number; limit: number },
) {
  // Newest first by commit number (rev-list's topological order): a range set expands to idx
  // values in SQL and only one page of them is read.
  const { rows } = await db.pool.query<{
    sha: string;
    headline: string;
    author: string;
    committed_at: string;
  }>(
    `SELECT c.sha, split_part(c.message, E'\\n', 1) AS headline, c.author_name AS author,
       to_char(c.committed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS committed_at
     FROM (
       SELECT idx FROM promotion_event e,
         LATERAL unnest(e.${set}) r, LATERAL generate_series(lower(r), upper(r) - 1) idx
       WHERE e.id = $1 ORDER BY idx DESC LIMIT $3 OFFSET $4) s
     JOIN "commit" c ON c.repo_id = $2 AND c.idx = s.idx
     ORDER BY s.idx DESC`,
    [eventId, repoId, limit, offset],
  );
  return rows;
}

/**
 * One release (promotion event) of an environment: what it added and removed relative to
 * the environment's previous counted event, a page of each, with GitHub's PRs, approvals,
 * CI and signatures for the commits on the page.
 */
export async function getRelease(
  db: Pick<Db, "pool" | "getPrisma">,
  {
    repo,
    environment,
    seq,
    addedPage = 1,
    removedPage = 1,
    perPage = 50,
  }: {
    repo: string;
    environment: string;
    seq: number;
    addedPage?: number;
    removedPage?: number;
    perPage?: number;
  },
): Promise<Release> {
  const { env, ...repository } = await getEnvironmentOrThrow(db, { repo, environment });
  const { rows } = await db.pool.query<
    PromotionEventRow & { id: number; headline: string; older: number | null; newer: number | null }
  >(
    `SELECT e.id, e.seq, to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at, e.source, e.ref, e.sha,
       COALESCE(e.actor, c.committer_name) AS actor, e.counted, e.status, e.is_baseline AS baseline,
       e.added_count AS added, e.removed_count AS removed, (e.removed_count > 0) AS rollback,
       split_part(c.message, E'\\n', 1) AS headline,
       (SELECT max(seq) FROM promotion_event WHERE env_id = e.env_id AND seq < e.seq) AS older,
       (SELECT min(seq) FROM promotion_event WHERE env_id = e.env_id AND seq > e.seq) AS newer
     FROM promotion_event e JOIN "commit" c ON c.repo_id = $3 AND c.idx = e.commit_idx
     WHERE e.env_id = $1 AND e.seq = $2`,
    [env.id, seq, repository.id],
  );
  const row = rows[0];
  if (!row) {
    const { rows: range } = await db.pool.query<{ min: number | null; max: number | null }>(
      "SELECT min(seq) AS min, max(seq) AS max FROM promotion_event WHERE env_id = $1",
      [env.id],
    );
    const known =
      range[0]?.min == null ? "it has no events yet" : `its events are #${range[0].min} to #${range[0].max}`;
    throw new AppError("NOT_FOUND", `${repository.fullName} ${env.name} has no event #${seq} (${known})`);
  }
  const { rows: prev } = await db.pool.query<{ seq: number; ref: string; sha: string; at: string }>(
    `SELECT seq, ref, sha, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at
     FROM promotion_event WHERE env_id = $1 AND counted AND seq < $2 ORDER BY seq DESC LIMIT 1`,
    [env.id, seq],
  );
  const { rows: syncedRows } = await db.pool.query<{ synced: boolean }>(
    "SELECT EXISTS (SELECT 1 FROM github_commit WHERE repo_id = $1) AS synced",
    [repository.id],
  );
  const synced = syncedRows[0]?.synced ?? false;
  const page = async (set: SetName, n: number, total: number): Promise<ReleaseCommitsPage> => {
    const last = Math.max(1, Math.ceil(total / perPage));
    const current = Math.min(Math.max(1, n), last);
    const commits = await describeCommits(
      db,
      repository.id,
      await pageOfSet(db, {
        eventId: row.id,
        repoId: repository.id,
        set,
        offset: (current - 1) * perPage,
        limit: perPage,
      }),
      synced,
    );
    return { commits, total, page: current, perPage };
  };
  const { id: _id, older, newer, ...event } = row;
  return {
    repository,
    environment: { name: env.name, source: env.source, pattern: env.pattern },
    event: { ...event, statusKind: eventStatusKind(event) },
    previous: event.baseline ? null : (prev[0] ?? null),
    olderSeq: older,
    newerSeq: newer,
    added: await page("added_commits", addedPage, event.added),
    removed: await page("removed_commits", removedPage, event.removed),
    removedSplit: "unknown",
    synced,
  };
}
