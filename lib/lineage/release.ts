import "server-only";
import type { Db } from "../db/client";
import { AppError } from "../errors";
import { type EventStatusKind, eventStatusKind } from "./event-status";
import { getEnvironmentOrThrow, type PromotionEventRow, SPLIT_COLUMNS } from "./events-query";
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
  /**
   * Removed commits, one page; only when the split is unknown (else `commits` is empty and
   * `superseded` and `dropped` page them).
   */
  removed: ReleaseCommitsPage;
  /**
   * Whether the removed commits are split into superseded (the change is in this release
   * under another SHA: same `git patch-id --stable` as an added commit, as `git cherry` says)
   * and dropped. "unknown" for history read from GitHub only (no diffs).
   */
  removedSplit: "known" | "unknown";
  /** Removed commits whose change this release still has (cherry-picked, rebased); null: unknown. */
  superseded: ReleaseCommitsPage | null;
  /** Removed commits whose change is gone: what makes the event a rollback; null: unknown. */
  dropped: ReleaseCommitsPage | null;
  /** Whether any GitHub record of this repository is stored (else PRs, CI and signatures are unknown). */
  synced: boolean;
}

// SQL over promotion_event e, each an int4multirange of commit numbers.
const SETS = {
  added: "e.added_commits",
  removed: "e.removed_commits",
  superseded: "e.superseded_commits",
  dropped: "(e.removed_commits - e.superseded_commits)",
} as const;
type SetName = keyof typeof SETS;

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
  // Newest first by commit number (rev-list's topological order). The set is a multirange:
  // its ranges, newest first, with how many commits come before each, tell which ranges hold
  // the page, and only the page's idx values are generated (a baseline of 60,000 commits
  // reads 50, not 60,000 to sort). Position of idx in range [lo, hi): before + (hi - 1 - idx).
  const { rows } = await db.pool.query<{
    sha: string;
    headline: string;
    author: string;
    committed_at: string;
  }>(
    `SELECT c.sha, split_part(c.message, E'\\n', 1) AS headline, c.author_name AS author,
       to_char(c.committed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS committed_at
     FROM (
       SELECT idx FROM (
         SELECT lower(r) AS lo, upper(r) AS hi,
           COALESCE(sum(upper(r) - lower(r)) OVER (ORDER BY lower(r) DESC
             ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS before
         FROM promotion_event e, LATERAL unnest(${SETS[set]}) r
         WHERE e.id = $1) w,
         LATERAL generate_series(hi - 1 - greatest(0, $4::int - before), greatest(lo, hi - ($4::int + $3::int - before)), -1) idx
       WHERE before < $4::int + $3::int AND before + (hi - lo) > $4::int
       -- At most $3 rows anyway; the LIMIT tells the planner so (else it hashed every commit).
       ORDER BY idx DESC LIMIT $3) s
     JOIN "commit" c ON c.repo_id = $2 AND c.idx = s.idx
     ORDER BY s.idx DESC`,
    [eventId, repoId, limit, offset],
  );
  return rows;
}

/** A release without its commit lists: what the release page's layout and page both need. */
export interface ReleaseEvent
  extends Omit<Release, "added" | "removed" | "removedSplit" | "superseded" | "dropped"> {
  /** The promotion_event row (for reading its commit sets). */
  eventId: number;
}

/**
 * One event of an environment with its neighbours and the counted event before it, or
 * NOT_FOUND (naming the environment's range of events). Four reads in one query.
 */
export async function getReleaseEvent(
  db: Pick<Db, "pool">,
  { repo, environment, seq }: { repo: string; environment: string; seq: number },
): Promise<ReleaseEvent> {
  const { env, ...repository } = await getEnvironmentOrThrow(db, { repo, environment });
  const { rows } = await db.pool.query<
    PromotionEventRow & {
      id: number;
      headline: string;
      older: number | null;
      newer: number | null;
      previous: Release["previous"];
      synced: boolean;
    }
  >(
    `SELECT e.id, e.seq, to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at, e.source, e.ref, e.sha,
       COALESCE(e.actor, c.committer_name) AS actor, e.counted, e.status, e.is_baseline AS baseline,
       e.added_count AS added, e.removed_count AS removed, ${SPLIT_COLUMNS},
       split_part(c.message, E'\\n', 1) AS headline,
       (SELECT max(seq) FROM promotion_event WHERE env_id = e.env_id AND seq < e.seq) AS older,
       (SELECT min(seq) FROM promotion_event WHERE env_id = e.env_id AND seq > e.seq) AS newer,
       (SELECT json_build_object('seq', p.seq, 'ref', p.ref, 'sha', p.sha,
                 'at', to_char(p.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
          FROM promotion_event p WHERE p.env_id = e.env_id AND p.counted AND p.seq < e.seq
          ORDER BY p.seq DESC LIMIT 1) AS previous,
       EXISTS (SELECT 1 FROM github_commit WHERE repo_id = $3) AS synced
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
  const { id, older, newer, previous, synced, ...event } = row;
  return {
    eventId: id,
    repository,
    environment: { name: env.name, source: env.source, pattern: env.pattern },
    event: { ...event, statusKind: eventStatusKind(event) },
    previous: event.baseline ? null : previous,
    olderSeq: older,
    newerSeq: newer,
    synced,
  };
}

/**
 * One release (promotion event) of an environment: what it added and removed relative to
 * the environment's previous counted event, a page of each, with GitHub's PRs, approvals,
 * CI and signatures for the commits on the page. `release` is getReleaseEvent's answer for
 * the same event when the caller has it already (the release page's layout read it).
 */
export async function getRelease(
  db: Pick<Db, "pool" | "getPrisma">,
  {
    repo,
    environment,
    seq,
    addedPage = 1,
    removedPage = 1,
    supersededPage = 1,
    perPage = 50,
    release,
  }: {
    repo: string;
    environment: string;
    seq: number;
    addedPage?: number;
    /** The page of removed commits; of dropped ones when the split is known. */
    removedPage?: number;
    supersededPage?: number;
    perPage?: number;
    release?: ReleaseEvent;
  },
): Promise<Release> {
  const { eventId, ...head } = release ?? (await getReleaseEvent(db, { repo, environment, seq }));
  const repoId = head.repository.id;
  const page = async (set: SetName, n: number, total: number): Promise<ReleaseCommitsPage> => {
    const last = Math.max(1, Math.ceil(total / perPage));
    const current = Math.min(Math.max(1, n), last);
    const rows =
      total === 0
        ? []
        : await pageOfSet(db, { eventId, repoId, set, offset: (current - 1) * perPage, limit: perPage });
    return { commits: await describeCommits(db, repoId, rows, head.synced), total, page: current, perPage };
  };
  // Nothing removed needs no split; else the import recorded one, or it is unknown.
  const split = head.event.removed > 0 && head.event.superseded !== null;
  const [added, removed, superseded, dropped] = await Promise.all([
    page("added", addedPage, head.event.added),
    split
      ? { commits: [], total: head.event.removed, page: 1, perPage }
      : page("removed", removedPage, head.event.removed),
    split ? page("superseded", supersededPage, head.event.superseded!) : null,
    split ? page("dropped", removedPage, head.event.dropped!) : null,
  ]);
  return { ...head, added, removed, removedSplit: split ? "known" : "unknown", superseded, dropped };
}
